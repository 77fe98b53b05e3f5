/**
 * What a pod and a workload show: their problem strings (see PROBLEM STRINGS in ../model.js) and a
 * workload's counts over its pods.
 */

import { byName } from "./ids.js";
import { isPodReady } from "./rules.js";

export const portLabel = (hop) => hop.portName || String(hop.servicePort);
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function podOwnProblem(pod) {
  const phase = pod?.status?.phase || "Pending";
  if (pod?.metadata?.deletionTimestamp) return "pod terminating";
  if (phase === "Failed") return "pod failed";
  if (phase === "Succeeded") return null;
  if (phase === "Pending") return "pod pending";
  if (phase !== "Running") return `pod ${String(phase).toLowerCase()}`;
  return isPodReady(pod) ? null : "pod not ready";
}

/** A pod's services and problems, from the services selecting it (in service order). */
export function derivePod(rec) {
  const list = [...rec.links.keys()].sort(byName);
  rec.services = [];
  rec.problems = rec.own ? [rec.own] : [];
  rec.unresolved = [];
  for (const s of list) {
    rec.services.push(s.id);
    for (const hop of rec.links.get(s).chains) {
      if (hop.resolved) continue;
      const key = `port ${portLabel(hop)} of service ${s.name}`;
      rec.problems.push(`${key} unresolved`);
      rec.unresolved.push(key);
    }
  }
}

/** A workload's counts and problems over its pods. */
export function aggregate(g, o) {
  const total = g.pods.length;
  let ready = 0;
  let notReady = 0;
  let failed = 0;
  let succeeded = 0;
  let served = false; // some service selects one of its pods
  const unresolved = new Map();
  for (const rec of g.pods) {
    if (rec.ready) ready++;
    if (rec.phase === "Failed") failed++;
    else if (rec.phase === "Succeeded") succeeded++;
    else if (!rec.ready || rec.obj.metadata?.deletionTimestamp) notReady++;
    for (const key of rec.unresolved) unresolved.set(key, (unresolved.get(key) || 0) + 1);
    if (rec.services.length) served = true;
  }
  const desired = g.obj?.spec?.replicas ?? null;
  const problems = [];
  if (notReady) problems.push(`${notReady} of ${plural(total, "pod")} not ready`);
  if (failed) problems.push(`${plural(failed, "pod")} failed`);
  for (const [key, n] of unresolved) problems.push(`${key} unresolved in ${plural(n, "pod")}`);
  if (desired !== null && total < desired && !g.synthetic) {
    problems.push(`${total} of ${plural(desired, "replica")}`);
  }
  return { total, ready, succeeded, desired, problems, quiet: !served && problems.length === 0 && !o.expanded.has(g.id) };
}
