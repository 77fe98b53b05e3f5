import assert from "node:assert/strict";
import { test } from "node:test";

import { buildView } from "../model.js";
import { staticStore, syntheticCluster } from "../testdata/synthetic.js";
import { entry, pod, sampleView, selects, svc, ns } from "./fixtures.js";
import { BOX, CONTAINER_PAD, analyze, containerBoxes, elkGraph, fromElk, layered, placeNew } from "./layout.js";

function leafIds(view) {
  const parents = new Set(view.nodes.map((n) => n.parent).filter(Boolean));
  return view.nodes.filter((n) => !parents.has(n.id)).map((n) => n.id);
}

function overlaps(view, pos) {
  const byId = new Map(view.nodes.map((n) => [n.id, n]));
  const boxes = [...pos].map(([id, p]) => {
    const b = BOX[byId.get(id).type];
    return { id, x1: p.x - b.ax, y1: p.y - b.ay, x2: p.x - b.ax + b.w, y2: p.y - b.ay + b.h };
  });
  boxes.sort((a, b) => a.x1 - b.x1);
  const hits = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length && boxes[j].x1 < boxes[i].x2; j++) {
      const a = boxes[i];
      const b = boxes[j];
      if (a.y1 < b.y2 && b.y1 < a.y2) hits.push([a.id, b.id]);
    }
  }
  return hits;
}

test("every leaf gets a position, deterministically, and no two boxes overlap", () => {
  const view = sampleView();
  const a = layered(view);
  const b = layered(view);
  assert.deepEqual([...a].sort(), [...b].sort());
  for (const id of leafIds(view)) assert.ok(a.has(id), `no position for ${id}`);
  assert.deepEqual(overlaps(view, a), []);
});

test("layers run left to right: entry point → service → pods → external name", () => {
  const p = layered(sampleView());
  const x = (id) => p.get(id).x;
  assert.ok(x("entry:nodeport:default/web:30080") < x("svc:default/web"));
  assert.ok(x("svc:default/web") < x("pod:default/web-1"));
  assert.ok(x("svc:default/mail") < x("ext:mail.example.com"));
  // a service's pods sit in one column next to it
  assert.equal(x("pod:default/web-1"), x("pod:default/web-3"));
});

test("namespaces are separate bands: their boxes do not overlap", () => {
  const view = sampleView();
  const p = layered(view);
  const extent = (nsName) => {
    const rects = view.nodes
      .filter((n) => n.namespace === nsName && n.type !== "namespace")
      .map((n) => {
        const b = BOX[n.type];
        const q = p.get(n.id);
        return [q.x - b.ax, q.y - b.ay, q.x - b.ax + b.w, q.y - b.ay + b.h];
      });
    return [0, 1, 2, 3].map((i) => (i < 2 ? Math.min : Math.max)(...rects.map((r) => r[i])));
  };
  const d = extent("default");
  const s = extent("shop");
  const apart = d[2] < s[0] || s[2] < d[0] || d[3] < s[1] || s[3] < d[1];
  assert.ok(apart, `default ${d} and shop ${s} overlap`);
  // an empty namespace is a small box of its own
  assert.ok(p.has("ns:empty"));
});

test("a pin wins over the layout", () => {
  const pins = new Map([["svc:default/web", { x: -500, y: -400 }]]);
  const p = layered(sampleView(), { pins });
  assert.deepEqual(p.get("svc:default/web"), { x: -500, y: -400 });
});

test("a service with many pods gets them as a grid, still right of the service", () => {
  const nodes = [ns("big"), svc("big", "many")];
  const edges = [];
  for (let i = 0; i < 40; i++) {
    nodes.push(pod("big", `p-${String(i).padStart(2, "0")}`));
    edges.push(selects("svc:big/many", `pod:big/p-${String(i).padStart(2, "0")}`));
  }
  const view = { nodes, edges };
  const p = layered(view);
  const xs = new Set(nodes.filter((n) => n.type === "pod").map((n) => p.get(n.id).x));
  assert.ok(xs.size > 1 && xs.size < 40, `columns: ${xs.size}`);
  for (const x of xs) assert.ok(x > p.get("svc:big/many").x);
  assert.deepEqual(overlaps(view, p), []);
});

