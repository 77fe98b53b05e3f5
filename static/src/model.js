/**
 * model.js — the topology the graph and the table draw, as one pure function over the objects
 * of the live feed. No DOM, no I/O; deterministic (same input → same View, same order).
 *
 *   import { buildView } from "./model.js";
 *   const view = buildView(store, { namespaces: null, expanded: new Set(), collapseAbove: 5,
 *                                   maxPods: 1500 });
 *
 *   // the same View kept up to date change by change (what the page uses; see ViewBuilder below)
 *   const builder = new ViewBuilder(options);
 *   let view = builder.update(store);                 // everything
 *   view = builder.update(store, batch.changes);      // only what these Store changes touch
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
// buildView and the ViewBuilder

/** The View of the objects in `store` (see the top of this file). */
export function buildView(store, options = {}) {
  return new ViewBuilder(options).update(store);
}

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

/** "<namespace>/<name>" (a Store key) → [namespace as stored, name]. */
function splitKey(key) {
  const i = key.indexOf("/");
  return i < 0 ? ["", key] : [key.slice(0, i), key.slice(i + 1)];
}

function byName(a, b) {
  return keyCompare(a.name, b.name);
}

function nodeIPsOf(store) {
  return [...store.all("Node")]
    .sort((a, b) => keyCompare(nameOf(a), nameOf(b)))
    .map(internalIP)
    .filter(Boolean);
}

/** What a pod record takes from the Pod object itself (assigned field by field: the records
 * keep one shape, which V8 reads fast). */
function setPodFields(rec, pod) {
  const ns = nsOf(pod);
  const name = nameOf(pod);
  rec.id = ids.pod(ns, name);
  rec.obj = pod;
  rec.namespace = ns;
  rec.name = name;
  rec.labels = pod.metadata?.labels || {};
  rec.phase = pod.status?.phase || "Pending";
  rec.ready = isPodReady(pod);
  rec.own = podOwnProblem(pod);
  return rec;
}

function podRecord(pod) {
  const rec = {
    id: "",
    obj: null,
    namespace: "",
    name: "",
    labels: null,
    phase: "",
    ready: false,
    own: null,
    realGroup: null, // its workload (null: standalone)
    group: null, // what it is folded into: realGroup, or its namespace's standalone group at LOD
    links: new Map(), // service record → link, for every service selecting it
    services: [],
    problems: [],
    unresolved: [], // "port <p> of service <s>" for each unresolved hop
    drawn: false,
    node: null,
    gone: false,
  };
  return setPodFields(rec, pod);
}

function serviceRecord(svc, ns, name) {
  return {
    svc,
    namespace: ns,
    name,
    id: ids.service(ns, name),
    type: "ClusterIP",
    data: null,
    problems: [],
    links: [], // [{rec, endpoint, chains, bad}] in pod order
    via: "selector",
    selector: null,
    ep: null, // endpointsIndex of its Endpoints object
    entryIds: null,
    node: null,
    edges: [],
    externals: [],
    entryNodes: [],
    entryEdges: [],
    row: null,
    gone: false,
  };
}

function newGroup(ns, kind, name, synthetic = false) {
  return {
    id: synthetic ? ids.standalone(ns) : ids.workload(ns, kind, name),
    namespace: ns,
    kind,
    name,
    obj: null,
    members: new Set(),
    pods: [], // members sorted by id
    sorted: true, // pods is current
    synthetic,
    agg: null,
    open: false,
    merged: false,
    openNext: false,
    mergedNext: false,
    node: null,
    gone: false,
  };
}

function newSpace(name) {
  return {
    name,
    obj: null, // its Namespace object
    pods: new Map(), // name → pod record
    podList: null, // sorted by id (null: to sort again)
    labels: new Map(), // "key\0value" → Set of pod records
    services: new Map(), // name → service record
    svcList: null,
    groups: new Map(), // id → workload group
    synthetic: null, // the standalone pods' group at level of detail
    standalone: [],
    quiet: null, // merged quiet workloads (second level of detail)
    groupList: [], // its groups (and standalone group), sorted by id
    node: null,
    wlNodes: [],
    podNodes: [],
  };
}

function indexLabels(space, rec, add) {
  for (const k in rec.labels) {
    const key = `${k}\u0000${rec.labels[k]}`;
    let set = space.labels.get(key);
    if (add) {
      if (!set) space.labels.set(key, (set = new Set()));
      set.add(rec);
    } else if (set) {
      set.delete(rec);
      if (!set.size) space.labels.delete(key);
    }
  }
}

