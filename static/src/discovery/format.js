/**
 * discovery/format.js — pure helpers (no DOM) for the service-discovery panels: what a DNS
 * resolution from a pod says, the kube-proxy rules as compact rows, a traffic run's distribution,
 * failures and hops as text, the graph ids a traffic path crosses, and the destinations a
 * Service offers. The DOM modules (details.js, traffic.js) only lay these out.
 */

import { ids as graphIds } from "../model/ids.js";
import { selectorMatches, serviceSelector } from "../model/rules.js";

export const QUERY_TYPES = ["A", "AAAA", "SRV", "CNAME", "PTR", "TXT", "SOA", "NS"];
export const PROTOCOLS = ["TCP", "UDP", "SCTP"];
export const MAX_COUNT = 10000;

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// ------------------------------------------------------------------ DNS

/** One tried name's outcome: {label, tone: "ok"|"warn"|"bad"}. NOERROR without records is
 *  NODATA (the name exists, not for this type). */
export function tryOutcome(t) {
  const rcode = t?.rcode || "";
  if (rcode === "NOERROR") {
    return (t.answers || []).length ? { label: "NOERROR", tone: "ok" } : { label: "NOERROR, no records (NODATA)", tone: "warn" };
  }
  return { label: rcode || "no answer", tone: "bad" };
}

/** "x. 5 IN A 10.0.0.1" → {owner: "x.", ttl: 5, type: "A", data: "10.0.0.1"} */
export function parseRecord(line) {
  const fields = String(line || "").trim().split(/\s+/);
  if (fields.length < 5) return { owner: fields[0] || "", ttl: null, type: "", data: fields.slice(1).join(" ") };
  return { owner: fields[0], ttl: Number(fields[1]), type: fields[3], data: fields.slice(4).join(" ") };
}

/** Why the resolver tried the names in this order (glibc res_search, ndots). */
export function searchExplanation(res) {
  if (!res) return "";
  const name = res.name || "";
  const parts = [];
  if (!res.clusterDNS) {
    parts.push(
      `The pod's nameserver ${res.nameserver || "(none)"} is not the cluster DNS (its dnsPolicy), so names in the cluster zone do not resolve.`,
    );
  }
  if (res.absolute || name.endsWith(".")) {
    parts.push(`"${name}" ends with a dot: it is absolute and tried once, as it is.`);
  } else {
    const dots = (name.match(/\./g) || []).length;
    const ndots = res.ndots ?? 1;
    const search = res.search || [];
    if (dots >= ndots) {
      parts.push(`"${name}" has ${plural(dots, "dot")}, at least ndots:${ndots}: tried as it is first, then with each search domain.`);
    } else {
      parts.push(
        `"${name}" has ${plural(dots, "dot")}, fewer than ndots:${ndots}: each search domain is tried first` +
          (search.length ? ` (${search.join(", ")})` : "") +
          ", the name as it is last.",
      );
    }
  }
  return parts.join(" ");
}

/** The application's view of the answer: {resolved, text, records}. */
export function resolutionSummary(res) {
  if (!res) return { resolved: false, text: "", records: [] };
  const records = (res.answer || []).map(parseRecord);
  if (res.resolvedName) {
    const data = records.map((r) => (r.type === "A" || r.type === "AAAA" ? r.data : `${r.type} ${r.data}`));
    return { resolved: true, text: `${res.name} → ${res.resolvedName} → ${data.join(", ")}`, records };
  }
  const tried = res.fqdnTried || [];
  const last = tried.length ? tried[tried.length - 1] : null;
  if (!last) return { resolved: false, text: `${res.name} does not resolve from this pod: it has no nameserver.`, records };
  let text = `${res.name} does not resolve from this pod: no name tried has an answer (the last, ${last.name}, got ${tryOutcome(last).label}).`;
  if (last.rcode === "REFUSED") text += " The cluster DNS refuses names outside its zones (no upstream is simulated).";
  return { resolved: false, text, records };
}

// ------------------------------------------------------------------ kube-proxy rules

