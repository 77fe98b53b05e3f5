// static/src/api.js: requests the browser makes, and Status errors as ApiErrors.
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiError, createApi, errorFromResponse, resourcePath, withQuery } from "../api.js";

function fakeFetch(answer) {
  const calls = [];
  const fetchImpl = async (url, init) => {
    calls.push({ url, init });
    const { status = 200, body = "", contentType = "application/json" } = typeof answer === "function" ? answer(url, init) : answer;
    return {
      ok: status >= 200 && status < 300,
      status,
      statusText: "",
      headers: { get: (name) => (name.toLowerCase() === "content-type" ? contentType : null) },
      text: async () => (typeof body === "string" ? body : JSON.stringify(body)),
    };
  };
  return { calls, fetchImpl };
}

const INVALID = {
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message: 'Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range',
  reason: "Invalid",
  details: {
    name: "web",
    kind: "Service",
    causes: [{ reason: "FieldValueInvalid", message: "Invalid value: 80: provided port is not in the valid range", field: "spec.ports[0].nodePort" }],
  },
  code: 422,
};

test("resource paths for core, apps and cluster-scoped kinds", () => {
  assert.equal(resourcePath("Service", "default", "web"), "/api/v1/namespaces/default/services/web");
  assert.equal(resourcePath("Service", "default"), "/api/v1/namespaces/default/services");
  assert.equal(resourcePath("Deployment", "shop", "api", "scale"), "/apis/apps/v1/namespaces/shop/deployments/api/scale");
  assert.equal(resourcePath("Node", "", "node-1"), "/api/v1/nodes/node-1");
  assert.equal(resourcePath("Job", "x", "j"), "/apis/batch/v1/namespaces/x/jobs/j");
  assert.throws(() => resourcePath("Pod", "", "p"), /needs a namespace/);
  assert.throws(() => resourcePath("Widget", "a", "b"), /unknown kind/);
});

test("query strings skip empty values", () => {
  assert.equal(withQuery("/p", { dryRun: "All", namespace: "", x: undefined }), "/p?dryRun=All");
  assert.equal(withQuery("/p", { dryRun: "" }), "/p");
});

test("a Status becomes an ApiError with status, reason and causes", () => {
  const err = errorFromResponse(422, "Unprocessable Entity", INVALID);
  assert.ok(err instanceof ApiError && err instanceof Error);
  assert.equal(err.status, 422);
  assert.equal(err.reason, "Invalid");
  assert.equal(err.message, INVALID.message);
  assert.deepEqual(err.causes, [{ field: "spec.ports[0].nodePort", message: "Invalid value: 80: provided port is not in the valid range", reason: "FieldValueInvalid" }]);
});

test("a non-Status failure still has a status, a reason and a readable message", () => {
  const html = errorFromResponse(502, "Bad Gateway", "<html>oops</html>");
  assert.equal(html.status, 502);
  assert.equal(html.message, "502 Bad Gateway");
  const textual = errorFromResponse(403, "Forbidden", "CSRF cookie not set.");
  assert.equal(textual.reason, "Forbidden");
  assert.equal(textual.message, "CSRF cookie not set.");
  assert.deepEqual(textual.causes, []);
});

test("writes carry the CSRF token and a JSON body; reads carry no token", async () => {
  const { calls, fetchImpl } = fakeFetch({ status: 201, body: { kind: "Service" } });
  const api = createApi({ csrfToken: "tok", fetchImpl });
  const created = await api.post("/api/v1/namespaces/default/services", { json: { a: 1 } });
  assert.deepEqual(created, { kind: "Service" });
  await api.get("/api/v1/services");
  const [post, get] = calls;
  assert.equal(post.init.method, "POST");
  assert.equal(post.init.headers["X-CSRFToken"], "tok");
  assert.equal(post.init.headers["Content-Type"], "application/json");
  assert.equal(post.init.body, '{"a":1}');
  assert.equal(post.init.credentials, "same-origin");
  assert.equal(get.init.headers["X-CSRFToken"], undefined);
  assert.equal(get.init.body, undefined);
});

test("PATCH defaults to a merge patch; YAML bodies are sent as YAML", async () => {
  const { calls, fetchImpl } = fakeFetch({ status: 200, body: {} });
  const api = createApi({ csrfToken: "tok", fetchImpl });
  await api.patch("/api/v1/nodes/n", { json: { spec: { unschedulable: true } } });
  await api.post("/portolan/v1/apply", { yaml: "kind: Service\n", query: { dryRun: "All" } });
  assert.equal(calls[0].init.headers["Content-Type"], "application/merge-patch+json");
  assert.equal(calls[1].url, "/portolan/v1/apply?dryRun=All");
  assert.equal(calls[1].init.headers["Content-Type"], "application/yaml");
  assert.equal(calls[1].init.body, "kind: Service\n");
});

test("a failed request rejects with the parsed Status", async () => {
  const { fetchImpl } = fakeFetch({ status: 422, body: INVALID });
  const api = createApi({ fetchImpl });
  await assert.rejects(api.put("/api/v1/namespaces/default/services/web", { json: {} }), (err) => {
    assert.equal(err.status, 422);
    assert.equal(err.causes[0].field, "spec.ports[0].nodePort");
    return true;
  });
});

test("a request that never got an answer is status 0", async () => {
  const api = createApi({
    fetchImpl: async () => {
      throw new TypeError("Failed to fetch");
    },
  });
  await assert.rejects(api.get("/api/v1/pods"), (err) => err.status === 0 && err.reason === "NetworkError");
});
