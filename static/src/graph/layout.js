/**
 * layout.js — where the graph's nodes go. Pure (no DOM): positions are {x, y} node centres in
 * model coordinates, keyed by view node id, for leaf nodes only (compound nodes — namespaces and
 * unfolded workloads — take the box of their children).
 *
 * The picture is layered left to right: entry points → services → workloads/pods, each namespace
 * a band of its own, external names in a column on the right. Two ways to compute it:
 *
 *   layered(view)                  deterministic, O(n log n): every service is a row group
 *                                  (its entry points, itself, the pods it claims), groups sorted
 *                                  by name, namespaces packed as bands. Used for big graphs.
 *   elkGraph(view) → ELK → fromElk(view, result)
 *                                  the same units handed to ELK layered (crossing minimisation),
 *                                  run in a Web Worker by elk.js. Used while the graph is small.
 *   placeNew(view, positions, ids) after the first layout: new nodes next to their kin (a pod
 *                                  below its siblings, a service left of its pods, an entry left
 *                                  of its service); nothing already placed moves.
 *
 * Both layouts build the same "units": a box with a size and a function placing the leaf nodes
 * inside it. A service's many standalone pods and an unfolded workload's pods are a grid unit.
 */

// Box of each node type: w × h including its label, (ax, ay) = node centre within the box.
export const BOX = {
  service: { w: 170, h: 80, ax: 85, ay: 18 },
  entry: { w: 160, h: 44, ax: 80, ay: 13 },
  workload: { w: 210, h: 42, ax: 17, ay: 21 },
  pod: { w: 200, h: 44, ax: 9, ay: 22 },
  external: { w: 200, h: 32, ax: 13, ay: 16 },
  namespace: { w: 180, h: 40, ax: 90, ay: 20 },
};
const GAP = 14; // between boxes in a column
const COLUMN_GAP = 50; // between columns
const GROUP_GAP = 22; // between service row groups
const GRID_ABOVE = 6; // more standalone pods than this under one service: a grid
const BLOCK_PAD = 14; // inside an unfolded workload
const BLOCK_LABEL = 18;
const BAND_PAD = 24; // inside a namespace band
const BAND_LABEL = 20;
const BAND_GAP = 60; // between bands
const ASPECT = 1.6;
const EXTERNAL_GAP = 60; // between a band and the externals on its right // bands are packed in columns towards this width : height

