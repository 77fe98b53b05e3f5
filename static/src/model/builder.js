/**
 * buildView, and the ViewBuilder that keeps the same View up to date change by change (the API
 * is documented in ../model.js). The builder owns the records (records.js), computes services
 * (services.js) and pods' problems (problems.js), folds workloads and applies the levels of
 * detail, and draws what changed (view.js).
 */

import { byId, byName, ids, keyCompare, splitKey } from "./ids.js";
import {
  controllerRef,
  GROUPED_OWNER_KINDS,
  nameOf,
  nodeIPsOf,
  nsOf,
  selectorMatches,
  WORKLOAD_KINDS,
} from "./rules.js";
import { aggregate, derivePod } from "./problems.js";
import {
  dirtySets,
  indexLabels,
  newGroup,
  newSpace,
  podRecord,
  serviceRecord,
  setPodFields,
} from "./records.js";
import { computeService } from "./services.js";
import {
  assemble,
  buildEdges,
  buildEntries,
  podNode,
  quietNode,
  serviceNode,
  serviceRow,
  workloadNode,
} from "./view.js";

/** The View of the objects in `store` (see ../model.js). */
export function buildView(store, options = {}) {
  return new ViewBuilder(options).update(store);
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
      computeService(st, store, s, d);
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
}

function openByDefault(g, o) {
  if (g.synthetic) return false; // standalone pods are drawn as they are, or folded at LOD
  return o.expanded.has(g.id) || (g.pods.length <= o.collapseAbove && !o.collapsed.has(g.id));
}
