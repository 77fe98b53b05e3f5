// The service form's state and its translation to and from a Kubernetes Service, and the
// mapping of a Status's field causes onto the form's fields. Pure: no DOM.
//
// Form state (every input's value is kept as the text the user typed):
//   { name, namespace,
//     type: "ClusterIP" | "Headless" | "NodePort" | "LoadBalancer" | "ExternalName",
//     clusterIPMode: "auto" | "None" | "given", clusterIP, externalName,
//     selector: [{key, value}],
//     ports: [{name, protocol, port, targetPort, nodePort, extra}],   // extra: fields kept as they were
//     sessionAffinity: "None" | "ClientIP", sessionAffinityTimeout,
//     externalTrafficPolicy: "Cluster" | "Local", internalTrafficPolicy: "Cluster" | "Local" }
//
// "Headless" is type ClusterIP with clusterIP None: choosing either sets the other.
// Field keys (used for errors): name, namespace, type, clusterIPMode, clusterIP, externalName,
// selector, ports, ports.<row>.<name|protocol|port|targetPort|nodePort>, sessionAffinity,
// sessionAffinityTimeout, externalTrafficPolicy, internalTrafficPolicy.

export const TYPES = ["ClusterIP", "Headless", "NodePort", "LoadBalancer", "ExternalName"];
export const PROTOCOLS = ["TCP", "UDP", "SCTP"];
export const POLICIES = ["Cluster", "Local"];
export const DEFAULT_AFFINITY_TIMEOUT = 10800;

const PORT_FIELDS = ["name", "protocol", "port", "targetPort", "nodePort"];

export function emptyPort() {
  return { name: "", protocol: "TCP", port: "", targetPort: "", nodePort: "", extra: {} };
}

export function emptyForm(namespace = "default") {
  return {
    name: "",
    namespace,
    type: "ClusterIP",
    clusterIPMode: "auto",
    clusterIP: "",
    externalName: "",
    selector: [{ key: "", value: "" }],
    ports: [emptyPort()],
    sessionAffinity: "None",
    sessionAffinityTimeout: "",
    externalTrafficPolicy: "Cluster",
    internalTrafficPolicy: "Cluster",
  };
}

const text = (v) => (v === undefined || v === null ? "" : String(v));

/** The form state for a stored Service. */
export function serviceToForm(svc) {
  const meta = svc.metadata || {};
  const spec = svc.spec || {};
  const type = spec.type || "ClusterIP";
  const ip = spec.clusterIP || "";
  const headless = ip === "None";
  const form = emptyForm(meta.namespace || "default");
  form.name = meta.name || "";
  form.type = type === "ClusterIP" && headless ? "Headless" : type;
  form.clusterIPMode = headless ? "None" : ip ? "given" : "auto";
  form.clusterIP = headless ? "" : ip;
  form.externalName = spec.externalName || "";
  const selector = Object.entries(spec.selector || {}).map(([key, value]) => ({ key, value: text(value) }));
  form.selector = selector.length ? selector : [{ key: "", value: "" }];
  form.ports = (spec.ports || []).map((p) => {
    const extra = { ...p };
    for (const f of PORT_FIELDS) delete extra[f];
    return {
      name: p.name || "",
      protocol: p.protocol || "TCP",
      port: text(p.port),
      targetPort: text(p.targetPort),
      nodePort: p.nodePort ? text(p.nodePort) : "",
      extra,
    };
  });
  form.sessionAffinity = spec.sessionAffinity || "None";
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  form.sessionAffinityTimeout = timeout === undefined ? "" : text(timeout);
  form.externalTrafficPolicy = spec.externalTrafficPolicy || "Cluster";
  form.internalTrafficPolicy = spec.internalTrafficPolicy || "Cluster";
  return form;
}

/** Which parts of the form apply to the state's type (the rest is hidden and not sent). */
export function visibleFields(state) {
  const t = state.type;
  const external = t === "ExternalName";
  const nodePorts = t === "NodePort" || t === "LoadBalancer";
  return {
    clusterIPMode: !external,
    clusterIP: !external && state.clusterIPMode === "given",
    externalName: external,
    selector: !external,
    ports: true,
    nodePort: nodePorts,
    sessionAffinity: !external,
    sessionAffinityTimeout: !external && state.sessionAffinity === "ClientIP",
    externalTrafficPolicy: nodePorts,
    internalTrafficPolicy: !external,
  };
}

/** A new state with one top-level field changed, keeping type and cluster IP mode in step. */
export function setField(state, key, value) {
  const next = { ...state, [key]: value };
  if (key === "type") {
    if (value === "Headless") next.clusterIPMode = "None";
    else if (state.type === "Headless" && state.clusterIPMode === "None") next.clusterIPMode = "auto";
  }
  if (key === "clusterIPMode") {
    if (value === "None" && state.type === "ClusterIP") next.type = "Headless";
    if (value !== "None" && state.type === "Headless") next.type = "ClusterIP";
  }
  return next;
}

