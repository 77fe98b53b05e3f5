/**
 * graph/index.js — the live topology graph: a Cytoscape.js canvas showing a View of model.js.
 *
 *   const graph = new TopologyGraph(container, { elkWorkerUrl, onSelect, onToggle, tooltip });
 *   await graph.render(view)      // first call: lays everything out (ELK in a worker while the
 *                                 // graph is small, else the deterministic layered placement);
 *                                 // later calls: apply the difference in one cy.batch() — new
 *                                 // nodes placed next to their kin, nothing else moves, changes
 *                                 // flash, removed elements fade out. Resolves once drawn.
 *                                 // Only view nodes/edges that are not the very objects drawn
 *                                 // last time are looked at (model.js's ViewBuilder keeps the
 *                                 // objects of what did not change), so a small change to a big
 *                                 // graph costs little.
 *
 * Big graphs (LARGE_ELEMENTS) are drawn cheaply: haystack edges, labels only when zoomed in, and
 * namespaces / unfolded workloads as plain boxes behind their members ("flat") instead of
 * Cytoscape compound nodes, which roughly double the cost of drawing a thousand nodes. A box
 * follows its members (sized by layout.js containerBoxes) and dragging it drags them.
 *   graph.tidy()  graph.unpinAll()  graph.fit()  graph.select(id)
 *   graph.highlight({ search, labels, labelsOf })
 *   graph.highlightPath(paths, { durationMs })   traffic along paths of node ids (a pulse edge by
 *                                 edge; marks stay until graph.clearPath()); container's
 *                                 data-trace = running | shown while marked
 *   graph.exportSvg() / graph.exportPng()  → Blob
 *
 * Callers coalesce store messages into at most one render() per animation frame (main.js).
 */
import cytoscape from "cytoscape";
import cytoscapeSvg from "cytoscape-svg";

import { startElk, runElk } from "./elk.js";
import { chainHtml, esc as escapeHtml } from "./details.js";
import { edgeElement, nodeElement } from "./format.js";
import { containerBoxes, elkGraph, fromElk, layered, placeNew } from "./layout.js";
import { labelsMatch, searchMatches } from "./match.js";
import { Pins } from "./pins.js";
import { stylesheet } from "./style.js";

cytoscape.use(cytoscapeSvg);

export { chainHtml };

/**
 * Above this many drawn leaf nodes the layout is the deterministic one. Measured (elkjs 0.12,
 * V8, layered + BRANDES_KOEPF, one namespace with crossing selectors): 200 nodes 0.2–0.3 s,
 * 400 nodes 0.3–0.4 s, 600 nodes 0.5–0.6 s, 800 nodes 1.1–1.3 s, all in the worker.
 */
export const ELK_MAX_NODES = 400;
/** Above this many drawn elements the cheap style (haystack edges, labels on demand, boxes instead
 *  of compound nodes) is used; back to the full style below LARGE_ELEMENTS_OFF (no flapping
 *  around one number). */
export const LARGE_ELEMENTS = 1500;
const LARGE_ELEMENTS_OFF = 1200;
/** Big graphs draw leaf labels from this zoom on (what min-zoomed-font-size shows anyway). */
const LABEL_ZOOM = 0.85;
/** How long the first frame waits for ELK before drawing the layered placement (ELK then settles,
 * animating once). 0: the first frame never waits for ELK's cold start (~300 ms on this machine). */
const FIRST_ELK_BUDGET_MS = 0;
/** Batches with more changes than this apply without animation. */
const ANIMATE_MAX = 250;
const FLASH_MS = 1000;
const FADE_MS = 450;

/** Ids of the view's containers: nodes some other node names as parent. */
function containerIds(view) {
  const out = new Set();
  for (const n of view.nodes) if (n.parent) out.add(n.parent);
  return out;
}

function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