const percent = (p) => {
  const v = Math.round(Number(p || 0) * 1000) / 10;
  return `${Number.isInteger(v) ? v : v.toFixed(1)}%`;
};
export { percent };

function group(verdict, nodes, context = "") {
  return {
    nodes,
    context,
    action: verdict?.action || "",
    chain: verdict?.chain || null,
    reason: verdict?.reason || null,
    rule: verdict?.rule || null,
    masquerade: Boolean(verdict?.masquerade),
    endpoints: (verdict?.endpoints || []).map((e) => ({
      address: e.address,
      pod: e.pod || null,
      nodeName: e.nodeName || null,
      probability: e.probability,
      percent: percent(e.probability),
    })),
  };
}

/** Nodes whose verdicts are the same in one group (a Local policy differs per node). */
function groupByVerdict(rows, context) {
  const out = new Map();
  for (const { node, verdict } of rows) {
    const key = JSON.stringify(verdict);
    if (!out.has(key)) out.set(key, { verdict, nodes: [] });
    out.get(key).nodes.push(node);
  }
  return [...out.values()].map((g) => group(g.verdict, g.nodes, context));
}

/**
 * ServiceProxyRules → per port {key, title, endpoints, entries: [{type, where, policy, note,
 * groups: [{nodes, context, action, chain, reason, rule, masquerade, endpoints: [{address, pod,
 * percent}]}]}], healthCheck}. NodePort entries (one per node upstream) become one entry.
 */
export function proxyPortRows(rules) {
  if (!rules || !rules.ports) return [];
  const nodeIp = new Map((rules.nodes || []).map((n) => [n.name, n.ip]));
  return rules.ports.map((p) => {
    const name = p.name ? `${p.name}: ` : "";
    const title = `${name}${p.port}/${p.protocol} → target port ${p.targetPort}` + (p.nodePort ? ` · node port ${p.nodePort}` : "");
    const entries = [];
    const nodePorts = [];
    for (const e of p.entries || []) {
      if (e.type === "NodePort") {
        nodePorts.push(e);
        continue;
      }
      const entry = { type: e.type, where: `${e.address}:${e.port}`, policy: e.policy || null, note: e.note || null, groups: [] };
      if (e.type === "LoadBalancer" && e.backendNodes) entry.note = `the load balancer sends to ${e.backendNodes.join(", ") || "no node"}`;
      if (e.sourceRanges) entry.note = `${entry.note ? `${entry.note}; ` : ""}only from ${e.sourceRanges.join(", ")}`;
      for (const g of e.perNode || []) entry.groups.push(group(g, g.nodes || []));
      entries.push(entry);
    }
    if (nodePorts.length) {
      const first = nodePorts[0];
      const entry = {
        type: "NodePort",
        where: nodePorts.map((e) => `${e.address}:${e.port}`).join(", "),
        policy: first.policy || null,
        note: null,
        groups: [],
      };
      const rows = (key) => nodePorts.filter((e) => e[key]).map((e) => ({ node: e.nodeName || e.address, verdict: e[key] }));
      const local = nodePorts.some((e) => e.fromPods);
      entry.groups.push(...groupByVerdict(rows("fromOutside"), local ? "from outside" : ""));
      if (local) {
        entry.groups.push(...groupByVerdict(rows("fromPods"), "from pods"));
        entry.groups.push(...groupByVerdict(rows("fromNode"), "from the node itself"));
      }
      entries.push(entry);
    }
    return {
      key: `${p.port}/${p.protocol}`,
      title,
      servicePortName: p.servicePortName,
      endpointsFrom: p.endpointsFrom,
      endpoints: (p.endpoints || []).map((e) => ({
        ...e,
        state: e.ready ? "ready" : e.serving ? (e.terminating ? "terminating, serving" : "serving") : e.terminating ? "terminating" : "not ready",
      })),
      entries,
      healthCheck: (p.healthCheck || []).map((h) => ({ ...h, nodeIP: nodeIp.get(h.nodeName) || null })),
    };
  });
}

