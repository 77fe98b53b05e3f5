// The details panel's service-discovery sections (DOM): for a pod its DNS (resolv.conf and
// "resolve from this pod") and its service environment variables; for a Service its kube-proxy
// rules and the variables pods starting now would get. Each section loads on its own, shows a
// Status error in place, and can be reloaded; the element outlives the panel's re-renders.

import { errorMessages, field, h, setError } from "../forms/dom.js";
import {
  QUERY_TYPES,
  parseRecord,
  proxyPortRows,
  proxySummary,
  resolutionSummary,
  searchExplanation,
  tryOutcome,
} from "./format.js";

function errorBox(testid, err) {
  const messages = errorMessages(err);
  return h(
    "div",
    { class: "dc-error", role: "alert", "data-testid": testid, "data-status": err?.status ?? "" },
    messages[0] || "Failed",
    messages.length > 1 ? h("ul", {}, messages.slice(1).map((m) => h("li", {}, m))) : null,
  );
}

/**
 * A collapsible section that loads with `load(signal)` and draws with `draw(data)` → nodes.
 * `reload()` keeps what is shown until the new answer arrives.
 */
class Section {
  constructor({ testid, title, load, draw, open = true }) {
    this.testid = testid;
    this.load = load;
    this.draw = draw;
    this.summaryText = h("span", {}, title);
    this.count = h("span", { class: "dc-count" });
    const reload = h(
      "button",
      { type: "button", class: "dc-reload", title: `Reload ${title}`, "aria-label": `Reload ${title}`, "data-testid": `${testid}-reload` },
      "↻",
    );
    reload.addEventListener("click", (e) => {
      e.preventDefault();
      this.reload();
    });
    this.body = h("div", { class: "dc-body" });
    this.el = h(
      "details",
      { class: "dc-section", "data-testid": testid, open },
      h("summary", {}, this.summaryText, this.count, reload),
      this.body,
    );
    this.el.setAttribute("aria-busy", "false");
    this.controller = null;
  }

  async reload() {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.el.setAttribute("aria-busy", "true");
    if (!this.loaded) this.body.replaceChildren(h("p", { class: "muted" }, "Loading…"));
    try {
      const data = await this.load(controller.signal);
      if (controller.signal.aborted) return;
      this.loaded = true;
      this.data = data;
      this.body.replaceChildren(...[this.draw(data, this)].flat().filter(Boolean));
      this.el.dataset.loaded = "true";
    } catch (err) {
      if (err?.name === "AbortError" || controller.signal.aborted) return;
      this.loaded = false;
      this.body.replaceChildren(errorBox(`${this.testid}-error`, err));
    } finally {
      if (this.controller === controller) this.el.setAttribute("aria-busy", "false");
    }
  }

  setCount(text) {
    this.count.textContent = text ? ` · ${text}` : "";
  }

  abort() {
    this.controller?.abort();
  }
}

function varsTable(variables, testid, caption) {
  return h(
    "table",
    { class: "dc-table dc-vars", "data-testid": testid },
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Variable"), h("th", { scope: "col" }, "Value"))),
    h(
      "tbody",
      {},
      variables.map((v) =>
        h("tr", { "data-testid": `${testid}-var`, "data-name": v.name }, h("th", { scope: "row" }, v.name), h("td", {}, v.value)),
      ),
    ),
  );
}

// ------------------------------------------------------------------ pod

