/**
 * elk.js — ELK layered, run in a Web Worker (static/dist/elk-worker.min.js, copied by the
 * build) so a layout never blocks the page. One worker for the page, started when the first
 * small graph needs it: loading it (1.6 MB of script) while a big snapshot is on its way slows
 * the snapshot down, and big graphs never use it.
 */
import ELK from "elkjs/lib/elk-api.js";

let elk = null;
let url = null;

export function startElk(workerUrl, { warm = true } = {}) {
  if (elk || !workerUrl || typeof Worker === "undefined") return elk;
  url = workerUrl;
  try {
    elk = new ELK({ workerUrl });
    // warm up: parse the worker's code now (not when a layout is asked for at once: it would
    // only queue ahead of it)
    if (warm) elk.layout({ id: "warm", children: [{ id: "a", width: 1, height: 1 }], edges: [] }).catch(() => {});
  } catch {
    elk = null;
  }
  return elk;
}

/** Lay `graph` out; rejects after `timeoutMs` (the caller then falls back). */
export function runElk(graph, timeoutMs = 4000) {
  if (!elk) return Promise.reject(new Error("ELK worker not available"));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // a stuck worker would delay every later layout: start a new one
      try {
        elk.terminateWorker();
      } catch {
        // already gone
      }
      elk = null;
      startElk(url);
      reject(new Error("ELK layout timed out"));
    }, timeoutMs);
    elk.layout(graph).then(
      (r) => {
        clearTimeout(timer);
        resolve(r);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