export class TopologyGraph {
  constructor(container, { elkWorkerUrl = null, onSelect = () => {}, onToggle = () => {}, tooltip = null, storage } = {}) {
    this.container = container;
    this.onSelect = onSelect;
    this.onToggle = onToggle;
    this.tooltip = tooltip;
    this.pins = new Pins(storage === undefined ? globalThis.localStorage : storage);
    this.elkWorkerUrl = elkWorkerUrl;
    this.flat = true; // containers drawn as boxes, not compound nodes (big graphs)
    this.memory = new Map(); // id → last position of nodes no longer drawn (filtered, folded)
    this.index = new Map(); // id → ViewNode | ViewEdge currently drawn
    this.view = null;
    // Cytoscape starts with the big graphs' style: switching costs a stylesheet parse, which a
    // small graph's first frame affords better than a big one's
    this.large = true;
    this.laidOut = false;
    this.highlightState = null;
    this.timers = new Set();
    this.cy = cytoscape({
      container,
      elements: [],
      style: stylesheet({ large: true }),
      layout: { name: "preset" },
      pixelRatio: 1,
      motionBlur: false,
      boxSelectionEnabled: false,
      selectionType: "single",
      minZoom: 0.02,
      maxZoom: 4,
      textureOnViewport: true,
      hideEdgesOnViewport: true,
    });
    this.bindEvents();
  }

  bindEvents() {
    const cy = this.cy;
    const touched = () => {
      this.userTouched = true;
    };
    this.container.addEventListener("pointerdown", touched, { passive: true });
    this.container.addEventListener("wheel", touched, { passive: true });
    cy.on("tap", "node, edge", (evt) => {
      this.onSelect({ id: evt.target.id(), group: evt.target.group() });
    });
    cy.on("tap", (evt) => {
      if (evt.target === cy) this.onSelect(null);
    });
    cy.on("dbltap", "node.workload", (evt) => this.onToggle(evt.target.id()));
    cy.on("dragfree", "node", (evt) => {
      this.userMoved = true;
      const n = evt.target;
      let leaves = n;
      if (n.isParent()) leaves = n.descendants().filter((d) => !d.isParent());
      else if (n.hasClass("box")) leaves = cy.collection(this.boxMembers(n.id())).filter((d) => !d.hasClass("box"));
      this.pins.pin(leaves.map((l) => [l.id(), l.position()]));
      leaves.addClass("pinned");
      this.boxDrag = null;
      if (this.flat && !n.hasClass("box")) this.scheduleBoxes();
    });
    // flat mode: a box drags its members along; a member dragged resizes its boxes
    cy.on("grab", "node.box", (evt) => {
      const box = evt.target;
      const members = this.boxMembers(box.id()).map((m) => [m, { ...m.position() }]);
      this.boxDrag = { id: box.id(), start: { ...box.position() }, members };
    });
    cy.on("drag", "node", (evt) => {
      const n = evt.target;
      const d = this.boxDrag;
      if (d && d.id === n.id()) {
        const p = n.position();
        const dx = p.x - d.start.x;
        const dy = p.y - d.start.y;
        cy.batch(() => {
          for (const [m, p0] of d.members) m.position({ x: p0.x + dx, y: p0.y + dy });
        });
      } else if (this.flat && !n.hasClass("box")) this.scheduleBoxes();
    });
    cy.on("mouseover", "node, edge", (evt) => this.showTooltip(evt));
    cy.on("mouseout", "node, edge", () => this.hideTooltip());
    cy.on("viewport", () => {
      this.hideTooltip();
      this.scheduleLabels();
    });
  }

  // ------------------------------------------------------------------ rendering

  /** Apply `view`; resolves after the frame showing it is drawn. */
  async render(view) {
    const first = !this.laidOut;
    this.view = view;
    const count = view.nodes.length + view.edges.length;
    const large = this.large ? count > LARGE_ELEMENTS_OFF : count > LARGE_ELEMENTS;
    if (first) {
      if (large !== this.large) this.setLarge(large);
      await this.renderFirst(view);
    } else if (large !== this.large) {
      // the drawing mode changes (boxes ↔ compound nodes): draw everything again where it is
      this.setLarge(large);
      this.redrawAll(this.view);
    } else this.renderUpdate(view);
    if (this.highlightState) this.applyHighlight();
    if (this.trace) this.applyTrace();
    if (this.large) this.updateLabels();
    else if (this.labelled) {
      this.labelled = false;
      this.cy.nodes(".lbl").removeClass("lbl");
    }
    const t = performance.now();
    await this.drawn();
    if (first) this.lastLayout.drawMs = Math.round(performance.now() - t);
  }

  setLarge(large) {
    this.large = large;
    this.flat = large;
    this.cy.style(stylesheet({ large }));
    const r = this.cy.renderer();
    if (r) {
      r.hideEdgesOnViewport = large;
      r.textureOnViewport = large;
    }
  }

