/**
 * model.js — the topology the graph and the table draw, as one pure function over the objects
 * of the live feed. No DOM, no I/O; deterministic (same input → same View, same order).
 *
 *   import { buildView } from "./model.js";
 *   const view = buildView(store, { namespaces: null, expanded: new Set(), collapseAbove: 5,
 *                                   maxPods: 1500 });
 *
 * Also exported (pure, for the table, the forms' selector preview and tests): selects,
 * serviceSelector, selectorMatches, portHop / portChain (FindPort), effectiveTargetPort,
 * isPodReady, shouldPodBeInEndpoints, controllerEndpointState, endpointsIndex, entryPoints,
 * internalIP, ids (the id builders below).
 *
 * `store` is anything with `all(kind)` (iterable of Kubernetes JSON objects) and
 * `get(kind, namespace, name)` (namespace "" for cluster-scoped kinds) — the Store of store.js.
 * Kinds read: Namespace, Node, Pod, Service, Endpoints, Deployment, ReplicaSet, StatefulSet,
 * DaemonSet, Job.
 *
 * OPTIONS
 *   namespaces     Set<string> | null   only these namespaces (null: all)
 *   expanded       Set<workloadId>      workloads the user unfolded (ids as below)
 *   collapsed      Set<workloadId>      [additive] workloads the user folded although small enough to
 *                                       be drawn unfolded (expanded wins if an id is in both)
 *   collapseAbove  number (5)           a workload with more pods than this is folded unless expanded
 *   maxPods        number (1500)        level of detail: if more than this many pods would be drawn,
 *                                       every workload is folded (expanded ones stay open, in id
 *                                       order, while they fit in this budget) and standalone pods of a
 *                                       namespace are folded into one group (`wl:<ns>/Pod/*`)
 *   maxEntries     number (600)         [additive] above this many entry-point nodes, entry points are
 *                                       not drawn as nodes (they stay in the service's data.entries)
 *   maxNodes       number (3000)        [additive] second level of detail: if namespaces + services +
 *                                       workloads + drawn pods still exceed this, the "quiet" workloads
 *                                       of each namespace (no problem, selected by no service, not in
 *                                       `expanded`) become one folded node `wl:<ns>/*` (kind "*",
 *                                       data.workloads lists them); that id in `expanded` keeps them apart
 *
 * VIEW  (contract fields first; fields marked + are additive)
 *   { nodes: [ViewNode], edges: [ViewEdge],
 *     counts: { services, pods, drawnNodes, drawnEdges,
 *               +workloads, +problems (nodes with problems),
 *               +lod (bool: a level of detail folded or merged something) },
 *     +services: [ServiceRow] }        one row per visible Service, for the table (see below)
 *
 * IDS (stable: derived from kind/namespace/name only, so a change keeps every other id)
 *   ns:<ns>                                namespace
 *   svc:<ns>/<name>                        service
 *   wl:<ns>/<Kind>/<name>                  workload (Deployment, StatefulSet, DaemonSet, Job, or a
 *                                          ReplicaSet without a Deployment); wl:<ns>/Pod/* is the
 *                                          level-of-detail group of standalone pods, wl:<ns>/* the
 *                                          group of quiet workloads (see maxNodes)
 *   pod:<ns>/<name>                        pod
 *   entry:nodeport:<ns>/<svc>:<nodePort>   one node per node port (data.addresses = every node's
 *                                          InternalIP:nodePort)
 *   entry:lb:<ns>/<svc>:<ip-or-hostname>   load-balancer ingress
 *   entry:externalip:<ns>/<svc>:<ip>       spec.externalIPs
 *   ext:<externalName>                     the DNS name an ExternalName service points at (shared
 *                                          by every service naming it)
 *   addr:<ns>/<svc>/<ip>                   a manual endpoint address of a selector-less service that
 *                                          no pod backs (type "external", data.kind "address")
 *   edges: <source>-><target>
 *
 * VIEWNODE
 *   { id, type: "namespace"|"service"|"workload"|"pod"|"entry"|"external",
 *     parent?: namespace id (services, workloads, entries, standalone pods) or workload id (pods
 *              drawn inside an unfolded workload); external nodes have no parent,
 *     label, namespace ("" for external nodes), name, kind (Kubernetes kind, "External" for
 *     external nodes, "Entry" for entries), problems: [string], data }
 *   data by type:
 *   namespace  { phase, +services, +pods, +problems (count of problem nodes inside) }
 *   service    { type ("ClusterIP"|"NodePort"|"LoadBalancer"|"ExternalName"), clusterIP,
 *                clusterIPs, headless (clusterIP "None"), externalName|null,
 *                ports: [{name, protocol, port, targetPort, nodePort|null}],
 *                selector: {..}|null, sessionAffinity, publishNotReadyAddresses,
 *                endpoints: {ready, notReady, total}  (from the Endpoints object when there is one,
 *                           else from the selected pods),
 *                entries: [{kind: "nodePort"|"loadBalancer"|"externalIP", address, port, servicePort}]
 *                         (every entry point, also when not drawn),
 *                manualEndpoints: [{ip, ready, nodeName|null, pod|null (pod id)}] (selector-less only),
 *                pending: bool (LoadBalancer without ingress) }
 *   workload   { kind, ready, total (pods present), succeeded, desired (spec.replicas|null),
 *                expanded (drawn unfolded), folded (pods hidden), pods: [pod id],
 *                workloads?: [workload id] (only on the wl:<ns>/* group) }
 *   pod        { phase, ready (Ready condition), node|null, ip|null, hostIP|null, terminating,
 *                workload: wl id|null, labels, services: [svc id] }
 *   entry      { kind: "nodePort"|"loadBalancer"|"externalIP",
 *                address (nodePort: "<first node IP>:<nodePort>"; others: the IP or hostname),
 *                addresses: ["<address>:<port>", ...] (nodePort: one per node; others: one per
 *                service port), ports: [port numbers], port (the first), service: svc id }
 *   external   { kind: "externalName"|"address", address,
 *                ready, service: svc id (address only; at most 20 address nodes per service) }
 *
 * PROBLEM STRINGS (problem nodes are never folded away: a folded workload carries its pods')
 *   service:  "no endpoints" (nothing serves it: no ready and no not-ready endpoint),
 *             "no ready endpoints (N not ready)",
 *             "port <name|port> unresolved in pod <pod>" / "... in N pods"
 *             "load balancer pending"
 *             (ExternalName services have no endpoints by design: no problem)
 *   pod:      one of "pod not ready", "pod failed", "pod pending", "pod terminating",
 *             "pod <other phase, lower case>" (a Succeeded pod has none), and per service
 *             "port <name|port> of service <svc> unresolved"
 *   workload: "N of M pods not ready", "N pods failed", "port <p> of service <svc> unresolved in
 *             N pods" (its pods' problems, counted, whether folded or not), "K of D replicas"
 *             (fewer pods than spec.replicas)
 *
 * VIEWEDGE
 *   { id, source, target, type: "selects"|"entry"|"external",
 *     ready: bool (pod / address edge; entry and externalName edges: true)
 *            | {ready, total} (service → folded workload: counted over its selected pods),
 *     chains: [{servicePort (number), protocol, targetPort (number|string), containerPort|null,
 *               containerName|null, resolved, reason|null, +portName, +nodePort|null,
 *               +declared (an integer targetPort some container declares)}],
 *             (one per service port; for a folded workload the chain of its first pod with an
 *              unresolved hop, else of its first pod; [] for entry/external edges)
 *     +endpoint: "ready"|"notReady"|"absent" (selects edges to a pod, and address edges: where
 *                it stands in the service's Endpoints; "absent" = not an endpoint, e.g. no IP,
 *                terminating, finished, or not (yet) listed by the Endpoints object)
 *     +via: "selector"|"endpoints" (selects: chosen by selector or by an Endpoints targetRef)
 *     +pods: number (service → folded workload: how many of its pods the service selects) }
 *
 * READINESS (per service and pod): when the service has an Endpoints object, the pod's place in it
 * (addresses → ready, notReadyAddresses → not ready, matched by targetRef name, else absent); with
 * no Endpoints object, the endpoints controller's rule (ShouldPodBeInEndpoints: not Succeeded or
 * Failed, has an IP, not terminating unless publishNotReadyAddresses; then ready if the Ready
 * condition is True or publishNotReadyAddresses).
 *
 * SERVICEROW (+view.services, for the table; sorted by namespace, name)
 *   { id, namespace, name, type, clusterIP, headless, externalName, ports, endpoints, problems,
 *     entries, manualEndpoints, labels (the Service's metadata.labels),
 *     pods: [{id, name, namespace, phase, ready, endpoint, node, ip, chains, workload, labels,
 *             problems}] }   every pod the service selects (folded or not), sorted by id
 */

