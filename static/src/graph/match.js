/**
 * match.js — the toolbar's search and label highlight, as pure predicates over view nodes.
 *
 *   parseLabelQuery("app=web, tier!=db, env, !canary") → requirements (AND), or {error}
 *   labelsMatch(labels, requirements)                    → bool (Kubernetes equality selector rules)
 *   searchMatches(node, text)                            → bool (case-insensitive substring of the
 *                                                         name, namespace/name, kind, IP, node)
 */

const KEY = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

export function parseLabelQuery(text) {
  const reqs = [];
  for (const raw of String(text || "").split(",")) {
    const part = raw.trim();
    if (!part) continue;
    let m;
    if ((m = part.match(/^([^!=\s]+)\s*(!=|==|=)\s*(.*)$/))) {
      const [, key, op, value] = m;
      if (!KEY.test(key)) return { error: `invalid label key "${key}"` };
      reqs.push({ key, op: op === "!=" ? "!=" : "=", value: value.trim() });
    } else if ((m = part.match(/^!\s*(\S+)$/))) {
      if (!KEY.test(m[1])) return { error: `invalid label key "${m[1]}"` };
      reqs.push({ key: m[1], op: "!" });
    } else if (KEY.test(part)) {
      reqs.push({ key: part, op: "exists" });
    } else {
      return { error: `cannot read "${part}" (use key=value, key!=value, key or !key)` };
    }
  }
  return { requirements: reqs };
}

export function labelsMatch(labels, requirements) {
  if (!requirements || !requirements.length) return false;
  const l = labels || {};
  const has = (k) => Object.prototype.hasOwnProperty.call(l, k);
  return requirements.every((r) => {
    switch (r.op) {
      case "=":
        return has(r.key) && l[r.key] === r.value;
      case "!=":
        return !has(r.key) || l[r.key] !== r.value;
      case "exists":
        return has(r.key);
      case "!":
        return !has(r.key);
      default:
        return false;
    }
  });
}

export function searchMatches(node, text) {
  const q = String(text || "")
    .trim()
    .toLowerCase();
  if (!q || node.type === "namespace") return false;
  const d = node.data || {};
  const hay = [
    node.name,
    node.label,
    node.namespace ? `${node.namespace}/${node.name}` : "",
    node.kind,
    d.ip,
    d.node,
    d.clusterIP,
    d.address,
    d.externalName,
  ];
  return hay.some((s) => s && String(s).toLowerCase().includes(q));
}
