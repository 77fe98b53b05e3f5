// ViewBuilder: the View kept up to date change by change must always equal buildView over the
// same objects, and keep the objects of what did not change (the graph finds changes by identity).
import { test } from "node:test";
import assert from "node:assert/strict";

import { ViewBuilder, buildView } from "./model.js";
import { syntheticCluster } from "./testdata/synthetic.js";

// -- a random cluster and random changes ----------------------------------------------------------

function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

/** Objects by kind and key, read like the Store; put/remove return the Store's change records. */
function mutableStore(objects = []) {
  const byKind = new Map();
  const keyOf = (o) => `${o.metadata.namespace || ""}/${o.metadata.name}`;
  const store = {
    all: (kind) => byKind.get(kind)?.values() ?? [],
    get: (kind, ns, name) => byKind.get(kind)?.get(`${ns || ""}/${name}`),
    list: (kind) => [...(byKind.get(kind)?.values() ?? [])],
    put(obj) {
      if (!byKind.has(obj.kind)) byKind.set(obj.kind, new Map());
      const m = byKind.get(obj.kind);
      const key = keyOf(obj);
      const previous = m.get(key);
      m.set(key, obj);
      return { type: previous ? "MODIFIED" : "ADDED", kind: obj.kind, key, object: obj, previous };
    },
    remove(kind, key) {
      const previous = byKind.get(kind)?.get(key);
      if (!previous) return null;
      byKind.get(kind).delete(key);
      return { type: "DELETED", kind, key, object: previous, previous };
    },
  };
  for (const o of objects) store.put(o);
  return store;
}

const clone = (o) => JSON.parse(JSON.stringify(o));
const NAMESPACES = ["default", "shop", "shop-b", "a", "a-b"]; // "a" / "a-b": ids sort unlike names
const APPS = ["web", "api", "db", "cache", "batch"];
const PHASES = ["Running", "Running", "Running", "Pending", "Failed", "Succeeded"];

function podObj(r, ns, name, app, owner) {
  const labels = { app };
  if (r.chance(0.5)) labels.tier = r.pick(["web", "backend"]);
  const port = { name: r.pick(["http", "http", "metrics"]), containerPort: r.pick([8080, 9090]), protocol: r.pick(["TCP", "TCP", "UDP"]) };
  const spec = { nodeName: `node-${r.int(3)}`, containers: [{ name: "app", ...(r.chance(0.85) ? { ports: [port] } : {}) }] };
  if (r.chance(0.15)) spec.initContainers = [{ name: "side", restartPolicy: r.pick(["Always", "OnFailure"]), ports: [{ name: "admin", containerPort: 9000 }] }];
  const status = { phase: r.pick(PHASES), conditions: [{ type: "Ready", status: r.chance(0.8) ? "True" : "False" }] };
  if (r.chance(0.9)) status.podIP = `10.244.${r.int(3)}.${r.int(250) + 2}`;
  const metadata = { name, namespace: ns, labels };
  if (owner) metadata.ownerReferences = [{ kind: owner[0], name: owner[1], controller: r.chance(0.9) }];
  if (r.chance(0.05)) metadata.deletionTimestamp = "2025-01-01T00:00:00Z";
  return { kind: "Pod", apiVersion: "v1", metadata, spec, status };
}

function serviceObj(r, ns, name) {
  const type = r.pick(["ClusterIP", "ClusterIP", "NodePort", "LoadBalancer", "ExternalName", "Headless"]);
  const spec = { type: type === "Headless" ? "ClusterIP" : type };
  if (type === "ExternalName") spec.externalName = r.pick(["db.example.com", "api.example.com"]);
  else spec.clusterIP = type === "Headless" ? "None" : `10.96.0.${r.int(250)}`;
  if (r.chance(0.85)) {
    spec.selector = { app: r.pick(APPS) };
    if (r.chance(0.3)) spec.selector.tier = r.pick(["web", "backend"]);
  }
  spec.ports = [];
  for (let i = r.int(3); i > 0; i--) {
    const p = { name: r.pick(["http", "metrics", ""]) || undefined, port: 80 + i, protocol: r.pick(["TCP", "TCP", "UDP"]) };
    const t = r.int(4);
    if (t === 0) p.targetPort = r.pick(["http", "metrics", "admin", "nope"]);
    else if (t === 1) p.targetPort = r.pick([8080, "9090", 0]);
    if (type === "NodePort" || type === "LoadBalancer") p.nodePort = 30000 + r.int(2000);
    spec.ports.push(p);
  }
  if (r.chance(0.2)) spec.externalIPs = [`192.0.2.${r.int(9)}`];
  if (r.chance(0.2)) spec.publishNotReadyAddresses = true;
  const ingress = type === "LoadBalancer" && r.chance(0.6) ? [r.chance(0.5) ? { ip: "203.0.113.7" } : { hostname: "lb.example.com" }] : undefined;
  return { kind: "Service", apiVersion: "v1", metadata: { name, namespace: ns, labels: { app: name } }, spec, status: { loadBalancer: ingress ? { ingress } : {} } };
}

