// buildView and the Kubernetes rules it ports (cluster/topology.py, cluster/controllers/podutil.py):
// table-driven cases name the upstream function each comes from.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  buildView,
  controllerEndpointState,
  entryPoints,
  portHop,
  selects,
} from "./model.js";
import { staticStore, syntheticCluster } from "./testdata/synthetic.js";

// -- builders -----------------------------------------------------------------------------------

function service(name, spec = {}, { namespace = "default", status } = {}) {
  return {
    kind: "Service",
    apiVersion: "v1",
    metadata: { name, namespace, resourceVersion: "1" },
    spec: { type: "ClusterIP", clusterIP: "10.96.0.10", ...spec },
    status: status || { loadBalancer: {} },
  };
}

function pod(name, {
  namespace = "default",
  labels = {},
  owner,
  ready = true,
  phase = "Running",
  ip = "10.244.0.5",
  node = "node-1",
  containers = [{ name: "app", ports: [{ name: "http", containerPort: 8080 }] }],
  initContainers,
  deleting = false,
} = {}) {
  const metadata = { name, namespace, labels, resourceVersion: "1" };
  if (owner) metadata.ownerReferences = [{ kind: owner[0], name: owner[1], controller: true }];
  if (deleting) metadata.deletionTimestamp = "2025-01-01T00:00:00Z";
  const spec = { nodeName: node, containers };
  if (initContainers) spec.initContainers = initContainers;
  const status = { phase, conditions: [{ type: "Ready", status: ready ? "True" : "False" }] };
  if (ip) status.podIP = ip;
  return { kind: "Pod", apiVersion: "v1", metadata, spec, status };
}

function endpoints(name, { addresses = [], notReady = [], ports = [], namespace = "default" } = {}) {
  const addr = (entry) =>
    typeof entry === "string"
      ? { ip: `10.1.0.${entry.length}`, targetRef: { kind: "Pod", name: entry, namespace } }
      : entry;
  return {
    kind: "Endpoints",
    apiVersion: "v1",
    metadata: { name, namespace, resourceVersion: "1" },
    subsets: [{ addresses: addresses.map(addr), notReadyAddresses: notReady.map(addr), ports }],
  };
}

function workload(kind, name, { namespace = "default", owner, replicas } = {}) {
  const metadata = { name, namespace, resourceVersion: "1" };
  if (owner) metadata.ownerReferences = [{ kind: owner[0], name: owner[1], controller: true }];
  const spec = { selector: { matchLabels: { app: name } } };
  if (replicas !== undefined) spec.replicas = replicas;
  return { kind, apiVersion: "apps/v1", metadata, spec, status: {} };
}

function k8sNode(name, ip) {
  return {
    kind: "Node",
    apiVersion: "v1",
    metadata: { name, resourceVersion: "1" },
    status: { addresses: [{ type: "InternalIP", address: ip }, { type: "Hostname", address: name }] },
  };
}

const view = (objects, options) => buildView(staticStore(objects), options);
const nodeById = (v, id) => v.nodes.find((n) => n.id === id);
const edgeById = (v, id) => v.edges.find((e) => e.id === id);

// -- selection ----------------------------------------------------------------------------------

test("selection: equality selector in the service's namespace (endpoints controller syncService, labels.SelectorFromValidatedSet)", () => {
  const cases = [
    ["every pair present", { app: "web" }, { app: "web", tier: "fe" }, "default", true],
    ["two pairs, both present", { app: "web", tier: "fe" }, { app: "web", tier: "fe" }, "default", true],
    ["a pair missing", { app: "web", tier: "fe" }, { app: "web" }, "default", false],
    ["a different value", { app: "web" }, { app: "api" }, "default", false],
    ["empty value needs the key present", { app: "" }, {}, "default", false],
    ["empty value matches an empty label", { app: "" }, { app: "" }, "default", true],
    ["another namespace", { app: "web" }, { app: "web" }, "other", false],
    ["no selector selects nothing (issue #6884)", undefined, { app: "web" }, "default", false],
    ["{} is no selector, not everything (issue #25836)", {}, { app: "web" }, "default", false],
  ];
  for (const [label, selector, labels, podNs, want] of cases) {
    const s = service("s", selector === undefined ? {} : { selector });
    assert.equal(selects(s, pod("p", { labels, namespace: podNs })), want, label);
  }
  const ext = service("x", { type: "ExternalName", externalName: "a.example", selector: { app: "web" } });
  assert.equal(selects(ext, pod("p", { labels: { app: "web" } })), false, "ExternalName selects nothing");
});