function podEnvironment(api, pod) {
  return new Section({
    testid: "pod-env",
    title: "Environment",
    load: (signal) => api.podEnvironment(pod.namespace, pod.name, { signal }),
    draw: (env, section) => {
      const count = (env.containers || []).reduce((n, c) => n + (c.variables || []).length, 0);
      section.setCount(env.started ? `${count} service variable${count === 1 ? "" : "s"}` : "not started");
      const out = [];
      if ((env.warnings || []).length) {
        out.push(
          h(
            "ul",
            { class: "dc-warnings", role: "note", "data-testid": "pod-env-warnings" },
            env.warnings.map((w) => h("li", {}, `⚠ ${w}`)),
          ),
        );
      }
      out.push(
        h(
          "p",
          { class: "dc-note" },
          "Set by the kubelet when the pod started" +
            (env.startTime ? ` (${env.startTime})` : "") +
            (env.enableServiceLinks ? "" : "; enableServiceLinks is false: only the kubernetes service") +
            ". Services created later never appear here.",
        ),
      );
      for (const c of env.containers || []) {
        out.push(varsTable(c.variables || [], "pod-env-table", `container ${c.name}`));
        out[out.length - 1].dataset.container = c.name;
      }
      for (const m of env.missingServices || []) {
        out.push(
          h(
            "details",
            { class: "dc-missing", "data-testid": "pod-env-missing", "data-service": m.service },
            h("summary", {}, `Not in this pod: ${m.service}` + (m.createdAfterStart ? " (created after the pod started)" : "")),
            varsTable(m.variables || [], "pod-env-missing-table", ""),
          ),
        );
      }
      return out;
    },
  });
}

function resolveForm(api, pod) {
  const input = h("input", {
    type: "text",
    value: "",
    placeholder: "example-service, web.other, kube-dns.kube-system",
    autocomplete: "off",
    spellcheck: "false",
  });
  const nameField = field("Name", input, { testid: "dns-name" });
  const select = h("select", {}, QUERY_TYPES.map((t) => h("option", { value: t }, t)));
  const typeField = field("Type", select, { testid: "dns-type", className: "dc-type" });
  const run = h("button", { type: "submit", class: "primary", "data-testid": "dns-resolve" }, "Resolve");
  const result = h("div", { class: "dc-result", "data-testid": "dns-result", "aria-live": "polite" });
  const form = h(
    "form",
    { class: "dc-resolve", "data-testid": "dns-resolve-form", novalidate: true, "aria-label": "Resolve a name from this pod" },
    h("h4", {}, "Resolve from this pod"),
    h("div", { class: "dc-row" }, nameField.wrap, typeField.wrap, h("div", { class: "dc-run" }, run)),
    result,
  );
  let controller = null;
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    setError(input, nameField.error, []);
    setError(select, typeField.error, []);
    const name = input.value.trim();
    if (!name) {
      setError(input, nameField.error, ["Give a name to resolve, e.g. example-service or web.other."]);
      input.focus();
      return;
    }
    controller?.abort();
    controller = new AbortController();
    const mine = controller;
    run.disabled = true;
    result.setAttribute("aria-busy", "true");
    try {
      const res = await api.resolve(pod.namespace, pod.name, name, select.value, { signal: mine.signal });
      if (mine.signal.aborted) return;
      result.replaceChildren(...resolutionNodes(res));
      result.dataset.name = res.name;
    } catch (err) {
      if (err?.name === "AbortError") return;
      const byField = { name: [], type: [] };
      const rest = [];
      for (const c of err.causes || []) (byField[c.field] ? byField[c.field] : rest).push(c.message);
      setError(input, nameField.error, byField.name);
      setError(select, typeField.error, byField.type);
      const fieldErrors = byField.name.length + byField.type.length;
      result.replaceChildren(fieldErrors && !rest.length ? "" : errorBox("dns-error", err));
      delete result.dataset.name;
    } finally {
      run.disabled = false;
      result.setAttribute("aria-busy", "false");
    }
  });
  return form;
}