// ---------------------------------------------------------------------------------------------
// Kubernetes rules (pure helpers, exported for the table, the forms' preview and the tests)

const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"];
const MAX_ADDRESS_NODES = 20; // manual endpoint addresses drawn per selector-less service
const TERMINAL_PHASES = new Set(["Succeeded", "Failed"]);

export const ids = {
  namespace: (ns) => `ns:${ns}`,
  service: (ns, name) => `svc:${ns}/${name}`,
  workload: (ns, kind, name) => `wl:${ns}/${kind}/${name}`,
  standalone: (ns) => `wl:${ns}/Pod/*`,
  quiet: (ns) => `wl:${ns}/*`,
  pod: (ns, name) => `pod:${ns}/${name}`,
  nodePort: (ns, svc, nodePort) => `entry:nodeport:${ns}/${svc}:${nodePort}`,
  loadBalancer: (ns, svc, address) => `entry:lb:${ns}/${svc}:${address}`,
  externalIP: (ns, svc, ip) => `entry:externalip:${ns}/${svc}:${ip}`,
  externalName: (host) => `ext:${host}`,
  address: (ns, svc, ip) => `addr:${ns}/${svc}/${ip}`,
  edge: (source, target) => `${source}->${target}`,
};

const nsOf = (obj) => obj?.metadata?.namespace || "default";
const nameOf = (obj) => obj?.metadata?.name || "";
const specOf = (obj) => obj?.spec || {};