// -- port chains ----------------------------------------------------------------------------------

test("port chain: FindPort (pkg/api/v1/pod/util.go) as the endpoints controller uses it", () => {
  const web = [{ name: "web", ports: [{ name: "http", containerPort: 8080 }, { name: "dns", containerPort: 53, protocol: "UDP" }] }];
  const twoContainers = [
    { name: "app", ports: [{ name: "http", containerPort: 8080 }] },
    { name: "exporter", ports: [{ name: "metrics", containerPort: 9090 }] },
  ];
  const sidecar = [{ name: "proxy", restartPolicy: "Always", ports: [{ name: "admin", containerPort: 15000 }] }];
  const plainInit = [{ name: "setup", ports: [{ name: "admin", containerPort: 15000 }] }];
  const cases = [
    // [label, service port, containers, initContainers, want {containerPort, containerName, resolved, declared}]
    ["integer targetPort declared", { port: 80, targetPort: 8080 }, web, undefined, [8080, "web", true, true]],
    ["integer targetPort undeclared is used as it is", { port: 80, targetPort: 3000 }, web, undefined, [3000, null, true, false]],
    ["no targetPort defaults to port", { port: 8080 }, web, undefined, [8080, "web", true, true]],
    ["named targetPort", { port: 80, targetPort: "http" }, web, undefined, [8080, "web", true, true]],
    ["named targetPort in the second container", { port: 9, targetPort: "metrics" }, twoContainers, undefined, [9090, "exporter", true, true]],
    ["named targetPort needs the same protocol", { port: 53, targetPort: "dns" }, web, undefined, [null, null, false, false]],
    ["named targetPort with its protocol", { port: 53, targetPort: "dns", protocol: "UDP" }, web, undefined, [53, "web", true, true]],
    ["unknown name", { port: 80, targetPort: "nope" }, web, undefined, [null, null, false, false]],
    ["restartPolicy Always init container (sidecar) is searched", { port: 1, targetPort: "admin" }, web, sidecar, [15000, "proxy", true, true]],
    ["an ordinary init container is not", { port: 1, targetPort: "admin" }, web, plainInit, [null, null, false, false]],
  ];
  for (const [label, sp, containers, initContainers, want] of cases) {
    const hop = portHop(sp, pod("p", { containers, initContainers }));
    assert.deepEqual([hop.containerPort, hop.containerName, hop.resolved, hop.declared], want, label);
    assert.equal(hop.servicePort, sp.port, label);
    assert.equal(hop.reason === null, want[2], label);
  }
  const hop = portHop({ port: 443, targetPort: "https" }, pod("p", { containers: web }));
  assert.equal(hop.reason, "no container port named 'https' with protocol TCP");
});

test("an unresolved port is marked on the edge, the pod and the service", () => {
  const v = view([
    service("s", { selector: { app: "a" }, ports: [{ name: "https", port: 443, targetPort: "https" }] }),
    pod("p1", { labels: { app: "a" } }),
  ]);
  const edge = edgeById(v, "svc:default/s->pod:default/p1");
  assert.equal(edge.chains[0].resolved, false);
  assert.equal(edge.chains[0].reason, "no container port named 'https' with protocol TCP");
  assert.deepEqual(nodeById(v, "pod:default/p1").problems, ["port https of service s unresolved"]);
  assert.ok(nodeById(v, "svc:default/s").problems.includes("port https unresolved in pod p1"));
});

// -- readiness ------------------------------------------------------------------------------------