export function resolutionNodes(res) {
  const summary = resolutionSummary(res);
  const tries = h(
    "ol",
    { class: "dc-tries", "aria-label": "Names tried, in order" },
    (res.fqdnTried || []).map((t) => {
      const o = tryOutcome(t);
      return h(
        "li",
        { "data-testid": "dns-try", "data-name": t.name, "data-rcode": t.rcode },
        h("code", {}, t.name),
        " ",
        h("span", { class: `dc-badge dc-${o.tone}` }, o.label),
        (t.answers || []).length
          ? h(
              "ul",
              { class: "dc-records" },
              t.answers.map((line) => {
                const r = parseRecord(line);
                return h("li", {}, h("code", {}, `${r.type} ${r.data}`), r.ttl != null ? h("span", { class: "muted" }, ` ttl ${r.ttl}`) : null);
              }),
            )
          : null,
        t.error ? h("div", { class: "dc-note" }, t.error) : null,
      );
    }),
  );
  return [
    h("p", { class: "dc-note", "data-testid": "dns-explain" }, searchExplanation(res)),
    tries,
    h(
      "p",
      { class: `dc-answer ${summary.resolved ? "dc-ok" : "dc-bad"}`, "data-testid": "dns-answer", "data-resolved": String(summary.resolved) },
      summary.text,
    ),
    ...(res.warnings || []).map((w) => h("p", { class: "dc-warnings" }, `⚠ ${w}`)),
  ];
}

function podDns(api, pod) {
  const form = resolveForm(api, pod);
  const section = new Section({
    testid: "pod-dns",
    title: "DNS",
    load: (signal) => api.resolvConf(pod.namespace, pod.name, { signal }),
    draw: (conf, s) => {
      s.setCount(`ndots ${conf.ndots}`);
      return [
        h("pre", { class: "dc-pre", "data-testid": "pod-resolv-conf", "aria-label": "/etc/resolv.conf" }, conf.text || "(empty)"),
        h(
          "p",
          { class: "dc-note" },
          `dnsPolicy ${conf.dnsPolicy}${conf.hostNetwork ? " on the host network" : ""}: ` +
            (conf.resolver === "cluster" ? "the cluster DNS first." : conf.resolver === "host" ? "the node's resolver." : "only the pod's own dnsConfig."),
        ),
        ...(conf.warnings || []).map((w) => h("p", { class: "dc-warnings" }, `⚠ ${w}`)),
        form,
      ];
    },
  });
  return section;
}

export function podSections(api, pod, { onSendTraffic }) {
  const send = h("button", { type: "button", "data-testid": "send-traffic-from" }, "Send traffic from this pod…");
  send.addEventListener("click", () => onSendTraffic(send));
  const sections = [podDns(api, pod), podEnvironment(api, pod)];
  const el = h(
    "section",
    { class: "dc", "data-testid": "discovery", "data-for": `pod:${pod.namespace}/${pod.name}`, "aria-label": "Service discovery" },
    h("h3", {}, "Service discovery"),
    h("div", { class: "dc-actions" }, send),
    sections.map((s) => s.el),
  );
  return { el, sections };
}

// ------------------------------------------------------------------ service

function endpointLine(e) {
  return h(
    "li",
    { "data-testid": "proxy-endpoint", "data-pod": e.pod || "", "data-probability": String(e.probability) },
    h("span", { class: "dc-pct" }, e.percent),
    " ",
    h("code", {}, e.address),
    e.pod ? [" ", h("a", { href: "#", "data-go": `pod:${e.pod}` }, e.pod.split("/").pop())] : null,
    e.nodeName ? h("span", { class: "muted" }, ` on ${e.nodeName}`) : null,
  );
}

function groupNodes(g) {
  const action = g.action || "?";
  const tone = action === "DNAT" ? "ok" : action === "DROP" ? "warn" : "bad";
  const who = g.nodes.length ? `on ${g.nodes.join(", ")}` : "";
  return h(
    "div",
    { class: "dc-group", "data-testid": "proxy-verdict", "data-action": action },
    h(
      "div",
      {},
      g.context ? h("span", { class: "dc-context" }, `${g.context} `) : null,
      h("span", { class: "muted" }, who),
      " ",
      h("span", { class: `dc-badge dc-${tone}` }, action),
      g.chain ? h("span", { class: "muted" }, ` ${g.chain} endpoints`) : null,
      g.masquerade ? h("span", { class: "muted" }, " · masquerade") : null,
    ),
    g.reason ? h("div", { class: "dc-reason" }, g.reason) : null,
    g.endpoints.length ? h("ul", { class: "dc-eps" }, g.endpoints.map(endpointLine)) : null,
  );
}