  /** Resolves after Cytoscape draws the next frame (or two animation frames, if nothing changed). */
  drawn() {
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (!done) {
          done = true;
          resolve();
        }
      };
      this.cy.one("render", finish);
      nextFrame()
        .then(nextFrame)
        .then(finish);
    });
  }

  /**
   * Positions for the whole view: ELK while the graph is small, else the layered placement.
   * With `budgetMs`, ELK gets that long; if it is slower the layered placement is returned now
   * and `late` resolves to ELK's positions when they come (null if ELK fails).
   */
  async computeLayout(view, { budgetMs = null } = {}) {
    const leaves = view.nodes.filter((n) => n.type !== "namespace").length;
    const pins = this.pins.all();
    if (leaves <= ELK_MAX_NODES) {
      startElk(this.elkWorkerUrl, { warm: false });
      const built = elkGraph(view);
      const elk = runElk(built.graph, 4000).then((result) => fromElk(view, built, result, { pins }));
      const timer = budgetMs == null ? null : new Promise((r) => setTimeout(() => r(null), budgetMs));
      const first = await (timer ? Promise.race([elk, timer]) : elk).catch(() => undefined);
      if (first) return { positions: first, engine: "elk" };
      if (first === null) {
        return { positions: layered(view, { pins }), engine: "layered", late: elk.catch(() => null) };
      }
    }
    return { positions: layered(view, { pins }), engine: "layered" };
  }

  /** The leaf nodes drawn (not compound parents, not boxes). */
  leafNodes() {
    return this.cy.nodes().filter((n) => !n.isParent() && !n.hasClass("box"));
  }

  /** ELK's positions arrived after the first frame: move there, unless the user moved things. */
  settle(positions, laidOut) {
    if (!positions || this.userMoved || !this.view) return;
    const now = this.view.nodes.map((n) => n.id).join("\n");
    if (now !== laidOut) return; // the graph changed meanwhile: keep what is drawn
    const nodes = this.leafNodes().filter((n) => positions.has(n.id()));
    nodes.forEach((n) => {
      n.animate({ position: positions.get(n.id()) }, { duration: 400, easing: "ease-in-out-cubic" });
    });
    this.lastLayout = { ...this.lastLayout, engine: "elk (after the first frame)" };
    if (this.flat) this.later(() => this.refreshBoxes(), 420);
    if (!this.userTouched) this.later(() => this.fitPositions(positions), 420);
  }

  async renderFirst(view) {
    const started = performance.now();
    const { positions, engine, late } = await this.computeLayout(view, { budgetMs: FIRST_ELK_BUDGET_MS });
    this.lastLayout = { engine, ms: Math.round(performance.now() - started) };
    if (late) {
      const laidOut = view.nodes.map((n) => n.id).join("\n");
      late.then((p) => this.settle(p, laidOut));
    }
    // a render() may have come in while ELK ran: lay out what is current
    view = this.view;
    const missing = view.nodes.filter((n) => !positions.has(n.id)).map((n) => n.id);
    if (missing.length) for (const [id, p] of placeNew(view, positions, missing)) positions.set(id, p);
    const t0 = performance.now();
    this.drawAll(view, positions);
    const t1 = performance.now();
    this.fitPositions(positions);
    this.lastLayout.addMs = Math.round(t1 - t0);
    this.lastLayout.fitMs = Math.round(performance.now() - t1);
    this.laidOut = true;
  }

  /** Replace every element by the view's, at `positions` (leaves; boxes follow their members). */
  drawAll(view, positions) {
    const containers = this.flat ? containerIds(view) : null;
    const boxes = this.flat ? containerBoxes(view, positions) : null;
    const elements = [];
    for (const n of this.flat ? view.nodes : this.orderedNodes(view)) {
      const el = this.nodeEl(n, containers);
      const box = boxes && containers.has(n.id) ? boxes.get(n.id) : null;
      const p = box || positions.get(n.id);
      if (box) {
        el.data.w = box.w;
        el.data.h = box.h;
      }
      if (p) el.position = { x: p.x, y: p.y };
      if (this.pins.has(n.id)) el.classes.push("pinned");
      elements.push(el);
    }
    for (const e of view.edges) elements.push(edgeElement(e));
    this.index = new Map();
    for (const n of view.nodes) this.index.set(n.id, n);
    for (const e of view.edges) this.index.set(e.id, e);
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.cy.add(elements);
    });
  }

  /** The drawing mode changed: draw every element again, leaves where they are now. */
  redrawAll(view) {
    const positions = this.leafPositions();
    for (const [id, p] of this.memory) if (!positions.has(id)) positions.set(id, p);
    const missing = view.nodes.filter((n) => !positions.has(n.id)).map((n) => n.id);
    if (missing.length) for (const [id, p] of placeNew(view, positions, missing)) positions.set(id, p);
    this.drawAll(view, positions);
  }

  /** Cytoscape JSON of a view node: no compound parent in flat mode, where containers are boxes. */
  nodeEl(n, containers) {
    const el = nodeElement(n);
    if (this.flat) {
      el.data.owner = el.data.parent ?? null; // the view's parent, not a compound one
      delete el.data.parent;
      if (containers.has(n.id)) el.classes.push("box");
    }
    return el;
  }

  /** Fit the viewport to known positions (cheaper than cy.fit, which measures every label). */
  fitPositions(positions) {
    let x1 = Infinity;
    let y1 = Infinity;
    let x2 = -Infinity;
    let y2 = -Infinity;
    for (const p of positions.values()) {
      x1 = Math.min(x1, p.x);
      y1 = Math.min(y1, p.y);
      x2 = Math.max(x2, p.x);
      y2 = Math.max(y2, p.y);
    }
    const w = this.cy.width();
    const h = this.cy.height();
    if (!Number.isFinite(x1) || !w || !h) return this.cy.fit(undefined, 30);
    // room for labels right of pods and below services, and the namespace boxes
    x1 -= 110;
    y1 -= 70;
    x2 += 230;
    y2 += 90;
    const zoom = Math.min(this.cy.maxZoom(), Math.max(this.cy.minZoom(), Math.min(w / (x2 - x1), h / (y2 - y1)), 0.02));
    const cappedZoom = Math.min(zoom, 1.6);
    this.cy.viewport({
      zoom: cappedZoom,
      pan: {
        x: (w - cappedZoom * (x1 + x2)) / 2,
        y: (h - cappedZoom * (y1 + y2)) / 2,
      },
    });
  }

  /** Parents before children (namespaces, then unfolded workloads, then the rest). */
  orderedNodes(view) {
    const rank = (n) => (n.type === "namespace" ? 0 : n.type === "workload" ? 1 : 2);
    return view.nodes.slice().sort((a, b) => rank(a) - rank(b));
  }

  leafPositions() {
    const out = new Map();
    this.cy.nodes().forEach((n) => {
      if (!n.isParent() && !n.hasClass("box") && !n.hasClass("leaving")) out.set(n.id(), { ...n.position() });
    });
    return out;
  }

  /** Flat mode: the nodes inside box `id` (members, and members of boxes inside it). */
  boxMembers(id) {
    const view = this.view;
    if (!view) return [];
    const children = new Map();
    for (const n of view.nodes) {
      if (!n.parent) continue;
      if (!children.has(n.parent)) children.set(n.parent, []);
      children.get(n.parent).push(n.id);
    }
    const out = [];
    const walk = (pid) => {
      for (const cid of children.get(pid) || []) {
        const ele = this.cy.getElementById(cid);
        if (ele.nonempty()) out.push(ele);
        walk(cid);
      }
    };
    walk(id);
    return out;
  }

  scheduleBoxes() {
    if (this.boxFrame) return;
    this.boxFrame = requestAnimationFrame(() => {
      this.boxFrame = 0;
      this.refreshBoxes();
    });
  }

  /** Flat mode: size and place every box around its members again (after nodes came, went or
   *  moved); a node that is no longer a container stops being a box. */
  refreshBoxes() {
    const cy = this.cy;
    const view = this.view;
    if (!this.flat || !view) return;
    const containers = containerIds(view);
    const positions = new Map();
    for (const n of view.nodes) {
      if (containers.has(n.id)) continue;
      const ele = cy.getElementById(n.id);
      if (ele.nonempty() && !ele.hasClass("leaving")) positions.set(n.id, ele.position());
    }
    const boxes = containerBoxes(view, positions);
    cy.batch(() => {
      cy.nodes(".box").forEach((ele) => {
        if (!boxes.has(ele.id())) ele.removeClass("box");
      });
      for (const [id, b] of boxes) {
        const ele = cy.getElementById(id);
        if (ele.empty()) continue;
        if (!ele.hasClass("box")) ele.addClass("box");
        if (ele.data("w") !== b.w || ele.data("h") !== b.h) ele.data({ w: b.w, h: b.h });
        const p = ele.position();
        if (p.x !== b.x || p.y !== b.y) ele.position({ x: b.x, y: b.y });
      }
    });
  }

  /**
   * Apply the difference between the drawn view and `view`. Nodes and edges that are the very
   * objects drawn last time are unchanged (the ViewBuilder's contract) and cost nothing; the
   * others are compared by their drawn signature.
   */
  renderUpdate(view) {
    const cy = this.cy;
    const prev = this.index;
    const next = new Map();
    for (const n of view.nodes) next.set(n.id, n);
    for (const e of view.edges) next.set(e.id, e);
    const addedNodes = [];
    const changedNodes = [];
    const revived = [];
    for (const n of view.nodes) {
      const old = prev.get(n.id);
      if (old === n) continue;
      if (old) changedNodes.push(n);
      else {
        const ele = cy.getElementById(n.id);
        if (ele.empty()) addedNodes.push(n);
        else {
          revived.push(ele);
          changedNodes.push(n);
        }
      }
    }
    const addedEdges = [];
    const changedEdges = [];
    for (const e of view.edges) {
      const old = prev.get(e.id);
      if (old === e) continue;
      if (old) changedEdges.push(e);
      else {
        const ele = cy.getElementById(e.id);
        if (ele.empty()) addedEdges.push(e);
        else {
          revived.push(ele);
          changedEdges.push(e);
        }
      }
    }
    const removed = [];
    for (const id of prev.keys()) {
      if (next.has(id)) continue;
      const ele = cy.getElementById(id);
      if (ele.nonempty() && !ele.hasClass("leaving")) removed.push(ele);
    }
    this.index = next;
    const changes = removed.length + addedNodes.length;
    const animate = changes <= ANIMATE_MAX;
    const containers = this.flat ? containerIds(view) : null;

    // positions for new leaves: remembered, pinned, or next to their kin
    const place = new Map();
    const fresh = [];
    if (addedNodes.length) {
      const parents = new Set(view.nodes.map((n) => n.parent).filter(Boolean));
      for (const n of addedNodes) {
        if (parents.has(n.id)) continue;
        const p = this.pins.get(n.id) || this.memory.get(n.id);
        if (p) place.set(n.id, p);
        else fresh.push(n.id);
      }
      if (fresh.length) {
        const known = this.leafPositions();
        for (const [id, p] of place) known.set(id, p);
        for (const [id, p] of placeNew(view, known, fresh)) place.set(id, p);
      }
    }

    let structure = removed.length > 0 || addedNodes.length > 0;
    const flashed = [];
    cy.batch(() => {
      // 1. new nodes, parents first
      const adds = [];
      for (const n of this.flat ? addedNodes : this.orderedNodes({ nodes: addedNodes })) {
        const el = this.nodeEl(n, containers);
        const p = place.get(n.id);
        if (p) el.position = { x: p.x, y: p.y };
        if (this.pins.has(n.id)) el.classes.push("pinned");
        adds.push(el);
      }
      const added = adds.length ? cy.add(adds) : cy.collection();
      flashed.push(...added.toArray());

      // 2. nodes that changed parent move now, before any old parent goes (removing a compound
      //    removes its children); in flat mode only their boxes change
      for (const n of this.flat ? changedNodes : this.orderedNodes({ nodes: changedNodes })) {
        const ele = cy.getElementById(n.id);
        if (ele.empty()) continue;
        if (this.flat) {
          const owner = ele.data("owner") ?? null;
          if (ele.hasClass("box") !== containers.has(n.id) || owner !== (n.parent || null)) structure = true;
        } else if ((ele.data("parent") || null) !== (n.parent || null)) ele.move({ parent: n.parent || null });
      }

      // 3. removed: remember leaf positions, fade out (or go at once in a big batch)
      const gone = cy.collection(removed.filter((e) => !e.removed()));
      gone.forEach((ele) => {
        if (ele.isNode() && !ele.isParent() && !ele.hasClass("box")) this.memory.set(ele.id(), { ...ele.position() });
      });
      if (animate && gone.length) {
        gone.addClass("leaving");
        gone.forEach((ele) => {
          ele.animate({ style: { opacity: 0 } }, { duration: FADE_MS });
        });
        this.later(() => {
          const still = gone.filter((e) => !e.removed() && e.hasClass("leaving"));
          cy.batch(() => still.remove());
        }, FADE_MS + 30);
      } else gone.remove();
      for (const ele of revived) this.revive(ele);

      // 4. new edges (their ends exist now)
      if (addedEdges.length) {
        const more = cy.add(addedEdges.map(edgeElement));
        flashed.push(...more.toArray());
      }

      // 5. changed data or classes
      for (const n of changedNodes) {
        const ele = cy.getElementById(n.id);
        if (ele.empty()) continue;
        const el = this.nodeEl(n, containers);
        if (ele.data("sig") === el.data.sig) continue;
        ele.data(el.data);
        const classes = el.classes.concat(this.pins.has(n.id) ? ["pinned"] : []);
        if (ele.hasClass("lbl")) classes.push("lbl");
        ele.classes(classes);
        flashed.push(ele);
      }
      for (const e of changedEdges) {
        const ele = cy.getElementById(e.id);
        if (ele.empty()) continue;
        const el = edgeElement(e);
        if (ele.data("sig") === el.data.sig) continue;
        ele.data(el.data);
        ele.classes(el.classes);
        flashed.push(ele);
      }
    });
    if (this.flat && structure) this.refreshBoxes();

    if (animate && flashed.length) {
      const coll = cy.collection(flashed.filter((e) => !e.removed()));
      coll.addClass("flash");
      this.later(() => coll.removeClass("flash"), FLASH_MS);
    }
  }

  /** An element that was fading out is in the view again. */
  revive(ele) {
    if (ele.empty()) return;
    ele.stop(true, false);
    ele.removeClass("leaving");
    ele.removeStyle("opacity");
  }

  later(fn, ms) {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  // ------------------------------------------------------------------ labels of big graphs

  scheduleLabels() {
    if (!this.large || this.labelTimer) return;
    this.labelTimer = setTimeout(() => {
      this.labelTimer = 0;
      this.updateLabels();
    }, 120);
  }

  /** Big graphs: labels on the leaves inside the viewport once zoomed in enough to read them. */
  updateLabels() {
    const cy = this.cy;
    if (!this.large) return;
    if (cy.zoom() < LABEL_ZOOM) {
      if (this.labelled) {
        this.labelled = false;
        const on = cy.nodes(".lbl");
        if (on.length) cy.batch(() => on.removeClass("lbl"));
      }
      return;
    }
    this.labelled = true;
    const e = cy.extent();
    const mx = e.w * 0.25;
    const my = e.h * 0.25;
    cy.batch(() => {
      cy.nodes().forEach((n) => {
        if (n.isParent() || n.hasClass("box")) return;
        const p = n.position();
        const inside = p.x > e.x1 - mx && p.x < e.x2 + mx && p.y > e.y1 - my && p.y < e.y2 + my;
        if (inside !== n.hasClass("lbl")) n.toggleClass("lbl", inside);
      });
    });
  }

  // ------------------------------------------------------------------ user actions

  /** Lay the whole view out again (pins stay where they are); animates small graphs. */
  async tidy() {
    if (!this.view) return;
    this.userMoved = true;
    const { positions, engine } = await this.computeLayout(this.view);
    this.lastLayout = { engine, ms: this.lastLayout?.ms ?? 0 };
    const cy = this.cy;
    const nodes = this.leafNodes().filter((n) => positions.has(n.id()));
    if (!this.large && nodes.length <= 600) {
      nodes.forEach((n) => {
        n.animate({ position: positions.get(n.id()) }, { duration: 500, easing: "ease-in-out-cubic" });
      });
      await new Promise((r) => setTimeout(r, 520));
    } else {
      cy.batch(() => nodes.forEach((n) => n.position(positions.get(n.id()))));
    }
    this.refreshBoxes();
    cy.fit(undefined, 30);
    this.memory.clear();
    await this.drawn();
  }

  unpinAll() {
    this.pins.clear();
    this.cy.nodes(".pinned").removeClass("pinned");
  }

  fit(ids) {
    if (ids && ids.length) {
      const coll = this.cy.collection(ids.map((id) => this.cy.getElementById(id)).filter((e) => e.nonempty()));
      if (coll.length) {
        const bb = coll.boundingBox();
        const w = this.cy.width();
        const h = this.cy.height();
        const zoom = Math.min(1.4, w / (bb.w + 120), h / (bb.h + 120));
        const pan = { x: w / 2 - zoom * (bb.x1 + bb.w / 2), y: h / 2 - zoom * (bb.y1 + bb.h / 2) };
        return this.cy.animate({ zoom, pan }, { duration: 300 });
      }
    }
    this.cy.fit(undefined, 30);
  }

  select(id) {
    this.cy.$(":selected").unselect();
    if (!id) return;
    const ele = this.cy.getElementById(id);
    if (ele.nonempty()) ele.select();
  }

  center(id) {
    const ele = this.cy.getElementById(id);
    if (ele.nonempty()) this.cy.animate({ center: { eles: ele } }, { duration: 250 });
  }

  /**
   * Search text and/or label requirements (match.js); `labelsOf(node)` gives a node's labels.
   * Matches get a halo, everything else is dimmed. Returns the matching ids.
   */
  highlight(state) {
    this.highlightState = state && (state.search || (state.labels && state.labels.length)) ? state : null;
    return this.applyHighlight();
  }

  applyHighlight() {
    const cy = this.cy;
    const state = this.highlightState;
    const matched = [];
    cy.batch(() => {
      cy.elements(".match, .labelmatch, .dim").removeClass("match labelmatch dim");
      if (!state || !this.view) return;
      const hits = new Set();
      for (const n of this.view.nodes) {
        if (n.type === "namespace") continue;
        const bySearch = state.search && searchMatches(n, state.search);
        const byLabel =
          state.labels && state.labels.length && (n.type === "pod" || n.type === "service" || n.type === "workload") &&
          labelsMatch(state.labelsOf ? state.labelsOf(n) : n.data?.labels, state.labels);
        if (!bySearch && !byLabel) continue;
        hits.add(n.id);
        matched.push(n.id);
        const ele = cy.getElementById(n.id);
        if (bySearch) ele.addClass("match");
        if (byLabel) ele.addClass("labelmatch");
      }
      if (hits.size) {
        cy.nodes().forEach((n) => {
          if (!hits.has(n.id()) && !n.isParent() && !n.hasClass("box")) n.addClass("dim");
        });
        cy.edges().forEach((e) => {
          if (!hits.has(e.data("source")) && !hits.has(e.data("target"))) e.addClass("dim");
        });
      }
    });
    return matched;
  }

  // ------------------------------------------------------------------ traffic paths

  /**
   * Show traffic on the graph. `paths`: one path (an array of node ids, source first) or an array
   * of paths, each an array of ids or `{ids, failed}` (a failed path is drawn red). Ids not drawn
   * are skipped. Nodes on a path get a halo; consecutive ids are joined by their edge, or by a
   * temporary dashed edge where the graph has none (a pod calling a service). A pulse then runs
   * along the edges, hop by hop, in `durationMs`. The marks stay until clearPath() or the next
   * highlightPath(). Resolves when the pulse has run.
   */
  highlightPath(paths, { durationMs = 2400 } = {}) {
    this.clearPath();
    const cy = this.cy;
    const list = (Array.isArray(paths) && typeof paths[0] === "string" ? [paths] : paths || []).map((p) =>
      Array.isArray(p) ? { ids: p, failed: false } : { ids: p.ids || [], failed: Boolean(p.failed) },
    );
    const drawnPaths = [];
    cy.batch(() => {
      for (const p of list) {
        const ids = [];
        for (const id of p.ids) {
          if (cy.getElementById(id).empty() || ids[ids.length - 1] === id) continue;
          ids.push(id);
        }
        if (!ids.length) continue;
        const edges = [];
        for (let i = 1; i < ids.length; i += 1) {
          const [a, b] = [ids[i - 1], ids[i]];
          let edge = cy.getElementById(`${a}->${b}`);
          if (edge.empty()) {
            const id = `trace:${a}->${b}`;
            edge = cy.getElementById(id);
            if (edge.empty()) edge = cy.add({ group: "edges", data: { id, source: a, target: b }, classes: "trace-temp" });
          }
          edges.push(edge.id());
        }
        drawnPaths.push({ ids, edges, failed: p.failed });
      }
    });
    this.trace = { paths: drawnPaths };
    this.applyTrace();
    const steps = Math.max(1, ...drawnPaths.map((p) => p.edges.length));
    this.container.dataset.trace = drawnPaths.length ? "running" : "";
    if (!drawnPaths.length) return Promise.resolve([]);
    const trace = this.trace;
    const stepMs = Math.max(120, durationMs / steps);
    return new Promise((resolve) => {
      const step = (k) => {
        if (this.trace !== trace) return resolve(drawnPaths.map((p) => p.ids));
        cy.batch(() => {
          cy.elements(".trace-pulse").removeClass("trace-pulse");
          if (k < steps) {
            for (const p of drawnPaths) {
              const e = p.edges[k];
              if (!e) continue;
              cy.getElementById(e).addClass("trace-pulse");
              cy.getElementById(p.ids[k + 1]).addClass("trace-pulse");
            }
          }
        });
        if (k < steps) this.later(() => step(k + 1), stepMs);
        else {
          this.container.dataset.trace = "shown";
          resolve(drawnPaths.map((p) => p.ids));
        }
      };
      step(0);
    });
  }

  /** (Re)apply the marks of the current trace (a render may have reset classes). */
  applyTrace() {
    const cy = this.cy;
    if (!this.trace) return;
    cy.batch(() => {
      for (const p of this.trace.paths) {
        for (const id of p.ids) cy.getElementById(id).addClass(p.failed ? "trace-node trace-failed" : "trace-node");
        for (const id of p.edges) cy.getElementById(id).addClass(p.failed ? "trace-edge trace-failed" : "trace-edge");
      }
    });
  }

  clearPath() {
    const cy = this.cy;
    this.trace = null;
    delete this.container.dataset.trace;
    cy.batch(() => {
      cy.elements(".trace-temp").remove();
      cy.elements(".trace-node, .trace-edge, .trace-pulse, .trace-failed").removeClass("trace-node trace-edge trace-pulse trace-failed");
    });
  }

  // ------------------------------------------------------------------ tooltip

  showTooltip(evt) {
    if (!this.tooltip) return;
    const ele = evt.target;
    const item = this.index.get(ele.id());
    if (!item) return;
    let html;
    if (ele.isEdge()) {
      const chains = item.chains || [];
      const ready =
        item.ready && typeof item.ready === "object"
          ? `${item.ready.ready}/${item.ready.total} ready`
          : item.ready === false
            ? "not ready"
            : "ready";
      const name = (id) => this.index.get(id)?.name || id;
      html =
        `<div class="tt-title">${escapeHtml(name(item.source))} → ${escapeHtml(name(item.target))}</div>` +
        (item.type === "selects" ? `<div>${escapeHtml(ready)}</div>` : "") +
        chains.map((c) => `<div>${chainHtml(c)}</div>`).join("");
    } else {
      const lines = escapeHtml(ele.data("label")).split("\n");
      html = `<div class="tt-title">${lines[0]}</div>${lines.slice(1).map((l) => `<div>${l}</div>`).join("")}` +
        (item.problems || []).map((p) => `<div class="tt-problem">⚠ ${escapeHtml(p)}</div>`).join("");
      if (item.type === "workload") html += `<div class="tt-hint">double-click to ${item.data?.expanded ? "fold" : "unfold"}</div>`;
    }
    const pos = evt.renderedPosition || ele.renderedPosition();
    const t = this.tooltip;
    t.innerHTML = html;
    t.hidden = false;
    t.style.left = `${Math.round(pos.x + 14)}px`;
    t.style.top = `${Math.round(pos.y + 14)}px`;
  }

  hideTooltip() {
    if (this.tooltip) this.tooltip.hidden = true;
  }

  // ------------------------------------------------------------------ export and stats

  exportSvg() {
    const svg = this.cy.svg({ full: true, bg: "#ffffff", scale: 1 });
    return new Blob([svg], { type: "image/svg+xml" });
  }

  exportPng() {
    return this.cy.png({ output: "blob", full: true, bg: "#ffffff", maxWidth: 6000, maxHeight: 6000 });
  }

  stats() {
    return {
      drawnNodes: this.cy.nodes().length,
      drawnEdges: this.cy.edges().not(".trace-temp").length,
      large: this.large,
      layout: this.lastLayout || null,
      pinned: this.pins.size,
    };
  }

  destroy() {
    for (const t of this.timers) clearTimeout(t);
    this.cy.destroy();
  }
}