test("readiness without an Endpoints object: ShouldPodBeInEndpoints and addEndpointSubset", () => {
  const cases = [
    ["ready running pod", {}, {}, "ready"],
    ["not ready", { ready: false }, {}, "notReady"],
    ["no IP yet", { ip: null }, {}, "absent"],
    ["Succeeded", { phase: "Succeeded" }, {}, "absent"],
    ["Failed", { phase: "Failed" }, {}, "absent"],
    ["terminating", { deleting: true }, {}, "absent"],
    ["terminating, publishNotReadyAddresses", { deleting: true, ready: false }, { publishNotReadyAddresses: true }, "ready"],
    ["not ready, publishNotReadyAddresses", { ready: false }, { publishNotReadyAddresses: true }, "ready"],
  ];
  for (const [label, podOpts, spec, want] of cases) {
    const s = service("s", { selector: { app: "a" }, ...spec });
    assert.equal(controllerEndpointState(s, pod("p", { labels: { app: "a" }, ...podOpts })), want, label);
  }
});

test("readiness prefers the service's Endpoints object (addresses / notReadyAddresses by targetRef)", () => {
  const v = view([
    service("s", { selector: { app: "a" }, ports: [{ port: 80, targetPort: 8080 }] }),
    pod("p-ready", { labels: { app: "a" }, ready: false }), // Endpoints says ready: it wins
    pod("p-notready", { labels: { app: "a" }, ready: true }),
    pod("p-absent", { labels: { app: "a" } }),
    endpoints("s", { addresses: ["p-ready"], notReady: ["p-notready"], ports: [{ port: 8080 }] }),
  ]);
  const e = (name) => edgeById(v, `svc:default/s->pod:default/${name}`);
  assert.deepEqual([e("p-ready").ready, e("p-ready").endpoint], [true, "ready"]);
  assert.deepEqual([e("p-notready").ready, e("p-notready").endpoint], [false, "notReady"]);
  assert.deepEqual([e("p-absent").ready, e("p-absent").endpoint], [false, "absent"]);
  assert.deepEqual(nodeById(v, "svc:default/s").data.endpoints, { ready: 1, notReady: 1, total: 2 });
  // A pod's own Ready condition is still what the pod node shows.
  assert.equal(nodeById(v, "pod:default/p-ready").data.ready, false);
});

test("service problems: no endpoints, only not-ready endpoints", () => {
  const v = view([
    service("empty", { selector: { app: "none" } }),
    service("sick", { selector: { app: "a" } }),
    service("fine", { selector: { app: "b" } }),
    pod("a1", { labels: { app: "a" }, ready: false }),
    pod("b1", { labels: { app: "b" } }),
  ]);
  assert.deepEqual(nodeById(v, "svc:default/empty").problems, ["no endpoints"]);
  assert.deepEqual(nodeById(v, "svc:default/sick").problems, ["no ready endpoints (1 not ready)"]);
  assert.deepEqual(nodeById(v, "svc:default/fine").problems, []);
  assert.deepEqual(nodeById(v, "pod:default/a1").problems, ["pod not ready"]);
  assert.equal(edgeById(v, "svc:default/sick->pod:default/a1").ready, false);
});

// -- service kinds --------------------------------------------------------------------------------

test("ExternalName points at an external node and has no endpoints problem", () => {
  const v = view([
    service("httpbin", { type: "ExternalName", externalName: "httpbin.org", clusterIP: undefined, selector: { app: "x" } }),
    service("mirror", { type: "ExternalName", externalName: "httpbin.org", clusterIP: undefined }),
    pod("x", { labels: { app: "x" } }),
  ]);
  const svc = nodeById(v, "svc:default/httpbin");
  assert.equal(svc.data.type, "ExternalName");
  assert.equal(svc.data.externalName, "httpbin.org");
  assert.deepEqual(svc.problems, []);
  const ext = nodeById(v, "ext:httpbin.org");
  assert.equal(ext.type, "external");
  assert.equal(ext.parent, undefined);
  assert.equal(edgeById(v, "svc:default/httpbin->ext:httpbin.org").type, "external");
  assert.ok(edgeById(v, "svc:default/mirror->ext:httpbin.org"), "one node per external name");
  assert.equal(v.nodes.filter((n) => n.id === "ext:httpbin.org").length, 1);
  assert.equal(edgeById(v, "svc:default/httpbin->pod:default/x"), undefined);
});