function matchPods(space, selector) {
  let best = null;
  for (const k in selector) {
    const set = space.labels.get(`${k}\u0000${selector[k]}`);
    if (!set) return [];
    if (!best || set.size < best.size) best = set;
  }
  if (!best) return [];
  const out = [];
  for (const rec of best) if (selectorMatches(selector, rec.labels)) out.push(rec);
  return out.sort(byId);
}

function dirtySets() {
  return {
    services: new Set(), // service records to compute again (selection, chains, readiness)
    pods: new Set(), // pod records whose services/problems to derive again
    groups: new Set(), // groups whose members or members' state changed
    spaces: new Set(), // namespace names whose lists and node to build again
    edges: new Set(), // service records whose edges to build again (a target's drawing changed)
    rows: new Set(), // service records whose table row to build again
    podNodes: new Set(),
    groupNodes: new Set(),
    regroup: new Set(), // namespaces whose workload objects changed
  };
}

/**
 * buildView, kept up to date change by change:
 *
 *   const builder = new ViewBuilder(options);
 *   let view = builder.update(store);             // everything
 *   view = builder.update(store, batch.changes);  // after the store applied these changes
 *   builder.setOptions(options);                  // the next update builds everything again
 *
 * `changes` are the Store's batch changes ({kind, key, ...}; several batches may be
 * concatenated) since the previous update; only their kind and key are read — the objects come
 * from `store`. The View is always equal to buildView(store, options); what did not change keeps
 * its objects (nodes, edges and rows are the very same objects as in the previous View), so a
 * consumer can find what changed by identity. Work is proportional to what changed: a pod's change
 * computes the services selecting it, its workload and its namespace's lists again; a change that
 * reaches the whole view (Nodes' IPs, a level of detail switching on or off) builds everything.
 */
export class ViewBuilder {
  constructor(options = {}) {
    this.setOptions(options);
  }

  setOptions(options = {}) {
    this.options = options;
    this.state = null;
  }

  update(store, changes = null) {
    if (this.state && changes) {
      const view = this.incremental(store, changes);
      if (view) return view;
    }
    return this.full(store);
  }

  // -- the two ways in ------------------------------------------------------------------------

  full(store) {
    const options = this.options;
    const filter = options.namespaces ?? null;
    const st = {
      o: {
        expanded: options.expanded ?? new Set(),
        collapsed: options.collapsed ?? new Set(),
        collapseAbove: options.collapseAbove ?? 5,
        maxPods: options.maxPods ?? 1500,
        maxEntries: options.maxEntries ?? 600,
        maxNodes: options.maxNodes ?? 3000,
      },
      visible: (ns) => filter === null || filter.has(ns),
      nodeIPs: nodeIPsOf(store),
      spaces: new Map(),
      order: null, // {byName: [space], bySlash: [space]}
      lod: undefined,
      merge: undefined,
      drawEntries: undefined,
    };
    this.state = st;
    const d = dirtySets();
    for (const n of store.all("Namespace")) {
      const name = nameOf(n);
      if (st.visible(name)) this.space(name).obj = n;
    }
    this.groupsFromWorkloads(store, null);
    for (const pod of store.all("Pod")) {
      const ns = nsOf(pod);
      if (!st.visible(ns)) continue;
      const sp = this.space(ns);
      const rec = podRecord(pod);
      sp.pods.set(rec.name, rec);
      indexLabels(sp, rec, true);
    }
    for (const svc of store.all("Service")) {
      const ns = nsOf(svc);
      if (!st.visible(ns)) continue;
      this.space(ns).services.set(nameOf(svc), serviceRecord(svc, ns, nameOf(svc)));
    }
    for (const sp of st.spaces.values()) {
      for (const rec of sp.pods.values()) {
        this.assignGroup(store, sp, rec);
        d.pods.add(rec);
      }
      for (const s of sp.services.values()) d.services.add(s);
      for (const g of sp.groups.values()) d.groups.add(g);
      d.spaces.add(sp.name);
    }
    return this.finish(store, d, true);
  }

