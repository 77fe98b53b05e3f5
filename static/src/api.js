// The browser's client for Portolan's HTTP API: same origin, the session cookie, the CSRF
// token on every unsafe request, JSON or YAML bodies, and Kubernetes `Status` failures turned
// into an ApiError with the HTTP code, the reason and the field causes.
//
//   const api = apiFor(boot);
//   await api.get(resourcePath("Service", "default", "web"));
//   await api.post(path, { json: body });            // or { yaml: text } / { body, contentType }
//   await api.patch(path, { json: patch });          // merge-patch unless contentType says otherwise
//
// Errors: `err instanceof ApiError`, `err.status` (HTTP code; 0 when the request never got an
// answer), `err.reason` ("Invalid", "Conflict", ...), `err.message`, `err.causes`
// ([{field, message, reason}]) and `err.body` (the Status as sent).

export class ApiError extends Error {
  constructor({ status, reason, message, causes = [], details = null, body = null }) {
    super(message || reason || `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = status;
    this.reason = reason || "";
    this.causes = causes;
    this.details = details;
    this.body = body;
  }
}

// What the apiserver's status reasons are called when a body carries no reason of its own.
const REASON_BY_CODE = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/** An ApiError for a failed answer: `body` is the parsed JSON (a Status, normally) or text. */
export function errorFromResponse(status, statusText, body) {
  if (body && typeof body === "object" && body.kind === "Status") {
    const details = body.details || null;
    const causes = ((details && details.causes) || []).map((c) => ({
      field: c.field || "",
      message: c.message || "",
      reason: c.reason || "",
    }));
    return new ApiError({
      status: body.code || status,
      reason: body.reason || REASON_BY_CODE[status] || "",
      message: body.message || `${status} ${statusText || ""}`.trim(),
      causes,
      details,
      body,
    });
  }
  const text = typeof body === "string" ? body.trim().slice(0, 300) : "";
  return new ApiError({
    status,
    reason: REASON_BY_CODE[status] || "",
    message: text && !text.startsWith("<") ? text : `${status} ${statusText || ""}`.trim(),
    body,
  });
}

// Where each kind lives in the REST API.
export const RESOURCES = {
  Namespace: { prefix: "/api/v1", plural: "namespaces", namespaced: false },
  Node: { prefix: "/api/v1", plural: "nodes", namespaced: false },
  Pod: { prefix: "/api/v1", plural: "pods", namespaced: true },
  Service: { prefix: "/api/v1", plural: "services", namespaced: true },
  Endpoints: { prefix: "/api/v1", plural: "endpoints", namespaced: true },
  EndpointSlice: { prefix: "/apis/discovery.k8s.io/v1", plural: "endpointslices", namespaced: true },
  Deployment: { prefix: "/apis/apps/v1", plural: "deployments", namespaced: true },
  ReplicaSet: { prefix: "/apis/apps/v1", plural: "replicasets", namespaced: true },
  StatefulSet: { prefix: "/apis/apps/v1", plural: "statefulsets", namespaced: true },
  DaemonSet: { prefix: "/apis/apps/v1", plural: "daemonsets", namespaced: true },
  Job: { prefix: "/apis/batch/v1", plural: "jobs", namespaced: true },
};

/** The REST path of an object (or, without a name, of its collection). */
export function resourcePath(kind, namespace, name = "", subresource = "") {
  const r = RESOURCES[kind];
  if (!r) throw new Error(`unknown kind ${kind}`);
  let path = r.prefix;
  if (r.namespaced) {
    if (!namespace) throw new Error(`${kind} needs a namespace`);
    path += `/namespaces/${encodeURIComponent(namespace)}`;
  }
  path += `/${r.plural}`;
  if (name) path += `/${encodeURIComponent(name)}`;
  if (subresource) path += `/${subresource}`;
  return path;
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** Encode a request's body: `json` (any value), `yaml` (text), or `body` + `contentType`. */
export function encodeBody(method, { json, yaml, body, contentType } = {}) {
  if (json !== undefined) {
    const fallback = method === "PATCH" ? "application/merge-patch+json" : "application/json";
    return { body: JSON.stringify(json), contentType: contentType || fallback };
  }
  if (yaml !== undefined) return { body: yaml, contentType: contentType || "application/yaml" };
  if (body !== undefined) return { body, contentType: contentType || "application/json" };
  return { body: undefined, contentType: undefined };
}

export function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === false || v === "") continue;
    params.append(k, v === true ? "true" : String(v));
  }
  const text = params.toString();
  if (!text) return path;
  return path + (path.includes("?") ? "&" : "?") + text;
}

export function createApi({ csrfToken = "", fetchImpl = globalThis.fetch?.bind(globalThis), base = "" } = {}) {
  async function request(method, path, opts = {}) {
    method = method.toUpperCase();
    const { body, contentType } = encodeBody(method, opts);
    const headers = { Accept: "application/json" };
    if (contentType) headers["Content-Type"] = contentType;
    if (!SAFE.has(method) && csrfToken) headers["X-CSRFToken"] = csrfToken;
    let response;
    try {
      response = await fetchImpl(base + withQuery(path, opts.query), {
        method,
        headers,
        body,
        credentials: "same-origin",
        signal: opts.signal,
      });
    } catch (e) {
      if (e && e.name === "AbortError") throw e;
      throw new ApiError({ status: 0, reason: "NetworkError", message: `the server did not answer (${e.message || e})` });
    }
    const text = await response.text();
    let parsed = text;
    if (text && (response.headers.get("Content-Type") || "").includes("json")) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (!response.ok) throw errorFromResponse(response.status, response.statusText, parsed);
    return parsed === "" ? null : parsed;
  }
  return {
    request,
    get: (path, opts) => request("GET", path, opts),
    post: (path, opts) => request("POST", path, opts),
    put: (path, opts) => request("PUT", path, opts),
    patch: (path, opts) => request("PATCH", path, opts),
    delete: (path, opts) => request("DELETE", path, opts),
  };
}

const clients = new WeakMap();

/** One client per boot object (its CSRF token). */
export function apiFor(boot) {
  const key = boot || {};
  let api = clients.get(key);
  if (!api) {
    api = createApi({ csrfToken: (boot && boot.csrfToken) || "" });
    clients.set(key, api);
  }
  return api;
}