function byName(a, b) {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function gridColumns(n) {
  return Math.max(1, Math.min(n, Math.round(0.42 * Math.sqrt(n))));
}

/** A grid of pod boxes; returns the unit. */
function gridUnit(id, pods, pad = 0, label = 0) {
  const cols = gridColumns(pods.length);
  const rows = Math.ceil(pods.length / cols);
  const b = BOX.pod;
  return {
    id,
    w: cols * b.w + 2 * pad,
    h: rows * (b.h + GAP) - GAP + 2 * pad + label,
    place(x, y, out) {
      pods.forEach((p, i) => {
        const c = i % cols;
        const r = Math.floor(i / cols);
        out.set(p.id, { x: x + pad + c * b.w + b.ax, y: y + label + pad + r * (b.h + GAP) + b.ay });
      });
    },
  };
}

function boxUnit(node) {
  const b = BOX[node.type] || BOX.pod;
  return {
    id: node.id,
    w: b.w,
    h: b.h,
    place(x, y, out) {
      out.set(node.id, { x: x + b.ax, y: y + b.ay });
    },
  };
}

/** The view indexed for layout: namespaces, what each service claims, units and their links. */
export function analyze(view) {
  const byId = new Map();
  const parents = new Set();
  for (const n of view.nodes) {
    byId.set(n.id, n);
    if (n.parent) parents.add(n.parent);
  }
  const childrenOf = new Map();
  for (const n of view.nodes) {
    if (!n.parent) continue;
    if (!childrenOf.has(n.parent)) childrenOf.set(n.parent, []);
    childrenOf.get(n.parent).push(n);
  }
  // Where a leaf lives for layout: pods of an unfolded workload live in the workload's block.
  const blockOf = (id) => {
    const n = byId.get(id);
    if (n && n.parent && byId.get(n.parent)?.type === "workload") return n.parent;
    return id;
  };
  const selects = new Map(); // service id → [target unit id]
  const entriesOf = new Map(); // service id → [entry node]
  const servicesOf = new Map(); // unit id → [service id]
  for (const e of view.edges) {
    if (e.type === "selects") {
      const unit = blockOf(e.target);
      if (!selects.has(e.source)) selects.set(e.source, []);
      selects.get(e.source).push(unit);
      if (!servicesOf.has(unit)) servicesOf.set(unit, []);
      servicesOf.get(unit).push(e.source);
    } else if (e.type === "entry") {
      const entry = byId.get(e.source);
      if (!entry) continue;
      if (!entriesOf.has(e.target)) entriesOf.set(e.target, []);
      entriesOf.get(e.target).push(entry);
    } else if (e.type === "external") {
      if (!servicesOf.has(e.target)) servicesOf.set(e.target, []);
      servicesOf.get(e.target).push(e.source);
    }
  }
  const namespaces = new Map(); // ns id → {node, services, targets, entries}
  const externals = [];
  const nsOf = (n) => (n.parent && byId.get(n.parent)?.type === "namespace" ? n.parent : null);
  for (const n of view.nodes) {
    if (n.type === "namespace") {
      if (!namespaces.has(n.id)) namespaces.set(n.id, { id: n.id, name: n.name, items: [] });
      namespaces.get(n.id).node = n;
    }
  }
  for (const n of view.nodes) {
    if (n.type === "namespace") continue;
    if (n.type === "external" || !nsOf(n)) {
      if (!n.parent || byId.get(n.parent)?.type !== "workload") {
        if (n.type === "external" || !parents.has(n.id)) externals.push(n);
      }
      continue;
    }
    namespaces.get(nsOf(n)).items.push(n);
  }
  return { byId, parents, childrenOf, blockOf, selects, entriesOf, servicesOf, namespaces, externals };
}

/** The row groups of one namespace: [{entries: [unit], service: unit|null, targets: [unit]}]. */
function namespaceGroups(info, ns) {
  const services = [];
  const targets = new Map(); // unit id → node (folded workloads, blocks, standalone pods)
  const loose = []; // entries whose service is not drawn
  for (const n of ns.items) {
    if (n.type === "service") services.push(n);
    else if (n.type === "workload" || n.type === "pod") targets.set(n.id, n);
    else if (n.type === "entry") loose.push(n);
  }
  services.sort(byName);
  const drawn = new Set(services.map((svc) => svc.id));
  const claimed = new Set();
  const groups = [];
  // a target several services select sits between them (placed after the groups)
  const shared = [];
  for (const [id, node] of [...targets].sort((a, b) => byName(a[1], b[1]))) {
    const by = [...new Set((info.servicesOf.get(id) || []).filter((svc) => drawn.has(svc)))];
    if (by.length < 2) continue;
    claimed.add(id);
    shared.push({ unit: unitOf(info, node), services: by });
  }
  const targetUnits = (nodes, groupId) => {
    nodes.sort(byName);
    const pods = nodes.filter((n) => n.type === "pod");
    const others = nodes.filter((n) => n.type !== "pod");
    const units = others.map((n) => unitOf(info, n));
    if (pods.length > GRID_ABOVE) units.push(gridUnit(`grid:${groupId}`, pods));
    else for (const p of pods) units.push(boxUnit(p));
    return units;
  };
  for (const svc of services) {
    const mine = [];
    for (const unit of info.selects.get(svc.id) || []) {
      if (claimed.has(unit) || !targets.has(unit)) continue;
      claimed.add(unit);
      mine.push(targets.get(unit));
    }
    const entries = (info.entriesOf.get(svc.id) || []).slice().sort(byName).map(boxUnit);
    groups.push({ entries, service: boxUnit(svc), targets: targetUnits(mine, svc.id) });
  }
  const rest = [...targets.values()].filter((n) => !claimed.has(n.id));
  if (rest.length) groups.push({ entries: [], service: null, targets: targetUnits(rest, ns.id) });
  const linked = new Set();
  for (const svc of services) for (const e of info.entriesOf.get(svc.id) || []) linked.add(e.id);
  const unlinked = loose.filter((e) => !linked.has(e.id)).sort(byName);
  if (unlinked.length) groups.push({ entries: unlinked.map(boxUnit), service: null, targets: [] });
  return { groups, shared };
}

/** A folded workload or a pod: one box; an unfolded workload: a block with its pods' grid. */
function unitOf(info, node) {
  if (node.type === "workload" && info.parents.has(node.id)) {
    const pods = (info.childrenOf.get(node.id) || []).slice().sort(byName);
    return gridUnit(node.id, pods, BLOCK_PAD, BLOCK_LABEL);
  }
  return boxUnit(node);
}

function stack(units, x, top, height, out) {
  const total = units.reduce((s, u) => s + u.h, 0) + GAP * Math.max(0, units.length - 1);
  let y = top + Math.max(0, (height - total) / 2);
  for (const u of units) {
    u.place(x, y, out);
    y += u.h + GAP;
  }
}

function columnHeight(units) {
  return units.reduce((s, u) => s + u.h, 0) + GAP * Math.max(0, units.length - 1);
}

/** One namespace laid out from (0, 0); returns its content size. */
function layoutNamespace(info, ns, out) {
  const { groups, shared } = namespaceGroups(info, ns);
  const taken = []; // [top, bottom] of the boxes in the targets' column
  const x0 = 0;
  const anyEntry = groups.some((g) => g.entries.length);
  const x1 = anyEntry ? BOX.entry.w + COLUMN_GAP : 0;
  const x2 = x1 + BOX.service.w + COLUMN_GAP;
  let y = 0;
  let width = 0;
  for (const g of groups) {
    const h = Math.max(
      columnHeight(g.entries),
      g.service ? g.service.h : 0,
      columnHeight(g.targets),
    );
    stack(g.entries, x0, y, h, out);
    if (g.service) stack([g.service], x1, y, h, out);
    stack(g.targets, x2, y, h, out);
    const th = columnHeight(g.targets);
    if (th) taken.push([y + (h - th) / 2, y + (h + th) / 2]);
    width = Math.max(width, x2 + Math.max(0, ...g.targets.map((u) => u.w)));
    y += h + GROUP_GAP;
  }
  let bottom = y - GROUP_GAP;
  if (shared.length) {
    const wanted = shared.map(({ unit, services }) => {
      const ys = services.map((svc) => out.get(svc)?.y).filter((v) => v != null);
      const mid = ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : 0;
      return { unit, top: Math.max(0, mid - unit.h / 2) };
    });
    wanted.sort((a, b) => a.top - b.top || (a.unit.id < b.unit.id ? -1 : 1));
    taken.sort((a, b) => a[0] - b[0]);
    for (const { unit, top } of wanted) {
      let at = top;
      for (const [t0, t1] of taken) {
        if (at + unit.h + GAP <= t0) break;
        if (at < t1 + GAP) at = t1 + GAP;
      }
      unit.place(x2, at, out);
      taken.push([at, at + unit.h]);
      taken.sort((a, b) => a[0] - b[0]);
      width = Math.max(width, x2 + unit.w);
      bottom = Math.max(bottom, at + unit.h);
    }
  }
  if (!groups.length && !shared.length) return { w: BOX.namespace.w, h: BOX.namespace.h, empty: true };
  return { w: Math.max(width, x1 + BOX.service.w), h: Math.max(0, bottom) };
}

/** Pack namespace bands (sorted by name) in columns towards ASPECT; returns their offsets. */
export function packBands(bands) {
  let area = 0;
  let tallest = 0;
  for (const b of bands) {
    area += (b.w + BAND_GAP) * (b.h + BAND_GAP);
    tallest = Math.max(tallest, b.h);
  }
  const limit = Math.max(tallest, Math.sqrt(area / ASPECT));
  const offsets = new Map();
  let x = 0;
  let y = 0;
  let colWidth = 0;
  for (const b of bands) {
    if (y > 0 && y + b.h > limit) {
      x += colWidth + BAND_GAP;
      y = 0;
      colWidth = 0;
    }
    offsets.set(b.id, { x, y });
    y += b.h + BAND_GAP;
    colWidth = Math.max(colWidth, b.w);
  }
  return offsets;
}

function bandBox(content) {
  return {
    w: content.w + 2 * BAND_PAD,
    h: content.h + 2 * BAND_PAD + BAND_LABEL,
    dx: BAND_PAD,
    dy: BAND_PAD + BAND_LABEL,
  };
}

function shift(rel, dx, dy, out) {
  for (const [id, p] of rel) out.set(id, { x: p.x + dx, y: p.y + dy });
}

/** External names and addresses: right of the band of their service, at its height. */
function placeExternals(info, out, rightOf) {
  if (!info.externals.length) return;
  let right = -Infinity;
  for (const p of out.values()) right = Math.max(right, p.x);
  const fallback = (Number.isFinite(right) ? right : 0) + BOX.pod.w + COLUMN_GAP;
  const columns = new Map(); // x → [{n, y}]
  for (const n of info.externals) {
    const services = info.servicesOf.get(n.id) || [];
    const ys = services.map((s) => out.get(s)?.y).filter((v) => v != null);
    const xs = services.map((s) => rightOf(s)).filter((v) => v != null);
    const x = xs.length ? Math.max(...xs) + EXTERNAL_GAP : fallback;
    if (!columns.has(x)) columns.set(x, []);
    columns.get(x).push({ n, y: ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : 0 });
  }
  for (const [x, wanted] of columns) {
    wanted.sort((a, b) => a.y - b.y || byName(a.n, b.n));
    let floor = -Infinity;
    for (const { n, y } of wanted) {
      const b = BOX[n.type] || BOX.external;
      const at = Math.max(y, floor);
      out.set(n.id, { x: x + b.ax, y: at });
      floor = at + b.h + GAP;
    }
  }
}

/**
 * Namespace contents (relative positions) → absolute: bands packed by name, empty namespaces
 * in a row below them, externals right of their band (bands with externals get room for them).
 */
function assemble(info, rels, out) {
  const bands = [];
  const empties = [];
  const withExternal = new Set();
  for (const ext of info.externals) {
    for (const s of info.servicesOf.get(ext.id) || []) {
      const ns = info.byId.get(s)?.parent;
      if (ns) withExternal.add(ns);
    }
  }
  for (const [id, { content }] of rels) {
    const name = info.namespaces.get(id)?.name || id;
    if (content.empty) empties.push({ id, name });
    else {
      const box = bandBox(content);
      const room = withExternal.has(id) ? EXTERNAL_GAP + BOX.external.w : 0;
      bands.push({ id, name, ...box, w: box.w + room, inner: box.w });
    }
  }
  bands.sort(byName);
  empties.sort(byName);
  const offsets = packBands(bands);
  const rightEdge = new Map();
  let bottom = 0;
  for (const band of bands) {
    const o = offsets.get(band.id);
    shift(rels.get(band.id).rel, o.x + band.dx, o.y + band.dy, out);
    rightEdge.set(band.id, o.x + band.inner);
    bottom = Math.max(bottom, o.y + band.h);
  }
  const y = bands.length ? bottom + BAND_GAP : 0;
  empties.forEach((e, i) => {
    out.set(e.id, { x: i * (BOX.namespace.w + BAND_GAP) + BOX.namespace.ax, y: y + BOX.namespace.ay });
  });
  placeExternals(info, out, (svcId) => rightEdge.get(info.byId.get(svcId)?.parent));
}

function applyPins(out, pins, info) {
  if (!pins) return out;
  for (const [id, p] of pins) if (info.byId.has(id)) out.set(id, { x: p.x, y: p.y });
  return out;
}

/**
 * Deterministic layered layout of the whole view. `pins` (Map id → {x,y}) win over it.
 * Returns Map id → {x, y} for every leaf node (and empty namespaces).
 */
export function layered(view, { pins = null } = {}) {
  const info = analyze(view);
  const out = new Map();
  const rels = new Map();
  for (const ns of info.namespaces.values()) {
    const rel = new Map();
    const content = layoutNamespace(info, ns, rel);
    rels.set(ns.id, { rel, content });
  }
  assemble(info, rels, out);
  return applyPins(out, pins, info);
}

// ---------------------------------------------------------------------------------------------
// ELK: the same units, laid out by ELK layered inside each namespace (run in a worker).

export const ELK_OPTIONS = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.edgeRouting": "POLYLINE",
  "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
  "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
  "elk.spacing.nodeNode": String(GAP),
  "elk.layered.spacing.nodeNodeBetweenLayers": String(COLUMN_GAP),
  "elk.spacing.componentComponent": String(GROUP_GAP),
  "elk.padding": "[top=0,left=0,bottom=0,right=0]",
};