function endpointsObj(r, ns, name, pods) {
  const addresses = [];
  const notReadyAddresses = [];
  for (const p of pods) {
    if (!r.chance(0.6)) continue;
    const a = { ip: p.status.podIP || `10.1.0.${r.int(250)}`, targetRef: { kind: "Pod", name: p.metadata.name } };
    (r.chance(0.7) ? addresses : notReadyAddresses).push(a);
  }
  if (r.chance(0.3)) addresses.push({ ip: `192.168.9.${r.int(30)}` }); // a manual address
  if (r.chance(0.1)) addresses.push({ ip: "10.1.2.3", targetRef: { kind: "Pod", name: "gone-pod" } });
  const ports = r.chance(0.8) ? [{ name: r.pick(["http", "metrics", ""]) || undefined, port: 8080, protocol: "TCP" }] : [];
  return { kind: "Endpoints", apiVersion: "v1", metadata: { name, namespace: ns }, subsets: [{ addresses, notReadyAddresses, ports }] };
}

function workloadObj(r, kind, ns, name, owner) {
  const metadata = { name, namespace: ns };
  if (owner) metadata.ownerReferences = [{ kind: owner[0], name: owner[1], controller: true }];
  const spec = { selector: { matchLabels: { app: name } } };
  if (r.chance(0.8)) spec.replicas = r.int(6);
  return { kind, apiVersion: "apps/v1", metadata, spec, status: {} };
}

function nodeObj(r, i) {
  const addresses = r.chance(0.9) ? [{ type: "InternalIP", address: `172.18.0.${i + 2 + r.int(2) * 10}` }] : [];
  return { kind: "Node", apiVersion: "v1", metadata: { name: `node-${i}` }, status: { addresses } };
}

function randomCluster(seed) {
  const r = rng(seed);
  const objects = [nodeObj(r, 0), nodeObj(r, 1)];
  const namespaces = NAMESPACES.slice(0, 2 + r.int(NAMESPACES.length - 1));
  let n = 0;
  for (const ns of namespaces) {
    if (r.chance(0.85)) objects.push({ kind: "Namespace", apiVersion: "v1", metadata: { name: ns }, status: { phase: "Active" } });
    const pods = [];
    for (const app of APPS) {
      if (!r.chance(0.7)) continue;
      let owner = null;
      const shape = r.int(5);
      if (shape === 0) {
        objects.push(workloadObj(r, "Deployment", ns, app), workloadObj(r, "ReplicaSet", ns, `${app}-5d9f`, ["Deployment", app]));
        owner = ["ReplicaSet", `${app}-5d9f`];
      } else if (shape === 1) {
        if (r.chance(0.8)) objects.push(workloadObj(r, "ReplicaSet", ns, `${app}-rs`));
        owner = ["ReplicaSet", `${app}-rs`];
      } else if (shape === 2) {
        const kind = r.pick(["StatefulSet", "DaemonSet", "Job"]);
        if (r.chance(0.85)) objects.push(workloadObj(r, kind, ns, app));
        owner = [kind, app];
      } else if (shape === 3) owner = ["ReplicationController", `${app}-rc`];
      for (let i = r.int(9) + (r.chance(0.2) ? 8 : 0); i > 0; i--) {
        const pod = podObj(r, ns, `${app}-${n++}`, app, owner);
        objects.push(pod);
        pods.push(pod);
      }
    }
    for (let i = 1 + r.int(5); i > 0; i--) {
      const name = `${r.pick(APPS)}-svc-${i}`;
      const svc = serviceObj(r, ns, name);
      objects.push(svc);
      if (svc.spec.type !== "ExternalName" && r.chance(0.75)) objects.push(endpointsObj(r, ns, name, pods));
    }
  }
  return objects;
}