test("headless services (clusterIP None) are marked and still select", () => {
  const v = view([
    service("db", { clusterIP: "None", selector: { app: "db" }, ports: [{ port: 26257 }] }),
    pod("db-0", { labels: { app: "db" }, owner: ["StatefulSet", "db"] }),
    workload("StatefulSet", "db", { replicas: 1 }),
  ]);
  const svc = nodeById(v, "svc:default/db");
  assert.equal(svc.data.headless, true);
  assert.equal(svc.data.clusterIP, "None");
  assert.ok(edgeById(v, "svc:default/db->pod:default/db-0"));
});

test("entry points: nodePort on every node's InternalIP, LB ingress ip/hostname, externalIPs", () => {
  const lb = service(
    "web",
    {
      type: "LoadBalancer",
      selector: { app: "web" },
      externalIPs: ["198.51.100.7"],
      ports: [{ name: "http", port: 80, targetPort: 8080, nodePort: 30080 }],
    },
    { status: { loadBalancer: { ingress: [{ ip: "172.18.255.200" }, { hostname: "lb.example.com" }] } } },
  );
  const nodes = [k8sNode("node-2", "172.18.0.3"), k8sNode("node-1", "172.18.0.2")];
  assert.deepEqual(
    entryPoints(lb, ["172.18.0.2", "172.18.0.3"]).map((e) => [e.kind, e.address, e.port]),
    [
      ["nodePort", "172.18.0.2", 30080],
      ["nodePort", "172.18.0.3", 30080],
      ["loadBalancer", "172.18.255.200", 80],
      ["loadBalancer", "lb.example.com", 80],
      ["externalIP", "198.51.100.7", 80],
    ],
  );
  const v = view([lb, ...nodes, pod("w", { labels: { app: "web" } })]);
  const np = nodeById(v, "entry:nodeport:default/web:30080");
  assert.equal(np.type, "entry");
  assert.equal(np.data.kind, "nodePort");
  assert.deepEqual(np.data.addresses, ["172.18.0.2:30080", "172.18.0.3:30080"]);
  assert.equal(nodeById(v, "entry:lb:default/web:172.18.255.200").data.kind, "loadBalancer");
  assert.equal(nodeById(v, "entry:lb:default/web:lb.example.com").data.address, "lb.example.com");
  assert.equal(nodeById(v, "entry:externalip:default/web:198.51.100.7").data.kind, "externalIP");
  const edge = edgeById(v, "entry:nodeport:default/web:30080->svc:default/web");
  assert.equal(edge.type, "entry");
  assert.equal(edge.source, "entry:nodeport:default/web:30080");
  assert.deepEqual(nodeById(v, "svc:default/web").problems, []);

  const pending = view([service("p", { type: "LoadBalancer", ports: [{ port: 80, nodePort: 31000 }] }), ...nodes]);
  assert.ok(nodeById(pending, "svc:default/p").problems.includes("load balancer pending"));
  assert.ok(nodeById(pending, "entry:nodeport:default/p:31000"));
});

test("a service without selector: pods named by its Endpoints' targetRefs, and its manual addresses", () => {
  const v = view([
    service("manual", { ports: [{ name: "db", port: 5432 }] }),
    pod("backing", { labels: {} }),
    endpoints("manual", {
      addresses: ["backing", { ip: "10.240.106.152" }],
      notReady: [{ ip: "10.240.79.157" }],
      ports: [{ name: "db", port: 6432 }],
    }),
  ]);
  const edge = edgeById(v, "svc:default/manual->pod:default/backing");
  assert.equal(edge.via, "endpoints");
  assert.equal(edge.ready, true);
  assert.equal(edge.chains[0].containerPort, 6432);
  const svc = nodeById(v, "svc:default/manual");
  assert.deepEqual(
    svc.data.manualEndpoints.map((a) => [a.ip, a.ready, a.pod]),
    [
      ["10.1.0.7", true, "pod:default/backing"],
      ["10.240.106.152", true, null],
      ["10.240.79.157", false, null],
    ],
  );
  const addr = nodeById(v, "addr:default/manual/10.240.106.152");
  assert.deepEqual([addr.type, addr.data.kind, addr.data.ready], ["external", "address", true]);
  assert.equal(edgeById(v, "svc:default/manual->addr:default/manual/10.240.79.157").ready, false);
  assert.deepEqual(svc.problems, []);
  const none = view([service("lonely", { ports: [{ port: 1 }] })]);
  assert.deepEqual(nodeById(none, "svc:default/lonely").problems, ["no endpoints"]);
});

