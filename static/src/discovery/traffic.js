// The traffic panel: a non-modal <dialog> docked at the left of the workspace, so the graph stays
// in view while it animates. Pick a source (a pod, a node, a client outside), a destination (a
// DNS name, IP:port, node IP:node port, load-balancer IP:port), port/protocol, a count and an
// optional seed; Send posts to /portolan/v1/traffic and shows the distribution per endpoint, the
// failed attempts with their reasons, the DNS search path and every distinct path, then pulses
// the paths on the graph. Status causes are shown next to their fields. Esc or × closes it.

import { alertBox, field, h, option, setError, showAlert, errorMessages } from "../forms/dom.js";
import {
  PROTOCOLS,
  defaultDestination,
  defaultSourcePod,
  destinationSuggestions,
  distributionRows,
  failureRows,
  hopText,
  podLocator,
  sourcePods,
  summaryText,
  trafficGraphPaths,
  trafficRequest,
} from "./format.js";
import { resolutionNodes } from "./sections.js";

const FIELDS = ["source", "destination", "port", "protocol", "count", "seed"];
let seq = 0;

export class TrafficPanel {
  /**
   * ctx: {api, store, graph, host (element the panel is docked in, before its first child),
   *       view() → current View, goTo(id), onLayout()}
   */
  constructor(ctx) {
    this.ctx = ctx;
    this.dialog = null;
    this.result = null;
  }

  get isOpen() {
    return Boolean(this.dialog && this.dialog.open);
  }

  /** Open (or refill) the panel. source: {kind: "pod"|"node"|"external", pod?: "ns/name"};
   *  service: {namespace, name} to aim at; opener gets the focus back on close. */
  open({ source = null, service = null, opener = null } = {}) {
    if (!this.dialog) this.build();
    this.opener = opener || document.activeElement;
    this.fillSources();
    const pods = this.pods;
    const svcObj = service ? this.ctx.store.get("Service", service.namespace, service.name) : null;
    let kind = source?.kind || "pod";
    let pod = source?.pod || null;
    if (!pod && kind === "pod") pod = defaultSourcePod(pods, svcObj)?.value || null;
    if (kind === "pod" && !pod) kind = "node";
    this.el.kind.value = kind;
    if (pod) this.el.pod.value = pod;
    this.service = svcObj ? { namespace: service.namespace, name: service.name } : this.service || null;
    this.destinationEdited = false;
    this.showKind();
    if (svcObj) this.suggest();
    else this.fillDatalist([]);
    this.clearErrors();
    if (!this.dialog.open) {
      this.dialog.show();
      this.ctx.onLayout?.();
    }
    (kind === "pod" ? this.el.pod : kind === "node" ? this.el.node : this.el.ip).focus();
    if (svcObj || !this.el.destination.value) this.el.destination.focus();
  }

  close() {
    if (!this.dialog || !this.dialog.open) return;
    this.controller?.abort();
    this.dialog.close();
  }

  // ------------------------------------------------------------------ building