function proxyRules(api, svc) {
  return new Section({
    testid: "proxy-rules",
    title: "kube-proxy",
    load: (signal) => api.proxyRules(svc.namespace, svc.name, { signal }),
    draw: (rules, s) => {
      const out = [];
      if (!rules.programmed) {
        s.setCount("no rules");
        out.push(h("p", { class: "dc-note", "data-testid": "proxy-rules-reason" }, `No rules: ${rules.reason || "not programmed"}.`));
        return out;
      }
      const ports = proxyPortRows(rules);
      s.setCount(`${ports.length} port${ports.length === 1 ? "" : "s"}`);
      out.push(h("p", { class: "dc-note", "data-testid": "proxy-rules-summary" }, proxySummary(rules)));
      for (const p of ports) {
        const ready = p.endpoints.filter((e) => e.ready).length;
        out.push(
          h(
            "div",
            { class: "dc-port", "data-testid": "proxy-port", "data-port": p.key },
            h("h4", {}, p.title),
            h(
              "p",
              { class: "dc-note" },
              `${p.endpoints.length} endpoint${p.endpoints.length === 1 ? "" : "s"} (${ready} ready) from ${p.endpointsFrom || "—"}`,
            ),
            h(
              "ul",
              { class: "dc-entries", "aria-label": `Entry points of ${p.key}` },
              p.entries.map((e) =>
                h(
                  "li",
                  { class: "dc-entry", "data-testid": "proxy-entry", "data-type": e.type },
                  h(
                    "div",
                    { class: "dc-entry-head" },
                    h("strong", {}, e.type),
                    " ",
                    h("code", { class: "dc-where" }, e.where),
                    e.policy ? h("span", { class: "dc-policy" }, ` · policy ${e.policy}`) : null,
                  ),
                  e.note ? h("div", { class: "dc-note" }, e.note) : null,
                  e.groups.map(groupNodes),
                ),
              ),
            ),
            p.healthCheck.length
              ? h(
                  "p",
                  { class: "dc-note", "data-testid": "proxy-health" },
                  "health check: ",
                  p.healthCheck.map((hc, i) => [
                    i ? ", " : "",
                    h("span", { class: hc.status === 200 ? "dc-ok" : "dc-bad" }, `${hc.nodeName} ${hc.status}`),
                  ]),
                )
              : null,
          ),
        );
      }
      return out;
    },
  });
}

function serviceEnvironment(api, svc) {
  return new Section({
    testid: "service-env",
    title: "Environment pods would get",
    open: false,
    load: (signal) => api.serviceEnvironment(svc.namespace, svc.name, { signal }),
    draw: (env, s) => {
      s.setCount(`${(env.variables || []).length} variables`);
      return [
        h("p", { class: "dc-note", "data-testid": "service-env-applies" }, `Who gets them: ${env.appliesTo}.`),
        (env.variables || []).length ? varsTable(env.variables, "service-env-table", "") : null,
      ];
    },
  });
}

export function serviceSections(api, svc, { onSendTraffic }) {
  const send = h("button", { type: "button", "data-testid": "send-traffic-to" }, "Send traffic to this service…");
  send.addEventListener("click", () => onSendTraffic(send));
  const sections = [proxyRules(api, svc), serviceEnvironment(api, svc)];
  const el = h(
    "section",
    { class: "dc", "data-testid": "discovery", "data-for": `svc:${svc.namespace}/${svc.name}`, "aria-label": "Service discovery" },
    h("h3", {}, "Service discovery"),
    h("div", { class: "dc-actions" }, send),
    sections.map((s) => s.el),
  );
  return { el, sections };
}