// -- grouping, folding, level of detail -------------------------------------------------------------

test("pods are grouped under their owning workload (Pod → ReplicaSet → Deployment; StatefulSet, DaemonSet, Job directly)", () => {
  const v = view([
    workload("Deployment", "web"),
    workload("ReplicaSet", "web-abc", { owner: ["Deployment", "web"] }),
    workload("ReplicaSet", "lonely-rs"),
    workload("StatefulSet", "db"),
    workload("DaemonSet", "agent"),
    workload("Job", "migrate"),
    pod("web-abc-1", { owner: ["ReplicaSet", "web-abc"] }),
    pod("lonely-rs-1", { owner: ["ReplicaSet", "lonely-rs"] }),
    pod("db-0", { owner: ["StatefulSet", "db"] }),
    pod("agent-x", { owner: ["DaemonSet", "agent"] }),
    pod("migrate-y", { owner: ["Job", "migrate"], phase: "Succeeded", ready: false }),
    pod("bare"),
  ]);
  const parent = (name) => nodeById(v, `pod:default/${name}`).parent;
  assert.equal(parent("web-abc-1"), "wl:default/Deployment/web");
  assert.equal(parent("lonely-rs-1"), "wl:default/ReplicaSet/lonely-rs");
  assert.equal(parent("db-0"), "wl:default/StatefulSet/db");
  assert.equal(parent("agent-x"), "wl:default/DaemonSet/agent");
  assert.equal(parent("migrate-y"), "wl:default/Job/migrate");
  assert.equal(parent("bare"), "ns:default");
  assert.equal(nodeById(v, "wl:default/ReplicaSet/web-abc"), undefined, "a Deployment's ReplicaSet is its Deployment");
  assert.equal(nodeById(v, "wl:default/Deployment/web").parent, "ns:default");
  assert.deepEqual(nodeById(v, "pod:default/migrate-y").problems, [], "a finished Job pod is no problem");
  const ns = nodeById(v, "ns:default");
  assert.equal(ns.type, "namespace");
  assert.equal(ns.parent, undefined);
  // A namespace that only holds a workload (no Namespace object, no pods) still parents it.
  const lone = view([workload("Deployment", "idle", { namespace: "quiet", replicas: 0 })]);
  assert.deepEqual(lone.nodes.map((n) => [n.id, n.parent]), [
    ["ns:quiet", undefined],
    ["wl:quiet/Deployment/idle", "ns:quiet"],
  ]);
});

function deployment(name, n, { notReady = [], labels = { app: name }, namespace = "default" } = {}) {
  const objs = [
    workload("Deployment", name, { replicas: n, namespace }),
    workload("ReplicaSet", `${name}-rs`, { owner: ["Deployment", name], namespace }),
  ];
  for (let i = 0; i < n; i++) {
    objs.push(
      pod(`${name}-rs-${i}`, {
        namespace,
        labels,
        owner: ["ReplicaSet", `${name}-rs`],
        ready: !notReady.includes(i),
        ip: `10.244.1.${i + 1}`,
      }),
    );
  }
  return objs;
}