/** One line about the service as kube-proxy sees it. */
export function proxySummary(rules) {
  if (!rules) return "";
  const parts = [];
  const aff = rules.sessionAffinity || {};
  parts.push(aff.type === "ClientIP" ? `session affinity ClientIP (${aff.timeoutSeconds} s)` : "no session affinity");
  parts.push(`internalTrafficPolicy ${rules.internalTrafficPolicy || "Cluster"}`);
  if (rules.externalTrafficPolicy) parts.push(`externalTrafficPolicy ${rules.externalTrafficPolicy}`);
  if (rules.healthCheckNodePort) parts.push(`health check node port ${rules.healthCheckNodePort}`);
  return parts.join(" · ");
}

// ------------------------------------------------------------------ traffic results

/** Rows of the distribution: {pod ("ns/name"|null), podId, address, node, count, share, percent, expected}. */
export function distributionRows(result) {
  const total = result?.count || 0;
  return (result?.endpoints || []).map((e) => ({
    pod: e.pod || null,
    podId: e.pod ? `pod:${e.pod}` : null,
    address: e.address,
    node: e.nodeName || null,
    count: e.count,
    share: total ? e.count / total : 0,
    percent: percent(total ? e.count / total : 0),
    expected: percent(e.probability),
  }));
}

export function failureRows(result) {
  return (result?.failures || []).map((f) => {
    const shown = (f.attempts || []).slice(0, 8).map((i) => `#${i + 1}`);
    const more = (f.attempts || []).length - shown.length;
    return {
      outcome: f.outcome,
      reason: f.reason || "",
      count: f.count,
      attempts: shown.join(", ") + (more > 0 ? ` … ${more} more` : ""),
    };
  });
}

export function summaryText(result) {
  if (!result) return "";
  const src = result.source || {};
  const from =
    src.kind === "Pod" ? `pod ${src.namespace}/${src.name}` : src.kind === "Node" ? `node ${src.name}` : `client ${src.ip || src.name}`;
  return (
    `${plural(result.count, "connection")} from ${from} to ${result.destination?.input || ""}` +
    (result.destination?.protocol && result.destination.protocol !== "TCP" ? ` (${result.destination.protocol})` : "") +
    `: ${result.delivered} delivered, ${result.failed} failed · seed ${result.seed}`
  );
}

/** A hop of a traffic path as one line of text. */
export function hopText(hop) {
  switch (hop?.hop) {
    case "source":
      if (hop.kind === "Pod") return `pod ${hop.namespace}/${hop.name} (${hop.ip}${hop.nodeName ? ` on ${hop.nodeName}` : ""})`;
      if (hop.kind === "Node") return `node ${hop.name} (${hop.ip})`;
      return `client ${hop.ip || hop.name} outside the cluster`;
    case "dns":
      return `DNS: ${hop.name} → ${(hop.answer || []).join(", ") || "no address"}`;
    case "destination":
      return `connect to ${hop.address}:${hop.port}`;
    case "service":
      return (
        `service ${hop.namespace}/${hop.name} via ${hop.via} ${hop.address}:${hop.port}` +
        (hop.portName ? ` (port ${hop.portName})` : "") +
        ` → target port ${hop.targetPort}`
      );
    case "node": {
      const bits = [`node ${hop.nodeName}`];
      if (hop.action) bits.push(hop.action + (hop.chain ? ` (${hop.chain} endpoints)` : ""));
      if (hop.rule) bits.push(hop.rule);
      if (hop.masquerade) bits.push("masquerade (SNAT to the node)");
      if (hop.affinity) bits.push("ClientIP affinity");
      return bits.join(": ");
    }
    case "network":
      return hop.detail || "network";
    case "endpoint":
      return (
        `endpoint ${hop.address}` +
        (hop.pod ? ` = pod ${hop.pod.namespace}/${hop.pod.name}` : hop.note ? ` (${hop.note})` : "") +
        (hop.container ? `, container ${hop.container}` : "") +
        (hop.sourceSeen ? `; sees the client as ${hop.sourceSeen}` : "")
      );
    default:
      return JSON.stringify(hop);
  }
}

