/**
 * The ViewBuilder's state: one record per pod, service, workload group and namespace, kept
 * between updates, the per-namespace label index that finds a selector's pods, and the sets of
 * records an update must compute again.
 */

import { byId, ids } from "./ids.js";
import { isPodReady, nameOf, nsOf, selectorMatches } from "./rules.js";
import { podOwnProblem } from "./problems.js";

/** What a pod record takes from the Pod object itself (assigned field by field: the records
 * keep one shape, which V8 reads fast). */
export function setPodFields(rec, pod) {
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

export function podRecord(pod) {
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

export function serviceRecord(svc, ns, name) {
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

export function newGroup(ns, kind, name, synthetic = false) {
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

export function newSpace(name) {
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

export function indexLabels(space, rec, add) {
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

export function matchPods(space, selector) {
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

export function dirtySets() {
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