test("a workload with more pods than collapseAbove is folded into ready/total unless expanded", () => {
  const objs = [
    service("big", { selector: { app: "big" }, ports: [{ name: "http", port: 80, targetPort: "http" }] }),
    service("small", { selector: { app: "small" } }),
    ...deployment("big", 7, { notReady: [2, 4] }),
    ...deployment("small", 3),
  ];
  const v = view(objs);
  const wl = nodeById(v, "wl:default/Deployment/big");
  assert.deepEqual(
    [wl.data.ready, wl.data.total, wl.data.desired, wl.data.folded, wl.data.expanded],
    [5, 7, 7, true, false],
  );
  assert.deepEqual(wl.problems, ["2 of 7 pods not ready"], "the folded group carries its pods' problems");
  assert.equal(nodeById(v, "pod:default/big-rs-0"), undefined);
  const edge = edgeById(v, "svc:default/big->wl:default/Deployment/big");
  assert.deepEqual(edge.ready, { ready: 5, total: 7 });
  assert.equal(edge.pods, 7);
  assert.equal(edge.chains[0].containerPort, 8080);
  // Small workloads are drawn open.
  assert.equal(nodeById(v, "pod:default/small-rs-0").parent, "wl:default/Deployment/small");
  assert.equal(edgeById(v, "svc:default/small->pod:default/small-rs-0").ready, true);
  // Expanding shows the pods inside the workload.
  const open = view(objs, { expanded: new Set(["wl:default/Deployment/big"]) });
  assert.equal(nodeById(open, "wl:default/Deployment/big").data.expanded, true);
  assert.equal(nodeById(open, "pod:default/big-rs-2").parent, "wl:default/Deployment/big");
  assert.deepEqual(nodeById(open, "pod:default/big-rs-2").problems, ["pod not ready"]);
  assert.equal(edgeById(open, "svc:default/big->pod:default/big-rs-2").ready, false);
  assert.equal(edgeById(open, "svc:default/big->wl:default/Deployment/big"), undefined);
  // A small workload the user folded stays folded.
  const shut = view(objs, { collapsed: new Set(["wl:default/Deployment/small"]) });
  assert.equal(nodeById(shut, "wl:default/Deployment/small").data.folded, true);
  assert.equal(nodeById(shut, "pod:default/small-rs-0"), undefined);
  assert.deepEqual(edgeById(shut, "svc:default/small->wl:default/Deployment/small").ready, { ready: 3, total: 3 });
  // collapseAbove is an option.
  assert.equal(nodeById(view(objs, { collapseAbove: 10 }), "wl:default/Deployment/big").data.folded, false);
});

test("level of detail folds everything foldable above maxPods and never hides a problem", () => {
  const objs = [
    service("a", { selector: { app: "a" }, ports: [{ name: "m", port: 9, targetPort: "metrics" }] }),
    service("orphan", { selector: { app: "nothing" } }),
    ...deployment("a", 3, { notReady: [1] }),
    ...deployment("b", 3),
    pod("bare-1"),
    pod("bare-2", { ready: false }),
  ];
  const full = view(objs);
  assert.equal(full.counts.lod, false);
  assert.equal(full.nodes.filter((n) => n.type === "pod").length, 8);

  const lod = view(objs, { maxPods: 4 });
  assert.equal(lod.counts.lod, true);
  assert.equal(lod.nodes.filter((n) => n.type === "pod").length, 0);
  const a = nodeById(lod, "wl:default/Deployment/a");
  assert.deepEqual(a.problems, ["1 of 3 pods not ready", "port m of service a unresolved in 3 pods"]);
  const bare = nodeById(lod, "wl:default/Pod/*");
  assert.deepEqual([bare.type, bare.data.total, bare.data.ready], ["workload", 2, 1]);
  assert.deepEqual(bare.problems, ["1 of 2 pods not ready"]);
  assert.deepEqual(nodeById(lod, "svc:default/orphan").problems, ["no endpoints"]);
  assert.ok(nodeById(lod, "svc:default/a").problems.includes("port m unresolved in 3 pods"));
  assert.equal(edgeById(lod, "svc:default/a->wl:default/Deployment/a").chains[0].resolved, false);
  // An expanded workload stays open while it fits in the budget.
  const some = view(objs, { maxPods: 4, expanded: new Set(["wl:default/Deployment/b"]) });
  assert.equal(nodeById(some, "pod:default/b-rs-0").parent, "wl:default/Deployment/b");
  assert.equal(nodeById(some, "pod:default/a-rs-0"), undefined);
});

