import assert from "node:assert/strict";
import { test } from "node:test";

import {
  emptyForm,
  emptyPort,
  fieldKeyFor,
  formToService,
  hopState,
  mapCauses,
  mergePatch,
  editPatch,
  previewSummary,
  serviceToForm,
  setField,
  visibleFields,
} from "./service-model.js";

function form(overrides = {}) {
  return { ...emptyForm("default"), ...overrides };
}

function port(overrides = {}) {
  return { ...emptyPort(), ...overrides };
}

const STORED = {
  apiVersion: "v1",
  kind: "Service",
  metadata: {
    name: "web",
    namespace: "shop",
    resourceVersion: "42",
    uid: "u-1",
    labels: { team: "a" },
    annotations: { note: "keep me" },
  },
  spec: {
    type: "NodePort",
    selector: { app: "web", tier: "front" },
    ports: [
      { name: "http", protocol: "TCP", port: 80, targetPort: "http", nodePort: 30080, appProtocol: "http" },
      { name: "dns", protocol: "UDP", port: 53, targetPort: 5353, nodePort: 30053 },
    ],
    clusterIP: "10.96.0.20",
    clusterIPs: ["10.96.0.20"],
    ipFamilies: ["IPv4"],
    ipFamilyPolicy: "SingleStack",
    sessionAffinity: "ClientIP",
    sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
    externalTrafficPolicy: "Local",
    internalTrafficPolicy: "Cluster",
  },
  status: { loadBalancer: {} },
};

test("a new ClusterIP service: selector, named and numbered target ports, no cluster IP sent", () => {
  const state = form({
    name: " web ",
    selector: [{ key: "app", value: "web" }, { key: "", value: "" }],
    ports: [
      port({ name: "http", port: "80", targetPort: "http" }),
      port({ name: "metrics", port: "9090", targetPort: "9091", nodePort: "30000" }),
    ],
  });
  const { body, portRows } = formToService(state);
  assert.deepEqual(body, {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "default" },
    spec: {
      type: "ClusterIP",
      selector: { app: "web" },
      ports: [
        { name: "http", protocol: "TCP", port: 80, targetPort: "http" },
        // a node port is not sent for a ClusterIP service (its field is hidden)
        { name: "metrics", protocol: "TCP", port: 9090, targetPort: 9091 },
      ],
      sessionAffinity: "None",
      internalTrafficPolicy: "Cluster",
    },
  });
  assert.deepEqual(portRows, [0, 1]);
});

test("blank port rows are not sent and portRows maps body ports back to form rows", () => {
  const state = form({
    name: "web",
    ports: [port(), port({ port: "80" }), port(), port({ name: "x" })],
  });
  const { body, portRows } = formToService(state);
  assert.equal(body.spec.ports.length, 2);
  assert.deepEqual(portRows, [1, 3]);
  // A row with only a name is sent without a port so the server says what is missing.
  assert.deepEqual(body.spec.ports[1], { name: "x", protocol: "TCP" });
});

test("an empty target port is left for the server to default; a numeric one is a number", () => {
  const { body } = formToService(form({ ports: [port({ port: "80", targetPort: " " })] }));
  assert.equal("targetPort" in body.spec.ports[0], false);
  const numeric = formToService(form({ ports: [port({ port: "80", targetPort: "8080" })] })).body;
  assert.equal(numeric.spec.ports[0].targetPort, 8080);
});

test("headless is ClusterIP with clusterIP None, whichever control chose it", () => {
  let state = setField(form(), "type", "Headless");
  assert.equal(state.clusterIPMode, "None");
  let { body } = formToService(state);
  assert.equal(body.spec.type, "ClusterIP");
  assert.equal(body.spec.clusterIP, "None");
  assert.deepEqual(body.spec.clusterIPs, ["None"]);
  state = setField(state, "clusterIPMode", "auto");
  assert.equal(state.type, "ClusterIP");
  state = setField(state, "clusterIPMode", "None");
  assert.equal(state.type, "Headless");
  state = setField(state, "type", "ClusterIP");
  assert.equal(state.clusterIPMode, "auto");
  // NodePort with None is not turned into headless: the server says it is not allowed.
  state = setField(setField(form(), "type", "NodePort"), "clusterIPMode", "None");
  assert.equal(state.type, "NodePort");
  ({ body } = formToService(state));
  assert.equal(body.spec.clusterIP, "None");
});

test("a given cluster IP is sent as clusterIP and clusterIPs", () => {
  const state = form({ clusterIPMode: "given", clusterIP: " 10.96.1.1 " });
  const { body } = formToService(state);
  assert.equal(body.spec.clusterIP, "10.96.1.1");
  assert.deepEqual(body.spec.clusterIPs, ["10.96.1.1"]);
});

