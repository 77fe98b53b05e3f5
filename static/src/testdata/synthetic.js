// A synthetic cluster shaped like the live feed's topology view (Kubernetes JSON as
// cluster/live.py sends it), for the level-of-detail tests and the buildView timing script.
// Deterministic: the same arguments give the same objects.

export function syntheticCluster({
  services = 1000,
  podsPerService = 10,
  namespaces = 20,
  nodes = 3,
  notReadyEvery = 97, // every Nth pod is not ready
  emptyEvery = 101, // every Nth service selects nothing
  namedPortEvery = 53, // every Nth service uses a named targetPort its pods lack
  nodePortEvery = 10, // every Nth service is a NodePort
} = {}) {
  const objects = [];
  const nodeIPs = [];
  for (let n = 0; n < nodes; n++) {
    nodeIPs.push(`172.18.0.${n + 2}`);
    objects.push({
      kind: "Node",
      apiVersion: "v1",
      metadata: { name: `node-${n + 1}`, resourceVersion: "1" },
      spec: { podCIDR: `10.244.${n}.0/24` },
      status: {
        addresses: [{ type: "InternalIP", address: nodeIPs[n] }],
        conditions: [{ type: "Ready", status: "True" }],
      },
    });
  }
  for (let i = 0; i < namespaces; i++) {
    objects.push({
      kind: "Namespace",
      apiVersion: "v1",
      metadata: { name: `ns-${i}`, resourceVersion: "1" },
      status: { phase: "Active" },
    });
  }
  let podNo = 0;
  for (let s = 0; s < services; s++) {
    const ns = `ns-${s % namespaces}`;
    const app = `app-${s}`;
    const rs = `${app}-5d9f8c7b6`;
    const empty = emptyEvery && s % emptyEvery === emptyEvery - 1;
    const named = namedPortEvery && s % namedPortEvery === namedPortEvery - 1;
    const nodePort = nodePortEvery && s % nodePortEvery === 0;
    const port = {
      name: "http",
      protocol: "TCP",
      port: 80,
      targetPort: named ? "metrics" : 8080,
    };
    if (nodePort) port.nodePort = 30000 + s;
    objects.push({
      kind: "Service",
      apiVersion: "v1",
      metadata: { name: app, namespace: ns, resourceVersion: "1" },
      spec: {
        type: nodePort ? "NodePort" : "ClusterIP",
        clusterIP: `10.96.${(s >> 8) & 255}.${s & 255}`,
        clusterIPs: [`10.96.${(s >> 8) & 255}.${s & 255}`],
        ports: [port],
        selector: { app: empty ? `${app}-nothing` : app },
        sessionAffinity: "None",
      },
      status: { loadBalancer: {} },
    });
    objects.push({
      kind: "Deployment",
      apiVersion: "apps/v1",
      metadata: { name: app, namespace: ns, labels: { app }, resourceVersion: "1" },
      spec: { replicas: podsPerService, selector: { matchLabels: { app } } },
      status: { replicas: podsPerService, readyReplicas: podsPerService },
    });
    objects.push({
      kind: "ReplicaSet",
      apiVersion: "apps/v1",
      metadata: {
        name: rs,
        namespace: ns,
        labels: { app, "pod-template-hash": "5d9f8c7b6" },
        ownerReferences: [{ kind: "Deployment", name: app, controller: true }],
        resourceVersion: "1",
      },
      spec: { replicas: podsPerService, selector: { matchLabels: { app } } },
      status: { replicas: podsPerService },
    });
    const addresses = [];
    const notReadyAddresses = [];
    for (let p = 0; p < podsPerService; p++) {
      const name = `${rs}-${String(p).padStart(5, "0")}`;
      const node = podNo % nodes;
      const ip = `10.${100 + node}.${(podNo >> 8) & 255}.${podNo & 255}`;
      const ready = !(notReadyEvery && podNo % notReadyEvery === notReadyEvery - 1);
      podNo++;
      objects.push({
        kind: "Pod",
        apiVersion: "v1",
        metadata: {
          name,
          namespace: ns,
          labels: { app, "pod-template-hash": "5d9f8c7b6" },
          ownerReferences: [{ kind: "ReplicaSet", name: rs, controller: true }],
          resourceVersion: "1",
        },
        spec: {
          nodeName: `node-${node + 1}`,
          containers: [{ name: "web", ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }] }],
        },
        status: {
          phase: "Running",
          podIP: ip,
          hostIP: nodeIPs[node],
          conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
        },
      });
      const addr = {
        ip,
        nodeName: `node-${node + 1}`,
        targetRef: { kind: "Pod", name, namespace: ns },
      };
      (ready ? addresses : notReadyAddresses).push(addr);
    }
    const subsets =
      empty || named
        ? []
        : [{ addresses, notReadyAddresses, ports: [{ name: "http", port: 8080, protocol: "TCP" }] }];
    objects.push({
      kind: "Endpoints",
      apiVersion: "v1",
      metadata: { name: app, namespace: ns, resourceVersion: "1" },
      subsets,
    });
  }
  return objects;
}

/** A read-only store over `objects` with the Store's reading API (all, get). */
export function staticStore(objects) {
  const byKind = new Map();
  for (const obj of objects) {
    let m = byKind.get(obj.kind);
    if (!m) byKind.set(obj.kind, (m = new Map()));
    m.set(`${obj.metadata.namespace || ""}/${obj.metadata.name}`, obj);
  }
  return {
    all: (kind) => byKind.get(kind)?.values() ?? [],
    get: (kind, ns, name) => byKind.get(kind)?.get(`${ns || ""}/${name}`),
  };
}