  /** The View after `changes`, or null when they reach so far that a full build is due. */
  incremental(store, changes) {
    const st = this.state;
    const d = dirtySets();
    const touched = new Map(); // kind → Set(key)
    for (const c of changes) {
      if (!c || !c.kind) continue;
      let set = touched.get(c.kind);
      if (!set) touched.set(c.kind, (set = new Set()));
      set.add(c.key);
    }
    if (touched.has("Node")) {
      const ips = nodeIPsOf(store);
      if (ips.join(",") !== st.nodeIPs.join(",")) return null;
    }
    for (const key of touched.get("Namespace") || []) {
      const name = splitKey(key)[1];
      if (!st.visible(name)) continue;
      this.space(name).obj = store.get("Namespace", "", name) || null;
      d.spaces.add(name);
    }
    for (const kind of WORKLOAD_KINDS) {
      for (const key of touched.get(kind) || []) {
        const ns = splitKey(key)[0] || "default";
        if (st.visible(ns)) d.regroup.add(ns);
      }
    }
    const added = [];
    for (const key of touched.get("Pod") || []) {
      const [stored, name] = splitKey(key);
      const ns = stored || "default";
      if (!st.visible(ns)) continue;
      const sp = this.space(ns);
      const old = sp.pods.get(name);
      const obj = store.get("Pod", stored, name);
      if (old) {
        for (const s of old.links.keys()) d.services.add(s);
        indexLabels(sp, old, false);
      }
      let rec = null;
      if (old && obj) {
        // the same record, so that lists holding it stay in order
        rec = setPodFields(old, obj);
      } else if (old) {
        sp.pods.delete(name);
        old.gone = true;
        sp.podList = null;
        if (old.realGroup) {
          old.realGroup.members.delete(old);
          old.realGroup.sorted = false;
          d.groups.add(old.realGroup);
        }
      } else if (obj) {
        rec = podRecord(obj);
        sp.pods.set(name, rec);
        sp.podList = null;
      }
      if (rec) {
        indexLabels(sp, rec, true);
        d.pods.add(rec);
        added.push([sp, rec]);
      }
      for (const s of sp.services.values()) {
        const sel = s.selector;
        if (sel ? rec && selectorMatches(sel, rec.labels) : s.ep && s.ep.byPod.has(name)) d.services.add(s);
      }
      d.spaces.add(ns);
    }
    for (const key of touched.get("Service") || []) {
      const [stored, name] = splitKey(key);
      const ns = stored || "default";
      if (!st.visible(ns)) continue;
      const sp = this.space(ns);
      const old = sp.services.get(name);
      const obj = store.get("Service", stored, name);
      if (old && obj) {
        old.svc = obj;
        d.services.add(old);
      } else if (old) {
        for (const l of old.links) {
          if (l.rec.links.get(old) === l) l.rec.links.delete(old);
          d.pods.add(l.rec);
        }
        sp.services.delete(name);
        old.gone = true;
        sp.svcList = null;
      } else if (obj) {
        const s = serviceRecord(obj, ns, name);
        sp.services.set(name, s);
        d.services.add(s);
        sp.svcList = null;
      }
      d.spaces.add(ns);
    }
    for (const key of touched.get("Endpoints") || []) {
      const [stored, name] = splitKey(key);
      const s = st.spaces.get(stored || "default")?.services.get(name);
      if (s) d.services.add(s);
    }
    if (d.regroup.size) this.regroup(store, d);
    for (const [sp, rec] of added) {
      if (rec.gone || d.regroup.has(sp.name)) continue;
      const left = this.assignGroup(store, sp, rec);
      if (left) d.groups.add(left);
      if (rec.realGroup) d.groups.add(rec.realGroup);
    }
    return this.finish(store, d, false);
  }

  // -- state helpers --------------------------------------------------------------------------

  space(name) {
    const st = this.state;
    let sp = st.spaces.get(name);
    if (!sp) {
      st.spaces.set(name, (sp = newSpace(name)));
      st.order = null;
    }
    return sp;
  }

  ensureGroup(sp, kind, name) {
    const id = ids.workload(sp.name, kind, name);
    let g = sp.groups.get(id);
    if (!g) sp.groups.set(id, (g = newGroup(sp.name, kind, name)));
    return g;
  }