test("NodePort and LoadBalancer send node ports and the external traffic policy", () => {
  const state = form({
    type: "LoadBalancer",
    externalTrafficPolicy: "Local",
    ports: [port({ port: "80", nodePort: "30080" }), port({ port: "81", nodePort: "" })],
  });
  const { body } = formToService(state);
  assert.equal(body.spec.type, "LoadBalancer");
  assert.equal(body.spec.ports[0].nodePort, 30080);
  assert.equal("nodePort" in body.spec.ports[1], false);
  assert.equal(body.spec.externalTrafficPolicy, "Local");
  assert.equal("externalTrafficPolicy" in formToService(form()).body.spec, false);
});

test("ExternalName sends the external name and no selector, cluster IP or policies", () => {
  const state = form({
    type: "ExternalName",
    externalName: "db.example.com",
    selector: [{ key: "app", value: "db" }],
    ports: [port()],
  });
  const { body } = formToService(state);
  assert.deepEqual(body.spec, { type: "ExternalName", externalName: "db.example.com" });
});

test("session affinity ClientIP sends its timeout when given", () => {
  let { body } = formToService(form({ sessionAffinity: "ClientIP", sessionAffinityTimeout: "600" }));
  assert.deepEqual(body.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 600 } });
  ({ body } = formToService(form({ sessionAffinity: "ClientIP" })));
  assert.equal("sessionAffinityConfig" in body.spec, false); // the server defaults 10800
  ({ body } = formToService(form({ sessionAffinity: "None", sessionAffinityTimeout: "600" })));
  assert.equal("sessionAffinityConfig" in body.spec, false);
});

test("a stored service round-trips through the form unchanged (except status)", () => {
  const state = serviceToForm(STORED);
  assert.equal(state.type, "NodePort");
  assert.equal(state.clusterIPMode, "given");
  assert.deepEqual(state.selector, [
    { key: "app", value: "web" },
    { key: "tier", value: "front" },
  ]);
  assert.equal(state.ports[0].targetPort, "http");
  assert.equal(state.ports[0].nodePort, "30080");
  assert.equal(state.sessionAffinityTimeout, "600");
  const { body } = formToService(state, STORED);
  const expected = structuredClone(STORED);
  delete expected.status;
  assert.deepEqual(body, expected);
});

test("editing keeps what the form does not manage and the stored cluster IP in auto mode", () => {
  const state = { ...serviceToForm(STORED), clusterIPMode: "auto", type: "ClusterIP" };
  const { body } = formToService(state, STORED);
  assert.equal(body.metadata.resourceVersion, "42");
  assert.deepEqual(body.metadata.annotations, { note: "keep me" });
  assert.equal(body.spec.clusterIP, "10.96.0.20");
  assert.deepEqual(body.spec.clusterIPs, ["10.96.0.20"]);
  assert.equal(body.spec.ports[0].appProtocol, "http");
  // ClusterIP: node ports and the external traffic policy are dropped.
  assert.equal("nodePort" in body.spec.ports[0], false);
  assert.equal("externalTrafficPolicy" in body.spec, false);
  assert.equal(STORED.spec.ports[0].nodePort, 30080, "the stored object is not modified");
});

test("a headless stored service opens as Headless", () => {
  const svc = { metadata: { name: "db", namespace: "default" }, spec: { clusterIP: "None", type: "ClusterIP", ports: [] } };
  const state = serviceToForm(svc);
  assert.equal(state.type, "Headless");
  assert.equal(state.clusterIPMode, "None");
  assert.deepEqual(state.selector, [{ key: "", value: "" }]);
});

test("visible fields follow the type", () => {
  const v = (type, extra = {}) => visibleFields(form({ type, ...extra }));
  assert.equal(v("ClusterIP").nodePort, false);
  assert.equal(v("NodePort").nodePort, true);
  assert.equal(v("LoadBalancer").externalTrafficPolicy, true);
  assert.equal(v("ClusterIP").externalTrafficPolicy, false);
  assert.equal(v("ExternalName").externalName, true);
  assert.equal(v("ExternalName").selector, false);
  assert.equal(v("ExternalName").clusterIPMode, false);
  assert.equal(v("ClusterIP").clusterIP, false);
  assert.equal(v("ClusterIP", { clusterIPMode: "given" }).clusterIP, true);
  assert.equal(v("ClusterIP", { sessionAffinity: "ClientIP" }).sessionAffinityTimeout, true);
});

