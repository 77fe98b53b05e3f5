/**
 * main.js — the topology page: boots from the `portolan-boot` JSON, starts the live Store,
 * turns it into a View (model.js) at most once per animation frame, and draws that View as the
 * graph (graph/) or the table (table.js). Toolbar, details panel and FORMS' actions are wired here.
 *
 * Where the time goes (performance.md B10/B11): the live feed connects before anything else is
 * evaluated, so the server prepares the snapshot while the page loads Cytoscape and builds its
 * panels; the snapshot is drawn as soon as it arrives. Later a message only notes its changes
 * (well under a millisecond for 200 events); at the next animation frame the ViewBuilder
 * recomputes what those changes touch and the graph applies the objects that differ; the hidden
 * table follows when the page is idle.
 *
 * TEST HOOKS (window.portolan; the frontend contract; set once the app's modules have loaded,
 * a task after the page's script ran — poll for it)
 *   store, boot, graph, table
 *   firstFrame: Promise<{ms, elements, revision}>  after the first frame drawing the whole snapshot
 *                                                  (ms: since navigation start)
 *   renderedRevision: number                       revision of the last drawn frame (-1 before)
 *   whenRendered(revision): Promise                after a frame covering that revision is drawn
 *   stats(): {drawnNodes, drawnEdges, revision, renderedRevision, services, pods, lod, layout}
 *   view(): the current View;  select(id): select a node/edge and show its details
 *   discovery: discovery/index.js (openTraffic(opts), traffic.result: the last traffic run)
 *
 * DATA-TESTID (stable selectors; FORMS documents its dialogs' own in forms/index.js)
 *   header, header-user, user-name, login-link, logout     page header (templates/base.html)
 *   header-namespaces                                      "all namespaces" / the filtered list
 *   conn-status (data-status = connecting|live|reconnecting|denied)
 *   login-prompt, login-prompt-link                        instead of the app when boot.mayRead is false
 *   toolbar
 *   ns-filter (a <details>), ns-filter-summary, ns-option-all, ns-options,
 *     ns-option-<namespace> (checkbox per namespace)
 *   search (text: name / namespace/name / IP / node), label-highlight (key=value[, …]),
 *     match-count
 *   view-graph, view-table (aria-pressed), tidy-layout, unpin-all, fit, export-svg, export-png
 *   toolbar-actions (FORMS' toolbarActions as buttons: toolbar-action-<slug of label>,
 *     e.g. toolbar-action-new-service, toolbar-action-import-yaml)
 *   lod-notice (shown when level of detail folded pods), feed-error
 *   graph (the Cytoscape container; data-rendered-revision, data-drawn-nodes), graph-tooltip,
 *   table-view, loading, counts
 *   details (the side panel; data-selected = element id, data-kind = Kubernetes kind)
 *     details-title, details-facts, details-problems, details-chains (one details-chain row per
 *     pod/workload: data-target = pod id, data-resolved = true|false), details-labels,
 *     details-actions (FORMS' objectActions: object-action-<slug of label>),
 *     toggle-workload (unfold / fold a workload), details-close
 *   service discovery (DNS, environment, kube-proxy, the traffic panel): see discovery/index.js
 *   Graph element ids (window.portolan.view()) follow model.js: svc:<ns>/<name>,
 *   pod:<ns>/<name>, wl:<ns>/<Kind>/<name>, ns:<ns>, entry:…, ext:<name>; edges <src>-><dst>.
 */
import "./app.css";
import "./forms/forms.css";
import "./discovery/discovery.css";

import { Store } from "./store.js";

// The rest of the app (Cytoscape, the forms, YAML, …) is evaluated only after the live feed's
// connection is under way: the server prepares the snapshot meanwhile (see main()). esbuild
// bundles these dynamic imports into the same file and runs their module code on first import.
let Discovery, objectActions, toolbarActions, edgeDetails, nodeDetails, slug, TopologyGraph;
let parseLabelQuery, ViewBuilder, createTable;