test("second level of detail: quiet workloads of a namespace merge; problems and served ones stay", () => {
  const objs = [
    service("web", { selector: { app: "served" } }),
    ...deployment("served", 2),
    ...deployment("quiet-a", 2),
    ...deployment("quiet-b", 1),
    ...deployment("quiet-c", 1, { namespace: "other" }),
    ...deployment("sick", 2, { notReady: [0] }),
  ];
  assert.equal(view(objs).counts.lod, false);
  const v = view(objs, { maxNodes: 5 });
  assert.equal(v.counts.lod, true);
  const group = nodeById(v, "wl:default/*");
  assert.deepEqual(
    [group.type, group.kind, group.label, group.data.ready, group.data.total, group.data.folded],
    ["workload", "*", "2 other workloads", 3, 3, true],
  );
  assert.deepEqual(group.data.workloads, ["wl:default/Deployment/quiet-a", "wl:default/Deployment/quiet-b"]);
  assert.equal(nodeById(v, "wl:default/Deployment/quiet-a"), undefined);
  assert.ok(nodeById(v, "wl:default/Deployment/served"), "selected by a service: it has edges");
  assert.deepEqual(nodeById(v, "wl:default/Deployment/sick").problems, ["1 of 2 pods not ready"]);
  assert.ok(nodeById(v, "wl:other/Deployment/quiet-c"), "a lone quiet workload is not merged");
  const ids = new Set(v.nodes.map((n) => n.id));
  for (const e of v.edges) assert.ok(ids.has(e.source) && ids.has(e.target), e.id);
  for (const n of v.nodes) if (n.parent) assert.ok(ids.has(n.parent), n.id);
  // Expanding the group keeps its workloads apart.
  const open = view(objs, { maxNodes: 5, expanded: new Set(["wl:default/*"]) });
  assert.equal(nodeById(open, "wl:default/*"), undefined);
  assert.ok(nodeById(open, "wl:default/Deployment/quiet-a"));
});

test("1,000 services and 10,000 pods stay within ~3,000 drawn nodes with every problem visible", () => {
  const unserved = [];
  for (let i = 0; i < 3000; i++) unserved.push(...deployment(`job-${i}`, 1, { namespace: `ns-${i % 20}` }));
  for (const [podsPerService, extra] of [[10, []], [3, []], [7, unserved]]) {
    const objects = [...syntheticCluster({ services: 1000, podsPerService }), ...extra];
    const v = buildView(staticStore(objects));
    assert.equal(v.counts.services, 1000);
    assert.equal(v.counts.pods, 1000 * podsPerService + extra.filter((o) => o.kind === "Pod").length);
    assert.ok(v.counts.drawnNodes <= 3000, `${v.counts.drawnNodes} nodes`);
    assert.equal(v.counts.drawnNodes, v.nodes.length);
    assert.equal(v.counts.drawnEdges, v.edges.length);
    // Every service is drawn, problems included.
    assert.equal(v.nodes.filter((n) => n.type === "service").length, 1000);
    const empty = objects.filter((o) => o.kind === "Endpoints" && o.subsets.length === 0);
    assert.ok(empty.length >= 20);
    for (const ep of empty) {
      const svc = nodeById(v, `svc:${ep.metadata.namespace}/${ep.metadata.name}`);
      assert.ok(svc.problems.includes("no endpoints"), svc.id);
    }
    // Every not-ready pod is either drawn with its problem or counted by its drawn group.
    const ids = new Set(v.nodes.map((n) => n.id));
    for (const obj of objects) {
      if (obj.kind !== "Pod" || obj.status.conditions[0].status === "True") continue;
      const id = `pod:${obj.metadata.namespace}/${obj.metadata.name}`;
      const group = v.nodes.find((n) => n.type === "workload" && n.data.pods.includes(id));
      if (ids.has(id)) assert.ok(nodeById(v, id).problems.includes("pod not ready"));
      else assert.ok(group.problems.some((p) => p.endsWith("pods not ready")), id);
    }
    assert.equal(new Set(v.nodes.map((n) => n.id)).size, v.nodes.length);
    assert.equal(new Set(v.edges.map((e) => e.id)).size, v.edges.length);
    // Every edge joins drawn nodes; every parent is drawn.
    for (const e of v.edges) assert.ok(ids.has(e.source) && ids.has(e.target), e.id);
    for (const n of v.nodes) if (n.parent) assert.ok(ids.has(n.parent), n.id);
  }
});

