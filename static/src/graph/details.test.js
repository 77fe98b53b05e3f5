import assert from "node:assert/strict";
import { test } from "node:test";

import { chainHtml, edgeDetails, nodeDetails } from "./details.js";
import { sampleView } from "./fixtures.js";

function ctxOf(view) {
  const map = new Map([...view.nodes, ...view.edges].map((x) => [x.id, x]));
  return { view, findItem: (id) => map.get(id) };
}

const text = (html) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

test("a headless service's panel says None and lists the port chain per pod, unresolved hop marked", () => {
  const view = sampleView();
  const ctx = ctxOf(view);
  const html = nodeDetails(ctx.findItem("svc:default/db"), ctx);
  assert.match(text(html), /cluster IP None/);
  assert.match(html, /data-testid="details-chain" data-target="pod:default\/db-0" data-resolved="false"/);
  assert.match(html, /<span class="hop hop-bad">✗<\/span>/);
  assert.match(text(html), /no container port named http/);
});

test("a pod's panel shows phase, readiness, node, IP and labels", () => {
  const view = sampleView();
  const ctx = ctxOf(view);
  const t = text(nodeDetails(ctx.findItem("pod:default/web-3"), ctx));
  for (const want of ["phase Running", "ready no", "node node-1", "pod IP 10.244.0.5", "app=web", "⚠ pod not ready"]) {
    assert.ok(t.includes(want), `missing "${want}" in: ${t}`);
  }
});

test("a folded workload's panel counts ready pods and offers to unfold", () => {
  const view = sampleView();
  const ctx = ctxOf(view);
  const html = nodeDetails(ctx.findItem("wl:shop/Deployment/api"), ctx);
  assert.match(text(html), /ready 8\/9/);
  assert.match(html, /data-testid="toggle-workload">Unfold pods</);
});

test("an edge's panel names both ends and carries its chain", () => {
  const view = sampleView();
  const ctx = ctxOf(view);
  const t = text(edgeDetails(ctx.findItem("svc:default/web->pod:default/web-1"), ctx));
  assert.match(t, /from default\/web to default\/web-1/);
  assert.match(t, /80 → http → 8080\/TCP \(web\)/);
});

test("text from the cluster is escaped", () => {
  const html = chainHtml({ servicePort: 80, protocol: "TCP", targetPort: "<b>", containerPort: null, resolved: false, reason: "<script>" });
  assert.ok(!html.includes("<b>") && !html.includes("<script>"));
});
