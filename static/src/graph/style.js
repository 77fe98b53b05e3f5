/**
 * style.js — the Cytoscape stylesheet. `large` (many drawn elements) trades looks for speed:
 * haystack edges, no edge labels, node labels only when zoomed in, no transitions.
 */

export const COLORS = {
  service: "#2f6fde",
  externalName: "#8a5cd6",
  workload: "#23895a",
  pod: "#2b9a66",
  notReady: "#d9822b",
  problem: "#d03030",
  entry: "#d19a00",
  external: "#6b7280",
  edge: "#8d99ab",
  edgeLight: "#a4adbc", // edge at 80 % on white: big graphs draw opaque lines
  text: "#1d2330",
  namespaceBg: "#f3f5f9",
  namespaceBorder: "#c3cad6",
};

export const TRACE = { path: "#7c3aed", pulse: "#f59e0b", failed: "#d03030" };

function traceStyles(large) {
  const t = TRACE;
  const ease = large ? {} : { "transition-property": "width, line-color, underlay-opacity, underlay-padding", "transition-duration": "0.2s" };
  return [
    { selector: "node.trace-node", style: { "underlay-color": t.path, "underlay-opacity": 0.3, "underlay-padding": 6, ...ease } },
    {
      selector: "edge.trace-temp",
      style: {
        // bent, so it stays apart from an edge between the same nodes (a pod calling a service
        // that selects it)
        "curve-style": "unbundled-bezier",
        "control-point-distances": [-36],
        "control-point-weights": [0.5],
        "line-style": "dashed",
        "line-dash-pattern": [6, 4],
        "target-arrow-shape": "triangle",
        label: "",
        events: "no",
      },
    },
    { selector: "edge.trace-edge", style: { "line-color": t.path, "target-arrow-color": t.path, width: 3, opacity: 1, ...ease } },
    { selector: "edge.trace-edge.trace-failed", style: { "line-color": t.failed, "target-arrow-color": t.failed } },
    { selector: "node.trace-node.trace-failed", style: { "underlay-color": t.failed } },
    { selector: "edge.trace-pulse", style: { "line-color": t.pulse, "target-arrow-color": t.pulse, width: 7 } },
    { selector: "node.trace-pulse", style: { "underlay-color": t.pulse, "underlay-opacity": 0.8, "underlay-padding": 11 } },
  ];
}

