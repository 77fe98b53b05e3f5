// buildView on the ten public manifests of ../shared/manifests against EXPECTED.json, the same
// data tests/cluster/test_topology.py checks the Python projection with: every Service selects
// exactly the listed workloads, every port resolves (or not) per workload as listed (FindPort's
// rules), headless/type/externalName/manual Endpoints as listed.
//
// The manifests hold workloads, not pods; like the controllers, the test runs each one as pods
// (a Deployment through a ReplicaSet, StatefulSet/Job pods, a DaemonSet pod per node, a bare Pod
// as itself) so that buildView sees what the live feed would send.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { parseAllDocuments } from "yaml";

import { buildView } from "./model.js";
import { staticStore } from "./testdata/synthetic.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CANDIDATES = [process.env.PORTOLAN_SHARED, join(ROOT, "..", "shared"), "/work/shared"].filter(
  Boolean,
);
const SHARED = CANDIDATES.find((p) => existsSync(join(p, "manifests", "EXPECTED.json")));
if (!SHARED) {
  throw new Error(
    `the shared manifests were not found in ${CANDIDATES.join(", ")}: set PORTOLAN_SHARED to the shared/ folder`,
  );
}
const MANIFESTS = join(SHARED, "manifests");
const EXPECTED = JSON.parse(readFileSync(join(MANIFESTS, "EXPECTED.json"), "utf8"));
const NODES = ["node-1", "node-2"];

function load(file) {
  const out = [];
  for (const doc of parseAllDocuments(readFileSync(join(MANIFESTS, file), "utf8"))) {
    const obj = doc.toJS();
    if (!obj || typeof obj !== "object") continue;
    for (const o of obj.kind === "List" ? obj.items || [] : [obj]) {
      o.metadata ||= {};
      if (o.kind !== "Namespace") o.metadata.namespace ||= "default";
      out.push(o);
    }
  }
  return out;
}

let podNo = 0;
function runPod(template, ns, name, owner) {
  podNo++;
  const metadata = { name, namespace: ns, labels: { ...(template.metadata?.labels || {}) } };
  if (owner) metadata.ownerReferences = [{ kind: owner[0], name: owner[1], controller: true }];
  const spec = template.spec || {};
  return {
    kind: "Pod",
    apiVersion: "v1",
    metadata,
    spec: {
      nodeName: NODES[podNo % NODES.length],
      containers: spec.containers || [],
      initContainers: (spec.initContainers || []).filter((c) => c.restartPolicy === "Always"),
    },
    status: {
      phase: "Running",
      podIP: `10.244.${podNo >> 8}.${podNo & 255}`,
      conditions: [{ type: "Ready", status: "True" }],
    },
  };
}

/** The cluster the manifest makes: its Services and Endpoints, its workloads and their pods. */
function run(objects) {
  const out = NODES.map((name, i) => ({
    kind: "Node",
    apiVersion: "v1",
    metadata: { name },
    status: { addresses: [{ type: "InternalIP", address: `172.18.0.${i + 2}` }] },
  }));
  for (const o of objects) {
    const ns = o.metadata.namespace;
    const name = o.metadata.name;
    const template = o.spec?.template;
    switch (o.kind) {
      case "Service":
      case "Endpoints":
      case "Namespace":
        out.push(o);
        break;
      case "Pod":
        out.push(runPod(o, ns, name, null));
        break;
      case "Deployment": {
        const rs = `${name}-7c9d8f`;
        out.push(o, {
          kind: "ReplicaSet",
          apiVersion: "apps/v1",
          metadata: { name: rs, namespace: ns, ownerReferences: [{ kind: "Deployment", name, controller: true }] },
          spec: {},
        });
        out.push(runPod(template, ns, `${rs}-x1`, ["ReplicaSet", rs]));
        break;
      }
      case "StatefulSet":
        out.push(o, runPod(template, ns, `${name}-0`, ["StatefulSet", name]));
        break;
      case "DaemonSet":
        out.push(o, ...NODES.map((n) => runPod(template, ns, `${name}-${n}`, ["DaemonSet", name])));
        break;
      case "Job":
        out.push(o, runPod(template, ns, `${name}-j1`, ["Job", name]));
        break;
      default:
        break; // kinds the live view does not show
    }
  }
  return out;
}