  build() {
    seq += 1;
    const titleId = `dc-traffic-title-${seq}`;
    const kind = h(
      "select",
      {},
      option("pod", "a pod", "pod"),
      option("node", "a node", "pod"),
      option("external", "a client outside the cluster", "pod"),
    );
    const pod = h("select", {});
    const node = h("select", {});
    const ip = h("input", { type: "text", value: "203.0.113.10", autocomplete: "off", spellcheck: "false" });
    const listId = `dc-traffic-destinations-${seq}`;
    const destination = h("input", {
      type: "text",
      autocomplete: "off",
      spellcheck: "false",
      list: listId,
      placeholder: "example-service:8080, 10.96.0.10:53, 172.18.0.2:30080",
    });
    const datalist = h("datalist", { id: listId });
    const port = h("input", { type: "number", min: "1", max: "65535", placeholder: "in destination" });
    const protocol = h("select", {}, PROTOCOLS.map((p) => option(p, p, "TCP")));
    const count = h("input", { type: "number", min: "1", max: "10000", value: "100" });
    const seed = h("input", { type: "number", min: "0", placeholder: "random" });

    const f = {
      kind: field("From", kind, { testid: "traffic-source-kind" }),
      pod: field("Pod", pod, { testid: "traffic-source-pod" }),
      node: field("Node", node, { testid: "traffic-source-node" }),
      ip: field("Client IP", ip, { testid: "traffic-source-ip", hint: "an address outside the cluster's pod and node ranges" }),
      destination: field("To", destination, {
        testid: "traffic-destination",
        hint: "a DNS name (resolved as the pod would), IP:port, node IP:node port or load-balancer IP:port",
      }),
      port: field("Port", port, { testid: "traffic-port", className: "dc-small" }),
      protocol: field("Protocol", protocol, { testid: "traffic-protocol", className: "dc-small" }),
      count: field("Connections", count, { testid: "traffic-count", className: "dc-small" }),
      seed: field("Seed", seed, { testid: "traffic-seed", className: "dc-small" }),
    };
    // one error slot for the source, whichever control shows it
    const sourceError = h("div", { class: "pf-error", "data-testid": "traffic-source-error", id: `dc-traffic-source-error-${seq}`, hidden: true });
    for (const c of [pod, node, ip]) c.setAttribute("aria-describedby", `${c.getAttribute("aria-describedby")} ${sourceError.id}`);
    const alert = alertBox("traffic-error");
    const run = h("button", { type: "submit", class: "primary", "data-testid": "traffic-run" }, "Send");
    const replay = h("button", { type: "button", "data-testid": "traffic-replay", disabled: true }, "Replay on graph");
    const form = h(
      "form",
      { class: "dc-traffic-form", "data-testid": "traffic-form", novalidate: true },
      h("fieldset", { class: "dc-fieldset" }, h("legend", {}, "Source"), f.kind.wrap, f.pod.wrap, f.node.wrap, f.ip.wrap, sourceError),
      f.destination.wrap,
      datalist,
      h("div", { class: "dc-row4" }, f.port.wrap, f.protocol.wrap, f.count.wrap, f.seed.wrap),
      alert,
      h("div", { class: "dc-buttons" }, run, replay),
    );
    const results = h("section", { class: "dc-traffic-result", "data-testid": "traffic-result", "aria-live": "polite", "aria-label": "Result" });
    const close = h("button", { type: "button", class: "close", "data-testid": "traffic-close", "aria-label": "Close the traffic panel" }, "×");
    const dialog = h(
      "dialog",
      { class: "dc-traffic", "data-testid": "traffic-dialog", "aria-labelledby": titleId },
      h("header", { class: "dc-traffic-head" }, h("h2", { id: titleId }, "Send traffic"), close),
      form,
      results,
    );
    this.el = { kind, pod, node, ip, destination, datalist, port, protocol, count, seed, run, replay, results, alert, sourceError };
    this.fields = f;
    this.dialog = dialog;

    kind.addEventListener("change", () => {
      this.showKind();
      if (!this.destinationEdited && this.service) this.suggest();
    });
    pod.addEventListener("change", () => {
      if (!this.destinationEdited && this.service) this.suggest();
    });
    destination.addEventListener("input", () => {
      this.destinationEdited = true;
      const s = (this.suggestions || []).find((x) => x.value === destination.value.trim());
      if (s) protocol.value = s.protocol;
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.run();
    });
    replay.addEventListener("click", () => this.animate());
    close.addEventListener("click", () => this.close());
    dialog.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        this.close();
      }
    });
    dialog.addEventListener("click", (e) => {
      const t = e.target.closest("[data-go]");
      if (t) {
        e.preventDefault();
        this.ctx.goTo?.(t.dataset.go);
      }
    });
    dialog.addEventListener("close", () => {
      this.ctx.graph?.clearPath?.();
      this.ctx.onLayout?.();
      const o = this.opener;
      if (o && typeof o.focus === "function" && document.contains(o)) o.focus();
    });
    const host = this.ctx.host || document.body;
    host.insertBefore(dialog, host.firstChild);
  }

  showKind() {
    const k = this.el.kind.value;
    this.fields.pod.wrap.hidden = k !== "pod";
    this.fields.node.wrap.hidden = k !== "node";
    this.fields.ip.wrap.hidden = k !== "external";
  }

  fillSources() {
    const store = this.ctx.store;
    this.pods = sourcePods(store.all("Pod"));
    const keep = this.el.pod.value;
    const byNs = new Map();
    for (const p of this.pods) {
      if (!byNs.has(p.namespace)) byNs.set(p.namespace, []);
      byNs.get(p.namespace).push(p);
    }
    this.el.pod.replaceChildren(
      ...[...byNs].map(([ns, list]) => h("optgroup", { label: ns }, list.map((p) => option(p.value, `${p.name} (${p.ip})`, keep)))),
    );
    if (!this.pods.length) this.el.pod.append(option("", "no running pod with an IP", ""));
    const nodes = [...store.all("Node")].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    const keepNode = this.el.node.value;
    this.el.node.replaceChildren(
      ...nodes.map((n) => {
        const ip = (n.status?.addresses || []).find((a) => a.type === "InternalIP")?.address || "";
        return option(n.metadata.name, `${n.metadata.name}${ip ? ` (${ip})` : ""}`, keepNode);
      }),
    );
  }

  suggest() {
    const svc = this.service && this.ctx.store.get("Service", this.service.namespace, this.service.name);
    const kind = this.el.kind.value;
    const podNs = kind === "pod" ? (this.el.pod.value || "").split("/")[0] : null;
    const list = destinationSuggestions(svc, [...this.ctx.store.all("Node")], podNs);
    this.fillDatalist(list);
    const pick = defaultDestination(list, kind);
    if (pick) {
      this.el.destination.value = pick.value;
      this.el.protocol.value = pick.protocol;
    }
  }

  fillDatalist(list) {
    this.suggestions = list;
    this.el.datalist.replaceChildren(...list.map((s) => h("option", { value: s.value, label: s.label })));
  }

  // ------------------------------------------------------------------ running

  values() {
    const e = this.el;
    return {
      sourceKind: e.kind.value,
      sourcePod: e.pod.value,
      sourceNode: e.node.value,
      sourceIP: e.ip.value,
      destination: e.destination.value,
      port: e.port.value,
      protocol: e.protocol.value,
      count: e.count.value,
      seed: e.seed.value,
    };
  }

  control(name) {
    const e = this.el;
    if (name === "source") return e.kind.value === "pod" ? e.pod : e.kind.value === "node" ? e.node : e.ip;
    return { destination: e.destination, port: e.port, protocol: e.protocol, count: e.count, seed: e.seed }[name] || null;
  }

  clearErrors() {
    for (const name of FIELDS) this.showFieldError(name, []);
    showAlert(this.el.alert, []);
  }

  showFieldError(name, messages) {
    const c = this.control(name);
    if (!c) return;
    const slot = name === "source" ? this.el.sourceError : this.fields[name].error;
    setError(c, slot, messages);
  }

  /** Causes [{field, message}] next to their fields; the rest in the alert. Returns the first control. */
  showCauses(causes, headline = []) {
    const by = new Map();
    const rest = [...headline];
    for (const c of causes) {
      const name = FIELDS.includes(c.field) ? c.field : null;
      if (!name) {
        rest.push(c.field ? `${c.field}: ${c.message}` : c.message);
        continue;
      }
      if (!by.has(name)) by.set(name, []);
      by.get(name).push(c.message);
    }
    let first = null;
    for (const name of FIELDS) {
      const m = by.get(name) || [];
      this.showFieldError(name, m);
      if (m.length && !first) first = this.control(name);
    }
    showAlert(this.el.alert, rest);
    return first;
  }

  async run() {
    this.clearErrors();
    const { body, causes } = trafficRequest(this.values());
    if (causes.length) {
      this.showCauses(causes)?.focus();
      return;
    }
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.el.run.disabled = true;
    this.el.results.setAttribute("aria-busy", "true");
    try {
      const result = await this.ctx.api.traffic(body, { signal: controller.signal });
      if (controller.signal.aborted) return;
      this.result = result;
      this.drawResult(result);
      this.el.replay.disabled = false;
      this.animate();
    } catch (err) {
      if (err?.name === "AbortError") return;
      const first = this.showCauses(err.causes || [], (err.causes || []).length ? [] : errorMessages(err));
      if (first) first.focus();
    } finally {
      this.el.run.disabled = false;
      this.el.results.setAttribute("aria-busy", "false");
    }
  }

  drawResult(r) {
    const rows = distributionRows(r);
    const failures = failureRows(r);
    const out = [h("p", { class: "dc-summary", "data-testid": "traffic-summary" }, summaryText(r))];
    if (r.dns) {
      out.push(
        h(
          "div",
          { class: "dc-traffic-dns", "data-testid": "traffic-dns" },
          h("h3", {}, "Name resolution"),
          ...resolutionNodes({ ...r.dns, clusterDNS: true, absolute: r.dns.name.endsWith(".") }),
        ),
      );
    }
    if (rows.length) {
      const max = Math.max(...rows.map((x) => x.count), 1);
      out.push(
        h(
          "div",
          { class: "dc-dist" },
          h("h3", {}, "Where the connections landed"),
          h(
            "ul",
            { class: "dc-bars", "data-testid": "traffic-distribution" },
            rows.map((row) =>
              h(
                "li",
                {
                  "data-testid": "traffic-endpoint",
                  "data-pod": row.pod || "",
                  "data-address": row.address,
                  "data-count": String(row.count),
                },
                h(
                  "div",
                  { class: "dc-bar-label" },
                  row.pod ? h("a", { href: "#", "data-go": row.podId }, row.pod.split("/").pop()) : h("span", {}, "(not a pod)"),
                  h("span", { class: "muted" }, ` ${row.address}${row.node ? ` · ${row.node}` : ""}`),
                ),
                h(
                  "div",
                  {
                    class: "dc-bar",
                    role: "meter",
                    "aria-valuemin": "0",
                    "aria-valuemax": String(r.count),
                    "aria-valuenow": String(row.count),
                    "aria-label": `${row.pod || row.address}: ${row.count} of ${r.count}`,
                  },
                  h("span", { class: "dc-bar-fill", style: `width: ${((row.count / max) * 100).toFixed(1)}%` }),
                ),
                h("div", { class: "dc-bar-value" }, `${row.count} · ${row.percent}`, h("span", { class: "muted" }, ` (expected ${row.expected})`)),
              ),
            ),
          ),
        ),
      );
    }
    if (failures.length) {
      out.push(
        h(
          "div",
          { class: "dc-failures" },
          h("h3", {}, "Failed attempts"),
          h(
            "ul",
            { "data-testid": "traffic-failures" },
            failures.map((f) =>
              h(
                "li",
                { "data-testid": "traffic-failure", "data-outcome": f.outcome, "data-count": String(f.count) },
                h("span", { class: `dc-badge dc-${f.outcome === "dropped" ? "warn" : "bad"}` }, f.outcome),
                ` ${f.count}× `,
                f.reason,
                h("div", { class: "muted" }, `attempts ${f.attempts}`),
              ),
            ),
          ),
        ),
      );
    }
    out.push(
      h(
        "details",
        { class: "dc-paths", "data-testid": "traffic-paths" },
        h("summary", {}, `Paths (${(r.paths || []).length})`),
        h(
          "ol",
          {},
          (r.paths || []).map((p) =>
            h(
              "li",
              { "data-testid": "traffic-path", "data-outcome": p.outcome, "data-count": String(p.count) },
              h("div", {}, h("strong", {}, `${p.count}× ${p.outcome}`), p.reason ? `: ${p.reason}` : ""),
              h("ol", { class: "dc-hops" }, p.hops.map((hop) => h("li", {}, hopText(hop)))),
            ),
          ),
        ),
      ),
    );
    this.el.results.replaceChildren(...out);
  }

  /** Pulse the result's paths on the graph (the drawn nodes standing for its pods). */
  async animate() {
    const graph = this.ctx.graph;
    const r = this.result;
    if (!graph || !r || !this.ctx.view()) return [];
    const view = this.ctx.view();
    const drawnIds = new Set(view.nodes.map((n) => n.id));
    const paths = trafficGraphPaths(r, { drawn: (id) => drawnIds.has(id), locate: podLocator(view) });
    const ids = [...new Set(paths.flatMap((p) => p.ids))];
    if (ids.length) graph.fit(ids);
    return graph.highlightPath(paths, { durationMs: 2400 });
  }
}
