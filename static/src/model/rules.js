/**
 * The Kubernetes rules the View follows: pure functions of Kubernetes JSON objects — selection,
 * FindPort and the port chain, IsPodReady / ShouldPodBeInEndpoints and endpoint state, Endpoints
 * readiness, entry points, owner references. ../model.js re-exports the public ones (for the
 * table, the forms' selector preview and the tests); the rest serve the builder.
 */

import { keyCompare } from "./ids.js";

export const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"];
export const GROUPED_OWNER_KINDS = new Set([
  "ReplicaSet",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "ReplicationController",
  "Deployment",
]);
const TERMINAL_PHASES = new Set(["Succeeded", "Failed"]);

export const nsOf = (obj) => obj?.metadata?.namespace || "default";
export const nameOf = (obj) => obj?.metadata?.name || "";
export const specOf = (obj) => obj?.spec || {};

/** A Service's selector as a plain object, or null when it selects nothing: no selector (absent
 * or `{}` — "no selector, endpoints not managed") or an ExternalName Service. */
export function serviceSelector(service) {
  const spec = specOf(service);
  const sel = spec.selector;
  if (!sel || spec.type === "ExternalName" || Object.keys(sel).length === 0) return null;
  return sel;
}

/** Equality selector over labels: every key present with exactly that value
 * (labels.SelectorFromValidatedSet / AsSelectorPreValidated). */
export function selectorMatches(selector, labels) {
  if (!selector) return false;
  const l = labels || {};
  for (const k in selector) {
    if (!Object.prototype.hasOwnProperty.call(l, k) || l[k] !== selector[k]) return false;
  }
  return true;
}

/** Whether `service` selects `pod` (same namespace, equality selector; see serviceSelector). */
export function selects(service, pod) {
  const sel = serviceSelector(service);
  if (!sel || nsOf(service) !== nsOf(pod)) return false;
  return selectorMatches(sel, pod?.metadata?.labels);
}

/** The containers FindPort searches, in its order: containers, then restartPolicy Always
 * ("native sidecar") init containers. */
function portContainers(pod) {
  const spec = specOf(pod);
  const out = spec.containers ? [...spec.containers] : [];
  for (const c of spec.initContainers || []) if (c.restartPolicy === "Always") out.push(c);
  return out;
}

/** A service port's targetPort as FindPort sees it: absent / "" / 0 → the port; a numeric
 * string → that number. */
export function effectiveTargetPort(servicePort) {
  let target = servicePort.targetPort;
  if (target === undefined || target === null || target === "" || target === 0) {
    target = servicePort.port;
  }
  if (typeof target === "string" && /^[0-9]+$/.test(target)) target = Number(target);
  return target;
}

/** One hop of the port chain: service port → targetPort → container port in `pod`, following
 * FindPort (pkg/api/v1/pod/util.go): an integer targetPort is used as it is, declared or not; a
 * name is looked up in the containers, then restartPolicy:Always init containers, with the
 * same protocol. */
export function portHop(servicePort, pod) {
  const protocol = servicePort.protocol || "TCP";
  const target = effectiveTargetPort(servicePort);
  const hop = {
    servicePort: servicePort.port,
    portName: servicePort.name || "",
    protocol,
    targetPort: target,
    nodePort: servicePort.nodePort || null,
    containerPort: null,
    containerName: null,
    resolved: false,
    reason: null,
    declared: false,
  };
  const containers = portContainers(pod);
  if (typeof target === "number") {
    hop.containerPort = target;
    hop.resolved = true;
    for (const c of containers) {
      for (const p of c.ports || []) {
        if (p.containerPort === target && (p.protocol || "TCP") === protocol) {
          hop.containerName = c.name || null;
          hop.declared = true;
          return hop;
        }
      }
    }
    return hop; // used as it is: the pod may still listen there
  }
  for (const c of containers) {
    for (const p of c.ports || []) {
      if (p.name === target && (p.protocol || "TCP") === protocol) {
        hop.containerPort = p.containerPort ?? null;
        hop.containerName = c.name || null;
        hop.resolved = true;
        hop.declared = true;
        return hop;
      }
    }
  }
  hop.reason = `no container port named '${target}' with protocol ${protocol}`;
  return hop;
}

/** The port chain of `service` into `pod`: one hop per service port. */
export function portChain(service, pod) {
  return (specOf(service).ports || []).map((p) => portHop(p, pod));
}

/** IsPodReady (pkg/api/v1/pod/util.go): the Ready condition is True. */
export function isPodReady(pod) {
  for (const c of pod?.status?.conditions || []) {
    if (c.type === "Ready") return c.status === "True";
  }
  return false;
}

/** ShouldPodBeInEndpoints (k8s.io/endpointslice/util): not Succeeded/Failed, has an IP, and not
 * terminating unless terminating pods are included (publishNotReadyAddresses). */
