/**
 * The View's pieces (see VIEWNODE, VIEWEDGE and SERVICEROW in ../model.js) from the builder's
 * records: nodes, entry points, edges, table rows, and the View assembled from them. An edge or
 * node that did not change stays the same object.
 */

import { byId, entryId, ids } from "./ids.js";

const MAX_ADDRESS_NODES = 20; // manual endpoint addresses drawn per selector-less service

export function workloadNode(g) {
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

export function quietNode(ns, list) {
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

export function podNode(rec) {
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

export function serviceNode(s) {
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

/** A service's entry point nodes (one per distinct id) and their edges into it. */
export function buildEntries(s, drawEntries) {
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
export function buildEdges(s) {
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

export function serviceRow(s) {
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
export function assemble(st, { lod, drawEntries, serviceCount, podCount, workloadCount }) {
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
