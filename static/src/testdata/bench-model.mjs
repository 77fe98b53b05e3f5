// Timing of buildView (not a test; prints a table). Usage:
//   node static/src/testdata/bench-model.mjs [services] [podsPerService]
import { performance } from "node:perf_hooks";

import { buildView } from "../model.js";
import { staticStore, syntheticCluster } from "./synthetic.js";

const services = Number(process.argv[2] || 1000);
const perService = Number(process.argv[3] || 10);
const store = staticStore(syntheticCluster({ services, podsPerService: perService }));
const cases = [
  ["defaults (LOD)", {}],
  ["one workload expanded", { expanded: new Set(["wl:ns-3/Deployment/app-3"]) }],
  ["one namespace", { namespaces: new Set(["ns-3"]) }],
  ["no LOD (maxPods ∞)", { maxPods: Infinity, collapseAbove: Infinity }],
];
console.log(`buildView, ${services} services / ${services * perService} pods (Node ${process.version})`);
console.log("case                      first ms  median ms   max ms   nodes   edges   lod");
for (const [label, options] of cases) {
  const times = [];
  let view;
  for (let i = 0; i < 12; i++) {
    const t0 = performance.now();
    view = buildView(store, options);
    times.push(performance.now() - t0);
  }
  const warm = times.slice(2).sort((a, b) => a - b);
  const median = warm[Math.floor(warm.length / 2)];
  console.log(
    `${label.padEnd(24)} ${times[0].toFixed(1).padStart(8)} ${median.toFixed(1).padStart(9)} ${Math.max(...warm).toFixed(1).padStart(8)} ` +
      `${String(view.counts.drawnNodes).padStart(7)} ${String(view.counts.drawnEdges).padStart(7)}   ${view.counts.lod}`,
  );
}