async function loadModules() {
  const [discovery, forms, details, graph, match, model, table] = await Promise.all([
    import("./discovery/index.js"),
    import("./forms/index.js"),
    import("./graph/details.js"),
    import("./graph/index.js"),
    import("./graph/match.js"),
    import("./model.js"),
    import("./table.js"),
  ]);
  ({ Discovery } = discovery);
  ({ objectActions, toolbarActions } = forms);
  ({ edgeDetails, nodeDetails, slug } = details);
  ({ TopologyGraph } = graph);
  ({ parseLabelQuery } = match);
  ({ ViewBuilder } = model);
  ({ createTable } = table);
}

const $ = (sel, root = document) => root.querySelector(sel);
const byTestId = (id, root = document) => root.querySelector(`[data-testid="${id}"]`);

function readBoot() {
  const el = document.getElementById("portolan-boot");
  return el ? JSON.parse(el.textContent) : null;
}

/** Which Kubernetes object a view node stands for: [kind, namespace, name] or null. */
function objectRef(node) {
  if (!node) return null;
  switch (node.type) {
    case "service":
    case "pod":
      return [node.kind, node.namespace, node.name];
    case "workload":
      return node.kind === "Pod" || node.data?.kind === "Pod" ? null : [node.data?.kind || node.kind, node.namespace, node.name];
    case "namespace":
      return ["Namespace", "", node.name];
    default:
      return null;
  }
}

class App {
  constructor(boot, store) {
    this.boot = boot;
    this.store = store;
    this.ctx = { boot, store: this.store };
    this.options = { namespaces: null, expanded: new Set() };
    // the View follows the store change by change; the changes of the messages since the last
    // frame wait here (null: build everything, after a snapshot or an option change)
    this.builder = new ViewBuilder(this.options);
    this.pending = null;
    this.mode = "graph";
    this.selected = null;
    this.view = null;
    this.renderedRevision = -1;
    this.waiters = [];
    this.frame = 0;
    this.rendering = false;
    this.dirty = false;
    this.namespaceNames = [];
    let resolveFirst;
    this.firstFrame = new Promise((r) => (resolveFirst = r));
    this.resolveFirst = resolveFirst;
    this.firstDone = false;

    const script = document.getElementById("portolan-script");
    this.graph = new TopologyGraph(byTestId("graph"), {
      elkWorkerUrl: script?.dataset.elkWorker || null,
      tooltip: byTestId("graph-tooltip"),
      onSelect: (sel) => this.select(sel ? sel.id : null, { from: "graph" }),
      onToggle: (id) => this.toggleWorkload(id),
    });
    this.table = createTable(byTestId("table-view"), {
      onSelect: (id) => this.select(id, { from: "table" }),
    });
    this.discovery = new Discovery({
      boot,
      store: this.store,
      graph: this.graph,
      host: document.querySelector(".workspace"),
      view: () => this.view,
      goTo: (id) => this.goTo(id),
      onLayout: () => this.graph.cy.resize(),
    });
    this.wireToolbar();
    this.wireDetails();
    this.phases = {};
    this.store.subscribe((batch) => {
      if (this.phases.snapshot === undefined) this.phases.snapshot = Math.round(performance.now());
      // cheap per message: note what changed; the View and the graph follow at the next frame
      if (batch.reset) this.pending = null;
      else if (this.pending !== null) for (const c of batch.changes) this.pending.push(c);
      this.schedule();
    });
    this.store.onStatus((s) => this.showStatus(s));
    this.showStatus(this.store.status);
    // the snapshot may have come in while the page was being built
    if (this.store.revision >= 0) {
      this.phases.snapshot = Math.round(performance.now());
      this.schedule();
    }
  }

  // ------------------------------------------------------------------ redraw per frame