// ------------------------------------------------------------------ traffic on the graph

/**
 * Which drawn node stands for each pod: the pod, or the workload (group) it is folded into.
 * `view`: model.js View. Returns (namespace, name) → id | null.
 */
export function podLocator(view) {
  const drawn = new Set((view?.nodes || []).map((n) => n.id));
  const folded = new Map();
  for (const n of view?.nodes || []) {
    if (n.type !== "workload") continue;
    for (const p of n.data?.pods || []) if (!folded.has(p)) folded.set(p, n.id);
  }
  return (ns, name) => {
    const id = graphIds.pod(ns, name);
    if (drawn.has(id)) return id;
    return folded.get(id) || null;
  };
}

function entryId(hop) {
  if (hop.via === "NodePort") return graphIds.nodePort(hop.namespace, hop.name, hop.port);
  if (hop.via === "LoadBalancer") return graphIds.loadBalancer(hop.namespace, hop.name, hop.address);
  if (hop.via === "ExternalIP") return graphIds.externalIP(hop.namespace, hop.name, hop.address);
  return null;
}

/**
 * The graph paths of a traffic result: one per distinct path, {ids, failed, count}, ids in order
 * (source pod or its workload, entry point, service, endpoint pod or its workload), only ids that
 * are drawn (`drawn(id)`), consecutive repeats merged. `locate(ns, name)` is podLocator(view).
 */
export function trafficGraphPaths(result, { drawn, locate }) {
  const out = [];
  for (const path of result?.paths || []) {
    const ids = [];
    const push = (id) => {
      if (id && drawn(id) && ids[ids.length - 1] !== id) ids.push(id);
    };
    for (const hop of path.hops || []) {
      if (hop.hop === "source" && hop.kind === "Pod") push(locate(hop.namespace, hop.name));
      else if (hop.hop === "service") {
        push(entryId(hop));
        push(graphIds.service(hop.namespace, hop.name));
      } else if (hop.hop === "endpoint" && hop.pod) push(locate(hop.pod.namespace, hop.pod.name));
    }
    if (ids.length) out.push({ ids, failed: path.outcome !== "delivered", count: path.count });
  }
  return out;
}

// ------------------------------------------------------------------ the traffic form

function internalIP(node) {
  const a = node?.status?.addresses || [];
  return (a.find((x) => x.type === "InternalIP") || a[0] || {}).address || "";
}

/**
 * Where traffic to `service` (a Service as the store has it) can be sent:
 * [{value, label, kind: "dns"|"clusterIP"|"nodePort"|"loadBalancer"|"externalIP"}]. The DNS
 * name is short from the service's own namespace (`web:80`), else `web.ns:80`.
 */
export function destinationSuggestions(service, nodes, sourceNamespace) {
  if (!service) return [];
  const meta = service.metadata || {};
  const spec = service.spec || {};
  const ns = meta.namespace || "default";
  const host = sourceNamespace === ns ? meta.name : `${meta.name}.${ns}`;
  const out = [];
  const ports = spec.ports || [];
  for (const p of ports) {
    const proto = p.protocol && p.protocol !== "TCP" ? ` ${p.protocol}` : "";
    out.push({ value: `${host}:${p.port}`, label: `DNS name${proto}`, kind: "dns", protocol: p.protocol || "TCP" });
    const ip = spec.clusterIP;
    if (ip && ip !== "None") out.push({ value: `${ip.includes(":") ? `[${ip}]` : ip}:${p.port}`, label: `cluster IP${proto}`, kind: "clusterIP", protocol: p.protocol || "TCP" });
    if (p.nodePort) {
      for (const n of nodes || []) {
        const nip = internalIP(n);
        if (nip) out.push({ value: `${nip}:${p.nodePort}`, label: `node port on ${n.metadata?.name}${proto}`, kind: "nodePort", protocol: p.protocol || "TCP" });
      }
    }
    for (const ing of service.status?.loadBalancer?.ingress || []) {
      if (ing.ip) out.push({ value: `${ing.ip}:${p.port}`, label: `load balancer${proto}`, kind: "loadBalancer", protocol: p.protocol || "TCP" });
    }
    for (const ip2 of spec.externalIPs || []) out.push({ value: `${ip2}:${p.port}`, label: `external IP${proto}`, kind: "externalIP", protocol: p.protocol || "TCP" });
  }
  if (!ports.length) out.push({ value: host, label: "DNS name", kind: "dns", protocol: "TCP" });
  return out;
}