/** A batch of random changes applied to `store`; returns them as the Store reports them. */
function randomChanges(store, seed, count) {
  const r = rng(seed);
  const out = [];
  const push = (c) => c && out.push(c);
  for (let i = 0; i < count; i++) {
    const pods = store.list("Pod");
    const services = store.list("Service");
    const what = r.int(15);
    if (what <= 3 && pods.length) {
      const pod = clone(r.pick(pods));
      const k = r.int(5);
      if (k === 0) pod.status.conditions = [{ type: "Ready", status: pod.status.conditions[0].status === "True" ? "False" : "True" }];
      else if (k === 1) pod.status.phase = r.pick(PHASES);
      else if (k === 2) pod.status.podIP = pod.status.podIP ? undefined : "10.244.9.9";
      else if (k === 3) pod.metadata.deletionTimestamp = "2025-01-01T00:00:00Z";
      else pod.spec.containers[0].ports = [{ name: r.pick(["http", "metrics"]), containerPort: 8080 }];
      push(store.put(pod));
    } else if (what === 4 && pods.length) {
      const pod = clone(r.pick(pods));
      pod.metadata.labels = { ...pod.metadata.labels, app: r.pick(APPS) };
      push(store.put(pod));
    } else if (what === 5 && pods.length) {
      const pod = r.pick(pods);
      push(store.remove("Pod", `${pod.metadata.namespace}/${pod.metadata.name}`));
    } else if (what === 6) {
      const app = r.pick(APPS);
      const owner = r.chance(0.5) ? ["ReplicaSet", `${app}-5d9f`] : r.chance(0.5) ? ["StatefulSet", app] : null;
      push(store.put(podObj(r, r.pick(NAMESPACES), `${app}-new-${r.int(1e6)}`, app, owner)));
    } else if (what === 7 && pods.length) {
      const pod = clone(r.pick(pods));
      pod.metadata.ownerReferences = r.chance(0.5) ? [{ kind: "ReplicaSet", name: `${r.pick(APPS)}-5d9f`, controller: true }] : undefined;
      push(store.put(pod));
    } else if (what === 8 && services.length) {
      const svc = r.pick(services);
      const fresh = serviceObj(r, svc.metadata.namespace, svc.metadata.name);
      push(store.put(r.chance(0.5) ? fresh : { ...svc, spec: { ...svc.spec, selector: fresh.spec.selector } }));
    } else if (what === 9 && services.length) {
      const svc = r.pick(services);
      push(store.remove("Service", `${svc.metadata.namespace}/${svc.metadata.name}`));
    } else if (what === 10) {
      push(store.put(serviceObj(r, r.pick(NAMESPACES), `${r.pick(APPS)}-svc-${r.int(7)}`)));
    } else if (what === 11 && services.length) {
      const { namespace: ns, name } = r.pick(services).metadata;
      if (r.chance(0.2)) push(store.remove("Endpoints", `${ns}/${name}`));
      else push(store.put(endpointsObj(r, ns, name, pods.filter((p) => p.metadata.namespace === ns))));
    } else if (what === 12) {
      const ns = r.pick(NAMESPACES);
      const app = r.pick(APPS);
      const kind = r.pick(["Deployment", "ReplicaSet", "StatefulSet", "Job"]);
      const name = kind === "ReplicaSet" ? `${app}-5d9f` : app;
      if (store.get(kind, ns, name) && r.chance(0.4)) push(store.remove(kind, `${ns}/${name}`));
      else push(store.put(workloadObj(r, kind, ns, name, kind === "ReplicaSet" && r.chance(0.6) ? ["Deployment", app] : null)));
    } else if (what === 13) {
      const ns = r.pick(NAMESPACES);
      if (store.get("Namespace", "", ns) && r.chance(0.5)) push(store.remove("Namespace", `/${ns}`));
      else push(store.put({ kind: "Namespace", apiVersion: "v1", metadata: { name: ns }, status: { phase: r.pick(["Active", "Terminating"]) } }));
    } else if (r.chance(0.5)) {
      push(store.put(nodeObj(r, r.int(3))));
    } else {
      push(store.put({ kind: "ConfigMap", apiVersion: "v1", metadata: { name: "x", namespace: "default" } }));
    }
  }
  return out;
}

