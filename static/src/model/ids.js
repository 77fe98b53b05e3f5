/**
 * Stable ids of the View's nodes and edges (see IDS in ../model.js) and the orderings the builder
 * sorts by. An id is derived from kind/namespace/name only, so a change keeps every other id.
 */

export const ids = {
  namespace: (ns) => `ns:${ns}`,
  service: (ns, name) => `svc:${ns}/${name}`,
  workload: (ns, kind, name) => `wl:${ns}/${kind}/${name}`,
  standalone: (ns) => `wl:${ns}/Pod/*`,
  quiet: (ns) => `wl:${ns}/*`,
  pod: (ns, name) => `pod:${ns}/${name}`,
  nodePort: (ns, svc, nodePort) => `entry:nodeport:${ns}/${svc}:${nodePort}`,
  loadBalancer: (ns, svc, address) => `entry:lb:${ns}/${svc}:${address}`,
  externalIP: (ns, svc, ip) => `entry:externalip:${ns}/${svc}:${ip}`,
  externalName: (host) => `ext:${host}`,
  address: (ns, svc, ip) => `addr:${ns}/${svc}/${ip}`,
  edge: (source, target) => `${source}->${target}`,
};

/** The id of an entry point's node (see entry:* under IDS in ../model.js). */
export function entryId(s, e) {
  if (e.kind === "nodePort") return ids.nodePort(s.namespace, s.name, e.port);
  if (e.kind === "loadBalancer") return ids.loadBalancer(s.namespace, s.name, e.address);
  return ids.externalIP(s.namespace, s.name, e.address);
}

export function byId(a, b) {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function keyCompare(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function byName(a, b) {
  return keyCompare(a.name, b.name);
}

/** "<namespace>/<name>" (a Store key) → [namespace as stored, name]. */
export function splitKey(key) {
  const i = key.indexOf("/");
  return i < 0 ? ["", key] : [key.slice(0, i), key.slice(i + 1)];
}