/** The suggestion a source kind can use: names only from pods; cluster IPs not from outside. */
export function defaultDestination(suggestions, sourceKind) {
  const pick = (...kinds) => {
    for (const k of kinds) {
      const s = suggestions.find((x) => x.kind === k);
      if (s) return s;
    }
    return null;
  };
  if (sourceKind === "pod") return pick("dns", "clusterIP", "nodePort", "loadBalancer", "externalIP");
  if (sourceKind === "node") return pick("clusterIP", "nodePort", "loadBalancer", "externalIP");
  return pick("loadBalancer", "externalIP", "nodePort");
}

const TERMINAL = new Set(["Succeeded", "Failed"]);

/** Pods that can send: running (not finished) with an IP; sorted by namespace/name. */
export function sourcePods(pods) {
  return [...pods]
    .filter((p) => p?.status?.podIP && !TERMINAL.has(p?.status?.phase) && !p?.metadata?.deletionTimestamp)
    .map((p) => ({
      value: `${p.metadata.namespace || "default"}/${p.metadata.name}`,
      namespace: p.metadata.namespace || "default",
      name: p.metadata.name,
      ip: p.status.podIP,
      node: p.spec?.nodeName || "",
      labels: p.metadata.labels || {},
    }))
    .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

/** A client pod for traffic to `service`: one of its namespace the service does not select,
 *  else one it selects, else any pod. */
export function defaultSourcePod(pods, service) {
  if (!pods.length) return null;
  const ns = service?.metadata?.namespace || "default";
  const sel = serviceSelector(service);
  const selected = (p) => selectorMatches(sel, p.labels);
  return (
    pods.find((p) => p.namespace === ns && !selected(p)) || pods.find((p) => p.namespace === ns) || pods[0]
  );
}

/**
 * The traffic form's values → {body, causes}. `values`: {sourceKind, sourcePod, sourceNode,
 * sourceIP, destination, port, protocol, count, seed} (strings). causes: [{field, message}] with
 * the API's field names (source, destination, port, count, seed).
 */
export function trafficRequest(values) {
  const causes = [];
  const body = {};
  const kind = values.sourceKind || "pod";
  const source = (kind === "pod" ? values.sourcePod : kind === "node" ? values.sourceNode : values.sourceIP || "").trim();
  if (!source) causes.push({ field: "source", message: kind === "pod" ? "Pick a pod." : kind === "node" ? "Pick a node." : "Give the client's IP address." });
  body.source = source;
  const destination = (values.destination || "").trim();
  if (!destination) causes.push({ field: "destination", message: "Give a DNS name, IP:port, node IP:node port or load-balancer IP:port." });
  body.destination = destination;
  const int = (text, field, lo, hi, label) => {
    const t = String(text ?? "").trim();
    if (!t) return undefined;
    if (!/^-?\d+$/.test(t) || Number(t) < lo || Number(t) > hi) {
      causes.push({ field, message: `${label}: a whole number, ${lo} to ${hi}.` });
      return undefined;
    }
    return Number(t);
  };
  const port = int(values.port, "port", 1, 65535, "The port");
  if (port !== undefined) body.port = port;
  if (values.protocol) body.protocol = values.protocol;
  const count = int(values.count, "count", 1, MAX_COUNT, "The count");
  body.count = count === undefined ? 100 : count;
  const seed = int(values.seed, "seed", 0, 2 ** 31 - 1, "The seed");
  if (seed !== undefined) body.seed = seed;
  return { body, causes };
}
