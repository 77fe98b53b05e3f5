// The service form's preview panel: the pods the selector matches, per service port the
// container port each pod resolves it to (or why not), and the Endpoints that would result.

import { h } from "./dom.js";
import { hopState, previewSummary } from "./service-model.js";

const HOP_TEXT = { ready: "ready", notReady: "not ready", unresolved: "unresolved", excluded: "no endpoint" };

export function showPreview(previewBody, previewStatus, p) {
  previewBody.replaceChildren();
  previewStatus.textContent = previewSummary(p);
  previewBody.dataset.valid = String(p.valid);
  if (p.pods.length) {
    previewBody.append(
      h(
        "table",
        { class: "pf-table", "data-testid": "svc-preview-pods" },
        h("caption", {}, p.podsTotal > p.pods.length ? `Matched pods (first ${p.pods.length} of ${p.podsTotal})` : "Matched pods"),
        h("thead", {}, h("tr", {}, ["Pod", "Phase", "Ready", "Node", "IP", "Endpoint"].map((t) => h("th", { scope: "col" }, t)))),
        h(
          "tbody",
          {},
          p.pods.map((pod) =>
            h(
              "tr",
              { "data-testid": `svc-preview-pod-${pod.name}`, "data-endpoint": pod.endpoint || "none" },
              h("th", { scope: "row" }, pod.name),
              h("td", {}, pod.phase + (pod.terminating ? " (terminating)" : "")),
              h("td", {}, pod.ready ? "yes" : "no"),
              h("td", {}, pod.nodeName || "—"),
              h("td", {}, pod.podIP || "—"),
              h("td", {}, badge(pod.endpoint === "ready" ? "ready" : pod.endpoint === "notReady" ? "notReady" : "excluded", pod.reason)),
            ),
          ),
        ),
      ),
    );
  }
  if (p.endpoints) p.ports.forEach((port, i) => {
    const title = `${port.name || "(unnamed)"} ${port.port ?? "?"}/${port.protocol} → ${port.targetPort ?? "?"}`;
    const rows = port.pods.map((hop) => {
      const st = hopState(hop);
      const target = hop.containerPort === null ? "—" : `${hop.containerPort}${hop.container ? ` (${hop.container})` : ""}`;
      return h(
        "li",
        { "data-testid": `svc-preview-port-${i}-pod-${hop.pod}`, "data-state": st },
        h("span", { class: "pf-pod" }, hop.pod),
        " → ",
        h("span", { class: "pf-target" }, target),
        " ",
        badge(st, hop.reason || hop.note),
        hop.reason ? h("span", { class: "pf-reason" }, hop.reason) : null,
      );
    });
    previewBody.append(
      h(
        "div",
        { class: "pf-port-preview", "data-testid": `svc-preview-port-${i}` },
        h("h4", {}, title),
        rows.length ? h("ul", { class: "pf-hops" }, rows) : h("p", { class: "pf-hint" }, "No pods."),
      ),
    );
  });
  if (p.endpoints) {
    const subsets = p.endpoints.subsets || [];
    previewBody.append(
      h(
        "div",
        { class: "pf-endpoints", "data-testid": "svc-preview-endpoints" },
        h("h4", {}, `Endpoints ${p.endpoints.metadata.namespace}/${p.endpoints.metadata.name || "…"}`),
        subsets.length
          ? h(
              "ul",
              {},
              subsets.map((s) =>
                h(
                  "li",
                  {},
                  h("strong", {}, (s.ports || []).map((pt) => `${pt.name ? pt.name + ":" : ""}${pt.port}/${pt.protocol}`).join(", ") || "(no ports)"),
                  " ready: ",
                  (s.addresses || []).map((a) => a.ip).join(", ") || "none",
                  "; not ready: ",
                  (s.notReadyAddresses || []).map((a) => a.ip).join(", ") || "none",
                ),
              ),
            )
          : h("p", { class: "pf-hint" }, "No endpoints (subsets: [])."),
      ),
    );
  }
}

function badge(st, title) {
  return h("span", { class: `pf-badge pf-${st}`, title: title || undefined }, HOP_TEXT[st] || st);
}