/** A Service's selector as a plain object, or null when it selects nothing: no selector (absent
 * or `{}` — "no selector, endpoints not managed") or an ExternalName Service. */
export function serviceSelector(service) {
  const spec = specOf(service);
  const sel = spec.selector;
  if (!sel || spec.type === "ExternalName" || Object.keys(sel).length === 0) return null;
  return sel;
}

/** Equality selector over labels: every key present with exactly that value
 * (labels.SelectorFromValidatedSet / AsSelectorPreValidated). */
export function selectorMatches(selector, labels) {
  if (!selector) return false;
  const l = labels || {};
  for (const k in selector) {
    if (!Object.prototype.hasOwnProperty.call(l, k) || l[k] !== selector[k]) return false;
  }
  return true;
}

/** Whether `service` selects `pod` (same namespace, equality selector; see serviceSelector). */
export function selects(service, pod) {
  const sel = serviceSelector(service);
  if (!sel || nsOf(service) !== nsOf(pod)) return false;
  return selectorMatches(sel, pod?.metadata?.labels);
}

/** The containers FindPort searches, in its order: containers, then restartPolicy Always
 * ("native sidecar") init containers. */
function portContainers(pod) {
  const spec = specOf(pod);
  const out = spec.containers ? [...spec.containers] : [];
  for (const c of spec.initContainers || []) if (c.restartPolicy === "Always") out.push(c);
  return out;
}

/** A service port's targetPort as FindPort sees it: absent / "" / 0 → the port; a numeric
 * string → that number. */
export function effectiveTargetPort(servicePort) {
  let target = servicePort.targetPort;
  if (target === undefined || target === null || target === "" || target === 0) {
    target = servicePort.port;
  }
  if (typeof target === "string" && /^[0-9]+$/.test(target)) target = Number(target);
  return target;
}

/** One hop of the port chain: service port → targetPort → container port in `pod`, following
 * FindPort (pkg/api/v1/pod/util.go): an integer targetPort is used as it is, declared or not; a
 * name is looked up in the containers, then restartPolicy:Always init containers, with the
 * same protocol. */
export function portHop(servicePort, pod) {
  const protocol = servicePort.protocol || "TCP";
  const target = effectiveTargetPort(servicePort);
  const hop = {
    servicePort: servicePort.port,
    portName: servicePort.name || "",
    protocol,
    targetPort: target,
    nodePort: servicePort.nodePort || null,
    containerPort: null,
    containerName: null,
    resolved: false,
    reason: null,
    declared: false,
  };
  const containers = portContainers(pod);
  if (typeof target === "number") {
    hop.containerPort = target;
    hop.resolved = true;
    for (const c of containers) {
      for (const p of c.ports || []) {
        if (p.containerPort === target && (p.protocol || "TCP") === protocol) {
          hop.containerName = c.name || null;
          hop.declared = true;
          return hop;
        }
      }
    }
    return hop; // used as it is: the pod may still listen there
  }
  for (const c of containers) {
    for (const p of c.ports || []) {
      if (p.name === target && (p.protocol || "TCP") === protocol) {
        hop.containerPort = p.containerPort ?? null;
        hop.containerName = c.name || null;
        hop.resolved = true;
        hop.declared = true;
        return hop;
      }
    }
  }
  hop.reason = `no container port named '${target}' with protocol ${protocol}`;
  return hop;
}

/** The port chain of `service` into `pod`: one hop per service port. */
export function portChain(service, pod) {
  return (specOf(service).ports || []).map((p) => portHop(p, pod));
}

/** IsPodReady (pkg/api/v1/pod/util.go): the Ready condition is True. */
export function isPodReady(pod) {
  for (const c of pod?.status?.conditions || []) {
    if (c.type === "Ready") return c.status === "True";
  }
  return false;
}

/** ShouldPodBeInEndpoints (k8s.io/endpointslice/util): not Succeeded/Failed, has an IP, and not
 * terminating unless terminating pods are included (publishNotReadyAddresses). */
export function shouldPodBeInEndpoints(pod, includeTerminating) {
  const status = pod?.status || {};
  if (TERMINAL_PHASES.has(status.phase)) return false;
  if (!status.podIP && !(status.podIPs && status.podIPs.length)) return false;
  if (!includeTerminating && pod?.metadata?.deletionTimestamp) return false;
  return true;
}

/** Where a selected pod would stand in the service's endpoints when no Endpoints object is
 * known: the endpoints controller's syncService/addEndpointSubset rule. */
export function controllerEndpointState(service, pod) {
  const tolerate = !!specOf(service).publishNotReadyAddresses;
  if (!shouldPodBeInEndpoints(pod, tolerate)) return "absent";
  return tolerate || isPodReady(pod) ? "ready" : "notReady";
}

