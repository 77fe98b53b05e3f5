// The table view's text (status is always written out, never colour only) and its sort order.
// The DOM part (in-place updates, focus, keyboard) needs a browser; node tests have no DOM.
import { test } from "node:test";
import assert from "node:assert/strict";

import { buildView } from "./model.js";
import {
  chainText,
  clusterIPText,
  endpointsText,
  endpointStateText,
  highlightMatches,
  portsText,
  problemsText,
  sortRows,
  typeText,
} from "./table.js";
import { staticStore } from "./testdata/synthetic.js";

const row = (over = {}) => ({
  id: "svc:default/web",
  namespace: "default",
  name: "web",
  type: "ClusterIP",
  clusterIP: "10.96.0.10",
  headless: false,
  externalName: null,
  ports: [],
  endpoints: { ready: 0, notReady: 0, total: 0 },
  problems: [],
  entries: [],
  manualEndpoints: [],
  labels: {},
  pods: [],
  ...over,
});

test("service cells say type, cluster IP, ports and endpoints in words", () => {
  const cases = [
    [typeText(row()), "ClusterIP"],
    [typeText(row({ headless: true })), "ClusterIP (headless)"],
    [typeText(row({ type: "ExternalName", externalName: "httpbin.org" })), "ExternalName → httpbin.org"],
    [clusterIPText(row()), "10.96.0.10"],
    [clusterIPText(row({ headless: true, clusterIP: "None" })), "None (headless)"],
    [clusterIPText(row({ type: "ExternalName", clusterIP: null })), "—"],
    [
      portsText([
        { name: "http", protocol: "TCP", port: 80, targetPort: 8080, nodePort: 30080 },
        { name: "", protocol: "UDP", port: 53, targetPort: 53, nodePort: null },
      ]),
      "http 80/TCP → 8080 (node port 30080), 53/UDP",
    ],
    [portsText([]), "no ports"],
    [endpointsText(row({ endpoints: { ready: 2, notReady: 1, total: 3 } })), "2/3 ready (1 not ready)"],
    [endpointsText(row({ endpoints: { ready: 3, notReady: 0, total: 3 } })), "3/3 ready"],
    [endpointsText(row()), "0 endpoints"],
    [endpointsText(row({ type: "ExternalName" })), "none (external name)"],
    [
      endpointsText(row({ endpoints: { ready: 2, notReady: 0, total: 2 }, manualEndpoints: [{}, {}] })),
      "2/2 ready (manual)",
    ],
    [problemsText([]), "OK"],
    [problemsText(["no endpoints", "load balancer pending"]), "no endpoints; load balancer pending"],
    [endpointStateText("ready"), "ready"],
    [endpointStateText("notReady"), "not ready"],
    [endpointStateText("absent"), "not an endpoint"],
  ];
  for (const [got, want] of cases) assert.equal(got, want);
});

test("a port chain reads service port → targetPort → container port, or why not", () => {
  const hop = {
    servicePort: 80,
    portName: "http",
    protocol: "TCP",
    targetPort: "http",
    containerPort: 8080,
    containerName: "app",
    resolved: true,
    declared: true,
    reason: null,
  };
  assert.equal(chainText(hop), "http 80/TCP → targetPort http → 8080 in app");
  assert.equal(
    chainText({ ...hop, portName: "", targetPort: 3000, containerPort: 3000, containerName: null, declared: false }),
    "80/TCP → targetPort 3000 → 3000 (not declared)",
  );
  assert.equal(
    chainText({ ...hop, resolved: false, containerPort: null, containerName: null, reason: "no container port named 'http' with protocol TCP" }),
    "http 80/TCP → targetPort http → unresolved: no container port named 'http' with protocol TCP",
  );
});

test("rows sort by any column, both ways, ties by namespace/name", () => {
  const rows = [
    row({ id: "a", name: "b-svc", problems: ["no endpoints"], endpoints: { ready: 0, notReady: 0, total: 0 } }),
    row({ id: "b", name: "a-svc", endpoints: { ready: 3, notReady: 0, total: 3 } }),
    row({ id: "c", name: "c-svc", namespace: "alpha", type: "NodePort", endpoints: { ready: 1, notReady: 1, total: 2 } }),
    row({ id: "d", name: "svc10" }),
    row({ id: "e", name: "svc9" }),
  ];
  const ids = (key, dir) => sortRows(rows, key, dir).map((r) => r.id);
  assert.deepEqual(ids("name", "ascending"), ["c", "b", "a", "e", "d"], "numeric-aware names");
  assert.deepEqual(ids("name", "descending"), ["d", "e", "a", "b", "c"]);
  assert.deepEqual(ids("problems", "descending"), ["a", "c", "b", "e", "d"]);
  assert.deepEqual(ids("endpoints", "ascending"), ["a", "e", "d", "c", "b"]);
  assert.deepEqual(ids("type", "ascending"), ["b", "a", "e", "d", "c"]);
  assert.notEqual(sortRows(rows, "name"), rows, "the view's array is not reordered");
});

test("highlight marks services and pods by search text or labels", () => {
  const objs = [
    {
      kind: "Service",
      metadata: { name: "web", namespace: "shop", labels: { tier: "front" } },
      spec: { clusterIP: "10.96.7.7", selector: { app: "web" }, ports: [{ port: 80 }] },
    },
    {
      kind: "Pod",
      metadata: { name: "web-1", namespace: "shop", labels: { app: "web", track: "canary" } },
      spec: { nodeName: "node-2", containers: [] },
      status: { phase: "Running", podIP: "10.244.2.9" },
    },
  ];
  const { services } = buildView(staticStore(objs));
  const m = (q) => {
    const r = highlightMatches(services, q);
    return [[...r.services], [...r.pods]];
  };
  assert.deepEqual(m({ search: "10.96.7" }), [["svc:shop/web"], []]);
  assert.deepEqual(m({ search: "node-2" }), [[], ["pod:shop/web-1"]]);
  assert.deepEqual(m({ search: "shop/web" }), [["svc:shop/web"], ["pod:shop/web-1"]]);
  assert.deepEqual(m({ labels: [{ key: "track", op: "=", value: "canary" }] }), [[], ["pod:shop/web-1"]]);
  assert.deepEqual(m({ labels: [{ key: "tier", op: "exists" }] }), [["svc:shop/web"], []]);
  assert.deepEqual(m({}), [[], []]);
});