/** The ELK input graph: one child graph per namespace, units as nodes. */
export function elkGraph(view) {
  const info = analyze(view);
  const children = [];
  const places = new Map(); // unit id → unit (to place leaves after ELK)
  for (const ns of [...info.namespaces.values()].sort(byName)) {
    const { groups, shared } = namespaceGroups(info, ns);
    const nodes = [];
    const unitIds = new Map(); // leaf or block id → unit id (for edges)
    const units = [];
    for (const g of groups) units.push(...g.entries, ...(g.service ? [g.service] : []), ...g.targets);
    for (const { unit } of shared) units.push(unit);
    {
      for (const u of units) {
        nodes.push({ id: u.id, width: u.w, height: u.h });
        places.set(u.id, u);
        unitIds.set(u.id, u.id);
        if (u.id.startsWith("grid:")) {
          // every pod in a grid maps to it
          const rel = new Map();
          u.place(0, 0, rel);
          for (const podId of rel.keys()) unitIds.set(podId, u.id);
        }
      }
    }
    const edges = [];
    const seen = new Set();
    for (const e of view.edges) {
      if (e.type === "external") continue;
      const s = unitIds.get(info.blockOf(e.source));
      const t = unitIds.get(info.blockOf(e.target));
      if (!s || !t || s === t) continue;
      const key = `${s}>${t}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({ id: `e${edges.length}:${key}`, sources: [s], targets: [t] });
    }
    children.push({ id: ns.id, layoutOptions: ELK_OPTIONS, children: nodes, edges });
  }
  return {
    graph: { id: "root", layoutOptions: { "elk.algorithm": "fixed" }, children },
    places,
    info,
  };
}

/** Positions from ELK's answer: each namespace's content, then the same band packing. */
export function fromElk(view, built, result, { pins = null } = {}) {
  const { places, info } = built;
  const out = new Map();
  const rels = new Map();
  for (const ns of result.children || []) {
    const rel = new Map();
    let w = 0;
    let h = 0;
    for (const c of ns.children || []) {
      places.get(c.id)?.place(c.x, c.y, rel);
      w = Math.max(w, c.x + c.width);
      h = Math.max(h, c.y + c.height);
    }
    const empty = !(ns.children || []).length;
    rels.set(ns.id, { rel, content: empty ? { w: BOX.namespace.w, h: BOX.namespace.h, empty } : { w, h } });
  }
  assemble(info, rels, out);
  return applyPins(out, pins, info);
}

// ---------------------------------------------------------------------------------------------
// Incremental placement: new nodes next to their kin, nothing else moves.

function rect(p, type) {
  const b = BOX[type] || BOX.pod;
  return { x1: p.x - b.ax, y1: p.y - b.ay, x2: p.x - b.ax + b.w, y2: p.y - b.ay + b.h };
}

/** The boxes already placed, hashed by cell, to find a free spot for a new one. */
class Occupancy {
  constructor() {
    this.cells = new Map();
  }
  add(p, type) {
    const r = rect(p, type);
    for (let i = Math.floor(r.x1 / 200); i <= Math.floor(r.x2 / 200); i++) {
      for (let j = Math.floor(r.y1 / 50); j <= Math.floor(r.y2 / 50); j++) {
        const k = `${i},${j}`;
        if (!this.cells.has(k)) this.cells.set(k, []);
        this.cells.get(k).push(r);
      }
    }
  }
  free(p, type) {
    const r = rect(p, type);
    for (let i = Math.floor(r.x1 / 200); i <= Math.floor(r.x2 / 200); i++) {
      for (let j = Math.floor(r.y1 / 50); j <= Math.floor(r.y2 / 50); j++) {
        for (const q of this.cells.get(`${i},${j}`) || []) {
          if (q.x1 < r.x2 && r.x1 < q.x2 && q.y1 < r.y2 && r.y1 < q.y2) return false;
        }
      }
    }
    return true;
  }
}

function lowest(points) {
  let best = null;
  for (const p of points) if (!best || p.y > best.y || (p.y === best.y && p.x < best.x)) best = p;
  return best;
}

/**
 * Positions for `newIds` (leaf nodes of `view` without a position), next to their kin, given
 * `positions` (Map id → {x,y}) of the nodes already drawn. Returns Map of the new positions only.
 */
export function placeNew(view, positions, newIds) {
  const info = analyze(view);
  const out = new Map();
  const fresh = new Set(newIds);
  const occ = new Occupancy();
  const known = (id) => out.get(id) || (fresh.has(id) ? null : positions.get(id)) || null;
  for (const n of view.nodes) {
    const p = !fresh.has(n.id) && positions.get(n.id);
    if (p && !info.parents.has(n.id)) occ.add(p, n.type);
  }
  let bottom = -Infinity;
  let left = Infinity;
  for (const n of view.nodes) {
    const p = !fresh.has(n.id) && positions.get(n.id);
    if (!p) continue;
    bottom = Math.max(bottom, p.y);
    left = Math.min(left, p.x);
  }
  if (!Number.isFinite(bottom)) {
    bottom = -BAND_GAP;
    left = 0;
  }

  // A namespace none of whose nodes is placed yet gets a band of its own below everything.
  const nsNew = [...info.namespaces.values()]
    .filter((ns) => ns.items.length && ns.items.every((n) => !known(n.id) || fresh.has(n.id)))
    .sort(byName);
  for (const ns of nsNew) {
    const rel = new Map();
    const content = layoutNamespace(info, ns, rel);
    const band = bandBox(content);
    const top = bottom + BAND_GAP + 40;
    for (const [id, p] of rel) {
      if (!fresh.has(id)) continue;
      const q = { x: p.x + left + band.dx, y: p.y + top + band.dy };
      out.set(id, q);
      occ.add(q, info.byId.get(id)?.type);
    }
    bottom = top + band.h;
  }

  // An unfolded workload whose pods are all new: their grid where the folded node stood.
  for (const wl of view.nodes) {
    if (wl.type !== "workload" || !info.parents.has(wl.id)) continue;
    const pods = (info.childrenOf.get(wl.id) || []).slice().sort(byName);
    const anchor = positions.get(wl.id);
    if (!anchor || !pods.length || !pods.every((p) => fresh.has(p.id) && !out.has(p.id))) continue;
    const rel = new Map();
    gridUnit(wl.id, pods).place(anchor.x - BOX.pod.ax, anchor.y - BOX.pod.ay, rel);
    for (const [id, p] of rel) {
      out.set(id, p);
      occ.add(p, "pod");
    }
  }

  const put = (node, candidate, step) => {
    let p = { ...candidate };
    for (let i = 0; i < 400 && !occ.free(p, node.type); i++) p = { x: p.x, y: p.y + step };
    out.set(node.id, p);
    occ.add(p, node.type);
  };
  const nsBottom = (nsId, type) => {
    const pts = [];
    const ns = info.namespaces.get(nsId);
    for (const n of ns ? ns.items : []) {
      if (type && n.type !== type) continue;
      const p = known(n.id);
      if (p) pts.push(p);
    }
    return lowest(pts);
  };
  const order = { service: 0, workload: 1, pod: 2, entry: 3, external: 4, namespace: 5 };
  const todo = view.nodes
    .filter((n) => fresh.has(n.id) && !out.has(n.id) && !info.parents.has(n.id))
    .sort((a, b) => order[a.type] - order[b.type] || byName(a, b));
  // centre-to-centre distances between the columns
  const toTarget = (type) => BOX.service.w - BOX.service.ax + COLUMN_GAP + (BOX[type] || BOX.pod).ax;
  const fromEntry = BOX.entry.w - BOX.entry.ax + COLUMN_GAP + BOX.service.ax;
  for (const n of todo) {
    const box = BOX[n.type] || BOX.pod;
    const step = box.h + GAP;
    if (n.type === "pod" || n.type === "workload") {
      const parent = n.parent && info.byId.get(n.parent);
      let siblings = [];
      if (parent && parent.type === "workload") {
        siblings = (info.childrenOf.get(parent.id) || []).filter((s) => s.id !== n.id);
      } else {
        for (const svc of info.servicesOf.get(info.blockOf(n.id)) || []) {
          for (const u of info.selects.get(svc) || []) {
            if (u !== n.id) siblings.push(info.byId.get(u));
          }
        }
      }
      const placed = siblings.filter(Boolean).map((s) => known(s.id) && { ...known(s.id), s });
      const last = lowest(placed.filter(Boolean));
      if (last) {
        put(n, { x: last.x, y: last.y + step }, step);
        continue;
      }
      const svc = (info.servicesOf.get(info.blockOf(n.id)) || []).map(known).find(Boolean);
      if (svc) {
        put(n, { x: svc.x + toTarget(n.type), y: svc.y }, step);
        continue;
      }
      const low = nsBottom(n.parent, null);
      put(n, low ? { x: low.x, y: low.y + step } : { x: left, y: bottom + step }, step);
    } else if (n.type === "service") {
      const targets = (info.selects.get(n.id) || []).map(known).filter(Boolean);
      if (targets.length) {
        const x = Math.min(...targets.map((p) => p.x)) - toTarget("pod");
        const y = targets.reduce((s, p) => s + p.y, 0) / targets.length;
        put(n, { x, y }, step);
        continue;
      }
      const low = nsBottom(n.parent, "service") || nsBottom(n.parent, null);
      put(n, low ? { x: low.x, y: low.y + step } : { x: left + fromEntry, y: bottom + step }, step);
    } else if (n.type === "entry" || n.type === "external") {
      const svcId = n.type === "entry" ? entryService(view, n.id) : (info.servicesOf.get(n.id) || [])[0];
      const svc = svcId && known(svcId);
      if (svc) {
        const dx = n.type === "entry" ? -fromEntry : toTarget(n.type);
        put(n, { x: svc.x + dx, y: svc.y }, step);
      } else put(n, { x: left, y: bottom + step }, step);
    } else {
      put(n, { x: left, y: bottom + step }, step);
    }
  }
  return out;
}

function entryService(view, entryId) {
  for (const e of view.edges) if (e.type === "entry" && e.source === entryId) return e.target;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Container boxes for big graphs: namespaces and unfolded workloads drawn as plain rectangles
// behind their members instead of Cytoscape compound nodes (which roughly double the cost of
// drawing a thousand nodes: every style change walks the compound's descendants).

/** Padding of a box around its members' boxes (namespace bands, workload blocks). */
export const CONTAINER_PAD = { namespace: BAND_PAD, workload: 10 };

/**
 * The rectangle of every container of `view` (a node some other node names as parent), from the
 * positions of the leaves (Map id → {x,y}): the members' boxes (BOX, labels included) plus
 * padding; an unfolded workload's box counts as a member of its namespace. Returns Map id →
 * {x, y, w, h} (centre and size); containers without a placed member are left out.
 */
export function containerBoxes(view, positions) {
  const byId = new Map();
  const parents = new Set();
  for (const n of view.nodes) {
    byId.set(n.id, n);
    if (n.parent) parents.add(n.parent);
  }
  const bounds = new Map(); // container id → {x1, y1, x2, y2}
  const extend = (id, x1, y1, x2, y2) => {
    const b = bounds.get(id);
    if (!b) bounds.set(id, { x1, y1, x2, y2 });
    else {
      if (x1 < b.x1) b.x1 = x1;
      if (y1 < b.y1) b.y1 = y1;
      if (x2 > b.x2) b.x2 = x2;
      if (y2 > b.y2) b.y2 = y2;
    }
  };
  for (const n of view.nodes) {
    if (!n.parent || parents.has(n.id)) continue;
    const p = positions.get(n.id);
    if (!p) continue;
    const r = rect(p, n.type);
    extend(n.parent, r.x1, r.y1, r.x2, r.y2);
  }
  const out = new Map();
  const finish = (id) => {
    const b = bounds.get(id);
    const node = byId.get(id);
    if (!b || !node) return null;
    const pad = CONTAINER_PAD[node.type] ?? BAND_PAD;
    const box = { x1: b.x1 - pad, y1: b.y1 - pad, x2: b.x2 + pad, y2: b.y2 + pad };
    out.set(id, { x: (box.x1 + box.x2) / 2, y: (box.y1 + box.y2) / 2, w: box.x2 - box.x1, h: box.y2 - box.y1 });
    return box;
  };
  // unfolded workloads first: their boxes are members of their namespace's box
  for (const id of parents) {
    const node = byId.get(id);
    if (!node || !node.parent) continue;
    const box = finish(id);
    if (box) extend(node.parent, box.x1, box.y1, box.x2, box.y2);
  }
  for (const id of parents) if (!byId.get(id)?.parent) finish(id);
  return out;
}