export function shouldPodBeInEndpoints(pod, includeTerminating) {
  const status = pod?.status || {};
  if (TERMINAL_PHASES.has(status.phase)) return false;
  if (!status.podIP && !(status.podIPs && status.podIPs.length)) return false;
  if (!includeTerminating && pod?.metadata?.deletionTimestamp) return false;
  return true;
}

/** Where a selected pod would stand in the service's endpoints when no Endpoints object is
 * known: the endpoints controller's syncService/addEndpointSubset rule. */
export function controllerEndpointState(service, pod) {
  const tolerate = !!specOf(service).publishNotReadyAddresses;
  if (!shouldPodBeInEndpoints(pod, tolerate)) return "absent";
  return tolerate || isPodReady(pod) ? "ready" : "notReady";
}

/** The readiness index of an Endpoints object: pod name → "ready" | "notReady" (a pod that is
 * ready in any subset is ready), plus the addresses no pod backs. */
export function endpointsIndex(endpoints) {
  const byPod = new Map();
  const addresses = new Map(); // ip → {ip, ready, nodeName, pod}
  let ready = 0;
  let notReady = 0;
  const seen = new Map(); // address key → ready
  for (const subset of endpoints?.subsets || []) {
    for (const [list, state] of [
      [subset.addresses, "ready"],
      [subset.notReadyAddresses, "notReady"],
    ]) {
      for (const a of list || []) {
        const ref = a.targetRef;
        const podName = ref && (ref.kind || "Pod") === "Pod" ? ref.name : null;
        const key = podName ? `pod/${podName}` : `ip/${a.ip}`;
        const was = seen.get(key);
        if (was === undefined || (was === "notReady" && state === "ready")) seen.set(key, state);
        if (podName) {
          if (byPod.get(podName) !== "ready") byPod.set(podName, state);
        }
        const prev = addresses.get(a.ip);
        if (!prev || (!prev.ready && state === "ready")) {
          addresses.set(a.ip, {
            ip: a.ip,
            ready: state === "ready",
            nodeName: a.nodeName || null,
            podName,
          });
        }
      }
    }
  }
  for (const state of seen.values()) state === "ready" ? ready++ : notReady++;
  return { byPod, addresses: [...addresses.values()], ready, notReady };
}

/** The InternalIP of a Node ("" if none). */
export function internalIP(node) {
  for (const a of node?.status?.addresses || []) if (a.type === "InternalIP") return a.address || "";
  return "";
}

/** Where traffic enters a service: [{kind, address, port, servicePort}] — every node's
 * InternalIP at each nodePort, each load-balancer ingress (ip, else hostname) and each external IP
 * at each service port. (The cluster IP is the service's own data; ExternalName has none.) */
export function entryPoints(service, nodeIPs) {
  const spec = specOf(service);
  if (spec.type === "ExternalName") return [];
  const out = [];
  const ingress = (service?.status?.loadBalancer?.ingress || [])
    .map((i) => i.ip || i.hostname)
    .filter(Boolean);
  for (const p of spec.ports || []) {
    const sp = p.name || p.port;
    if (p.nodePort) {
      for (const ip of nodeIPs) {
        out.push({ kind: "nodePort", address: ip, port: p.nodePort, servicePort: sp });
      }
    }
    for (const address of ingress) {
      out.push({ kind: "loadBalancer", address, port: p.port, servicePort: sp });
    }
    for (const ip of spec.externalIPs || []) {
      out.push({ kind: "externalIP", address: ip, port: p.port, servicePort: sp });
    }
  }
  return out;
}

/** The controller reference of an object (controller: true, else the only/first owner). */
export function controllerRef(obj) {
  const refs = obj?.metadata?.ownerReferences;
  if (!refs || refs.length === 0) return null;
  return refs.find((r) => r.controller) || refs[0];
}

/** The port chain of a selector-less service into a pod its Endpoints names: the service port
 * maps to the Endpoints port of the same name (what kube-proxy programs), not to a FindPort
 * lookup. */
export function endpointsHop(servicePort, endpoints) {
  const protocol = servicePort.protocol || "TCP";
  const name = servicePort.name || "";
  const hop = {
    servicePort: servicePort.port,
    portName: name,
    protocol,
    targetPort: effectiveTargetPort(servicePort),
    nodePort: servicePort.nodePort || null,
    containerPort: null,
    containerName: null,
    resolved: false,
    reason: null,
    declared: false,
  };
  for (const subset of endpoints?.subsets || []) {
    for (const p of subset.ports || []) {
      if ((p.name || "") === name && (p.protocol || "TCP") === protocol) {
        hop.containerPort = p.port ?? null;
        hop.resolved = true;
        return hop;
      }
    }
  }
  hop.reason = `no Endpoints port named '${name}' with protocol ${protocol}`;
  return hop;
}

/** The InternalIPs of the store's Nodes, in Node name order (the nodePort entry points). */
export function nodeIPsOf(store) {
  return [...store.all("Node")]
    .sort((a, b) => keyCompare(nameOf(a), nameOf(b)))
    .map(internalIP)
    .filter(Boolean);
}