// Options that reach every fold on these small clusters: level of detail (maxPods), merged quiet
// workloads (maxNodes), undrawn entry points (maxEntries), unfolded and folded workloads, a filter.
const OPTIONS = [
  {},
  { maxPods: 15 },
  { maxPods: 15, maxNodes: 20 },
  { maxNodes: 25, collapseAbove: 3 },
  { collapseAbove: 0, maxEntries: 3 },
  { namespaces: new Set(["shop", "a"]) },
  {
    maxPods: 20,
    expanded: new Set(["wl:shop/Deployment/web", "wl:default/Pod/*", "wl:a/*", "wl:shop/StatefulSet/db"]),
    collapsed: new Set(["wl:default/Deployment/api"]),
  },
  { maxNodes: 15, expanded: new Set(["wl:shop/*", "wl:a/Deployment/web"]) },
];

// -- tests ----------------------------------------------------------------------------------------

test("an incremental rebuild equals a full rebuild after random changes", () => {
  let compared = 0;
  for (let seed = 1; seed <= 12; seed++) {
    for (const [i, options] of OPTIONS.entries()) {
      const store = mutableStore(randomCluster(seed));
      const builder = new ViewBuilder(options);
      assert.deepEqual(builder.update(store), buildView(store, options));
      for (let step = 0; step < 10; step++) {
        const changes = randomChanges(store, seed * 100 + step, 1 + (step % 5));
        const view = builder.update(store, changes);
        assert.deepEqual(view, buildView(store, options), `seed ${seed}, options ${i}, step ${step}`);
        compared++;
      }
    }
  }
  assert.equal(compared, 12 * OPTIONS.length * 10);
});

test("batches of several messages, repeated keys and kinds the view ignores are applied like one", () => {
  const store = mutableStore(randomCluster(7));
  const builder = new ViewBuilder({ maxPods: 15 });
  builder.update(store);
  const batch = [];
  for (let i = 0; i < 4; i++) batch.push(...randomChanges(store, 70 + i, 4));
  batch.push(...batch.slice(0, 3), { type: "MODIFIED", kind: "ConfigMap", key: "default/x" });
  assert.deepEqual(builder.update(store, batch), buildView(store, { maxPods: 15 }));
  assert.deepEqual(builder.update(store, []), buildView(store, { maxPods: 15 }));
});

test("a pod's readiness change keeps the objects of everything it does not touch", () => {
  const store = mutableStore(syntheticCluster({ services: 60, podsPerService: 4, namespaces: 6 }));
  const builder = new ViewBuilder();
  const before = builder.update(store);
  const pod = store.get("Pod", "ns-3", "app-3-5d9f8c7b6-00001");
  const flipped = clone(pod);
  flipped.status.conditions = [{ type: "Ready", status: "False" }];
  const after = builder.update(store, [store.put(flipped)]);
  assert.deepEqual(after, buildView(store));
  const old = new Set([...before.nodes, ...before.edges, ...before.services]);
  const renewed = [...after.nodes, ...after.edges, ...after.services].filter((x) => !old.has(x)).map((x) => x.id);
  // its service (node, edge, table row), its workload, its pod and its namespace; nothing else
  assert.deepEqual(renewed.sort(), [
    "ns:ns-3",
    "pod:ns-3/app-3-5d9f8c7b6-00001",
    "svc:ns-3/app-3",
    "svc:ns-3/app-3",
    "svc:ns-3/app-3->pod:ns-3/app-3-5d9f8c7b6-00001",
    "wl:ns-3/Deployment/app-3",
  ]);
  assert.equal(after.nodes.find((n) => n.id === "wl:ns-3/Deployment/app-3").data.ready, 3);
});

test("new options, a snapshot or new node IPs build the whole view again", () => {
  const store = mutableStore(randomCluster(3));
  const builder = new ViewBuilder();
  const first = builder.update(store);
  builder.setOptions({ maxPods: 10 });
  const folded = builder.update(store, []);
  assert.deepEqual(folded, buildView(store, { maxPods: 10 }));
  assert.ok(folded.counts.lod && !first.counts.lod);
  const again = builder.update(store, null); // a snapshot replaced everything
  assert.deepEqual(again, folded);
  assert.ok(again.nodes.every((n, i) => n !== folded.nodes[i]), "a full build makes new objects");
  const moved = clone(store.get("Node", "", "node-0"));
  moved.status.addresses = [{ type: "InternalIP", address: "172.18.9.9" }];
  assert.deepEqual(builder.update(store, [store.put(moved)]), buildView(store, { maxPods: 10 }));
});
