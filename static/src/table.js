/**
 * table.js — the table view of the View the graph draws (model.js, view.services): one row per
 * Service (type, cluster IP, ports, endpoints ready/total, problems), expandable to the pods it
 * selects (phase, readiness, endpoint state, node, IP, workload) with each pod's port chain.
 * Plain DOM, no framework; updates in place, keeping focus and scroll position.
 *
 *   renderTable(container, view, { onSelect, selected })   draw or update in place
 *   createTable(container, { onSelect }) → { update(view), select(id), highlight({search, labels}),
 *                                            destroy() }   (what main.js uses)
 *   onSelect(id): id is the View node id of the row (svc:<ns>/<name> or pod:<ns>/<name>).
 *
 * Accessibility: a real <table> with a <caption> (counts, sort order, keyboard help), header
 * cells with scope="col" and aria-sort, row headers with scope="row", and status as text (the
 * colour classes only repeat it). Keyboard: Tab reaches the table's one focusable row (roving
 * tabindex); ↑/↓ move between rows (pod rows of expanded services included), Home/End to the
 * first/last row; Enter or Space on a service row shows/hides its pods (aria-expanded on the
 * row and its toggle button) and selects it, on a pod row selects the pod; → expands, ← collapses
 * (or goes from a pod back to its service). The selected row carries aria-current="true".
 *
 * DATA-TESTID
 *   services-table                 the <table>
 *   table-caption                  its <caption>
 *   sort-<key>                     header sort buttons; key: name, type, clusterIP, ports,
 *                                  endpoints, problems (the <th> carries aria-sort)
 *   service-row                    a service's <tr> (data-id = svc id, aria-expanded,
 *                                  data-problems = number of problems, data-match when highlighted)
 *   service-toggle                 the expand button in the row header (aria-expanded)
 *   cell-type, cell-cluster-ip, cell-ports, cell-endpoints, cell-problems   the service cells
 *   pods-row                       the <tr> holding an expanded service's detail (data-for = svc id)
 *   pods-table                     the nested table of pods; its caption: pods-caption
 *   entry-points, manual-endpoints the detail lines above it (when the service has any)
 *   pod-row                        a pod's <tr> (data-id = pod id, data-endpoint = ready|notReady|absent)
 *   cell-phase, cell-ready, cell-endpoint, cell-node, cell-ip, cell-workload, cell-chain
 *   chain                          one hop of a port chain (data-resolved = true|false)
 *   no-services                    the row shown when the view has no services
 *
 * CSS classes (styled by app.css): ptable, ptable-toggle, is-problem, is-ok, is-warn, is-match,
 * is-selected, ptable-detail, ptable-pods, chain-unresolved.
 */
import { labelsMatch, searchMatches } from "./graph/match.js";

// ---------------------------------------------------------------------------------------------
// Pure formatting and sorting (node-tested)

export const COLUMNS = [
  { key: "name", label: "Service" },
  { key: "type", label: "Type" },
  { key: "clusterIP", label: "Cluster IP" },
  { key: "ports", label: "Ports" },
  { key: "endpoints", label: "Endpoints" },
  { key: "problems", label: "Status" },
];

export function typeText(row) {
  if (row.type === "ExternalName") return `ExternalName → ${row.externalName || "(none)"}`;
  return row.headless ? `${row.type} (headless)` : row.type;
}

export function clusterIPText(row) {
  if (row.type === "ExternalName") return "—";
  if (row.headless) return "None (headless)";
  return row.clusterIP || "—";
}

export function portText(p) {
  const name = p.name ? `${p.name} ` : "";
  const node = p.nodePort ? ` (node port ${p.nodePort})` : "";
  const target = p.targetPort === p.port ? "" : ` → ${p.targetPort}`;
  return `${name}${p.port}/${p.protocol}${target}${node}`;
}

export function portsText(ports) {
  return ports && ports.length ? ports.map(portText).join(", ") : "no ports";
}