test("cause paths map to the field they concern", () => {
  const state = form({ type: "NodePort", ports: [port(), port({ port: "80" }), port({ port: "81" })] });
  const rows = [1, 2]; // body port 0 is row 1, body port 1 is row 2
  const cases = [
    ["metadata.name", "name"],
    ["metadata.namespace", "namespace"],
    ["spec.type", "type"],
    ["spec.selector", "selector"],
    ["spec.ports", "ports"],
    ["spec.ports[0].nodePort", "ports.1.nodePort"],
    ["spec.ports[1].targetPort", "ports.2.targetPort"],
    ["spec.ports[1].name", "ports.2.name"],
    ["spec.ports[0]", "ports.1.port"],
    ["spec.ports[7].port", "ports"],
    ["spec.clusterIPs[0]", "clusterIPMode"],
    ["spec.clusterIP", "clusterIPMode"],
    ["spec.externalName", "externalName"],
    ["spec.sessionAffinityConfig.clientIP.timeoutSeconds", "sessionAffinityTimeout"],
    ["spec.externalTrafficPolicy", "externalTrafficPolicy"],
    ["spec.internalTrafficPolicy", "internalTrafficPolicy"],
    ["spec.ipFamilyPolicy", null],
    ["metadata.labels", null],
    ["spec.ports[0].appProtocol", null],
    ["", null],
  ];
  for (const [path, key] of cases) assert.equal(fieldKeyFor(path, state, rows), key, path);
  const given = form({ clusterIPMode: "given" });
  assert.equal(fieldKeyFor("spec.clusterIPs[0]", given), "clusterIP");
});

test("mapCauses puts causes on visible fields and the rest at form level", () => {
  const state = form({ ports: [port({ port: "0" })] });
  const error = {
    status: 422,
    message: 'Service "Web" is invalid: [...]',
    causes: [
      { field: "metadata.name", message: "Invalid value: \"Web\": a DNS-1035 label ..." },
      { field: "spec.ports[0].port", message: "Invalid value: 0: must be between 1 and 65535, inclusive" },
      { field: "spec.ports[0].targetPort", message: "Invalid value: 0: must be between 1 and 65535, inclusive" },
      // nodePort is hidden for ClusterIP: the message must not be lost
      { field: "spec.ports[0].nodePort", message: "Forbidden: may not be used when `type` is 'ClusterIP'" },
      { field: "spec.ipFamilyPolicy", message: "Invalid value" },
    ],
  };
  const { fields, form: formLevel } = mapCauses(error, state, [0]);
  assert.deepEqual(Object.keys(fields).sort(), ["name", "ports.0.port", "ports.0.targetPort"]);
  assert.deepEqual(formLevel, [
    "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    "spec.ipFamilyPolicy: Invalid value",
  ]);
  // An error without causes (a 409, a 403) is one form-level message.
  const conflict = mapCauses({ status: 409, message: 'Operation cannot be fulfilled on services "web"', causes: [] }, state);
  assert.deepEqual(conflict, { fields: {}, form: ['Operation cannot be fulfilled on services "web"'] });
});

test("preview summary and hop states", () => {
  assert.equal(previewSummary({ podsTotal: 0, pods: [], endpoints: { subsets: [] } }), "The selector matches no pods: the service would have no endpoints.");
  const p = {
    podsTotal: 3,
    pods: [{ endpoint: "ready" }, { endpoint: "notReady" }, { endpoint: null }],
    endpoints: { subsets: [] },
  };
  assert.equal(previewSummary(p), "The selector matches 3 pods: 1 ready, 1 not ready.");
  assert.equal(previewSummary({ endpoints: null, endpointsReason: "ExternalName services have no endpoints" }), "ExternalName services have no endpoints");
  assert.equal(hopState({ containerPort: 8080, endpoint: "ready" }), "ready");
  assert.equal(hopState({ containerPort: 8080, endpoint: "notReady" }), "notReady");
  assert.equal(hopState({ containerPort: null, endpoint: null }), "unresolved");
  assert.equal(hopState({ containerPort: 8080, endpoint: null }), "excluded");
});

test("merge patches: changed values, removed keys as null, lists whole", () => {
  assert.deepEqual(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { a: 1, b: { c: 5 }, l: [1], e: "x" }), {
    b: { c: 5, d: null },
    l: [1],
    e: "x",
  });
  assert.deepEqual(mergePatch({ a: { b: 1 } }, { a: { b: 1 } }), {});
});

test("an edit is a merge patch of only what the user changed", () => {
  const state = serviceToForm(STORED);
  assert.deepEqual(editPatch(state, STORED).patch, {}, "opening and saving changes nothing");
  let edited = setField(state, "type", "ClusterIP");
  edited = { ...edited, selector: [{ key: "app", value: "web" }] };
  const { patch, portRows } = editPatch(edited, STORED);
  assert.deepEqual(patch, {
    spec: {
      type: "ClusterIP",
      selector: { tier: null },
      ports: [
        { name: "http", protocol: "TCP", port: 80, targetPort: "http", appProtocol: "http" },
        { name: "dns", protocol: "UDP", port: 53, targetPort: 5353 },
      ],
      externalTrafficPolicy: null,
    },
  });
  assert.deepEqual(portRows, [0, 1]);
  assert.equal("resourceVersion" in (patch.metadata || {}), false);
});