test("a target several services select sits between them", () => {
  const nodes = [ns("a"), svc("a", "s1"), svc("a", "s2"), svc("a", "s3"), pod("a", "shared")];
  const edges = [selects("svc:a/s1", "pod:a/shared"), selects("svc:a/s3", "pod:a/shared")];
  const p = layered({ nodes, edges });
  const y = p.get("pod:a/shared").y;
  assert.ok(y > p.get("svc:a/s1").y && y < p.get("svc:a/s3").y);
});

test("the synthetic 1,000-service cluster is laid out in well under a second, without overlaps", () => {
  const view = buildView(staticStore(syntheticCluster({ services: 1000, podsPerService: 10 })), {});
  const t0 = performance.now();
  const p = layered(view);
  const ms = performance.now() - t0;
  for (const id of leafIds(view)) assert.ok(p.has(id), id);
  assert.deepEqual(overlaps(view, p), []);
  assert.ok(ms < 1000, `${ms} ms`); // a generous bound: it is O(n log n) and takes ~10 ms
});

test("ELK gets one graph per namespace, and its answer is read back into bands", () => {
  const view = sampleView();
  const built = elkGraph(view);
  const children = built.graph.children;
  assert.deepEqual(children.map((c) => c.id).sort(), ["ns:default", "ns:empty", "ns:shop"]);
  const def = children.find((c) => c.id === "ns:default");
  assert.ok(def.edges.some((e) => e.sources[0] === "entry:nodeport:default/web:30080" && e.targets[0] === "svc:default/web"));
  // fake ELK: stack each namespace's nodes in one column
  const result = {
    children: children.map((c) => {
      let y = 0;
      return {
        id: c.id,
        children: c.children.map((n) => {
          const out = { ...n, x: 0, y };
          y += n.height + 10;
          return out;
        }),
      };
    }),
  };
  const p = fromElk(view, built, result);
  for (const id of leafIds(view)) assert.ok(p.has(id), `no position for ${id}`);
  assert.deepEqual(overlaps(view, p), []);
});

test("a new pod is placed below its siblings; nothing else is returned", () => {
  const view = sampleView();
  const before = layered(view);
  const next = { ...view, nodes: [...view.nodes, pod("default", "web-4")], edges: [...view.edges, selects("svc:default/web", "pod:default/web-4")] };
  const placed = placeNew(next, before, ["pod:default/web-4"]);
  assert.deepEqual([...placed.keys()], ["pod:default/web-4"]);
  const p = placed.get("pod:default/web-4");
  const siblings = ["web-1", "web-2", "web-3"].map((n) => before.get(`pod:default/${n}`));
  assert.equal(p.x, siblings[0].x);
  assert.ok(p.y > Math.max(...siblings.map((s) => s.y)));
  assert.deepEqual(overlaps(next, new Map([...before, ...placed])), []);
});

test("a new service goes left of the pods it selects; a new entry point left of its service", () => {
  const view = sampleView();
  const before = layered(view);
  const next = {
    nodes: [...view.nodes, svc("default", "web-canary", { type: "NodePort" }), entry("default", "web-canary", 30099)],
    edges: [
      ...view.edges,
      selects("svc:default/web-canary", "pod:default/web-1"),
      { id: "e", source: "entry:nodeport:default/web-canary:30099", target: "svc:default/web-canary", type: "entry", ready: true, chains: [] },
    ],
  };
  const placed = placeNew(next, before, ["svc:default/web-canary", "entry:nodeport:default/web-canary:30099"]);
  const s = placed.get("svc:default/web-canary");
  const e = placed.get("entry:nodeport:default/web-canary:30099");
  assert.ok(s.x < before.get("pod:default/web-1").x);
  assert.ok(e.x < s.x);
  assert.deepEqual(overlaps(next, new Map([...before, ...placed])), []);
});