  /** Groups of the workload objects (of the namespaces in `only`, or all visible ones). */
  groupsFromWorkloads(store, only) {
    const st = this.state;
    for (const kind of WORKLOAD_KINDS) {
      for (const obj of store.all(kind)) {
        const ns = nsOf(obj);
        if (only ? !only.has(ns) : !st.visible(ns)) continue;
        if (kind === "ReplicaSet") {
          const ref = controllerRef(obj);
          if (ref && ref.kind === "Deployment") continue; // drawn as its Deployment
        }
        this.ensureGroup(this.space(ns), kind, nameOf(obj)).obj = obj;
      }
    }
  }

  /** The workload a pod is grouped under (Pod → ReplicaSet → Deployment, or its controller);
   *  returns the group it left, if it moved. */
  assignGroup(store, sp, rec) {
    const ref = controllerRef(rec.obj);
    let g = null;
    if (ref && GROUPED_OWNER_KINDS.has(ref.kind)) {
      if (ref.kind !== "ReplicaSet") g = this.ensureGroup(sp, ref.kind, ref.name);
      else {
        const rs = store.get("ReplicaSet", sp.name, ref.name);
        const up = rs && controllerRef(rs);
        g = up && up.kind === "Deployment" ? this.ensureGroup(sp, "Deployment", up.name) : this.ensureGroup(sp, "ReplicaSet", ref.name);
      }
    }
    const old = rec.realGroup;
    if (g === old) return null;
    if (old) {
      old.members.delete(rec);
      old.sorted = false;
    }
    if (g) {
      g.members.add(rec);
      g.sorted = false;
    }
    rec.realGroup = g;
    return old;
  }

  /** Workload objects changed in these namespaces: group their pods again from scratch. */
  regroup(store, d) {
    const st = this.state;
    for (const ns of d.regroup) {
      const sp = this.space(ns);
      for (const g of sp.groups.values()) g.gone = true;
      sp.groups = new Map();
    }
    this.groupsFromWorkloads(store, d.regroup);
    for (const ns of d.regroup) {
      const sp = st.spaces.get(ns);
      for (const rec of sp.pods.values()) {
        this.assignGroup(store, sp, rec);
        d.pods.add(rec);
      }
      for (const s of sp.services.values()) d.services.add(s);
      for (const g of sp.groups.values()) d.groups.add(g);
      sp.synthetic = null;
      d.spaces.add(ns);
    }
  }

  // -- from dirty records to the View ---------------------------------------------------------

