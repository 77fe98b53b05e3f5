/**
 * A service record computed from its Service, its Endpoints object and its namespace's pods:
 * selection, readiness, port chains, problems and data (see the service fields in ../model.js).
 * Its pods' links follow; the pods whose services or problems change are marked in `d`.
 */

import { entryId, ids } from "./ids.js";
import {
  controllerEndpointState,
  effectiveTargetPort,
  endpointsHop,
  endpointsIndex,
  entryPoints,
  portChain,
  serviceSelector,
  specOf,
} from "./rules.js";
import { portLabel } from "./problems.js";
import { matchPods } from "./records.js";

const endpointsIndexes = new WeakMap(); // Endpoints object → its endpointsIndex (objects are immutable)

const chainCache = new WeakMap(); // Service object → WeakMap(Pod object → its port chain)

function cachedChains(svc) {
  let m = chainCache.get(svc);
  if (!m) chainCache.set(svc, (m = new WeakMap()));
  return m;
}

const entryCache = new WeakMap(); // Service object → {nodeIPs, entries}

function cachedEntryPoints(svc, nodeIPs) {
  const hit = entryCache.get(svc);
  if (hit && hit.nodeIPs === nodeIPs) return hit.entries;
  const entries = entryPoints(svc, nodeIPs);
  entryCache.set(svc, { nodeIPs, entries });
  return entries;
}

function cachedEndpointsIndex(endpoints) {
  let index = endpointsIndexes.get(endpoints);
  if (!index) endpointsIndexes.set(endpoints, (index = endpointsIndex(endpoints)));
  return index;
}

/** A service's selection, readiness, chains and problems; its pods' links follow. */
export function computeService(st, store, s, d) {
  const sp = st.spaces.get(s.namespace);
  const svc = s.svc;
  const ns = s.namespace;
  const name = s.name;
  const id = ids.service(ns, name);
  const spec = specOf(svc);
  const type = spec.type || "ClusterIP";
  const epObj = type === "ExternalName" ? undefined : store.get("Endpoints", ns, name);
  const ep = epObj ? cachedEndpointsIndex(epObj) : null;
  const selector = serviceSelector(svc);
  let selected = [];
  let via = "selector";
  if (selector) {
    selected = matchPods(sp, selector);
  } else if (ep) {
    via = "endpoints";
    for (const podName of [...ep.byPod.keys()].sort()) {
      const rec = sp.pods.get(podName);
      if (rec) selected.push(rec);
    }
  }
  const links = [];
  const unresolved = new Map(); // port label → [pod names]
  const chainsOf = via === "selector" ? cachedChains(svc) : null;
  const shared = via === "selector" ? null : (spec.ports || []).map((p) => endpointsHop(p, epObj));
  for (const rec of selected) {
    const endpoint = ep ? (ep.byPod.get(rec.name) ?? "absent") : controllerEndpointState(svc, rec.obj);
    let chains = shared;
    if (chainsOf) {
      chains = chainsOf.get(rec.obj);
      if (!chains) chainsOf.set(rec.obj, (chains = portChain(svc, rec.obj)));
    }
    let bad = "";
    for (const hop of chains) {
      if (hop.resolved) continue;
      const label = portLabel(hop);
      bad += `${label}\n`;
      if (!unresolved.has(label)) unresolved.set(label, []);
      unresolved.get(label).push(rec.name);
    }
    links.push({ rec, endpoint, chains, bad });
  }
  // the pods whose list of services or problems changes
  const before = new Map();
  for (const l of s.links) before.set(l.rec, l);
  for (const l of links) {
    const was = before.get(l.rec);
    l.rec.links.set(s, l);
    if (!was || was.bad !== l.bad) d.pods.add(l.rec);
    before.delete(l.rec);
  }
  for (const [rec, l] of before) {
    if (rec.links.get(s) === l) rec.links.delete(s);
    d.pods.add(rec);
  }

  let endpoints;
  if (ep) {
    endpoints = { ready: ep.ready, notReady: ep.notReady, total: ep.ready + ep.notReady };
  } else {
    const ready = links.filter((l) => l.endpoint === "ready").length;
    const notReady = links.filter((l) => l.endpoint === "notReady").length;
    endpoints = { ready, notReady, total: ready + notReady };
  }
  const problems = [];
  if (type !== "ExternalName") {
    if (endpoints.total === 0) problems.push("no endpoints");
    else if (endpoints.ready === 0) {
      problems.push(`no ready endpoints (${endpoints.notReady} not ready)`);
    }
  }
  for (const [label, names] of unresolved) {
    problems.push(
      names.length === 1
        ? `port ${label} unresolved in pod ${names[0]}`
        : `port ${label} unresolved in ${names.length} pods`,
    );
  }
  const ingress = svc.status?.loadBalancer?.ingress || [];
  const pending = type === "LoadBalancer" && ingress.length === 0;
  if (pending) problems.push("load balancer pending");
  const manualEndpoints =
    !selector && ep
      ? ep.addresses.map((a) => ({
          ip: a.ip,
          ready: a.ready,
          nodeName: a.nodeName,
          pod: a.podName && sp.pods.has(a.podName) ? ids.pod(ns, a.podName) : null,
        }))
      : [];
  const data = {
    type,
    clusterIP: spec.clusterIP ?? null,
    clusterIPs: spec.clusterIPs || (spec.clusterIP ? [spec.clusterIP] : []),
    headless: spec.clusterIP === "None",
    externalName: type === "ExternalName" ? spec.externalName || null : null,
    ports: (spec.ports || []).map((p) => ({
      name: p.name || "",
      protocol: p.protocol || "TCP",
      port: p.port,
      targetPort: effectiveTargetPort(p),
      nodePort: p.nodePort || null,
    })),
    selector: selector ? { ...selector } : null,
    sessionAffinity: spec.sessionAffinity || "None",
    publishNotReadyAddresses: !!spec.publishNotReadyAddresses,
    endpoints,
    entries: cachedEntryPoints(svc, st.nodeIPs),
    manualEndpoints,
    pending,
  };
  s.id = id;
  s.type = type;
  s.data = data;
  s.problems = problems;
  s.links = links;
  s.via = via;
  s.selector = selector;
  s.ep = ep;
  s.entryIds = new Set(data.entries.map((e) => entryId(s, e)));
}