export function endpointsText(row) {
  if (row.type === "ExternalName") return "none (external name)";
  const { ready, notReady, total } = row.endpoints;
  if (total === 0) return "0 endpoints";
  const manual = row.manualEndpoints && row.manualEndpoints.length ? ", manual" : "";
  return notReady
    ? `${ready}/${total} ready (${notReady} not ready${manual})`
    : `${ready}/${total} ready${manual ? " (manual)" : ""}`;
}

export function problemsText(problems) {
  return problems && problems.length ? problems.join("; ") : "OK";
}

export function endpointStateText(state) {
  return state === "ready" ? "ready" : state === "notReady" ? "not ready" : "not an endpoint";
}

/** One hop: "http 80/TCP → targetPort http → 8080 in app" or "… → unresolved: <reason>". */
export function chainText(hop) {
  const name = hop.portName ? `${hop.portName} ` : "";
  const head = `${name}${hop.servicePort}/${hop.protocol} → targetPort ${hop.targetPort}`;
  if (!hop.resolved) return `${head} → unresolved: ${hop.reason || "no such port"}`;
  const where = hop.containerName ? ` in ${hop.containerName}` : hop.declared ? "" : " (not declared)";
  return `${head} → ${hop.containerPort}${where}`;
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

function sortValue(row, key) {
  switch (key) {
    case "type":
      return typeText(row);
    case "clusterIP":
      return clusterIPText(row);
    case "ports":
      return portsText(row.ports);
    case "endpoints":
      // fewest ready first, then most endpoints
      return row.type === "ExternalName" ? Infinity : row.endpoints.ready;
    case "problems":
      return row.problems.length;
    default:
      return `${row.namespace}/${row.name}`;
  }
}

/** Rows sorted by a column; ties fall back to namespace/name so the order is stable. */
export function sortRows(rows, key = "name", dir = "ascending") {
  const sign = dir === "descending" ? -1 : 1;
  return rows
    .map((row) => ({ row, v: sortValue(row, key), n: `${row.namespace}/${row.name}` }))
    .sort((a, b) => {
      let c;
      if (typeof a.v === "number" && typeof b.v === "number") c = a.v === b.v ? 0 : a.v < b.v ? -1 : 1;
      else c = collator.compare(String(a.v), String(b.v));
      return sign * c || collator.compare(a.n, b.n);
    })
    .map((x) => x.row);
}

/** Which rows a search text / label requirements highlight: {services: Set, pods: Set}. */
export function highlightMatches(rows, { search = "", labels = [] } = {}) {
  const services = new Set();
  const pods = new Set();
  if (!search && !(labels && labels.length)) return { services, pods };
  for (const row of rows) {
    const node = {
      type: "service",
      name: row.name,
      label: row.name,
      namespace: row.namespace,
      kind: "Service",
      data: { clusterIP: row.clusterIP, externalName: row.externalName },
    };
    if ((search && searchMatches(node, search)) || labelsMatch(row.labels, labels)) services.add(row.id);
    for (const p of row.pods) {
      const pn = {
        type: "pod",
        name: p.name,
        label: p.name,
        namespace: p.namespace,
        kind: "Pod",
        data: { ip: p.ip, node: p.node },
      };
      if ((search && searchMatches(pn, search)) || labelsMatch(p.labels, labels)) pods.add(p.id);
    }
  }
  return { services, pods };
}

// ---------------------------------------------------------------------------------------------
// DOM

const states = new WeakMap();
const MAX_LISTED = 12; // entry points / manual endpoints listed before "and N more"

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

function setAttr(node, name, value) {
  if (value === null || value === undefined) {
    if (node.hasAttribute(name)) node.removeAttribute(name);
  } else if (node.getAttribute(name) !== String(value)) node.setAttribute(name, String(value));
}

function init(container) {
  const st = {
    container,
    view: null,
    onSelect: null,
    selected: null,
    expanded: new Set(),
    sort: { key: "name", dir: "ascending" },
    highlight: { search: "", labels: [] },
    matches: { services: new Set(), pods: new Set() },
    rows: new Map(), // svc id → {tr, cells, toggle, detailTr, uid}
    active: null, // id of the row holding tabindex 0
    uid: 0,
    rowsById: new Map(),
  };
  const caption = el("caption", { "data-testid": "table-caption" });
  st.captionText = el("span");
  st.captionHelp = el("span", {
    class: "visually-hidden",
    text: " Arrow keys move between rows; Enter or Space shows or hides a service's pods.",
  });
  caption.append(st.captionText, st.captionHelp);
  const headRow = el("tr");
  st.headers = new Map();
  for (const col of COLUMNS) {
    const button = el("button", { type: "button", "data-sort": col.key, "data-testid": `sort-${col.key}` });
    button.textContent = col.label;
    const th = el("th", { scope: "col", "aria-sort": "none" }, button);
    st.headers.set(col.key, th);
    headRow.append(th);
  }
  st.tbody = el("tbody");
  st.table = el(
    "table",
    { class: "ptable", "data-testid": "services-table" },
    caption,
    el("thead", {}, headRow),
    st.tbody,
  );
  container.textContent = "";
  container.append(st.table);
  st.table.addEventListener("click", (e) => onClick(st, e));
  st.table.addEventListener("keydown", (e) => onKey(st, e));
  st.table.addEventListener("focusin", (e) => {
    const tr = e.target.closest?.("tr[data-nav]");
    if (tr && st.table.contains(tr)) setActive(st, tr.dataset.key);
  });
  states.set(container, st);
  return st;
}

/** Draw `view` into `container`, or update what is there in place. */
export function renderTable(container, view, options = {}) {
  const st = states.get(container) || init(container);
  if (options.onSelect !== undefined) st.onSelect = options.onSelect;
  if (options.selected !== undefined) st.selected = options.selected;
  st.view = view;
  draw(st);
}

/** The object main.js holds: update(view), select(id), highlight({search, labels}), destroy(). */
export function createTable(container, { onSelect } = {}) {
  const st = () => states.get(container) || init(container);
  st().onSelect = onSelect || null;
  return {
    update(view) {
      renderTable(container, view);
    },
    select(id) {
      const s = st();
      s.selected = id || null;
      if (id && id.startsWith("pod:") && s.view) {
        const owner = s.view.services?.find((r) => r.pods.some((p) => p.id === id));
        if (owner && !s.expanded.has(owner.id)) s.expanded.add(owner.id);
      }
      if (s.view) draw(s);
      const tr = id ? firstRowFor(s, id) : null;
      if (tr && !container.hidden && tr.scrollIntoView) tr.scrollIntoView({ block: "nearest" });
    },
    highlight(query) {
      const s = st();
      s.highlight = { search: query?.search || "", labels: query?.labels || [] };
      if (s.view) draw(s);
    },
    destroy() {
      container.textContent = "";
      states.delete(container);
    },
  };
}

/** The navigable row with this key (a service row's key is its id; a pod row's key is
 * "<svc id> <pod id>", since a pod selected by two expanded services is listed twice). */
function rowElement(st, key) {
  return st.tbody.querySelector(`tr[data-nav][data-key="${CSS.escape(key)}"]`);
}

function firstRowFor(st, id) {
  return st.tbody.querySelector(`tr[data-nav][data-id="${CSS.escape(id)}"]`);
}

function draw(st) {
  const view = st.view;
  const rows = sortRows(view?.services || [], st.sort.key, st.sort.dir);
  st.rowsById = new Map(rows.map((r) => [r.id, r]));
  st.matches = highlightMatches(rows, st.highlight);

  // What has focus now, to give it back if moving rows takes it away.
  const active = document.activeElement;
  const focusedTr = active && st.table.contains(active) ? active.closest("tr[data-nav]") : null;
  const focusedKey = focusedTr ? focusedTr.dataset.key : null;
  const focusedSort = active && st.table.contains(active) ? active.dataset?.sort : null;
  const scrollTop = st.container.scrollTop;
  const scrollLeft = st.container.scrollLeft;

  for (const [key, th] of st.headers) {
    setAttr(th, "aria-sort", key === st.sort.key ? st.sort.dir : "none");
  }
  const problems = rows.filter((r) => r.problems.length).length;
  const column = COLUMNS.find((c) => c.key === st.sort.key)?.label || "Service";
  setText(
    st.captionText,
    `Services: ${rows.length}, ${problems} with problems. Sorted by ${column}, ${st.sort.dir}.`,
  );

  // Drop rows of services that are gone.
  for (const [id, entry] of st.rows) {
    if (!st.rowsById.has(id)) {
      entry.tr.remove();
      entry.detailTr.remove();
      st.rows.delete(id);
      st.expanded.delete(id);
    }
  }
  let empty = st.tbody.querySelector('tr[data-testid="no-services"]');
  if (!rows.length && !empty) {
    empty = el("tr", { "data-testid": "no-services" }, el("td", { colspan: COLUMNS.length, text: "No services to show." }));
    st.tbody.append(empty);
  } else if (rows.length && empty) empty.remove();

  // Create or update each row, moving only what is out of order.
  let cursor = st.tbody.firstChild;
  if (cursor && cursor.dataset?.testid === "no-services") cursor = cursor.nextSibling;
  for (const row of rows) {
    let entry = st.rows.get(row.id);
    if (!entry) {
      entry = createServiceRow(st, row);
      st.rows.set(row.id, entry);
    }
    updateServiceRow(st, entry, row);
    for (const tr of [entry.tr, entry.detailTr]) {
      if (tr === cursor) cursor = cursor.nextSibling;
      else st.tbody.insertBefore(tr, cursor);
    }
  }

  // One row is reachable by Tab.
  if (!st.active || !rowElement(st, st.active)) {
    // A pod row that went away hands over to its service's row, else the first row.
    const owner = st.active ? rowElement(st, st.active.split(" ")[0]) : null;
    const first = owner || st.tbody.querySelector("tr[data-nav]");
    st.active = first ? first.dataset.key : null;
  }
  for (const tr of st.tbody.querySelectorAll("tr[data-nav]")) {
    const tabIndex = tr.dataset.key === st.active ? 0 : -1;
    if (tr.tabIndex !== tabIndex) tr.tabIndex = tabIndex;
  }

  // Give focus and scroll back.
  const now = document.activeElement;
  if (focusedKey && (!now || !st.table.contains(now))) {
    (rowElement(st, focusedKey) || rowElement(st, st.active))?.focus({ preventScroll: true });
  } else if (focusedSort && (!now || !st.table.contains(now))) {
    st.headers.get(focusedSort)?.querySelector("button")?.focus({ preventScroll: true });
  }
  if (st.container.scrollTop !== scrollTop) st.container.scrollTop = scrollTop;
  if (st.container.scrollLeft !== scrollLeft) st.container.scrollLeft = scrollLeft;
}

function createServiceRow(st, row) {
  const uid = `ptable-${++st.uid}`;
  const toggle = el("button", {
    type: "button",
    class: "ptable-toggle",
    tabindex: "-1",
    "data-testid": "service-toggle",
    "aria-controls": `${uid}-detail`,
    "aria-expanded": "false",
  });
  const toggleLabel = el("span", { class: "visually-hidden" });
  const toggleIcon = el("span", { "aria-hidden": "true" });
  toggle.append(toggleIcon, toggleLabel);
  const name = el("span", { class: "ptable-name" });
  const badge = el("span", { class: "ptable-match" });
  const th = el("th", { scope: "row" }, toggle, " ", name, badge);
  const cells = {
    type: el("td", { "data-testid": "cell-type" }),
    clusterIP: el("td", { "data-testid": "cell-cluster-ip" }),
    ports: el("td", { "data-testid": "cell-ports" }),
    endpoints: el("td", { "data-testid": "cell-endpoints" }),
    problems: el("td", { "data-testid": "cell-problems" }),
  };
  const tr = el(
    "tr",
    {
      "data-testid": "service-row",
      "data-nav": "service",
      "data-id": row.id,
      "data-key": row.id,
      tabindex: "-1",
    },
    th,
    cells.type,
    cells.clusterIP,
    cells.ports,
    cells.endpoints,
    cells.problems,
  );
  const detailTd = el("td", { colspan: COLUMNS.length });
  const detailTr = el(
    "tr",
    { class: "ptable-detail", "data-testid": "pods-row", "data-for": row.id, id: `${uid}-detail`, hidden: true },
    detailTd,
  );
  return { tr, th, name, badge, toggle, toggleIcon, toggleLabel, cells, detailTr, detailTd, uid, detailKey: null };
}

function updateServiceRow(st, entry, row) {
  const expanded = st.expanded.has(row.id);
  const full = `${row.namespace}/${row.name}`;
  setText(entry.name, full);
  setText(entry.toggleIcon, expanded ? "▾" : "▸");
  setText(entry.toggleLabel, `${expanded ? "Hide" : "Show"} the ${row.pods.length} pods of ${full}`);
  setAttr(entry.toggle, "aria-expanded", String(expanded));
  setAttr(entry.tr, "aria-expanded", String(expanded));
  setText(entry.cells.type, typeText(row));
  setText(entry.cells.clusterIP, clusterIPText(row));
  setText(entry.cells.ports, portsText(row.ports));
  setText(entry.cells.endpoints, endpointsText(row));
  setText(entry.cells.problems, problemsText(row.problems));
  const e = row.endpoints;
  const epClass =
    row.type === "ExternalName" ? "" : e.total === 0 || e.ready === 0 ? "is-problem" : e.notReady ? "is-warn" : "is-ok";
  setAttr(entry.cells.endpoints, "class", epClass || null);
  setAttr(entry.cells.problems, "class", row.problems.length ? "is-problem" : "is-ok");
  setAttr(entry.tr, "data-problems", String(row.problems.length));
  const selected = st.selected === row.id;
  setAttr(entry.tr, "aria-current", selected ? "true" : null);
  entry.tr.classList.toggle("is-selected", selected);
  const podMatches = row.pods.filter((p) => st.matches.pods.has(p.id)).length;
  const matched = st.matches.services.has(row.id);
  const badge = matched
    ? " — matches"
    : podMatches
      ? ` — ${podMatches} pod${podMatches === 1 ? "" : "s"} match`
      : "";
  setText(entry.badge, badge);
  setAttr(entry.tr, "data-match", matched || podMatches ? "true" : null);
  entry.tr.classList.toggle("is-match", matched || podMatches > 0);

  entry.detailTr.hidden = !expanded;
  if (!expanded) {
    if (entry.detailKey !== null) {
      entry.detailTd.textContent = "";
      entry.detailKey = null;
      entry.podRows = null;
    }
    return;
  }
  updateDetail(st, entry, row);
}

function listLine(testid, label, items) {
  const shown = items.slice(0, MAX_LISTED).join(", ");
  const more = items.length > MAX_LISTED ? ` and ${items.length - MAX_LISTED} more` : "";
  return el("p", { "data-testid": testid, text: `${label}: ${shown}${more}` });
}

function updateDetail(st, entry, row) {
  // The lines above the pods change rarely: rebuild them when their text changes.
  const entries = row.entries.map((x) => {
    const kind = x.kind === "nodePort" ? "node port" : x.kind === "loadBalancer" ? "load balancer" : "external IP";
    return `${kind} ${x.address}:${x.port} → ${x.servicePort}`;
  });
  const manual = row.manualEndpoints.map((a) => `${a.ip} (${a.ready ? "ready" : "not ready"})`);
  const key = JSON.stringify([entries, manual, row.pods.length === 0]);
  if (entry.detailKey !== key) {
    entry.detailTd.textContent = "";
    entry.podRows = new Map();
    if (entries.length) entry.detailTd.append(listLine("entry-points", "Entry points", entries));
    if (manual.length) entry.detailTd.append(listLine("manual-endpoints", "Manual endpoints", manual));
    if (!row.pods.length) {
      entry.detailTd.append(
        el("p", {
          "data-testid": "no-pods",
          text:
            row.type === "ExternalName"
              ? "An ExternalName service selects no pods."
              : "This service selects no pods.",
        }),
      );
    }
    entry.podCaption = el("caption", { "data-testid": "pods-caption" });
    const head = el("tr");
    for (const label of ["Pod", "Workload", "Phase", "Ready", "Endpoint", "Node", "IP", "Port chain"]) {
      head.append(el("th", { scope: "col", text: label }));
    }
    entry.podBody = el("tbody");
    entry.podTable = el(
      "table",
      { class: "ptable-pods", "data-testid": "pods-table" },
      entry.podCaption,
      el("thead", {}, head),
      entry.podBody,
    );
    if (row.pods.length) entry.detailTd.append(entry.podTable);
    entry.detailKey = key;
  }
  if (!row.pods.length) return;
  setText(entry.podCaption, `Pods selected by ${row.namespace}/${row.name}: ${row.pods.length}`);
  const seen = new Set();
  let cursor = entry.podBody.firstChild;
  for (const p of row.pods) {
    seen.add(p.id);
    let pr = entry.podRows.get(p.id);
    if (!pr) {
      pr = createPodRow(p, `${row.id} ${p.id}`);
      entry.podRows.set(p.id, pr);
    }
    updatePodRow(st, pr, p);
    if (pr.tr === cursor) cursor = cursor.nextSibling;
    else entry.podBody.insertBefore(pr.tr, cursor);
  }
  for (const [id, pr] of entry.podRows) {
    if (!seen.has(id)) {
      pr.tr.remove();
      entry.podRows.delete(id);
    }
  }
}

function createPodRow(p, key) {
  const cells = {
    name: el("th", { scope: "row" }),
    workload: el("td", { "data-testid": "cell-workload" }),
    phase: el("td", { "data-testid": "cell-phase" }),
    ready: el("td", { "data-testid": "cell-ready" }),
    endpoint: el("td", { "data-testid": "cell-endpoint" }),
    node: el("td", { "data-testid": "cell-node" }),
    ip: el("td", { "data-testid": "cell-ip" }),
    chain: el("td", { "data-testid": "cell-chain" }),
  };
  const tr = el("tr", {
    "data-testid": "pod-row",
    "data-nav": "pod",
    "data-id": p.id,
    "data-key": key,
    tabindex: "-1",
  });
  tr.append(...Object.values(cells));
  return { tr, cells, chainKey: null };
}

function updatePodRow(st, pr, p) {
  const c = pr.cells;
  setText(c.name, p.name);
  setText(c.workload, p.workload ? p.workload.split("/").slice(1).join("/") : "—");
  setText(c.phase, p.phase);
  setText(c.ready, p.ready ? "Ready" : "Not ready");
  setAttr(c.ready, "class", p.ready ? "is-ok" : p.phase === "Succeeded" ? null : "is-problem");
  setText(c.endpoint, endpointStateText(p.endpoint));
  setAttr(c.endpoint, "class", p.endpoint === "ready" ? "is-ok" : "is-warn");
  setText(c.node, p.node || "—");
  setText(c.ip, p.ip || "—");
  setAttr(pr.tr, "data-endpoint", p.endpoint);
  const chainKey = JSON.stringify(p.chains);
  if (pr.chainKey !== chainKey) {
    c.chain.textContent = "";
    if (!p.chains.length) c.chain.textContent = "no ports";
    for (const hop of p.chains) {
      c.chain.append(
        el("div", {
          "data-testid": "chain",
          "data-resolved": String(hop.resolved),
          class: hop.resolved ? null : "chain-unresolved",
          text: chainText(hop),
        }),
      );
    }
    pr.chainKey = chainKey;
  }
  const selected = st.selected === p.id;
  setAttr(pr.tr, "aria-current", selected ? "true" : null);
  pr.tr.classList.toggle("is-selected", selected);
  const matched = st.matches.pods.has(p.id);
  setAttr(pr.tr, "data-match", matched ? "true" : null);
  pr.tr.classList.toggle("is-match", matched);
}

// -- interaction ---------------------------------------------------------------------------------

function setActive(st, key) {
  if (st.active === key) return;
  const old = st.active ? rowElement(st, st.active) : null;
  if (old) old.tabIndex = -1;
  st.active = key;
  const tr = rowElement(st, key);
  if (tr) tr.tabIndex = 0;
}

function toggle(st, id) {
  if (st.expanded.has(id)) st.expanded.delete(id);
  else st.expanded.add(id);
  draw(st);
}

function choose(st, id) {
  st.selected = id;
  draw(st);
  if (st.onSelect) st.onSelect(id);
}

function onClick(st, e) {
  const sortButton = e.target.closest("button[data-sort]");
  if (sortButton) {
    const key = sortButton.dataset.sort;
    st.sort =
      st.sort.key === key
        ? { key, dir: st.sort.dir === "ascending" ? "descending" : "ascending" }
        : { key, dir: "ascending" };
    draw(st);
    return;
  }
  const tr = e.target.closest("tr[data-nav]");
  if (!tr || !st.table.contains(tr)) return;
  const id = tr.dataset.id;
  const key = tr.dataset.key;
  setActive(st, key);
  if (e.target.closest('[data-testid="service-toggle"]')) toggle(st, id);
  else choose(st, id);
  rowElement(st, key)?.focus({ preventScroll: true });
}

function onKey(st, e) {
  const tr = e.target.closest?.("tr[data-nav]");
  if (!tr || !st.table.contains(tr)) return;
  // Keys on the row itself or its toggle button; leave other controls alone.
  if (e.target !== tr && !e.target.closest('[data-testid="service-toggle"]')) return;
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const rows = [...st.tbody.querySelectorAll("tr[data-nav]")];
  const index = rows.indexOf(tr);
  const id = tr.dataset.id;
  const key = tr.dataset.key;
  const isService = tr.dataset.nav === "service";
  const go = (target) => {
    if (!target) return;
    setActive(st, target.dataset.key);
    target.focus();
  };
  switch (e.key) {
    case "ArrowDown":
      go(rows[index + 1]);
      break;
    case "ArrowUp":
      go(rows[index - 1]);
      break;
    case "Home":
      go(rows[0]);
      break;
    case "End":
      go(rows[rows.length - 1]);
      break;
    case "ArrowRight":
      if (isService && !st.expanded.has(id)) toggle(st, id);
      break;
    case "ArrowLeft":
      if (isService && st.expanded.has(id)) toggle(st, id);
      else if (!isService) {
        const owner = tr.closest('tr[data-testid="pods-row"]')?.dataset.for;
        if (owner) go(rowElement(st, owner));
      }
      break;
    case "Enter":
    case " ":
    case "Spacebar":
      if (isService) toggle(st, id);
      choose(st, id);
      rowElement(st, key)?.focus({ preventScroll: true });
      break;
    default:
      return;
  }
  e.preventDefault();
}