  finish(store, d, full) {
    const st = this.state;
    const o = st.o;
    for (const s of d.services) {
      if (s.gone) continue;
      this.computeService(store, s, d);
      d.spaces.add(s.namespace);
    }
    for (const rec of d.pods) {
      if (rec.gone) continue;
      derivePod(rec);
      if (rec.realGroup) d.groups.add(rec.realGroup);
      for (const s of rec.links.keys()) d.rows.add(s);
      d.podNodes.add(rec);
      d.spaces.add(rec.namespace);
    }
    for (const g of d.groups) {
      if (g.gone) continue;
      const sp = st.spaces.get(g.namespace);
      d.spaces.add(g.namespace);
      if (!g.obj && g.members.size === 0) {
        if (sp.groups.get(g.id) === g) sp.groups.delete(g.id);
        g.gone = true;
        continue;
      }
      if (!g.sorted) {
        g.pods = [...g.members].sort(byId);
        g.sorted = true;
      }
      g.agg = aggregate(g, o);
      d.groupNodes.add(g);
    }
    for (const ns of d.spaces) {
      const sp = st.spaces.get(ns);
      if (!sp) continue;
      if (!sp.obj && !sp.pods.size && !sp.services.size && !sp.groups.size) {
        st.spaces.delete(ns);
        st.order = null;
        continue;
      }
      if (!sp.podList) sp.podList = [...sp.pods.values()].sort(byId);
      if (!sp.svcList) sp.svcList = [...sp.services.values()].sort(byName);
      sp.standalone = sp.podList.filter((rec) => !rec.realGroup);
    }

    // Folding and level of detail ----------------------------------------------------------------
    let drawnPods = 0;
    let serviceCount = 0;
    let podCount = 0;
    let workloadCount = 0;
    for (const sp of st.spaces.values()) {
      drawnPods += sp.standalone.length;
      serviceCount += sp.services.size;
      podCount += sp.pods.size;
      workloadCount += sp.groups.size;
      for (const g of sp.groups.values()) if (openByDefault(g, o)) drawnPods += g.pods.length;
    }
    const lod = drawnPods > o.maxPods;
    if (!full && lod !== st.lod) return null;
    st.lod = lod;
    for (const ns of d.spaces) {
      const sp = st.spaces.get(ns);
      if (!sp) continue;
      if (lod && sp.standalone.length) {
        if (!sp.synthetic) sp.synthetic = newGroup(ns, "Pod", "*", true);
        const g = sp.synthetic;
        g.members = new Set(sp.standalone);
        g.pods = sp.standalone;
        g.agg = aggregate(g, o);
        d.groupNodes.add(g);
      } else sp.synthetic = null;
      for (const rec of sp.podList) {
        const group = rec.realGroup || (lod ? sp.synthetic : null);
        if (rec.group !== group) {
          rec.group = group;
          d.podNodes.add(rec);
          for (const s of rec.links.keys()) {
            d.edges.add(s);
            d.rows.add(s);
          }
        }
      }
    }
    const groups = [];
    for (const sp of st.spaces.values()) {
      for (const g of sp.groups.values()) groups.push(g);
      if (sp.synthetic) groups.push(sp.synthetic);
    }
    if (!lod) for (const g of groups) g.openNext = openByDefault(g, o);
    else {
      const wanted = [];
      for (const g of groups) {
        g.openNext = false;
        if (o.expanded.has(g.id)) wanted.push(g);
      }
      let budget = o.maxPods;
      for (const g of wanted.sort(byId)) {
        if (g.pods.length <= budget) {
          g.openNext = true;
          budget -= g.pods.length;
        }
      }
    }
    let drawnPodCount = 0;
    for (const g of groups) {
      if (g.openNext) drawnPodCount += g.pods.length;
      if (g.openNext !== g.open) d.spaces.add(g.namespace);
    }
    if (!lod) for (const sp of st.spaces.values()) drawnPodCount += sp.standalone.length;
    // Second level of detail: still too many nodes → per namespace, the quiet workloads (no
    // problem, selected by no service, not expanded by the user) become one folded node.
    const merge = st.spaces.size + serviceCount + groups.length + drawnPodCount > o.maxNodes;
    if (!full && merge !== st.merge) return null;
    st.merge = merge;
    for (const ns of d.spaces) {
      const sp = st.spaces.get(ns);
      if (!sp) continue;
      const mine = [...sp.groups.values()];
      if (sp.synthetic) mine.push(sp.synthetic);
      mine.sort(byId);
      const quiet = merge && !o.expanded.has(ids.quiet(ns)) ? mine.filter((g) => g.agg.quiet) : [];
      const merged = quiet.length >= 2;
      sp.quiet = merged ? quiet : null;
      sp.groupList = mine;
      for (const g of mine) {
        g.mergedNext = merged && g.agg.quiet;
        if (g.openNext !== g.open || g.mergedNext !== g.merged) {
          g.open = g.openNext;
          g.merged = g.mergedNext;
          d.groupNodes.add(g);
        }
      }
      for (const rec of sp.podList) {
        const drawn = rec.group ? rec.group.open && !rec.group.merged : true;
        if (drawn !== rec.drawn) {
          rec.drawn = drawn;
          d.podNodes.add(rec);
          for (const s of rec.links.keys()) d.edges.add(s);
        }
      }
    }
    let mergedAny = false;
    for (const sp of st.spaces.values()) if (sp.quiet) mergedAny = true;

    // Entry points: drawn only while there are not too many --------------------------------------
    let entryCount = 0;
    for (const sp of st.spaces.values()) for (const s of sp.services.values()) entryCount += s.entryIds.size;
    const drawEntries = entryCount <= o.maxEntries;
    if (!full && drawEntries !== st.drawEntries) return null;
    st.drawEntries = drawEntries;

    // Nodes, edges and rows of what changed ------------------------------------------------------
    for (const s of d.services) {
      if (s.gone) continue;
      s.node = serviceNode(s);
      buildEntries(s, drawEntries);
      d.edges.add(s);
      d.rows.add(s);
    }
    for (const s of d.edges) if (!s.gone) buildEdges(s);
    for (const s of d.rows) if (!s.gone) s.row = serviceRow(s);
    for (const g of d.groupNodes) if (!g.gone) g.node = workloadNode(g);
    for (const rec of d.podNodes) if (!rec.gone) rec.node = rec.drawn ? podNode(rec) : null;
    for (const ns of d.spaces) {
      const sp = st.spaces.get(ns);
      if (!sp) continue;
      const wl = [];
      for (const g of sp.groupList) if (!g.merged) wl.push(g.node);
      if (sp.quiet) wl.push(quietNode(ns, sp.quiet));
      wl.sort(byId);
      sp.wlNodes = wl;
      sp.podNodes = [];
      for (const rec of sp.podList) if (rec.drawn) sp.podNodes.push(rec.node);
      let problems = 0;
      for (const s of sp.svcList) if (s.problems.length) problems++;
      for (const n of wl) if (n.problems.length) problems++;
      for (const n of sp.podNodes) if (n.problems.length) problems++;
      const info = {
        phase: sp.obj ? (sp.obj.status?.phase ?? null) : null,
        services: sp.services.size,
        pods: sp.pods.size,
        problems,
      };
      const was = sp.node?.data;
      if (!was || was.phase !== info.phase || was.services !== info.services || was.pods !== info.pods || was.problems !== info.problems) {
        sp.node = {
          id: ids.namespace(ns),
          type: "namespace",
          label: ns,
          namespace: ns,
          name: ns,
          kind: "Namespace",
          problems: [],
          data: info,
        };
      }
    }
    if (!st.order) {
      const all = [...st.spaces.values()];
      st.order = {
        byName: all.slice().sort(byName),
        bySlash: all.sort((a, b) => keyCompare(`${a.name}/`, `${b.name}/`)),
      };
    }
    return assemble(st, { lod: lod || mergedAny, drawEntries, serviceCount, podCount, workloadCount });
  }