  schedule() {
    this.dirty = true;
    if (this.frame || this.rendering) return;
    if (!this.firstDone) {
      // nothing drawn yet: no frame to coalesce with, start at once
      this.frame = -1;
      queueMicrotask(() => {
        this.frame = 0;
        this.flush();
      });
      return;
    }
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.flush();
    });
  }

  async flush() {
    if (!this.dirty || this.store.revision < 0) return;
    this.dirty = false;
    this.rendering = true;
    const revision = this.store.revision;
    try {
      const t0 = performance.now();
      const changes = this.pending;
      this.pending = [];
      const view = this.builder.update(this.store, changes);
      if (!this.firstDone) this.phases.buildView = Math.round(performance.now() - t0);
      this.view = view;
      const t1 = performance.now();
      if (this.mode === "table") this.table.update(view);
      await this.graph.render(view);
      this.lastFlush = { buildMs: Math.round(t1 - t0), drawMs: Math.round(performance.now() - t1), revision };
      this.afterRender(view, revision);
      if (this.mode === "graph") this.tableLater();
    } catch (err) {
      console.error("portolan: render failed", err);
      this.showError(`Drawing the topology failed: ${err.message || err}`);
      this.builder.setOptions(this.options); // whatever half-happened: everything again next time
      this.pending = null;
    } finally {
      this.rendering = false;
      if (this.dirty) this.schedule();
    }
  }

  afterRender(view, revision) {
    this.renderedRevision = revision;
    const g = byTestId("graph");
    g.dataset.renderedRevision = String(revision);
    g.dataset.drawnNodes = String(view.nodes.length);
    byTestId("loading").hidden = true;
    this.updateNamespaces();
    this.updateCounts(view);
    if (this.pendingSelect && this.findItem(this.pendingSelect)) {
      const id = this.pendingSelect;
      this.pendingSelect = null;
      this.select(id);
      this.graph.fit([id]);
    }
    this.renderDetails();
    if (!this.firstDone) {
      this.firstDone = true;
      this.resolveFirst({
        ms: Math.round(performance.now()),
        elements: this.graph.cy.elements().length,
        revision,
        layout: this.graph.lastLayout,
        phases: { ...this.phases, drawn: Math.round(performance.now()) },
      });
    }
    const keep = [];
    for (const w of this.waiters) {
      if (revision >= w.revision) w.resolve(revision);
      else keep.push(w);
    }
    this.waiters = keep;
  }

  /** The (hidden) table follows the graph when the page is idle, not on the way to a frame. */
  tableLater() {
    if (this.tableTask) return;
    const run = () => {
      this.tableTask = 0;
      if (this.mode === "graph" && this.view && this.tableView !== this.view) {
        this.tableView = this.view;
        this.table.update(this.view);
      }
    };
    this.tableTask = globalThis.requestIdleCallback ? requestIdleCallback(run, { timeout: 1000 }) : setTimeout(run, 50);
  }

  whenRendered(revision) {
    if (this.renderedRevision >= revision) return Promise.resolve(this.renderedRevision);
    return new Promise((resolve) => this.waiters.push({ revision, resolve }));
  }

  /** New View options (filter, folding): the next frame builds the whole View. */
  setOptions(options) {
    this.options = options;
    this.builder.setOptions(options);
    this.pending = null;
  }

  /** Rebuild from the store now (after a filter or fold change). */
  redraw() {
    this.dirty = true;
    this.schedule();
  }

  stats() {
    const g = this.graph.stats();
    return {
      drawnNodes: g.drawnNodes,
      drawnEdges: g.drawnEdges,
      revision: this.store.revision,
      renderedRevision: this.renderedRevision,
      services: this.view?.counts.services ?? 0,
      pods: this.view?.counts.pods ?? 0,
      lod: Boolean(this.view?.counts.lod),
      large: g.large,
      layout: g.layout,
      pinned: g.pinned,
      lastFlush: this.lastFlush || null,
    };
  }

  // ------------------------------------------------------------------ header and status

  showStatus(status) {
    const el = byTestId("conn-status");
    if (!el) return;
    el.dataset.status = status;
    const text = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…", denied: "access denied" }[status] || status;
    $(".conn-text", el).textContent = text;
    if (status === "denied") {
      const err = this.store.error;
      this.showError(`The live feed refused access${err?.message ? `: ${err.message}` : ""}. Log in again.`);
      byTestId("loading").hidden = true;
    } else if (status === "live") this.showError(null);
  }

  showError(text) {
    const el = byTestId("feed-error");
    el.hidden = !text;
    el.textContent = text || "";
  }

  updateCounts(view) {
    const c = view.counts;
    byTestId("counts").textContent =
      `${c.services} services · ${c.pods} pods · drawn ${view.nodes.length} nodes, ${view.edges.length} edges · revision ${this.renderedRevision}`;
    const lod = byTestId("lod-notice");
    lod.hidden = !c.lod;
    if (c.lod) {
      lod.textContent =
        "Large view: pods are folded into their workloads (level of detail). Problems stay marked; " +
        "filter namespaces or unfold a workload to see its pods.";
    }
  }

  // ------------------------------------------------------------------ toolbar

  wireToolbar() {
    // namespace filter
    byTestId("ns-option-all").addEventListener("change", (e) => {
      if (e.target.checked) this.setNamespaces(null);
      else e.target.checked = this.options.namespaces === null;
    });
    byTestId("ns-options").addEventListener("change", () => {
      const picked = [...byTestId("ns-options").querySelectorAll("input:checked")].map((i) => i.value);
      this.setNamespaces(picked.length ? new Set(picked) : null);
    });

    // search and label highlight
    let timer = 0;
    const apply = () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.applyHighlight(), 120);
    };
    byTestId("search").addEventListener("input", apply);
    byTestId("label-highlight").addEventListener("input", apply);
    byTestId("search").addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      const ids = this.applyHighlight();
      if (ids.length) {
        this.graph.fit(ids);
        this.select(ids[0]);
      }
    });
    byTestId("label-highlight").addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        const ids = this.applyHighlight();
        if (ids.length) this.graph.fit(ids);
      }
    });

    byTestId("view-graph").addEventListener("click", () => this.setMode("graph"));
    byTestId("view-table").addEventListener("click", () => this.setMode("table"));
    byTestId("tidy-layout").addEventListener("click", () => this.graph.tidy());
    byTestId("unpin-all").addEventListener("click", () => this.graph.unpinAll());
    byTestId("fit").addEventListener("click", () => this.graph.fit());
    byTestId("export-svg").addEventListener("click", () => this.download(this.graph.exportSvg(), "svg"));
    byTestId("export-png").addEventListener("click", () => this.download(this.graph.exportPng(), "png"));

    const host = byTestId("toolbar-actions");
    for (const action of toolbarActions(this.ctx) || []) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = action.label;
      b.dataset.testid = `toolbar-action-${slug(action.label)}`;
      b.addEventListener("click", () => this.runAction(action));
      host.append(b);
    }

    document.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !document.querySelector("dialog[open]")) this.select(null);
    });
  }

  async runAction(action) {
    try {
      await action.run();
    } catch (err) {
      console.error("portolan: action failed", err);
      this.showError(`${action.label} failed: ${err.message || err}`);
    }
  }

  applyHighlight() {
    const search = byTestId("search").value.trim();
    const labelInput = byTestId("label-highlight");
    const parsed = parseLabelQuery(labelInput.value);
    labelInput.setCustomValidity(parsed.error || "");
    labelInput.setAttribute("aria-invalid", parsed.error ? "true" : "false");
    labelInput.title = parsed.error || "";
    const labels = parsed.error ? [] : parsed.requirements;
    const ids = this.graph.highlight({ search, labels, labelsOf: (n) => this.labelsOf(n) });
    const count = byTestId("match-count");
    count.textContent = search || labels.length ? `${ids.length} match${ids.length === 1 ? "" : "es"}` : "";
    if (this.table.highlight) this.table.highlight({ search, labels });
    return ids;
  }

  labelsOf(node) {
    if (node.type === "pod" && node.data?.labels) return node.data.labels;
    const ref = objectRef(node);
    return ref ? this.store.get(ref[0], ref[1], ref[2])?.metadata?.labels : undefined;
  }

  setMode(mode) {
    this.mode = mode;
    byTestId("view-graph").setAttribute("aria-pressed", String(mode === "graph"));
    byTestId("view-table").setAttribute("aria-pressed", String(mode === "table"));
    byTestId("graph").classList.toggle("is-hidden", mode !== "graph");
    byTestId("table-view").hidden = mode !== "table";
    document.querySelector(".main-area").classList.toggle("table-mode", mode === "table");
    for (const id of ["tidy-layout", "unpin-all", "fit", "export-svg", "export-png"]) {
      byTestId(id).disabled = mode !== "graph";
    }
    if (mode === "table" && this.view) this.table.update(this.view);
    if (mode === "graph") this.graph.cy.resize();
  }

  setNamespaces(set) {
    this.setOptions({ ...this.options, namespaces: set });
    const all = set === null;
    byTestId("ns-option-all").checked = all;
    for (const input of byTestId("ns-options").querySelectorAll("input")) {
      input.checked = !all && set.has(input.value);
    }
    const label = all ? "all" : [...set].sort().join(", ");
    $(".ns-filter-label").textContent = label;
    const scope = this.boot.namespaces;
    byTestId("header-namespaces").textContent = all
      ? scope === null
        ? "all namespaces"
        : `namespaces: ${scope.join(", ")}`
      : `namespaces: ${[...set].sort().join(", ")}`;
    this.redraw();
  }

  updateNamespaces() {
    const names = [...this.store.all("Namespace")].map((n) => n.metadata.name).sort();
    if (names.join("\n") === this.namespaceNames.join("\n")) return;
    this.namespaceNames = names;
    const host = byTestId("ns-options");
    host.textContent = "";
    const set = this.options.namespaces;
    for (const name of names) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.value = name;
      input.checked = set !== null && set.has(name);
      input.dataset.testid = `ns-option-${name}`;
      label.append(input, ` ${name}`);
      host.append(label);
    }
  }

  download(blobOrPromise, ext) {
    Promise.resolve(blobOrPromise).then((blob) => {
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = `portolan-topology-r${this.renderedRevision}.${ext}`;
      a.dataset.testid = `download-${ext}`;
      document.body.append(a);
      a.click();
      setTimeout(() => {
        URL.revokeObjectURL(a.href);
        a.remove();
      }, 1000);
    });
  }

  // ------------------------------------------------------------------ selection and details

  toggleWorkload(id) {
    const node = this.view?.nodes.find((n) => n.id === id);
    if (!node || node.type !== "workload") return;
    // `expanded`: unfolded by the user; `collapsed`: folded by the user although small enough
    // to be drawn unfolded by default
    const expanded = new Set(this.options.expanded);
    const collapsed = new Set(this.options.collapsed || []);
    if (node.data?.expanded) {
      expanded.delete(id);
      collapsed.add(id);
    } else {
      collapsed.delete(id);
      expanded.add(id);
    }
    this.setOptions({ ...this.options, expanded, collapsed });
    this.redraw();
  }

  select(id, { from } = {}) {
    this.selected = id || null;
    if (from !== "graph") this.graph.select(this.selected);
    if (from === "table" && id) this.graph.center(id);
    if (this.table.select && from !== "table") this.table.select(this.selected);
    this.renderDetails();
  }

  wireDetails() {
    const panel = byTestId("details");
    panel.addEventListener("click", (e) => {
      const t = e.target.closest("[data-go]");
      if (t) {
        e.preventDefault();
        this.goTo(t.dataset.go);
      }
    });
  }

  /** Select and show `id`; a pod folded into its workload gets the workload unfolded first. */
  goTo(id) {
    if (this.findItem(id)) {
      this.select(id);
      this.graph.fit([id]);
      return;
    }
    let workload = null;
    for (const row of this.view?.services || []) {
      const p = (row.pods || []).find((x) => x.id === id);
      if (!p) continue;
      // standalone pods are folded into their namespace's group at level of detail
      workload = p.workload || `wl:${p.namespace}/Pod/*`;
    }
    if (workload && !this.findItem(workload)) workload = null;
    if (!workload) return;
    const expanded = new Set(this.options.expanded);
    const collapsed = new Set(this.options.collapsed || []);
    expanded.add(workload);
    collapsed.delete(workload);
    this.setOptions({ ...this.options, expanded, collapsed });
    this.pendingSelect = id;
    this.redraw();
  }

  renderDetails() {
    const panel = byTestId("details");
    const id = this.selected;
    const item = id && this.view ? this.findItem(id) : null;
    if (!item) {
      if (panel.dataset.selected) {
        this.detailsHtml = null;
        delete panel.dataset.selected;
        delete panel.dataset.kind;
        panel.innerHTML =
          '<p class="details-empty">Select a service, workload, pod or edge to see its details.</p>';
        this.discovery.attach(panel, null);
      }
      if (id && this.view) this.selected = null;
      return;
    }
    const ctx = { view: this.view, findItem: (x) => this.findItem(x) };
    const html = item.source ? edgeDetails(item, ctx) : nodeDetails(item, ctx);
    if (this.detailsHtml === html && panel.dataset.selected === id) return;
    panel.dataset.selected = id;
    panel.dataset.kind = item.source ? "Edge" : item.kind || item.type;
    this.detailsHtml = html;
    panel.innerHTML = html;
    this.renderActions(panel, item);
    this.discovery.attach(panel, item);
    const close = byTestId("details-close", panel);
    close?.addEventListener("click", () => this.select(null));
    const toggle = byTestId("toggle-workload", panel);
    toggle?.addEventListener("click", () => this.toggleWorkload(item.id));
  }

  findItem(id) {
    const v = this.view;
    if (!this.viewIndex || this.viewIndex.view !== v) {
      const map = new Map();
      for (const n of v.nodes) map.set(n.id, n);
      for (const e of v.edges) map.set(e.id, e);
      this.viewIndex = { view: v, map };
    }
    return this.viewIndex.map.get(id);
  }

  renderActions(panel, item) {
    const host = byTestId("details-actions", panel);
    if (!host) return;
    const ref = objectRef(item);
    if (!ref) return;
    const obj = this.store.get(ref[0], ref[1], ref[2]);
    if (!obj) return;
    const actions = [...(objectActions(this.ctx, ref[0], obj) || [])];
    // Nodes are not drawn: a pod's panel carries its node's actions (cordon/uncordon), named
    // with the node ("Cordon node-2"); the pods scheduled next show where they went.
    const nodeName = ref[0] === "Pod" ? obj.spec?.nodeName : null;
    const node = nodeName ? this.store.get("Node", "", nodeName) : null;
    if (node) {
      for (const a of objectActions(this.ctx, "Node", node) || []) {
        if (a.label !== "YAML") actions.push({ ...a, label: `${a.label} ${nodeName}` });
      }
    }
    for (const action of actions) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = action.label;
      b.dataset.testid = `object-action-${slug(action.label)}`;
      if (action.danger) b.classList.add("danger");
      b.addEventListener("click", () => this.runAction(action));
      host.append(b);
    }
  }

}

function main() {
  const boot = readBoot();
  if (!boot || !boot.mayRead || !byTestId("graph")) return;
  // Connect first and let the handshake go out (it leaves when this task ends): the server
  // prepares the snapshot while the page loads the rest of the app and builds the graph's canvas.
  const store = new Store({ wsPath: boot.wsPath, view: "topology" });
  store.start();
  setTimeout(() => {
    loadModules().then(
      () => start(boot, store),
      (err) => console.error("portolan: the app failed to load", err),
    );
  }, 0);
}

function start(boot, store) {
  const app = new App(boot, store);
  window.portolan = {
    store: app.store,
    boot,
    graph: app.graph,
    table: app.table,
    firstFrame: app.firstFrame,
    get renderedRevision() {
      return app.renderedRevision;
    },
    whenRendered: (revision) => app.whenRendered(revision),
    stats: () => app.stats(),
    view: () => app.view,
    select: (id) => app.select(id),
    discovery: app.discovery,
  };
}

main();