test("ids are stable across a change: only what changed differs", () => {
  const objs = [
    service("web", { selector: { app: "web" }, type: "NodePort", ports: [{ port: 80, targetPort: 8080, nodePort: 30080 }] }),
    k8sNode("node-1", "172.18.0.2"),
    ...deployment("web", 2),
    ...deployment("big", 9),
  ];
  const before = view(objs);
  const flipped = objs.map((o) =>
    o.metadata.name === "web-rs-1" ? pod("web-rs-1", { labels: { app: "web" }, owner: ["ReplicaSet", "web-rs"], ready: false, ip: "10.244.1.2" }) : o,
  );
  const after = view(flipped);
  assert.deepEqual(after.nodes.map((n) => n.id), before.nodes.map((n) => n.id));
  assert.deepEqual(after.edges.map((e) => e.id), before.edges.map((e) => e.id));
  const changed = after.nodes.filter((n, i) => JSON.stringify(n) !== JSON.stringify(before.nodes[i]));
  assert.deepEqual(
    changed.map((n) => n.id),
    ["ns:default", "svc:default/web", "wl:default/Deployment/web", "pod:default/web-rs-1"],
  );
  // A new pod adds its own id and keeps every other one.
  const more = view([...objs, pod("web-rs-9", { labels: { app: "web" }, owner: ["ReplicaSet", "web-rs"] })]);
  const added = more.nodes.map((n) => n.id).filter((id) => !before.nodes.some((n) => n.id === id));
  assert.deepEqual(added, ["pod:default/web-rs-9"]);
  assert.ok(before.nodes.every((n) => more.nodes.some((m) => m.id === n.id)));
  // The same input gives the same view (order included).
  assert.deepEqual(view(objs), before);
});

test("the namespace filter keeps only the chosen namespaces (nodes still give node ports)", () => {
  const objs = [
    service("a", { selector: { app: "a" } }, { namespace: "one" }),
    service("b", { selector: { app: "b" }, type: "NodePort", ports: [{ port: 80, nodePort: 30001 }] }, { namespace: "two" }),
    pod("a1", { namespace: "one", labels: { app: "a" } }),
    pod("b1", { namespace: "two", labels: { app: "b" } }),
    k8sNode("node-1", "172.18.0.2"),
  ];
  const v = view(objs, { namespaces: new Set(["two"]) });
  assert.deepEqual(
    v.nodes.map((n) => n.id),
    ["ns:two", "svc:two/b", "pod:two/b1", "entry:nodeport:two/b:30001"],
  );
  assert.deepEqual(v.counts.services, 1);
  assert.deepEqual(v.services.map((s) => s.id), ["svc:two/b"]);
});

test("table rows list every selected pod with its chain, folded or not", () => {
  const v = view([
    service("big", { selector: { app: "big" }, ports: [{ name: "http", port: 80, targetPort: "http" }] }),
    ...deployment("big", 7, { notReady: [3] }),
  ]);
  const [row] = v.services;
  assert.equal(row.id, "svc:default/big");
  assert.equal(row.pods.length, 7);
  const p3 = row.pods.find((p) => p.name === "big-rs-3");
  assert.deepEqual(
    [p3.phase, p3.ready, p3.endpoint, p3.node, p3.ip, p3.workload],
    ["Running", false, "notReady", "node-1", "10.244.1.4", "wl:default/Deployment/big"],
  );
  assert.deepEqual(
    [p3.chains[0].servicePort, p3.chains[0].targetPort, p3.chains[0].containerPort, p3.chains[0].containerName],
    [80, "http", 8080, "app"],
  );
  assert.deepEqual(row.endpoints, { ready: 6, notReady: 1, total: 7 });
});