test("a new namespace gets a band of its own below the others", () => {
  const view = sampleView();
  const before = layered(view);
  const next = {
    nodes: [...view.nodes, ns("late"), svc("late", "x"), pod("late", "x-1")],
    edges: [...view.edges, selects("svc:late/x", "pod:late/x-1")],
  };
  const placed = placeNew(next, before, ["svc:late/x", "pod:late/x-1"]);
  const bottom = Math.max(...[...before.values()].map((p) => p.y));
  assert.ok(placed.get("svc:late/x").y > bottom);
  assert.ok(placed.get("pod:late/x-1").x > placed.get("svc:late/x").x);
});

test("unfolding a workload lays its pods out where the folded node stood", () => {
  const view = sampleView();
  const before = layered(view);
  const wlId = "wl:shop/Deployment/api";
  const anchor = before.get(wlId);
  const pods = [1, 2, 3].map((i) => pod("shop", `api-${i}`, { parent: wlId }));
  const next = {
    nodes: view.nodes.map((n) => (n.id === wlId ? { ...n, data: { ...n.data, expanded: true } } : n)).concat(pods),
    edges: view.edges.filter((e) => e.target !== wlId).concat(pods.map((p) => selects("svc:shop/api", p.id))),
  };
  const placed = placeNew(next, before, pods.map((p) => p.id));
  const first = placed.get("pod:shop/api-1");
  assert.ok(Math.abs(first.x - anchor.x) < BOX.pod.w && Math.abs(first.y - anchor.y) < 2 * BOX.pod.h);
  assert.ok(analyze(next).parents.has(wlId));
});

test("big graphs' boxes: a namespace box holds its members and its unfolded workloads' boxes", () => {
  const view = sampleView();
  const wlId = "wl:shop/Deployment/api";
  const pods = [1, 2, 3].map((i) => pod("shop", `api-${i}`, { parent: wlId }));
  const next = {
    nodes: view.nodes.map((n) => (n.id === wlId ? { ...n, data: { ...n.data, expanded: true } } : n)).concat(pods),
    edges: view.edges.filter((e) => e.target !== wlId).concat(pods.map((p) => selects("svc:shop/api", p.id))),
  };
  const positions = layered(next);
  const boxes = containerBoxes(next, positions);
  // the containers with placed members; "empty" has none and stays a plain node
  assert.deepEqual([...boxes.keys()].sort(), ["ns:default", "ns:shop", wlId]);
  const rectOf = (b) => ({ x1: b.x - b.w / 2, y1: b.y - b.h / 2, x2: b.x + b.w / 2, y2: b.y + b.h / 2 });
  const inside = (inner, outer, pad) =>
    inner.x1 - pad >= outer.x1 - 1e-9 && inner.y1 - pad >= outer.y1 - 1e-9 && inner.x2 + pad <= outer.x2 + 1e-9 && inner.y2 + pad <= outer.y2 + 1e-9;
  for (const n of next.nodes) {
    if (!n.parent || boxes.has(n.id)) continue;
    const p = positions.get(n.id);
    const b = BOX[n.type];
    const member = { x1: p.x - b.ax, y1: p.y - b.ay, x2: p.x - b.ax + b.w, y2: p.y - b.ay + b.h };
    const pad = CONTAINER_PAD[next.nodes.find((x) => x.id === n.parent).type];
    assert.ok(inside(member, rectOf(boxes.get(n.parent)), pad), `${n.id} outside ${n.parent}`);
  }
  assert.ok(inside(rectOf(boxes.get(wlId)), rectOf(boxes.get("ns:shop")), CONTAINER_PAD.namespace));
  // a member moving far away drags its box's edge along
  const moved = new Map(positions);
  moved.set("pod:default/db-0", { x: 5000, y: 5000 });
  const grown = containerBoxes(next, moved).get("ns:default");
  assert.ok(rectOf(grown).x2 >= 5000 + BOX.pod.w - BOX.pod.ax);
  assert.deepEqual(containerBoxes(next, moved).get("ns:shop"), boxes.get("ns:shop"));
});
