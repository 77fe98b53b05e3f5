import assert from "node:assert/strict";
import { test } from "node:test";

import { chainHops, chainText, edgeClasses, edgeElement, edgeLabel, nodeClasses, nodeElement, nodeLabel } from "./format.js";
import { pod, sampleView, selects, svc } from "./fixtures.js";

const resolved = { servicePort: 80, protocol: "TCP", targetPort: "http", containerPort: 8080, containerName: "web", resolved: true, reason: null };
const unresolved = { ...resolved, containerPort: null, containerName: null, resolved: false, reason: "no container port named http" };

test("a port chain reads service port → targetPort → container port/protocol", () => {
  assert.equal(chainText(resolved), "80 → http → 8080/TCP");
  assert.equal(chainText({ ...resolved, servicePort: 8080, targetPort: 8080 }), "8080 → 8080 → 8080/TCP");
  assert.equal(chainText(unresolved), "80 → http → ✗/TCP");
});

test("only the unresolved hop is marked, with the reason", () => {
  const { hops, reason } = chainHops(unresolved);
  assert.deepEqual(hops.map((h) => h.bad), [false, false, true]);
  assert.equal(reason, "no container port named http");
  assert.equal(chainHops(resolved).reason, null);
});

test("an edge to a folded workload carries its ready count", () => {
  const edge = { ...selects("svc:a/b", "wl:a/Deployment/b"), ready: { ready: 2, total: 3 } };
  assert.equal(edgeLabel(edge), "80 → http → 8080/TCP · 2/3 ready");
  assert.deepEqual(edgeClasses(edge), ["selects", "not-ready"]);
  assert.deepEqual(edgeClasses(selects("s", "p", { resolved: false })), ["selects", "unresolved"]);
});

test("services show type and cluster IP; headless ones say None and are drawn apart", () => {
  const headless = svc("default", "db", { headless: true, clusterIP: "None" });
  assert.match(nodeLabel(headless), /ClusterIP None \(headless\)/);
  assert.ok(nodeClasses(headless).includes("headless"));
  assert.match(nodeLabel(svc("default", "web", { type: "NodePort" })), /^web\nNodePort 10\.96\.0\.10\n80\/TCP$/);
});

test("pods show phase, readiness, node and IP; not-ready pods look different", () => {
  const p = pod("default", "web-1", { ready: false, problems: ["pod not ready"] });
  assert.equal(nodeLabel(p), "⚠ web-1\nRunning, not ready\nnode-1 · 10.244.0.5");
  assert.deepEqual(nodeClasses(p), ["pod", "problem", "not-ready"]);
});

test("the element signature changes exactly when what is drawn changes", () => {
  const view = sampleView();
  const a = nodeElement(view.nodes[6]);
  assert.equal(nodeElement(view.nodes[6]).data.sig, a.data.sig);
  const moved = { ...view.nodes[6], data: { ...view.nodes[6].data, ip: "10.244.9.9" } };
  assert.notEqual(nodeElement(moved).data.sig, a.data.sig);
  const e = edgeElement(view.edges[0]);
  assert.notEqual(edgeElement({ ...view.edges[0], ready: false }).data.sig, e.data.sig);
});