  /** A service's selection, readiness, chains and problems; its pods' links follow. */
  computeService(store, s, d) {
    const st = this.state;
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
}

function openByDefault(g, o) {
  if (g.synthetic) return false; // standalone pods are drawn as they are, or folded at LOD
  return o.expanded.has(g.id) || (g.pods.length <= o.collapseAbove && !o.collapsed.has(g.id));
}

/** A pod's services and problems, from the services selecting it (in service order). */
function derivePod(rec) {
  const list = [...rec.links.keys()].sort(byName);
  rec.services = [];
  rec.problems = rec.own ? [rec.own] : [];
  rec.unresolved = [];
  for (const s of list) {
    rec.services.push(s.id);
    for (const hop of rec.links.get(s).chains) {
      if (hop.resolved) continue;
      const key = `port ${portLabel(hop)} of service ${s.name}`;
      rec.problems.push(`${key} unresolved`);
      rec.unresolved.push(key);
    }
  }
}

/** A workload's counts and problems over its pods. */
function aggregate(g, o) {
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
  }
  const desired = g.obj?.spec?.replicas ?? null;
  const problems = [];
  if (notReady) problems.push(`${notReady} of ${plural(total, "pod")} not ready`);
  if (failed) problems.push(`${plural(failed, "pod")} failed`);
  for (const [key, n] of unresolved) problems.push(`${key} unresolved in ${plural(n, "pod")}`);
  if (desired !== null && total < desired && !g.synthetic) {
    problems.push(`${total} of ${plural(desired, "replica")}`);
  }
  return { total, ready, succeeded, desired, problems, quiet: !served && problems.length === 0 && !o.expanded.has(g.id) };
}

function workloadNode(g) {
  const a = g.agg;
  return {
    id: g.id,
    type: "workload",
    parent: ids.namespace(g.namespace),
    label: g.synthetic ? "standalone pods" : g.name,
    namespace: g.namespace,
    name: g.name,
    kind: g.kind,
    problems: a.problems,
    data: {
      kind: g.kind,
      ready: a.ready,
      total: a.total,
      succeeded: a.succeeded,
      desired: a.desired,
      expanded: g.open,
      folded: !g.open && a.total > 0,
      pods: g.pods.map((r) => r.id),
    },
  };
}

function quietNode(ns, list) {
  let ready = 0;
  let total = 0;
  const podIds = [];
  for (const g of list) {
    ready += g.agg.ready;
    total += g.agg.total;
    for (const r of g.pods) podIds.push(r.id);
  }
  return {
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
      workloads: list.map((g) => g.id),
    },
  };
}

function podNode(rec) {
  const pod = rec.obj;
  return {
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
  };
}

