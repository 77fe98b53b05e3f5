/**
 * format.js — how a View (model.js) is written on the graph: node labels, port-chain text, CSS
 * classes and the Cytoscape element JSON. Pure (no DOM), so `node --test` covers it.
 */

/** One port chain hop by hop: `80 → http → 8080/TCP`; an unresolved last hop is `✗`. */
export function chainText(chain) {
  const target = chain.containerPort == null ? "✗" : String(chain.containerPort);
  return `${chain.servicePort} → ${chain.targetPort} → ${target}/${chain.protocol || "TCP"}`;
}

/** The hops of a chain as [{text, bad}] so HTML can mark the unresolved hop in red. */
export function chainHops(chain) {
  const hops = [
    { text: String(chain.servicePort), bad: false },
    { text: String(chain.targetPort), bad: false },
    {
      text:
        chain.containerPort == null
          ? "✗"
          : `${chain.containerPort}/${chain.protocol || "TCP"}` +
            (chain.containerName ? ` (${chain.containerName})` : ""),
      bad: !chain.resolved,
    },
  ];
  return { hops, reason: chain.resolved ? null : chain.reason || "unresolved" };
}

export function edgeLabel(edge) {
  const chains = edge.chains || [];
  let text = chains.map(chainText).join("; ");
  if (edge.ready && typeof edge.ready === "object") {
    text += `${text ? " · " : ""}${edge.ready.ready}/${edge.ready.total} ready`;
  }
  return text;
}

function servicePorts(ports) {
  return (ports || [])
    .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol || "TCP"}`)
    .join(", ");
}

/** The text drawn next to a node (several lines). */
export function nodeLabel(node) {
  const d = node.data || {};
  const warn = node.problems && node.problems.length ? "⚠ " : "";
  switch (node.type) {
    case "namespace":
      return `namespace ${node.name}`;
    case "service": {
      if (d.type === "ExternalName") return `${warn}${node.label}\nExternalName`;
      const ip = d.headless ? "None (headless)" : d.clusterIP || "";
      const lines = [`${warn}${node.label}`, `${d.type || "ClusterIP"} ${ip}`.trim()];
      const ports = servicePorts(d.ports);
      if (ports) lines.push(ports);
      return lines.join("\n");
    }
    case "workload": {
      const counts = `${d.ready ?? 0}/${d.total ?? 0} ready`;
      const fold = d.expanded ? "" : " ▸";
      if (d.kind === "Pod") return `${warn}${node.label}\n${counts}${fold}`;
      return `${warn}${d.kind || node.kind} ${node.label}\n${counts}${fold}`;
    }
    case "pod": {
      const state = [d.phase || "Unknown", d.ready ? "ready" : "not ready"];
      if (d.terminating) state.push("terminating");
      const where = [d.node || "unscheduled", d.ip || "no IP"].join(" · ");
      return `${warn}${node.label}\n${state.join(", ")}\n${where}`;
    }
    case "entry": {
      const kind = { nodePort: "NodePort", loadBalancer: "LB", externalIP: "external IP" }[d.kind];
      return `${kind || "entry"} ${d.address || node.label}`;
    }
    case "external":
      return d.kind === "address" ? `address ${d.address || node.label}` : d.address || node.label;
    default:
      return node.label || node.id;
  }
}

export function nodeClasses(node) {
  const d = node.data || {};
  const out = [node.type];
  if (node.problems && node.problems.length) out.push("problem");
  if (node.type === "service") {
    if (d.headless) out.push("headless");
    if (d.type === "ExternalName") out.push("externalname");
  }
  if (node.type === "pod") {
    if (!d.ready) out.push("not-ready");
    if (d.terminating) out.push("terminating");
  }
  if (node.type === "workload") {
    out.push(d.expanded ? "expanded" : "folded");
    if ((d.ready ?? 0) < (d.total ?? 0)) out.push("not-ready");
  }
  if (node.type === "external" && d.kind === "address" && d.ready === false) out.push("not-ready");
  return out;
}

export function edgeReady(edge) {
  if (edge.ready && typeof edge.ready === "object") return edge.ready.ready === edge.ready.total;
  return edge.ready !== false;
}

export function edgeClasses(edge) {
  const out = [edge.type];
  if (!edgeReady(edge)) out.push("not-ready");
  if ((edge.chains || []).some((c) => !c.resolved)) out.push("unresolved");
  return out;
}

/** The Cytoscape JSON of a view node (without position). `sig` changes iff what is drawn does. */
export function nodeElement(node) {
  const data = {
    id: node.id,
    label: nodeLabel(node),
    type: node.type,
    name: node.name,
    namespace: node.namespace,
    kind: node.kind,
  };
  if (node.parent) data.parent = node.parent;
  const classes = nodeClasses(node);
  data.sig = `${data.parent || ""}|${data.label}|${classes.join(" ")}|${(node.problems || []).join(";")}`;
  return { group: "nodes", data, classes };
}

export function edgeElement(edge) {
  const label = edgeLabel(edge);
  const classes = edgeClasses(edge);
  const data = { id: edge.id, source: edge.source, target: edge.target, type: edge.type, label };
  data.sig = `${label}|${classes.join(" ")}|${edge.endpoint || ""}`;
  return { group: "edges", data, classes };
}
