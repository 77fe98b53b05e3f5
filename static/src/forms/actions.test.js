// Which actions the UI offers per object and per user (running them needs a browser).
import assert from "node:assert/strict";
import { test } from "node:test";

import { isPodReady, objectActions, toolbarActions } from "./actions.js";
import { headline, parseOne, summarizeReport, toYaml } from "./yaml-dialog.js";

const writer = { boot: { mayWrite: true, namespaces: null, csrfToken: "t" } };
const viewer = { boot: { mayWrite: false, namespaces: null, csrfToken: "t" } };
const teamEditor = { boot: { mayWrite: true, namespaces: ["team-a"], csrfToken: "t" } };

const labels = (actions) => actions.map((a) => a.label);
const obj = (name, namespace, extra = {}) => ({ metadata: { name, namespace }, ...extra });
const pod = (ready) =>
  obj("p", "default", { status: { phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False" }] } });

test("toolbar: new service and import for writers, nothing for viewers", () => {
  assert.deepEqual(labels(toolbarActions(writer)), ["New service", "Import YAML"]);
  assert.deepEqual(toolbarActions(writer).map((a) => a.testid), ["action-new-service", "action-import"]);
  assert.deepEqual(toolbarActions(viewer), []);
});

test("per kind actions for a writer", () => {
  assert.deepEqual(labels(objectActions(writer, "Service", obj("web", "default"))), ["Edit", "YAML", "Delete"]);
  assert.deepEqual(labels(objectActions(writer, "Deployment", obj("d", "default"))), ["Scale", "YAML"]);
  assert.deepEqual(labels(objectActions(writer, "StatefulSet", obj("s", "default"))), ["Scale", "YAML"]);
  assert.deepEqual(labels(objectActions(writer, "Pod", pod(true))), ["Mark not ready", "Delete", "YAML"]);
  assert.deepEqual(labels(objectActions(writer, "Pod", pod(false))), ["Mark ready", "Delete", "YAML"]);
  assert.deepEqual(labels(objectActions(writer, "Node", obj("n", undefined))), ["Cordon", "YAML"]);
  assert.deepEqual(labels(objectActions(writer, "Node", obj("n", undefined, { spec: { unschedulable: true } }))), ["Uncordon", "YAML"]);
  assert.deepEqual(labels(objectActions(writer, "ReplicaSet", obj("r", "default"))), ["YAML"]);
  assert.deepEqual(labels(objectActions(writer, "Endpoints", obj("web", "default"))), ["YAML"]);
  const danger = objectActions(writer, "Service", obj("web", "default")).find((a) => a.label === "Delete");
  assert.equal(danger.danger, true);
});

test("viewers only get YAML; namespaced writers cannot cordon", () => {
  for (const [kind, o] of [
    ["Service", obj("web", "default")],
    ["Deployment", obj("d", "default")],
    ["Pod", pod(true)],
    ["Node", obj("n", undefined)],
  ]) {
    assert.deepEqual(labels(objectActions(viewer, kind, o)), ["YAML"], kind);
  }
  assert.deepEqual(labels(objectActions(teamEditor, "Node", obj("n", undefined))), ["YAML"]);
});

test("kinds the API does not serve and nameless objects get no actions", () => {
  assert.deepEqual(objectActions(writer, "Ingress", obj("i", "default")), []);
  assert.deepEqual(objectActions(writer, "Service", { metadata: {} }), []);
});

test("a pod is ready by its Ready condition only", () => {
  assert.equal(isPodReady(pod(true)), true);
  assert.equal(isPodReady(pod(false)), false);
  assert.equal(isPodReady({ status: { phase: "Running" } }), false);
});

test("YAML: managedFields hidden, one document parsed, errors name the problem", () => {
  const text = toYaml({ kind: "Service", metadata: { name: "web", managedFields: [{ manager: "kubectl" }] }, spec: { ports: [{ port: 80 }] } });
  assert.equal(text.includes("managedFields"), false);
  assert.deepEqual(parseOne(text).value, { kind: "Service", metadata: { name: "web" }, spec: { ports: [{ port: 80 }] } });
  assert.match(parseOne("a: [1, 2\n").error, /./);
  assert.equal(parseOne("a: 1\n---\nb: 2\n").error, "expected one document, found 2");
  assert.equal(parseOne("- 1\n- 2\n").error, "the document is not an object");
});

test("import report summary", () => {
  const report = { dryRun: true, summary: { created: 2, configured: 0, unchanged: 1, skipped: 0, invalid: 1 } };
  assert.equal(summarizeReport(report), "2 created, 1 unchanged, 1 invalid (dry run: nothing was written)");
  assert.equal(summarizeReport({ dryRun: false, summary: { created: 0 } }), "no documents");
});

test("an invalid report line keeps its headline when its causes are listed", () => {
  const item = {
    message: 'service/Bad invalid (request body document 3): Service "Bad" is invalid: [metadata.name: x, spec.ports[0].port: y]',
    status: { details: { causes: [{ field: "metadata.name", message: "x" }] } },
  };
  assert.equal(headline(item), 'service/Bad invalid (request body document 3): Service "Bad" is invalid');
  assert.equal(headline({ message: "service/web created", status: null }), "service/web created");
});