export function stylesheet({ large = false } = {}) {
  const c = COLORS;
  // Big graphs label only the nodes graph/index.js marks .lbl (leaves in view once zoomed in)
  // and the boxes: the text rules of leaves apply to .lbl nodes only, so the thousands of
  // unlabelled nodes carry a dozen fewer style properties each (applying style is most of the
  // first frame's cost).
  const text = (selector) => (large ? `${selector}.lbl` : selector);
  const labels = {
    label: "data(label)",
    "font-size": 10,
    "font-family": "sans-serif",
    color: c.text,
    "text-wrap": "wrap",
    "min-zoomed-font-size": large ? 9 : 6,
  };
  const flash = large
    ? {}
    : { "transition-property": "overlay-opacity", "transition-duration": "0.7s" };
  return [
    { selector: large ? "node.lbl, node.namespace, node.box" : "node", style: labels },
    {
      selector: "node",
      // big graphs: no white ring around every node (its nodes do not overlap)
      style: large ? { "overlay-opacity": 0 } : { "border-width": 1, "border-color": "#ffffff", "overlay-opacity": 0, ...flash },
    },
    {
      selector: "node.namespace",
      style: {
        shape: "round-rectangle",
        "background-color": c.namespaceBg,
        "border-color": c.namespaceBorder,
        "border-width": 1,
        "text-valign": "top",
        "text-halign": "center",
        "text-justification": "left",
        "font-size": 12,
        "font-weight": "bold",
        color: "#4a5568",
        "min-zoomed-font-size": 4,
        padding: 24,
        "corner-radius": 8,
      },
    },
    {
      selector: "node.namespace:childless",
      style: { width: 170, height: 22, padding: 0, "text-valign": "center", "font-size": 11, "font-weight": "normal" },
    },
    {
      selector: "node.service",
      style: { shape: "round-rectangle", width: 36, height: 36, "background-color": c.service },
    },
    {
      selector: text("node.service"),
      style: { "text-valign": "bottom", "text-halign": "center", "text-margin-y": 3, "text-max-width": 170 },
    },
    {
      selector: "node.service.headless",
      style: {
        "background-color": "#ffffff",
        "border-color": c.service,
        "border-width": 3,
        "border-style": "dashed",
      },
    },
    {
      selector: "node.service.externalname",
      style: { shape: "tag", "background-color": c.externalName },
    },
    {
      selector: "node.workload",
      style: { shape: "barrel", width: 34, height: 34, "background-color": c.workload },
    },
    {
      selector: text("node.workload"),
      style: { "text-valign": "center", "text-halign": "right", "text-margin-x": 6, "text-justification": "left" },
    },
    {
      selector: "node.workload.expanded",
      style: {
        shape: "round-rectangle",
        "background-color": "#e8f4ee",
        "background-opacity": 0.7,
        "border-color": c.workload,
        "border-width": 1,
        "text-valign": "top",
        "text-halign": "center",
        "text-margin-x": 0,
        padding: 10,
      },
    },
    {
      selector: "node.workload.folded.not-ready",
      style: { "border-color": c.notReady, "border-width": 3 },
    },
    {
      selector: "node.pod",
      style: { shape: "ellipse", width: 18, height: 18, "background-color": c.pod },
    },
    {
      selector: text("node.pod"),
      style: {
        "text-valign": "center",
        "text-halign": "right",
        "text-margin-x": 5,
        "text-justification": "left",
        "font-size": 9,
      },
    },
    {
      selector: "node.pod.not-ready",
      style: {
        "background-color": "#ffffff",
        "border-color": c.notReady,
        "border-width": 3,
        "border-style": "dashed",
        color: "#9a4f0e",
      },
    },
    {
      selector: "node.pod.terminating",
      style: { "background-opacity": 0.35, "border-style": "dotted" },
    },
    {
      selector: "node.entry",
      style: { shape: "diamond", width: 26, height: 26, "background-color": c.entry },
    },
    {
      selector: text("node.entry"),
      style: { "text-valign": "bottom", "text-halign": "center", "text-margin-y": 3 },
    },
    {
      selector: "node.external",
      style: { shape: "rhomboid", width: 30, height: 22, "background-color": c.external },
    },
    {
      selector: text("node.external"),
      style: { "text-valign": "center", "text-halign": "right", "text-margin-x": 6 },
    },
    {
      selector: "node.external.not-ready",
      style: { "background-color": "#ffffff", "border-color": c.notReady, "border-width": 3 },
    },
    // big graphs: namespaces and unfolded workloads as plain boxes behind their members (sized by
    // graph/index.js from the members' positions) instead of compound nodes
    {
      selector: "node.box",
      style: {
        width: "data(w)",
        height: "data(h)",
        padding: 0,
        "text-valign": "top",
        "text-halign": "center",
        "text-margin-x": 0,
        "z-compound-depth": "bottom",
        "z-index": 0,
      },
    },
    { selector: "node.namespace.box", style: { "font-size": 12, "font-weight": "bold" } },
    { selector: "node.workload.box", style: { "z-index": 1 } },
    {
      selector: "node.problem",
      style: { "border-color": c.problem, "border-width": 3, color: "#a11d1d" },
    },
    {
      selector: "node.problem.pod.not-ready",
      style: { "border-color": c.notReady },
    },
    {
      selector: "node.pinned",
      style: {
        "outline-width": 2,
        "outline-color": "#4a5568",
        "outline-style": "dotted",
        "outline-offset": 3,
      },
    },
    {
      selector: "edge",
      style: large
        ? {
            "curve-style": "haystack",
            "haystack-radius": 0,
            width: 1,
            "line-color": c.edgeLight,
          }
        : {
            "curve-style": "straight",
            width: 1.5,
            "line-color": c.edge,
            "target-arrow-shape": "triangle",
            "target-arrow-color": c.edge,
            "arrow-scale": 0.8,
            label: "data(label)",
            "font-size": 9,
            "min-zoomed-font-size": 7,
            color: "#3b4556",
            "text-rotation": "autorotate",
            "text-background-color": "#ffffff",
            "text-background-opacity": 0.85,
            "text-background-padding": 1,
            "overlay-opacity": 0,
            ...flash,
          },
    },
    {
      selector: "edge.not-ready",
      style: large
        ? { "line-color": c.notReady }
        : { "line-style": "dashed", "line-color": c.notReady, "target-arrow-color": c.notReady },
    },
    {
      selector: "edge.unresolved",
      style: large
        ? { "line-color": c.problem, width: 2 }
        : { "line-color": c.problem, "target-arrow-color": c.problem, color: c.problem, width: 2 },
    },
    {
      selector: "edge.external",
      style: large ? { "line-color": c.externalName } : { "line-style": "dotted" },
    },
    {
      selector: "edge.entry",
      style: { "line-color": c.entry, "target-arrow-color": c.entry },
    },
    { selector: ".dim", style: { opacity: 0.2 } },
    {
      selector: "node.match",
      style: { "underlay-color": "#ffd400", "underlay-opacity": 0.7, "underlay-padding": 7 },
    },
    {
      selector: "node.labelmatch",
      style: { "underlay-color": "#19b5c8", "underlay-opacity": 0.55, "underlay-padding": 7 },
    },
    // traffic on the graph (graph.highlightPath): the path, its pulse, temporary edges
    ...traceStyles(large),
    {
      selector: "node:selected",
      style: { "border-color": "#111827", "border-width": 3, "border-style": "solid" },
    },
    {
      selector: "edge:selected",
      style: { width: 3, "line-color": "#111827", "target-arrow-color": "#111827" },
    },
    {
      selector: ".flash",
      style: { "overlay-color": "#ffbf00", "overlay-opacity": 0.45, "overlay-padding": 8 },
    },
  ];
}