function serviceNode(s) {
  return {
    id: s.id,
    type: "service",
    parent: ids.namespace(s.namespace),
    label: s.name,
    namespace: s.namespace,
    name: s.name,
    kind: "Service",
    problems: s.problems,
    data: s.data,
  };
}

function entryId(s, e) {
  if (e.kind === "nodePort") return ids.nodePort(s.namespace, s.name, e.port);
  if (e.kind === "loadBalancer") return ids.loadBalancer(s.namespace, s.name, e.address);
  return ids.externalIP(s.namespace, s.name, e.address);
}

/** A service's entry point nodes (one per distinct id) and their edges into it. */
function buildEntries(s, drawEntries) {
  const seen = new Map();
  const nodes = [];
  for (const e of s.data.entries) {
    const id = entryId(s, e);
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
      nodes.push(node);
    }
    const addr = `${e.address}:${e.port}`;
    if (!node.data.addresses.includes(addr)) node.data.addresses.push(addr);
    if (!node.data.ports.includes(e.port)) node.data.ports.push(e.port);
  }
  s.entryNodes = [];
  s.entryEdges = [];
  if (!drawEntries) return;
  for (const node of nodes) {
    if (node.data.kind === "nodePort" && node.data.addresses.length > 1) {
      node.label += ` (${node.data.addresses.length} nodes)`;
    }
    s.entryNodes.push(node);
    s.entryEdges.push({
      id: ids.edge(node.id, node.data.service),
      source: node.id,
      target: node.data.service,
      type: "entry",
      ready: true,
      chains: [],
    });
  }
}

/** A service's edges: to its drawn pods or their folded groups, to external names and addresses.
 *  An edge that is the same as before stays the same object. */
function buildEdges(s) {
  const before = new Map();
  for (const e of s.edges) before.set(e.target, e);
  const edges = [];
  const externals = [];
  const folded = new Map(); // group id → aggregate
  for (const link of s.links) {
    const rec = link.rec;
    if (rec.drawn) {
      const was = before.get(rec.id);
      if (was && was.chains === link.chains && was.endpoint === link.endpoint && was.via === s.via && was.type === "selects") {
        edges.push(was);
        continue;
      }
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
    const was = before.get(gid);
    if (
      was &&
      was.pods === agg.total &&
      was.ready.ready === agg.ready &&
      was.chains === agg.chains &&
      was.via === s.via
    ) {
      edges.push(was);
      continue;
    }
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
    externals.push({
      id: xid,
      type: "external",
      label: d.externalName,
      namespace: "",
      name: d.externalName,
      kind: "External",
      problems: [],
      data: { kind: "externalName", address: d.externalName },
    });
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
    externals.push({
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
  s.edges = edges;
  s.externals = externals;
}

function serviceRow(s) {
  return {
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
  };
}

/** The View from every namespace's current pieces, in buildView's order. */
function assemble(st, { lod, drawEntries, serviceCount, podCount, workloadCount }) {
  const { byName: spacesByName, bySlash } = st.order;
  const nodes = [];
  const edges = [];
  const rows = [];
  for (const sp of spacesByName) nodes.push(sp.node);
  let problemNodes = 0;
  for (const sp of bySlash) {
    for (const s of sp.svcList) nodes.push(s.node);
    problemNodes += sp.node.data.problems;
  }
  for (const sp of bySlash) for (const n of sp.wlNodes) nodes.push(n);
  for (const sp of bySlash) for (const n of sp.podNodes) nodes.push(n);
  if (drawEntries) for (const sp of bySlash) for (const s of sp.svcList) for (const n of s.entryNodes) nodes.push(n);
  const externals = new Map();
  for (const sp of bySlash) {
    for (const s of sp.svcList) {
      for (const e of s.edges) edges.push(e);
      for (const x of s.externals) if (!externals.has(x.id)) externals.set(x.id, x);
      rows.push(s.row);
    }
  }
  if (drawEntries) for (const sp of bySlash) for (const s of sp.svcList) for (const e of s.entryEdges) edges.push(e);
  for (const x of [...externals.values()].sort(byId)) nodes.push(x);
  return {
    nodes,
    edges,
    counts: {
      services: serviceCount,
      pods: podCount,
      drawnNodes: nodes.length,
      drawnEdges: edges.length,
      workloads: workloadCount,
      problems: problemNodes,
      lod,
    },
    services: rows,
  };
}