/** "Kind/name" of the workload a view row's pod belongs to, as EXPECTED.json writes it. */
function workloadOf(p) {
  if (!p.workload) return `Pod/${p.name}`;
  const [, kind, name] = p.workload.split("/");
  return `${kind}/${name}`;
}

for (const manifest of Object.keys(EXPECTED).sort()) {
  test(`the expected topology of ${manifest} (EXPECTED.json)`, () => {
    const want = EXPECTED[manifest];
    const v = buildView(staticStore(run(load(want.file))), { collapseAbove: Infinity });
    const ids = new Set(v.nodes.map((n) => n.id));
    assert.equal(ids.size, v.nodes.length, "ids are unique");
    assert.equal(new Set(v.edges.map((e) => e.id)).size, v.edges.length, "edge ids are unique");
    for (const e of v.edges) assert.ok(ids.has(e.source) && ids.has(e.target), e.id);
    for (const n of v.nodes) if (n.parent) assert.ok(ids.has(n.parent), n.id);
    const rows = new Map(v.services.map((r) => [`${r.namespace}/${r.name}`, r]));
    assert.equal(rows.size, want.services.length);
    for (const ws of want.services) {
      const row = rows.get(`${ws.namespace}/${ws.name}`);
      const where = `${manifest}: ${ws.namespace}/${ws.name}`;
      assert.ok(row, where);
      assert.equal(row.type, ws.type, where);
      assert.equal(row.headless, ws.headless, where);
      assert.equal(row.externalName, ws.externalName ?? null, where);
      const selected = [...new Set(row.pods.map(workloadOf))].sort();
      assert.deepEqual(selected, [...ws.workloads].sort(), where);
      assert.equal(row.ports.length, ws.ports.length, where);
      ws.ports.forEach((port, i) => {
        const p = row.ports[i];
        assert.deepEqual(
          [p.name || null, p.protocol, p.port, p.targetPort, p.nodePort],
          [port.name, port.protocol, port.port, port.targetPort, port.nodePort],
          `${where} port ${i}`,
        );
        const got = {};
        for (const pod of row.pods) {
          const hop = pod.chains[i];
          got[workloadOf(pod)] = hop.resolved ? hop.containerPort : "unresolved";
        }
        assert.deepEqual(got, port.resolved, `${where} port ${port.name}`);
      });
      if (ws.manual_endpoints) {
        assert.deepEqual(
          row.manualEndpoints.map((a) => a.ip).sort(),
          [...ws.manual_endpoints.addresses].sort(),
          where,
        );
        const node = v.nodes.find((n) => n.id === `addr:${ws.namespace}/${ws.name}/${ws.manual_endpoints.addresses[0]}`);
        assert.equal(node?.type, "external", where);
      }
      if (ws.externalName) {
        assert.ok(v.edges.some((e) => e.source === row.id && e.target === `ext:${ws.externalName}`), where);
      }
      // Every selected pod has its edge; a service that selects nothing says so (unless
      // ExternalName or backed by manual endpoints).
      for (const pod of row.pods) {
        assert.ok(v.edges.some((e) => e.id === `${row.id}->${pod.id}`), `${where} → ${pod.id}`);
      }
      if (!ws.workloads.length && ws.type !== "ExternalName" && !ws.manual_endpoints) {
        assert.ok(row.problems.includes("no endpoints"), where);
      }
      for (const port of ws.ports) {
        if (port.nodePort) {
          assert.ok(v.nodes.some((n) => n.id === `entry:nodeport:${ws.namespace}/${ws.name}:${port.nodePort}`), where);
        }
      }
    }
  });
}