/** The readiness index of an Endpoints object: pod name → "ready" | "notReady" (a pod that is
 * ready in any subset is ready), plus the addresses no pod backs. */
export function endpointsIndex(endpoints) {
  const byPod = new Map();
  const addresses = new Map(); // ip → {ip, ready, nodeName, pod}
  let ready = 0;
  let notReady = 0;
  const seen = new Map(); // address key → ready
  for (const subset of endpoints?.subsets || []) {
    for (const [list, state] of [
      [subset.addresses, "ready"],
      [subset.notReadyAddresses, "notReady"],
    ]) {
      for (const a of list || []) {
        const ref = a.targetRef;
        const podName = ref && (ref.kind || "Pod") === "Pod" ? ref.name : null;
        const key = podName ? `pod/${podName}` : `ip/${a.ip}`;
        const was = seen.get(key);
        if (was === undefined || (was === "notReady" && state === "ready")) seen.set(key, state);
        if (podName) {
          if (byPod.get(podName) !== "ready") byPod.set(podName, state);
        }
        const prev = addresses.get(a.ip);
        if (!prev || (!prev.ready && state === "ready")) {
          addresses.set(a.ip, {
            ip: a.ip,
            ready: state === "ready",
            nodeName: a.nodeName || null,
            podName,
          });
        }
      }
    }
  }
  for (const state of seen.values()) state === "ready" ? ready++ : notReady++;
  return { byPod, addresses: [...addresses.values()], ready, notReady };
}

/** The InternalIP of a Node ("" if none). */
export function internalIP(node) {
  for (const a of node?.status?.addresses || []) if (a.type === "InternalIP") return a.address || "";
  return "";
}

/** Where traffic enters a service: [{kind, address, port, servicePort}] — every node's
 * InternalIP at each nodePort, each load-balancer ingress (ip, else hostname) and each external IP
 * at each service port. (The cluster IP is the service's own data; ExternalName has none.) */
export function entryPoints(service, nodeIPs) {
  const spec = specOf(service);
  if (spec.type === "ExternalName") return [];
  const out = [];
  const ingress = (service?.status?.loadBalancer?.ingress || [])
    .map((i) => i.ip || i.hostname)
    .filter(Boolean);
  for (const p of spec.ports || []) {
    const sp = p.name || p.port;
    if (p.nodePort) {
      for (const ip of nodeIPs) {
        out.push({ kind: "nodePort", address: ip, port: p.nodePort, servicePort: sp });
      }
    }
    for (const address of ingress) {
      out.push({ kind: "loadBalancer", address, port: p.port, servicePort: sp });
    }
    for (const ip of spec.externalIPs || []) {
      out.push({ kind: "externalIP", address: ip, port: p.port, servicePort: sp });
    }
  }
  return out;
}

/** The controller reference of an object (controller: true, else the only/first owner). */
function controllerRef(obj) {
  const refs = obj?.metadata?.ownerReferences;
  if (!refs || refs.length === 0) return null;
  return refs.find((r) => r.controller) || refs[0];
}

