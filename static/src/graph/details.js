/**
 * details.js — the side panel's content for a selected graph element, as HTML strings. Pure (no
 * DOM), so node tests read what the panel says. `ctx` = {view, findItem(id)}.
 *
 *   nodeDetails(viewNode, ctx)   service: type, cluster IP or None, ports, selector, endpoints,
 *                                entry points, the port chain per pod (unresolved hops marked);
 *                                pod: phase, ready, node, IP, workload, services, labels, chains;
 *                                workload: ready/total, fold/unfold button, its pods;
 *                                entry point, external name, namespace.
 *   edgeDetails(viewEdge, ctx)   source, target, state and the edge's port chain.
 *   chainHtml(chain)             one chain, hop by hop, the unresolved hop in red with the reason.
 *
 * Links carry data-go="<element id>" (main.js selects that element on click).
 */
import { chainHops } from "./format.js";

export function esc(s) {
  return String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );
}

/** A label as a lower-case id fragment ("Scale…" → "scale"): state classes and data-testids. */
export function slug(text) {
  return String(text)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}

export function chainHtml(chain) {
  const { hops, reason } = chainHops(chain);
  const parts = hops.map((h) => `<span class="hop${h.bad ? " hop-bad" : ""}">${esc(h.text)}</span>`);
  const why = reason ? ` <span class="hop-bad">(${esc(reason)})</span>` : "";
  return `<span class="chain" data-resolved="${!reason}">${parts.join(" → ")}${why}</span>`;
}

export function nodeDetails(n, ctx) {
  const d = n.data || {};
  const facts = [];
  const fact = (k, v) => facts.push(`<dt>${esc(k)}</dt><dd>${v}</dd>`);
  let extra = "";
  let title = `${esc(n.kind || n.type)} <span class="name">${esc(n.name)}</span>`;
  if (n.namespace) fact("namespace", esc(n.namespace));
  switch (n.type) {
    case "service": {
      fact("type", esc(d.type) + (d.headless ? " (headless)" : ""));
      if (d.type === "ExternalName") fact("external name", esc(d.externalName));
      else fact("cluster IP", esc(d.headless ? "None" : d.clusterIP || "—"));
      fact(
        "ports",
        (d.ports || [])
          .map(
            (p) =>
              `${esc(p.name ? `${p.name}: ` : "")}${esc(p.port)}/${esc(p.protocol)} → ${esc(p.targetPort)}` +
              (p.nodePort ? ` (nodePort ${esc(p.nodePort)})` : ""),
          )
          .join("<br>") || "none",
      );
      fact(
        "selector",
        d.selector && Object.keys(d.selector).length
          ? Object.entries(d.selector)
              .map(([k, v]) => `<code>${esc(k)}=${esc(v)}</code>`)
              .join(" ")
          : "none (endpoints managed by hand)",
      );
      if (d.endpoints) fact("endpoints", `${esc(d.endpoints.ready)} ready, ${esc(d.endpoints.notReady)} not ready`);
      if (d.sessionAffinity && d.sessionAffinity !== "None") fact("session affinity", esc(d.sessionAffinity));
      if (d.entries && d.entries.length) {
        fact("entry points", d.entries.map((e) => `${esc(e.kind)} ${esc(e.address)}`).join("<br>"));
      } else if (d.pending) fact("load balancer", "pending");
      extra += serviceChains(n, ctx);
      break;
    }
    case "pod": {
      fact("phase", esc(d.phase));
      fact("ready", d.ready ? "yes" : '<span class="bad">no</span>');
      fact("node", esc(d.node || "—"));
      fact("pod IP", esc(d.ip || "—"));
      if (d.terminating) fact("terminating", "yes");
      if (d.workload) fact("workload", `<a href="#" data-go="${esc(d.workload)}">${esc(d.workload.split("/").slice(1).join("/"))}</a>`);
      if (d.services && d.services.length) {
        fact("services", d.services.map((s) => `<a href="#" data-go="${esc(s)}">${esc(s.slice(4))}</a>`).join(", "));
      }
      extra += labelsHtml(d.labels);
      extra += podChains(n, ctx);
      break;
    }
    case "workload": {
      title = `${esc(d.kind || n.kind)} <span class="name">${esc(n.name)}</span>`;
      fact("ready", `${esc(d.ready)}/${esc(d.total)}` + (d.desired != null ? ` (desired ${esc(d.desired)})` : ""));
      fact("drawn", d.expanded ? "unfolded" : "folded");
      extra += `<p><button type="button" data-testid="toggle-workload">${d.expanded ? "Fold pods" : "Unfold pods"}</button></p>`;
      if (d.pods && d.pods.length) {
        extra +=
          `<h3>Pods (${d.pods.length})</h3><ul class="plain">` +
          d.pods
            .slice(0, 50)
            .map((p) => `<li><a href="#" data-go="${esc(p)}">${esc(p.split("/").pop())}</a></li>`)
            .join("") +
          (d.pods.length > 50 ? `<li>… ${d.pods.length - 50} more</li>` : "") +
          "</ul>";
      }
      break;
    }
    case "entry": {
      title = `Entry point <span class="name">${esc(d.address)}</span>`;
      fact("kind", esc(d.kind));
      if (d.addresses && d.addresses.length > 1) fact("addresses", d.addresses.map(esc).join("<br>"));
      fact("port", esc(d.port));
      fact("service", `<a href="#" data-go="${esc(d.service)}">${esc(d.service?.slice(4))}</a>`);
      break;
    }
    case "external":
      title = `External <span class="name">${esc(d.address || n.name)}</span>`;
      fact("kind", esc(d.kind));
      break;
    case "namespace":
      fact("phase", esc(d.phase));
      if (d.services != null) fact("services", esc(d.services));
      if (d.pods != null) fact("pods", esc(d.pods));
      break;
    default:
      break;
  }
  const problems = (n.problems || []).length
    ? `<ul class="problems" data-testid="details-problems">${n.problems.map((p) => `<li>⚠ ${esc(p)}</li>`).join("")}</ul>`
    : "";
  return (
    `<header class="details-head"><h2 data-testid="details-title">${title}</h2>` +
    `<button type="button" class="close" data-testid="details-close" aria-label="Close details">×</button></header>` +
    problems +
    `<dl class="facts" data-testid="details-facts">${facts.join("")}</dl>` +
    extra +
    `<div class="details-actions" data-testid="details-actions"></div>`
  );
}

