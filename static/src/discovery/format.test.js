import assert from "node:assert/strict";
import { test } from "node:test";

import {
  defaultDestination,
  defaultSourcePod,
  destinationSuggestions,
  distributionRows,
  failureRows,
  hopText,
  parseRecord,
  podLocator,
  proxyPortRows,
  resolutionSummary,
  searchExplanation,
  sourcePods,
  trafficGraphPaths,
  trafficRequest,
  tryOutcome,
} from "./format.js";

// Answers as the API gives them (cluster/api/dnsview.py, cluster/api/traffic.py), trimmed.
const FROM_SHOP = {
  name: "web.other",
  qtype: "A",
  absolute: false,
  clusterDNS: true,
  nameserver: "10.96.0.10",
  ndots: 5,
  search: ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"],
  fqdnTried: [
    { name: "web.other.shop.svc.cluster.local.", rcode: "NXDOMAIN", answers: [] },
    { name: "web.other.svc.cluster.local.", rcode: "NOERROR", answers: ["web.other.svc.cluster.local. 5 IN A 10.96.7.7"] },
  ],
  answer: ["web.other.svc.cluster.local. 5 IN A 10.96.7.7"],
  resolvedName: "web.other.svc.cluster.local.",
};

test("a resolution says why the names were tried in that order and what answered", () => {
  assert.match(searchExplanation(FROM_SHOP), /has 1 dot, fewer than ndots:5: each search domain is tried first \(shop\.svc/);
  assert.match(searchExplanation({ ...FROM_SHOP, name: "web.other.", absolute: true }), /absolute and tried once/);
  assert.match(searchExplanation({ ...FROM_SHOP, name: "a.b.c.d.e.f", ndots: 5 }), /at least ndots:5: tried as it is first/);
  assert.match(searchExplanation({ ...FROM_SHOP, clusterDNS: false, nameserver: "172.18.0.1" }), /not the cluster DNS/);
  const s = resolutionSummary(FROM_SHOP);
  assert.equal(s.resolved, true);
  assert.equal(s.text, "web.other → web.other.svc.cluster.local. → 10.96.7.7");
  assert.deepEqual(FROM_SHOP.fqdnTried.map((t) => tryOutcome(t).tone), ["bad", "ok"]);
});

test("an unresolved name names the last failure; NOERROR without records is NODATA", () => {
  const res = {
    name: "web",
    fqdnTried: [
      { name: "web.shop.svc.cluster.local.", rcode: "NXDOMAIN", answers: [] },
      { name: "web.", rcode: "REFUSED", answers: [] },
    ],
    answer: [],
    resolvedName: null,
  };
  const s = resolutionSummary(res);
  assert.equal(s.resolved, false);
  assert.match(s.text, /the last, web\., got REFUSED/);
  assert.match(s.text, /refuses names outside its zones/);
  assert.deepEqual(tryOutcome({ rcode: "NOERROR", answers: [] }), { label: "NOERROR, no records (NODATA)", tone: "warn" });
  assert.deepEqual(parseRecord("_http._tcp.web.other.svc.cluster.local. 5 IN SRV 0 100 80 web.other.svc.cluster.local."), {
    owner: "_http._tcp.web.other.svc.cluster.local.",
    ttl: 5,
    type: "SRV",
    data: "0 100 80 web.other.svc.cluster.local.",
  });
});

const verdict = (action, endpoints = [], extra = {}) => ({ action, chain: action === "DNAT" ? "cluster" : null, reason: null, rule: null, masquerade: false, endpoints, ...extra });
const ep = (address, pod, probability) => ({ address, pod, nodeName: null, probability });

test("kube-proxy rows: per-node groups, node ports folded into one entry, REJECT/DROP reasons", () => {
  const a = ep("10.244.0.2:8080", "default/a", 1);
  const rules = {
    programmed: true,
    nodes: [
      { name: "node-1", ip: "172.18.0.2" },
      { name: "node-2", ip: "172.18.0.3" },
    ],
    ports: [
      {
        name: "http",
        protocol: "TCP",
        port: 80,
        targetPort: 8080,
        nodePort: 30080,
        endpoints: [{ address: "10.244.0.2:8080", ready: true, serving: true, terminating: false, pod: "default/a" }],
        entries: [
          { type: "ClusterIP", address: "10.96.1.1", port: 80, policy: "Cluster", perNode: [{ nodes: ["node-1", "node-2"], ...verdict("DNAT", [a]) }] },
          { type: "NodePort", address: "172.18.0.2", port: 30080, nodeName: "node-1", policy: "Local", fromOutside: verdict("DNAT", [a]), fromPods: verdict("DNAT", [a]), fromNode: verdict("DNAT", [a]) },
          {
            type: "NodePort",
            address: "172.18.0.3",
            port: 30080,
            nodeName: "node-2",
            policy: "Local",
            fromOutside: verdict("DROP", [], { reason: "default/web:http has no local endpoints" }),
            fromPods: verdict("DNAT", [a]),
            fromNode: verdict("DROP", [], { reason: "default/web:http has no local endpoints" }),
          },
        ],
        healthCheck: [{ nodeName: "node-1", status: 200, localEndpoints: 1 }],
      },
    ],
  };
  const [port] = proxyPortRows(rules);
  assert.equal(port.title, "http: 80/TCP → target port 8080 · node port 30080");
  assert.deepEqual(port.entries.map((e) => e.type), ["ClusterIP", "NodePort"]);
  const np = port.entries[1];
  assert.equal(np.where, "172.18.0.2:30080, 172.18.0.3:30080");
  const outside = np.groups.filter((g) => g.context === "from outside");
  assert.deepEqual(outside.map((g) => [g.nodes, g.action, g.reason]), [
    [["node-1"], "DNAT", null],
    [["node-2"], "DROP", "default/web:http has no local endpoints"],
  ]);
  assert.deepEqual(np.groups.filter((g) => g.context === "from pods").map((g) => g.nodes), [["node-1", "node-2"]]);
  assert.equal(port.entries[0].groups[0].endpoints[0].percent, "100%");
  assert.equal(port.healthCheck[0].nodeIP, "172.18.0.2");
});

const RESULT = {
  count: 100,
  delivered: 97,
  failed: 3,
  seed: 7,
  source: { kind: "Pod", namespace: "shop", name: "client" },
  destination: { input: "web.other:80", protocol: "TCP" },
  endpoints: [
    { address: "10.244.0.2:8080", pod: "other/web-a", nodeName: "node-1", count: 48, probability: 0.5 },
    { address: "10.244.1.2:8080", pod: "other/web-b", nodeName: "node-2", count: 49, probability: 0.5 },
  ],
  failures: [{ outcome: "refused", reason: "nothing listens", count: 3, attempts: [3, 9, 40] }],
  paths: [
    {
      outcome: "delivered",
      count: 48,
      hops: [
        { hop: "source", kind: "Pod", namespace: "shop", name: "client", ip: "10.244.2.9", nodeName: "node-3" },
        { hop: "dns", name: "web.other", answer: ["10.96.7.7"] },
        { hop: "destination", address: "10.96.7.7", port: 80 },
        { hop: "service", namespace: "other", name: "web", via: "ClusterIP", address: "10.96.7.7", port: 80, portName: "http", targetPort: 8080 },
        { hop: "node", nodeName: "node-3", action: "DNAT", chain: "cluster", rule: "internalTrafficPolicy Cluster", masquerade: false },
        { hop: "endpoint", address: "10.244.0.2:8080", pod: { namespace: "other", name: "web-a" }, sourceSeen: "10.244.2.9" },
      ],
    },
    {
      outcome: "refused",
      count: 3,
      hops: [
        { hop: "source", kind: "Pod", namespace: "shop", name: "client", ip: "10.244.2.9", nodeName: "node-3" },
        { hop: "service", namespace: "other", name: "web", via: "NodePort", address: "172.18.0.2", port: 30080, targetPort: 8080 },
        { hop: "endpoint", address: "10.244.1.2:8080", pod: { namespace: "other", name: "web-b" } },
      ],
    },
  ],
};

test("the distribution, failures and hops of a traffic run", () => {
  assert.deepEqual(
    distributionRows(RESULT).map((r) => [r.podId, r.count, r.percent, r.expected]),
    [
      ["pod:other/web-a", 48, "48%", "50%"],
      ["pod:other/web-b", 49, "49%", "50%"],
    ],
  );
  assert.deepEqual(failureRows(RESULT), [{ outcome: "refused", reason: "nothing listens", count: 3, attempts: "#4, #10, #41" }]);
  const hops = RESULT.paths[0].hops.map(hopText);
  assert.equal(hops[1], "DNS: web.other → 10.96.7.7");
  assert.equal(hops[3], "service other/web via ClusterIP 10.96.7.7:80 (port http) → target port 8080");
  assert.equal(hops[4], "node node-3: DNAT (cluster endpoints): internalTrafficPolicy Cluster");
  assert.equal(hops[5], "endpoint 10.244.0.2:8080 = pod other/web-a; sees the client as 10.244.2.9");
});

test("traffic paths on the graph: folded pods are their workload, entry points come before the service", () => {
  const view = {
    nodes: [
      { id: "pod:shop/client", type: "pod" },
      { id: "svc:other/web", type: "service" },
      { id: "entry:nodeport:other/web:30080", type: "entry" },
      { id: "wl:other/Deployment/web", type: "workload", data: { pods: ["pod:other/web-a", "pod:other/web-b"] } },
    ],
  };
  const drawn = new Set(view.nodes.map((n) => n.id));
  const paths = trafficGraphPaths(RESULT, { drawn: (id) => drawn.has(id), locate: podLocator(view) });
  assert.deepEqual(paths, [
    { ids: ["pod:shop/client", "svc:other/web", "wl:other/Deployment/web"], failed: false, count: 48 },
    { ids: ["pod:shop/client", "entry:nodeport:other/web:30080", "svc:other/web", "wl:other/Deployment/web"], failed: true, count: 3 },
  ]);
  // unfolded: the pods themselves
  const open = { nodes: [...view.nodes, { id: "pod:other/web-a", type: "pod" }] };
  assert.equal(podLocator(open)("other", "web-a"), "pod:other/web-a");
  assert.equal(podLocator({ nodes: [] })("other", "web-a"), null);
});

const svc = {
  metadata: { name: "web", namespace: "other" },
  spec: { type: "LoadBalancer", clusterIP: "10.96.7.7", ports: [{ port: 80, protocol: "TCP", nodePort: 30080 }], selector: { app: "web" } },
  status: { loadBalancer: { ingress: [{ ip: "192.0.2.5" }] } },
};
const nodes = [{ metadata: { name: "node-1" }, status: { addresses: [{ type: "InternalIP", address: "172.18.0.2" }] } }];

test("where traffic to a service can go, and what each source uses by default", () => {
  const list = destinationSuggestions(svc, nodes, "shop");
  assert.deepEqual(
    list.map((s) => [s.kind, s.value]),
    [
      ["dns", "web.other:80"],
      ["clusterIP", "10.96.7.7:80"],
      ["nodePort", "172.18.0.2:30080"],
      ["loadBalancer", "192.0.2.5:80"],
    ],
  );
  assert.equal(destinationSuggestions(svc, nodes, "other")[0].value, "web:80");
  assert.equal(defaultDestination(list, "pod").value, "web.other:80");
  assert.equal(defaultDestination(list, "node").value, "10.96.7.7:80");
  assert.equal(defaultDestination(list, "external").value, "192.0.2.5:80");
});

test("source pods: running with an IP; the default client is not one the service selects", () => {
  const pod = (ns, name, labels, extra = {}) => ({
    metadata: { namespace: ns, name, labels },
    spec: { nodeName: "node-1" },
    status: { phase: "Running", podIP: `10.244.0.${name.length}`, ...extra },
  });
  const pods = sourcePods([
    pod("other", "web-a", { app: "web" }),
    pod("other", "tool", {}),
    pod("other", "done", {}, { phase: "Succeeded" }),
    pod("shop", "client", {}),
    { metadata: { namespace: "shop", name: "pending" }, status: { phase: "Pending" } },
  ]);
  assert.deepEqual(pods.map((p) => p.value), ["other/tool", "other/web-a", "shop/client"]);
  assert.equal(defaultSourcePod(pods, svc).value, "other/tool");
  assert.equal(defaultSourcePod(pods.filter((p) => p.name !== "tool"), svc).value, "other/web-a");
  assert.equal(defaultSourcePod([], svc), null);
});

test("the traffic form's request, and its causes named like the API's fields", () => {
  assert.deepEqual(trafficRequest({ sourceKind: "pod", sourcePod: "shop/client", destination: " web.other:80 ", protocol: "TCP", count: "", seed: "" }), {
    body: { source: "shop/client", destination: "web.other:80", protocol: "TCP", count: 100 },
    causes: [],
  });
  const { body, causes } = trafficRequest({ sourceKind: "external", sourceIP: "203.0.113.9", destination: "192.0.2.5", port: "80", count: "20", seed: "7" });
  assert.deepEqual(body, { source: "203.0.113.9", destination: "192.0.2.5", port: 80, count: 20, seed: 7 });
  assert.deepEqual(causes, []);
  const bad = trafficRequest({ sourceKind: "node", sourceNode: "", destination: "", port: "0", count: "10001", seed: "x" });
  assert.deepEqual(bad.causes.map((c) => c.field), ["source", "destination", "port", "count", "seed"]);
});