function byId(a, b) {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function keyCompare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The port chain of a selector-less service into a pod its Endpoints names: the service port
 * maps to the Endpoints port of the same name (what kube-proxy programs), not to a FindPort
 * lookup. */
function endpointsHop(servicePort, endpoints) {
  const protocol = servicePort.protocol || "TCP";
  const name = servicePort.name || "";
  const hop = {
    servicePort: servicePort.port,
    portName: name,
    protocol,
    targetPort: effectiveTargetPort(servicePort),
    nodePort: servicePort.nodePort || null,
    containerPort: null,
    containerName: null,
    resolved: false,
    reason: null,
    declared: false,
  };
  for (const subset of endpoints?.subsets || []) {
    for (const p of subset.ports || []) {
      if ((p.name || "") === name && (p.protocol || "TCP") === protocol) {
        hop.containerPort = p.port ?? null;
        hop.resolved = true;
        return hop;
      }
    }
  }
  hop.reason = `no Endpoints port named '${name}' with protocol ${protocol}`;
  return hop;
}

const portLabel = (hop) => hop.portName || String(hop.servicePort);
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
const GROUPED_OWNER_KINDS = new Set([
  "ReplicaSet",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "ReplicationController",
  "Deployment",
]);

function podOwnProblem(pod) {
  const phase = pod?.status?.phase || "Pending";
  if (pod?.metadata?.deletionTimestamp) return "pod terminating";
  if (phase === "Failed") return "pod failed";
  if (phase === "Succeeded") return null;
  if (phase === "Pending") return "pod pending";
  if (phase !== "Running") return `pod ${String(phase).toLowerCase()}`;
  return isPodReady(pod) ? null : "pod not ready";
}

// ---------------------------------------------------------------------------------------------
// buildView

/** The View of the objects in `store` (see the top of this file). */
export function buildView(store, options = {}) {
  const filter = options.namespaces ?? null;
  const expanded = options.expanded ?? new Set();
  const collapsed = options.collapsed ?? new Set();
  const collapseAbove = options.collapseAbove ?? 5;
  const maxPods = options.maxPods ?? 1500;
  const maxEntries = options.maxEntries ?? 600;
  const maxNodes = options.maxNodes ?? 3000;
  const visible = (ns) => filter === null || filter.has(ns);

  const nodeIPs = [...store.all("Node")]
    .sort((a, b) => keyCompare(nameOf(a), nameOf(b)))
    .map(internalIP)
    .filter(Boolean);

  // Namespaces ------------------------------------------------------------------------------
  const nsInfo = new Map();
  const touchNs = (ns) => {
    let info = nsInfo.get(ns);
    if (!info) {
      info = { phase: null, services: 0, pods: 0, problems: 0 };
      nsInfo.set(ns, info);
    }
    return info;
  };
  for (const n of store.all("Namespace")) {
    const name = nameOf(n);
    if (visible(name)) touchNs(name).phase = n?.status?.phase ?? null;
  }

  // Workload groups ---------------------------------------------------------------------------
  const groups = new Map();
  const ensureGroup = (ns, kind, name) => {
    const id = ids.workload(ns, kind, name);
    let g = groups.get(id);
    if (!g) {
      g = { id, namespace: ns, kind, name, obj: null, pods: [], synthetic: false };
      groups.set(id, g);
      touchNs(ns);
    }
    return g;
  };
  for (const kind of WORKLOAD_KINDS) {
    for (const obj of store.all(kind)) {
      const ns = nsOf(obj);
      if (!visible(ns)) continue;
      if (kind === "ReplicaSet") {
        const ref = controllerRef(obj);
        if (ref && ref.kind === "Deployment") continue; // drawn as its Deployment
      }
      ensureGroup(ns, kind, nameOf(obj)).obj = obj;
    }
  }
  const rsOwner = new Map();
  const workloadOf = (pod, ns) => {
    const ref = controllerRef(pod);
    if (!ref || !GROUPED_OWNER_KINDS.has(ref.kind)) return null;
    if (ref.kind !== "ReplicaSet") return ensureGroup(ns, ref.kind, ref.name);
    const key = `${ns}/${ref.name}`;
    let g = rsOwner.get(key);
    if (!g) {
      const rs = store.get("ReplicaSet", ns, ref.name);
      const up = rs && controllerRef(rs);
      g =
        up && up.kind === "Deployment"
          ? ensureGroup(ns, "Deployment", up.name)
          : ensureGroup(ns, "ReplicaSet", ref.name);
      rsOwner.set(key, g);
    }
    return g;
  };

  // Pods, indexed by namespace and label key=value -------------------------------------------
  const pods = [];
  for (const pod of store.all("Pod")) {
    const ns = nsOf(pod);
    if (!visible(ns)) continue;
    const name = nameOf(pod);
    pods.push({
      id: ids.pod(ns, name),
      obj: pod,
      namespace: ns,
      name,
      labels: pod.metadata?.labels || {},
      phase: pod.status?.phase || "Pending",
      ready: isPodReady(pod),
      group: null,
      services: [],
      problems: [],
      unresolved: [], // "port <p> of service <s>" for each unresolved hop
      drawn: false,
    });
  }
  pods.sort(byId);
  const podByKey = new Map();
  const labelIndex = new Map();
  for (const rec of pods) {
    podByKey.set(`${rec.namespace}/${rec.name}`, rec);
    touchNs(rec.namespace).pods++;
    rec.group = workloadOf(rec.obj, rec.namespace);
    const own = podOwnProblem(rec.obj);
    if (own) rec.problems.push(own);
    let idx = labelIndex.get(rec.namespace);
    if (!idx) labelIndex.set(rec.namespace, (idx = new Map()));
    for (const k in rec.labels) {
      const key = `${k}\u0000${rec.labels[k]}`;
      const list = idx.get(key);
      if (list) list.push(rec);
      else idx.set(key, [rec]);
    }
  }
  const matchPods = (ns, selector) => {
    const idx = labelIndex.get(ns);
    if (!idx) return [];
    let best = null;
    for (const k in selector) {
      const list = idx.get(`${k}\u0000${selector[k]}`);
      if (!list) return [];
      if (!best || list.length < best.length) best = list;
    }
    return best ? best.filter((rec) => selectorMatches(selector, rec.labels)) : [];
  };

  // Services: selection, readiness, chains, entry points ---------------------------------------
  const services = [];
  for (const svc of store.all("Service")) if (visible(nsOf(svc))) services.push(svc);
  services.sort((a, b) =>
    keyCompare(`${nsOf(a)}/${nameOf(a)}`, `${nsOf(b)}/${nameOf(b)}`),
  );
  const serviceRecs = services.map((svc) => {
    const ns = nsOf(svc);
    const name = nameOf(svc);
    const id = ids.service(ns, name);
    const spec = specOf(svc);
    const type = spec.type || "ClusterIP";
    touchNs(ns).services++;
    const epObj = type === "ExternalName" ? undefined : store.get("Endpoints", ns, name);
    const ep = epObj ? endpointsIndex(epObj) : null;
    const selector = serviceSelector(svc);
    let selected = [];
    let via = "selector";
    if (selector) {
      selected = matchPods(ns, selector);
    } else if (ep) {
      via = "endpoints";
      for (const podName of [...ep.byPod.keys()].sort()) {
        const rec = podByKey.get(`${ns}/${podName}`);
        if (rec) selected.push(rec);
      }
    }
    const links = [];
    const unresolved = new Map(); // port label → [pod names]
    for (const rec of selected) {
      const endpoint = ep ? (ep.byPod.get(rec.name) ?? "absent") : controllerEndpointState(svc, rec.obj);
      const chains =
        via === "selector"
          ? portChain(svc, rec.obj)
          : (spec.ports || []).map((p) => endpointsHop(p, epObj));
      rec.services.push(id);
      for (const hop of chains) {
        if (hop.resolved) continue;
        const label = portLabel(hop);
        const key = `port ${label} of service ${name}`;
        rec.problems.push(`${key} unresolved`);
        rec.unresolved.push(key);
        if (!unresolved.has(label)) unresolved.set(label, []);
        unresolved.get(label).push(rec.name);
      }
      links.push({ rec, endpoint, chains });
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
            pod: a.podName && podByKey.has(`${ns}/${a.podName}`) ? ids.pod(ns, a.podName) : null,
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
      entries: entryPoints(svc, nodeIPs),
      manualEndpoints,
      pending,
    };
    return { id, svc, namespace: ns, name, type, data, problems, links, via };
  });

  // Folding and level of detail -------------------------------------------------------------
  const standalone = new Map(); // ns → [pod rec]
  for (const rec of pods) {
    if (rec.group) rec.group.pods.push(rec);
    else {
      if (!standalone.has(rec.namespace)) standalone.set(rec.namespace, []);
      standalone.get(rec.namespace).push(rec);
    }
  }
  const groupList = [...groups.values()].sort(byId);
  let open = new Set();
  let drawnPods = 0;
  for (const list of standalone.values()) drawnPods += list.length;
  for (const g of groupList) {
    if (expanded.has(g.id) || (g.pods.length <= collapseAbove && !collapsed.has(g.id))) {
      open.add(g.id);
      drawnPods += g.pods.length;
    }
  }
  const lod = drawnPods > maxPods;
  if (lod) {
    open = new Set();
    let budget = maxPods;
    for (const [ns, list] of [...standalone.entries()].sort((a, b) => keyCompare(a[0], b[0]))) {
      const g = {
        id: ids.standalone(ns),
        namespace: ns,
        kind: "Pod",
        name: "*",
        obj: null,
        pods: list,
        synthetic: true,
      };
      groups.set(g.id, g);
      for (const rec of list) rec.group = g;
    }
    standalone.clear();
    for (const g of [...groups.values()].sort(byId)) {
      if (expanded.has(g.id) && g.pods.length <= budget) {
        open.add(g.id);
        budget -= g.pods.length;
      }
    }
  }

  // Nodes --------------------------------------------------------------------------------------
  const nodes = [];
  const edges = [];
  const nsNodes = [];
  const rest = [];
  const externals = new Map();

  for (const s of serviceRecs) {
    rest.push({
      id: s.id,
      type: "service",
      parent: ids.namespace(s.namespace),
      label: s.name,
      namespace: s.namespace,
      name: s.name,
      kind: "Service",
      problems: s.problems,
      data: s.data,
    });
  }
  const wlNodes = [];
  for (const g of [...groups.values()].sort(byId)) {
    const isOpen = open.has(g.id);
    const total = g.pods.length;
    let ready = 0;
    let notReady = 0;
    let failed = 0;
    let succeeded = 0;
    let served = false; // some service selects one of its pods
    const unresolved = new Map();
    for (const rec of g.pods) {
      if (rec.ready) ready++;
      if (rec.phase === "Failed") failed++;
      else if (rec.phase === "Succeeded") succeeded++;
      else if (!rec.ready || rec.obj.metadata?.deletionTimestamp) notReady++;
      for (const key of rec.unresolved) unresolved.set(key, (unresolved.get(key) || 0) + 1);
      if (rec.services.length) served = true;
      if (isOpen) rec.drawn = true;
    }
    const desired = g.obj?.spec?.replicas ?? null;
    const problems = [];
    if (notReady) problems.push(`${notReady} of ${plural(total, "pod")} not ready`);
    if (failed) problems.push(`${plural(failed, "pod")} failed`);
    for (const [key, n] of unresolved) problems.push(`${key} unresolved in ${plural(n, "pod")}`);
    if (desired !== null && total < desired && !g.synthetic) {
      problems.push(`${total} of ${plural(desired, "replica")}`);
    }
    wlNodes.push({
      id: g.id,
      type: "workload",
      parent: ids.namespace(g.namespace),
      label: g.synthetic ? "standalone pods" : g.name,
      namespace: g.namespace,
      name: g.name,
      kind: g.kind,
      problems,
      data: {
        kind: g.kind,
        ready,
        total,
        succeeded,
        desired,
        expanded: isOpen,
        folded: !isOpen && total > 0,
        pods: g.pods.map((r) => r.id),
      },
      quiet: !served && problems.length === 0 && !expanded.has(g.id),
      recs: g.pods,
    });
  }
  // Second level of detail: still too many nodes → per namespace, the quiet workloads (no problem,
  // selected by no service, not expanded by the user) become one folded node. Nothing with a
  // problem or an edge merges.
  let drawnPodCount = 0;
  for (const n of wlNodes) if (n.data.expanded) drawnPodCount += n.data.total;
  for (const list of standalone.values()) drawnPodCount += list.length;
  const estimate = nsInfo.size + serviceRecs.length + wlNodes.length + drawnPodCount;
  let merged = false;
  if (estimate > maxNodes) {
    const quietByNs = new Map();
    for (const n of wlNodes) {
      if (!n.quiet || expanded.has(ids.quiet(n.namespace))) continue;
      if (!quietByNs.has(n.namespace)) quietByNs.set(n.namespace, []);
      quietByNs.get(n.namespace).push(n);
    }
    const drop = new Set();
    const groupsOfQuiet = [];
    for (const [ns, list] of quietByNs) {
      if (list.length < 2) continue;
      merged = true;
      let ready = 0;
      let total = 0;
      const podIds = [];
      for (const n of list) {
        drop.add(n.id);
        for (const rec of n.recs) rec.drawn = false;
        ready += n.data.ready;
        total += n.data.total;
        for (const id of n.data.pods) podIds.push(id);
      }
      groupsOfQuiet.push({
        id: ids.quiet(ns),
        type: "workload",
        parent: ids.namespace(ns),
        label: `${list.length} other workloads`,
        namespace: ns,
        name: "*",
        kind: "*",
        problems: [],
        data: {
          kind: "*",
          ready,
          total,
          succeeded: 0,
          desired: null,
          expanded: false,
          folded: true,
          pods: podIds,
          workloads: list.map((n) => n.id),
        },
      });
    }
    if (drop.size) {
      const kept = wlNodes.filter((n) => !drop.has(n.id)).concat(groupsOfQuiet);
      kept.sort(byId);
      wlNodes.length = 0;
      for (const n of kept) wlNodes.push(n);
    }
  }
  for (const n of wlNodes) {
    delete n.quiet;
    delete n.recs;
    rest.push(n);
  }
  for (const list of standalone.values()) for (const rec of list) rec.drawn = true;
  for (const rec of pods) {
    if (!rec.drawn) continue;
    const pod = rec.obj;
    rest.push({
      id: rec.id,
      type: "pod",
      parent: rec.group ? rec.group.id : ids.namespace(rec.namespace),
      label: rec.name,
      namespace: rec.namespace,
      name: rec.name,
      kind: "Pod",
      problems: rec.problems,
      data: {
        phase: rec.phase,
        ready: rec.ready,
        node: pod.spec?.nodeName || null,
        ip: pod.status?.podIP || null,
        hostIP: pod.status?.hostIP || null,
        terminating: !!pod.metadata?.deletionTimestamp,
        workload: rec.group && !rec.group.synthetic ? rec.group.id : null,
        labels: rec.labels,
        services: rec.services,
      },
    });
  }

  // Edges: service → pod or folded workload ---------------------------------------------------
  for (const s of serviceRecs) {
    const folded = new Map(); // group id → aggregate
    for (const link of s.links) {
      const rec = link.rec;
      if (rec.drawn) {
        edges.push({
          id: ids.edge(s.id, rec.id),
          source: s.id,
          target: rec.id,
          type: "selects",
          ready: link.endpoint === "ready",
          chains: link.chains,
          endpoint: link.endpoint,
          via: s.via,
        });
        continue;
      }
      const gid = rec.group.id;
      let agg = folded.get(gid);
      if (!agg) {
        agg = { ready: 0, total: 0, chains: link.chains, bad: false };
        folded.set(gid, agg);
      }
      agg.total++;
      if (link.endpoint === "ready") agg.ready++;
      if (!agg.bad && link.chains.some((h) => !h.resolved)) {
        agg.chains = link.chains;
        agg.bad = true;
      }
    }
    for (const [gid, agg] of folded) {
      edges.push({
        id: ids.edge(s.id, gid),
        source: s.id,
        target: gid,
        type: "selects",
        ready: { ready: agg.ready, total: agg.total },
        chains: agg.chains,
        via: s.via,
        pods: agg.total,
      });
    }
    // ExternalName → its DNS name; manual endpoint addresses of a selector-less service.
    const d = s.data;
    if (d.externalName) {
      const xid = ids.externalName(d.externalName);
      if (!externals.has(xid)) {
        externals.set(xid, {
          id: xid,
          type: "external",
          label: d.externalName,
          namespace: "",
          name: d.externalName,
          kind: "External",
          problems: [],
          data: { kind: "externalName", address: d.externalName },
        });
      }
      edges.push({
        id: ids.edge(s.id, xid),
        source: s.id,
        target: xid,
        type: "external",
        ready: true,
        chains: [],
      });
    }
    let shown = 0;
    for (const a of d.manualEndpoints) {
      if (a.pod || shown >= MAX_ADDRESS_NODES) continue;
      shown++;
      const aid = ids.address(s.namespace, s.name, a.ip);
      externals.set(aid, {
        id: aid,
        type: "external",
        label: a.ip,
        namespace: "",
        name: a.ip,
        kind: "External",
        problems: [],
        data: { kind: "address", address: a.ip, ready: a.ready, service: s.id },
      });
      edges.push({
        id: ids.edge(s.id, aid),
        source: s.id,
        target: aid,
        type: "external",
        ready: a.ready,
        chains: [],
        endpoint: a.ready ? "ready" : "notReady",
      });
    }
  }

  // Entry points --------------------------------------------------------------------------------
  const entries = [];
  for (const s of serviceRecs) {
    const seen = new Map();
    for (const e of s.data.entries) {
      let id;
      if (e.kind === "nodePort") id = ids.nodePort(s.namespace, s.name, e.port);
      else if (e.kind === "loadBalancer") id = ids.loadBalancer(s.namespace, s.name, e.address);
      else id = ids.externalIP(s.namespace, s.name, e.address);
      let node = seen.get(id);
      if (!node) {
        const address = e.kind === "nodePort" ? `${e.address}:${e.port}` : e.address;
        const label =
          e.kind === "nodePort"
            ? `NodePort :${e.port}`
            : e.kind === "loadBalancer"
              ? `LB ${e.address}`
              : `External IP ${e.address}`;
        node = {
          id,
          type: "entry",
          parent: ids.namespace(s.namespace),
          label,
          namespace: s.namespace,
          name: s.name,
          kind: "Entry",
          problems: [],
          data: { kind: e.kind, address, addresses: [], ports: [], port: e.port, service: s.id },
        };
        seen.set(id, node);
        entries.push(node);
      }
      const addr = `${e.address}:${e.port}`;
      if (!node.data.addresses.includes(addr)) node.data.addresses.push(addr);
      if (!node.data.ports.includes(e.port)) node.data.ports.push(e.port);
    }
  }
  const drawEntries = entries.length <= maxEntries;
  if (drawEntries) {
    for (const node of entries) {
      if (node.data.kind === "nodePort" && node.data.addresses.length > 1) {
        node.label += ` (${node.data.addresses.length} nodes)`;
      }
      rest.push(node);
      edges.push({
        id: ids.edge(node.id, node.data.service),
        source: node.id,
        target: node.data.service,
        type: "entry",
        ready: true,
        chains: [],
      });
    }
  }

  // Namespaces last computed, first listed ------------------------------------------------------
  let problemNodes = 0;
  for (const n of rest) {
    if (n.problems.length) {
      problemNodes++;
      touchNs(n.namespace).problems++;
    }
  }
  for (const ns of [...nsInfo.keys()].sort()) {
    const info = nsInfo.get(ns);
    nsNodes.push({
      id: ids.namespace(ns),
      type: "namespace",
      label: ns,
      namespace: ns,
      name: ns,
      kind: "Namespace",
      problems: [],
      data: info,
    });
  }
  nodes.push(...nsNodes, ...rest);
  for (const x of [...externals.values()].sort(byId)) nodes.push(x);

  const rows = serviceRecs.map((s) => ({
    id: s.id,
    namespace: s.namespace,
    name: s.name,
    type: s.type,
    clusterIP: s.data.clusterIP,
    headless: s.data.headless,
    externalName: s.data.externalName,
    ports: s.data.ports,
    endpoints: s.data.endpoints,
    problems: s.problems,
    entries: s.data.entries,
    manualEndpoints: s.data.manualEndpoints,
    labels: s.svc.metadata?.labels || {},
    pods: s.links.map((l) => ({
      id: l.rec.id,
      name: l.rec.name,
      namespace: l.rec.namespace,
      phase: l.rec.phase,
      ready: l.rec.ready,
      endpoint: l.endpoint,
      node: l.rec.obj.spec?.nodeName || null,
      ip: l.rec.obj.status?.podIP || null,
      chains: l.chains,
      workload: l.rec.group && !l.rec.group.synthetic ? l.rec.group.id : null,
      labels: l.rec.labels,
      problems: l.rec.problems,
    })),
  }));

  return {
    nodes,
    edges,
    counts: {
      services: serviceRecs.length,
      pods: pods.length,
      drawnNodes: nodes.length,
      drawnEdges: edges.length,
      workloads: [...groups.values()].filter((g) => !g.synthetic).length,
      problems: problemNodes,
      lod: lod || merged,
    },
    services: rows,
  };
}
