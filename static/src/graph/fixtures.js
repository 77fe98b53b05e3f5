// Small hand-made Views (the shape model.js produces) for the graph's tests.

export function ns(name) {
  return { id: `ns:${name}`, type: "namespace", label: name, namespace: name, name, kind: "Namespace", problems: [], data: { phase: "Active" } };
}

export function svc(namespace, name, data = {}, problems = []) {
  return {
    id: `svc:${namespace}/${name}`,
    type: "service",
    parent: `ns:${namespace}`,
    label: name,
    namespace,
    name,
    kind: "Service",
    problems,
    data: { type: "ClusterIP", clusterIP: "10.96.0.10", headless: false, ports: [{ name: "http", protocol: "TCP", port: 80, targetPort: "http", nodePort: null }], ...data },
  };
}

export function pod(namespace, name, { parent = `ns:${namespace}`, ready = true, problems = [] } = {}) {
  return {
    id: `pod:${namespace}/${name}`,
    type: "pod",
    parent,
    label: name,
    namespace,
    name,
    kind: "Pod",
    problems,
    data: { phase: "Running", ready, node: "node-1", ip: "10.244.0.5", labels: { app: "web" } },
  };
}

export function workload(namespace, name, { expanded = false, ready = 2, total = 2 } = {}) {
  return {
    id: `wl:${namespace}/Deployment/${name}`,
    type: "workload",
    parent: `ns:${namespace}`,
    label: name,
    namespace,
    name,
    kind: "Deployment",
    problems: [],
    data: { kind: "Deployment", ready, total, expanded, folded: !expanded, pods: [] },
  };
}

export function entry(namespace, service, port) {
  return {
    id: `entry:nodeport:${namespace}/${service}:${port}`,
    type: "entry",
    parent: `ns:${namespace}`,
    label: `:${port}`,
    namespace,
    name: `${service}:${port}`,
    kind: "Entry",
    problems: [],
    data: { kind: "nodePort", address: `172.18.0.2:${port}`, addresses: [`172.18.0.2:${port}`], port, service: `svc:${namespace}/${service}` },
  };
}

export function external(name) {
  return { id: `ext:${name}`, type: "external", label: name, namespace: "", name, kind: "External", problems: [], data: { kind: "externalName", address: name } };
}

export function selects(source, target, { resolved = true, ready = true } = {}) {
  return {
    id: `${source}->${target}`,
    source,
    target,
    type: "selects",
    ready,
    chains: [
      {
        servicePort: 80,
        protocol: "TCP",
        targetPort: "http",
        containerPort: resolved ? 8080 : null,
        containerName: resolved ? "web" : null,
        resolved,
        reason: resolved ? null : "no container port named http",
      },
    ],
  };
}

export function link(type, source, target) {
  return { id: `${source}->${target}`, source, target, type, ready: true, chains: [] };
}

/** default: web (3 pods, NodePort entry), db (headless, 1 pod); shop: api → folded workload; ext. */
export function sampleView() {
  const nodes = [
    ns("default"),
    ns("shop"),
    ns("empty"),
    svc("default", "web", { type: "NodePort" }),
    svc("default", "db", { headless: true, clusterIP: "None" }),
    svc("default", "mail", { type: "ExternalName", externalName: "mail.example.com" }),
    pod("default", "web-1"),
    pod("default", "web-2"),
    pod("default", "web-3", { ready: false, problems: ["pod not ready"] }),
    pod("default", "db-0"),
    entry("default", "web", 30080),
    external("mail.example.com"),
    svc("shop", "api"),
    workload("shop", "api", { ready: 8, total: 9 }),
  ];
  const edges = [
    selects("svc:default/web", "pod:default/web-1"),
    selects("svc:default/web", "pod:default/web-2"),
    selects("svc:default/web", "pod:default/web-3", { ready: false }),
    selects("svc:default/db", "pod:default/db-0", { resolved: false }),
    link("entry", "entry:nodeport:default/web:30080", "svc:default/web"),
    link("external", "svc:default/mail", "ext:mail.example.com"),
    { ...selects("svc:shop/api", "wl:shop/Deployment/api"), ready: { ready: 8, total: 9 } },
  ];
  return { nodes, edges, counts: { services: 4, pods: 4, drawnNodes: nodes.length, drawnEdges: edges.length } };
}