export function edgeDetails(e, ctx) {
  const source = ctx.findItem(e.source);
  const target = ctx.findItem(e.target);
  const name = (n, id) => esc(n ? `${n.namespace ? `${n.namespace}/` : ""}${n.name}` : id);
  const kind = { selects: "Service selects", entry: "Entry point into", external: "External name of" }[e.type] || e.type;
  const ready =
    e.ready && typeof e.ready === "object"
      ? `${esc(e.ready.ready)}/${esc(e.ready.total)} ready`
      : e.ready === false
        ? '<span class="bad">not ready</span>'
        : "ready";
  const facts = [
    `<dt>from</dt><dd><a href="#" data-go="${esc(e.source)}">${name(source, e.source)}</a></dd>`,
    `<dt>to</dt><dd><a href="#" data-go="${esc(e.target)}">${name(target, e.target)}</a></dd>`,
    `<dt>state</dt><dd>${ready}</dd>`,
  ];
  if (e.endpoint) facts.push(`<dt>endpoint</dt><dd>${esc(e.endpoint)}</dd>`);
  if (e.pods != null) facts.push(`<dt>pods selected</dt><dd>${esc(e.pods)}</dd>`);
  const chains = (e.chains || []).length
    ? `<h3>Port chain</h3><ul class="chains" data-testid="details-chains">${chainRow(e.target, target?.name || e.target, e.chains, "")}</ul>`
    : "";
  return (
    `<header class="details-head"><h2 data-testid="details-title">${esc(kind)}</h2>` +
    `<button type="button" class="close" data-testid="details-close" aria-label="Close details">×</button></header>` +
    `<dl class="facts" data-testid="details-facts">${facts.join("")}</dl>${chains}`
  );
}

function labelsHtml(labels) {
  const entries = Object.entries(labels || {});
  if (!entries.length) return "";
  return (
    `<h3>Labels</h3><p class="labels" data-testid="details-labels">` +
    entries.map(([k, v]) => `<code>${esc(k)}=${esc(v)}</code>`).join(" ") +
    "</p>"
  );
}

function chainRow(target, targetLabel, chains, state) {
  const resolved = chains.every((c) => c.resolved);
  return (
    `<li data-testid="details-chain" data-target="${esc(target)}" data-resolved="${resolved}">` +
    `<a href="#" data-go="${esc(target)}">${esc(targetLabel)}</a>` +
    (state ? ` <span class="state state-${esc(slug(state))}">${esc(state)}</span>` : "") +
    `<div>${chains.map(chainHtml).join("<br>") || "<em>no ports</em>"}</div></li>`
  );
}

function serviceChains(svc, ctx) {
  const row = ctx.view.services?.find((r) => r.id === svc.id);
  let items = [];
  if (row && row.pods) {
    items = row.pods.map((p) =>
      chainRow(p.id, p.name, p.chains || [], p.endpoint === "ready" ? "ready" : p.endpoint === "notReady" ? "not ready" : p.ready ? "not an endpoint" : "not ready"),
    );
  } else {
    for (const e of ctx.view.edges) {
      if (e.source !== svc.id || e.type !== "selects") continue;
      const target = ctx.findItem(e.target);
      const state =
        e.ready && typeof e.ready === "object" ? `${e.ready.ready}/${e.ready.total} ready` : e.ready ? "ready" : "not ready";
      items.push(chainRow(e.target, target?.name || e.target, e.chains || [], state));
    }
  }
  if (!items.length) return '<h3>Port chains</h3><p class="muted">No pods selected.</p>';
  return `<h3>Port chains per pod</h3><ul class="chains" data-testid="details-chains">${items.join("")}</ul>`;
}

function podChains(pod, ctx) {
  const items = [];
  for (const e of ctx.view.edges) {
    if (e.target !== pod.id || e.type !== "selects") continue;
    const svc = ctx.findItem(e.source);
    items.push(chainRow(e.source, svc?.name || e.source, e.chains || [], e.ready === false ? "not ready" : "ready"));
  }
  if (!items.length) return "";
  return `<h3>Port chains from services</h3><ul class="chains" data-testid="details-chains">${items.join("")}</ul>`;
}