const isBlankPort = (p) => !p.name.trim() && !text(p.port).trim() && !text(p.targetPort).trim() && !text(p.nodePort).trim();

function intOrText(value) {
  const t = text(value).trim();
  if (t === "") return undefined;
  return /^-?\d+$/.test(t) ? Number(t) : t;
}

function clone(value) {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/**
 * The Service body for a state. `original` (edit) is the stored object: fields the form does
 * not manage (labels, annotations, appProtocol, externalIPs, ...) and its resourceVersion are
 * kept. Returns { body, portRows }: portRows[i] is the form row of body.spec.ports[i] (blank
 * rows are not sent).
 */
export function formToService(state, original = null) {
  const body = original
    ? clone(original)
    : { apiVersion: "v1", kind: "Service", metadata: {}, spec: {} };
  body.apiVersion = "v1";
  body.kind = "Service";
  body.metadata = body.metadata || {};
  body.metadata.name = state.name.trim();
  body.metadata.namespace = state.namespace;
  delete body.status;
  const spec = (body.spec = body.spec || {});
  const vis = visibleFields(state);
  const type = state.type === "Headless" ? "ClusterIP" : state.type;
  spec.type = type;

  // Selector (ignored by ExternalName services, so not sent for them).
  const pairs = state.selector.filter((r) => r.key.trim() || r.value.trim());
  if (vis.selector && pairs.length) {
    spec.selector = Object.fromEntries(pairs.map((r) => [r.key.trim(), r.value.trim()]));
  } else {
    delete spec.selector;
  }

  // Ports, in row order; blank rows are skipped and remembered in portRows.
  const portRows = [];
  const ports = [];
  state.ports.forEach((row, i) => {
    if (isBlankPort(row)) return;
    const port = { ...clone(row.extra || {}) };
    if (row.name.trim()) port.name = row.name.trim();
    port.protocol = row.protocol || "TCP";
    const number = intOrText(row.port);
    if (number !== undefined) port.port = number;
    const target = intOrText(row.targetPort);
    if (target !== undefined) port.targetPort = target;
    const nodePort = intOrText(row.nodePort);
    if (vis.nodePort && nodePort !== undefined) port.nodePort = nodePort;
    ports.push(port);
    portRows.push(i);
  });
  if (ports.length) spec.ports = ports;
  else delete spec.ports;

  // Cluster IP: automatic (allocated, or kept as stored on an edit), None, or a given address.
  if (type === "ExternalName") {
    for (const k of ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"]) delete spec[k];
    spec.externalName = state.externalName.trim();
  } else {
    delete spec.externalName;
    const stored = original?.spec?.clusterIP;
    if (state.clusterIPMode === "None") {
      spec.clusterIP = "None";
      spec.clusterIPs = ["None"];
    } else if (state.clusterIPMode === "given") {
      spec.clusterIP = state.clusterIP.trim();
      spec.clusterIPs = [spec.clusterIP];
    } else if (stored && stored !== "None" && original?.spec?.type !== "ExternalName") {
      spec.clusterIP = stored;
      spec.clusterIPs = clone(original.spec.clusterIPs) || [stored];
    } else {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
  }

  // Session affinity.
  if (vis.sessionAffinity) {
    spec.sessionAffinity = state.sessionAffinity;
    const timeout = intOrText(state.sessionAffinityTimeout);
    if (state.sessionAffinity === "ClientIP" && timeout !== undefined) {
      spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: timeout } };
    } else {
      delete spec.sessionAffinityConfig;
    }
  } else {
    delete spec.sessionAffinity;
    delete spec.sessionAffinityConfig;
  }

  // Traffic policies.
  if (vis.externalTrafficPolicy) spec.externalTrafficPolicy = state.externalTrafficPolicy;
  else if (!(spec.externalIPs || []).length) delete spec.externalTrafficPolicy;
  if (vis.internalTrafficPolicy) spec.internalTrafficPolicy = state.internalTrafficPolicy;
  else delete spec.internalTrafficPolicy;

  // Fields only a LoadBalancer may carry.
  if (type !== "LoadBalancer") {
    for (const k of ["allocateLoadBalancerNodePorts", "loadBalancerClass", "loadBalancerIP", "loadBalancerSourceRanges", "healthCheckNodePort"]) {
      delete spec[k];
    }
  }
  return { body, portRows };
}

// --- Status causes → form fields -------------------------------------------------------------

const SPEC_FIELDS = {
  "spec.type": "type",
  "spec.externalName": "externalName",
  "spec.selector": "selector",
  "spec.ports": "ports",
  "spec.sessionAffinity": "sessionAffinity",
  "spec.externalTrafficPolicy": "externalTrafficPolicy",
  "spec.internalTrafficPolicy": "internalTrafficPolicy",
  "metadata.name": "name",
  "metadata.generateName": "name",
  "metadata.namespace": "namespace",
};

/** Whether a field key is on screen for this state. */
export function isVisible(state, key) {
  const vis = visibleFields(state);
  const m = /^ports\.(\d+)\.(\w+)$/.exec(key);
  if (m) return Number(m[1]) < state.ports.length && (m[2] !== "nodePort" || vis.nodePort);
  return key in vis ? vis[key] : true;
}

/** The form field key a cause's field path concerns, or null (a form-level error). */
export function fieldKeyFor(path, state, portRows = null) {
  if (!path) return null;
  if (SPEC_FIELDS[path]) return SPEC_FIELDS[path];
  if (path.startsWith("spec.sessionAffinityConfig")) return "sessionAffinityTimeout";
  if (/^spec\.clusterIPs?(\[\d+\])?$/.test(path)) {
    return state.clusterIPMode === "given" ? "clusterIP" : "clusterIPMode";
  }
  if (path.startsWith("spec.selector")) return "selector";
  const m = /^spec\.ports\[(\d+)\](?:\.(\w+))?$/.exec(path);
  if (m) {
    const index = Number(m[1]);
    const row = portRows ? portRows[index] : index;
    if (row === undefined) return "ports";
    const sub = m[2] || "port"; // a whole-entry error (duplicate protocol/port) sits on the port
    return PORT_FIELDS.includes(sub) ? `ports.${row}.${sub}` : null;
  }
  return null;
}

/**
 * Split an error's causes over the form: { fields: {key: [message]}, form: [message] }.
 * Causes whose field is unknown or not on screen become form-level messages naming the field.
 * An error without causes is one form-level message.
 */
export function mapCauses(error, state, portRows = null) {
  const fields = {};
  const form = [];
  const causes = (error && error.causes) || [];
  if (!causes.length) {
    if (error && error.message) form.push(error.message);
    return { fields, form };
  }
  for (const cause of causes) {
    const key = fieldKeyFor(cause.field, state, portRows);
    if (key && isVisible(state, key)) {
      (fields[key] = fields[key] || []).push(cause.message);
    } else {
      form.push(cause.field ? `${cause.field}: ${cause.message}` : cause.message);
    }
  }
  return { fields, form };
}

// --- preview -------------------------------------------------------------------------------

/** A one-line summary of a ServicePreview for the form's live region. */
export function previewSummary(preview) {
  if (!preview) return "";
  if (preview.endpoints === null && preview.endpointsReason) return preview.endpointsReason;
  const total = preview.podsTotal || 0;
  const ready = (preview.pods || []).filter((p) => p.endpoint === "ready").length;
  const notReady = (preview.pods || []).filter((p) => p.endpoint === "notReady").length;
  if (!total) return "The selector matches no pods: the service would have no endpoints.";
  const pods = total === 1 ? "1 pod" : `${total} pods`;
  return `The selector matches ${pods}: ${ready} ready, ${notReady} not ready.`;
}

/** How one pod looks through one port: "ready" | "notReady" | "unresolved" | "excluded". */
export function hopState(hop) {
  if (hop.containerPort === null || hop.containerPort === undefined) return "unresolved";
  if (hop.endpoint === "ready") return "ready";
  if (hop.endpoint === "notReady") return "notReady";
  return "excluded";
}

// --- saving an edit ----------------------------------------------------------------------------

const isPlainObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

function canonical(v) {
  if (Array.isArray(v)) return v.map(canonical);
  if (isPlainObject(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
  return v;
}

function same(a, b) {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * The JSON merge patch (RFC 7386) that turns `before` into `after`: changed values are set,
 * removed keys become null, lists are replaced whole. Empty object: nothing changed.
 */
export function mergePatch(before, after) {
  const patch = {};
  for (const [k, v] of Object.entries(after)) {
    if (!(k in before)) patch[k] = v;
    else if (isPlainObject(v) && isPlainObject(before[k])) {
      const sub = mergePatch(before[k], v);
      if (Object.keys(sub).length) patch[k] = sub;
    } else if (!same(v, before[k])) patch[k] = v;
  }
  for (const k of Object.keys(before)) if (!(k in after)) patch[k] = null;
  return patch;
}

/**
 * An edit as a merge patch of what the user changed in the form, so that changes made
 * meanwhile to other fields (a load balancer's status, labels set elsewhere) are kept and no
 * resourceVersion conflict arises from them.
 */
export function editPatch(state, original) {
  const unchanged = formToService(serviceToForm(original), original).body;
  const { body, portRows } = formToService(state, original);
  delete unchanged.metadata.resourceVersion;
  delete body.metadata.resourceVersion;
  return { patch: mergePatch(unchanged, body), portRows };
}
