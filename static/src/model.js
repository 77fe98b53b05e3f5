/**
 * model.js — the topology the graph and the table draw, as one pure function over the objects
 * of the live feed. No DOM, no I/O; deterministic (same input → same View, same order).
 *
 *   import { buildView } from "./model.js";
 *   const view = buildView(store, { namespaces: null, expanded: new Set(), collapseAbove: 5,
 *                                   maxPods: 1500 });
 *
 *   // the same View kept up to date change by change (what the page uses; see model/builder.js)
 *   const builder = new ViewBuilder(options);
 *   let view = builder.update(store);                 // everything
 *   view = builder.update(store, batch.changes);      // only what these Store changes touch
 *
 * Also exported (pure, for the table, the forms' selector preview and tests): selects,
 * serviceSelector, selectorMatches, portHop / portChain (FindPort), effectiveTargetPort,
 * isPodReady, shouldPodBeInEndpoints, controllerEndpointState, endpointsIndex, entryPoints,
 * internalIP, ids (the id builders, model/ids.js).
 *
 * This file is the public face of the package static/src/model/ and documents its API; the code
 * lives in model/rules.js (the Kubernetes rules), ids.js (ids and orderings), builder.js
 * (buildView, ViewBuilder, folding and levels of detail), records.js (the builder's state),
 * services.js (a service's selection, readiness and chains), problems.js (pods' and workloads'
 * problems) and view.js (nodes, edges, rows and the assembled View).
 *
 * `store` is anything with `all(kind)` (iterable of Kubernetes JSON objects) and
 * `get(kind, namespace, name)` (namespace "" for cluster-scoped kinds) — the Store of store.js.
 * Kinds read: Namespace, Node, Pod, Service, Endpoints, Deployment, ReplicaSet, StatefulSet,
 * DaemonSet, Job.
 *
 * OPTIONS
 *   namespaces     Set<string> | null   only these namespaces (null: all)
 *   expanded       Set<workloadId>      workloads the user unfolded (ids as below)
 *   collapsed      Set<workloadId>      [additive] workloads the user folded although small enough to
 *                                       be drawn unfolded (expanded wins if an id is in both)
 *   collapseAbove  number (5)           a workload with more pods than this is folded unless expanded
 *   maxPods        number (1500)        level of detail: if more than this many pods would be drawn,
 *                                       every workload is folded (expanded ones stay open, in id
 *                                       order, while they fit in this budget) and standalone pods of a
 *                                       namespace are folded into one group (`wl:<ns>/Pod/*`)
 *   maxEntries     number (600)         [additive] above this many entry-point nodes, entry points are
 *                                       not drawn as nodes (they stay in the service's data.entries)
 *   maxNodes       number (3000)        [additive] second level of detail: if namespaces + services +
 *                                       workloads + drawn pods still exceed this, the "quiet" workloads
 *                                       of each namespace (no problem, selected by no service, not in
 *                                       `expanded`) become one folded node `wl:<ns>/*` (kind "*",
 *                                       data.workloads lists them); that id in `expanded` keeps them apart
 *
 * VIEW  (contract fields first; fields marked + are additive)
 *   { nodes: [ViewNode], edges: [ViewEdge],
 *     counts: { services, pods, drawnNodes, drawnEdges,
 *               +workloads, +problems (nodes with problems),
 *               +lod (bool: a level of detail folded or merged something) },
 *     +services: [ServiceRow] }        one row per visible Service, for the table (see below)
 *
 * IDS (stable: derived from kind/namespace/name only, so a change keeps every other id)
 *   ns:<ns>                                namespace
 *   svc:<ns>/<name>                        service
 *   wl:<ns>/<Kind>/<name>                  workload (Deployment, StatefulSet, DaemonSet, Job, or a
 *                                          ReplicaSet without a Deployment); wl:<ns>/Pod/* is the
 *                                          level-of-detail group of standalone pods, wl:<ns>/* the
 *                                          group of quiet workloads (see maxNodes)
 *   pod:<ns>/<name>                        pod
 *   entry:nodeport:<ns>/<svc>:<nodePort>   one node per node port (data.addresses = every node's
 *                                          InternalIP:nodePort)
 *   entry:lb:<ns>/<svc>:<ip-or-hostname>   load-balancer ingress
 *   entry:externalip:<ns>/<svc>:<ip>       spec.externalIPs
 *   ext:<externalName>                     the DNS name an ExternalName service points at (shared
 *                                          by every service naming it)
 *   addr:<ns>/<svc>/<ip>                   a manual endpoint address of a selector-less service that
 *                                          no pod backs (type "external", data.kind "address")
 *   edges: <source>-><target>
 *
 * VIEWNODE
 *   { id, type: "namespace"|"service"|"workload"|"pod"|"entry"|"external",
 *     parent?: namespace id (services, workloads, entries, standalone pods) or workload id (pods
 *              drawn inside an unfolded workload); external nodes have no parent,
 *     label, namespace ("" for external nodes), name, kind (Kubernetes kind, "External" for
 *     external nodes, "Entry" for entries), problems: [string], data }
 *   data by type:
 *   namespace  { phase, +services, +pods, +problems (count of problem nodes inside) }
 *   service    { type ("ClusterIP"|"NodePort"|"LoadBalancer"|"ExternalName"), clusterIP,
 *                clusterIPs, headless (clusterIP "None"), externalName|null,
 *                ports: [{name, protocol, port, targetPort, nodePort|null}],
 *                selector: {..}|null, sessionAffinity, publishNotReadyAddresses,
 *                endpoints: {ready, notReady, total}  (from the Endpoints object when there is one,
 *                           else from the selected pods),
 *                entries: [{kind: "nodePort"|"loadBalancer"|"externalIP", address, port, servicePort}]
 *                         (every entry point, also when not drawn),
 *                manualEndpoints: [{ip, ready, nodeName|null, pod|null (pod id)}] (selector-less only),
 *                pending: bool (LoadBalancer without ingress) }
 *   workload   { kind, ready, total (pods present), succeeded, desired (spec.replicas|null),
 *                expanded (drawn unfolded), folded (pods hidden), pods: [pod id],
 *                workloads?: [workload id] (only on the wl:<ns>/* group) }
 *   pod        { phase, ready (Ready condition), node|null, ip|null, hostIP|null, terminating,
 *                workload: wl id|null, labels, services: [svc id] }
 *   entry      { kind: "nodePort"|"loadBalancer"|"externalIP",
 *                address (nodePort: "<first node IP>:<nodePort>"; others: the IP or hostname),
 *                addresses: ["<address>:<port>", ...] (nodePort: one per node; others: one per
 *                service port), ports: [port numbers], port (the first), service: svc id }
 *   external   { kind: "externalName"|"address", address,
 *                ready, service: svc id (address only; at most 20 address nodes per service) }
 *
 * PROBLEM STRINGS (problem nodes are never folded away: a folded workload carries its pods')
 *   service:  "no endpoints" (nothing serves it: no ready and no not-ready endpoint),
 *             "no ready endpoints (N not ready)",
 *             "port <name|port> unresolved in pod <pod>" / "... in N pods"
 *             "load balancer pending"
 *             (ExternalName services have no endpoints by design: no problem)
 *   pod:      one of "pod not ready", "pod failed", "pod pending", "pod terminating",
 *             "pod <other phase, lower case>" (a Succeeded pod has none), and per service
 *             "port <name|port> of service <svc> unresolved"
 *   workload: "N of M pods not ready", "N pods failed", "port <p> of service <svc> unresolved in
 *             N pods" (its pods' problems, counted, whether folded or not), "K of D replicas"
 *             (fewer pods than spec.replicas)
 *
 * VIEWEDGE
 *   { id, source, target, type: "selects"|"entry"|"external",
 *     ready: bool (pod / address edge; entry and externalName edges: true)
 *            | {ready, total} (service → folded workload: counted over its selected pods),
 *     chains: [{servicePort (number), protocol, targetPort (number|string), containerPort|null,
 *               containerName|null, resolved, reason|null, +portName, +nodePort|null,
 *               +declared (an integer targetPort some container declares)}],
 *             (one per service port; for a folded workload the chain of its first pod with an
 *              unresolved hop, else of its first pod; [] for entry/external edges)
 *     +endpoint: "ready"|"notReady"|"absent" (selects edges to a pod, and address edges: where
 *                it stands in the service's Endpoints; "absent" = not an endpoint, e.g. no IP,
 *                terminating, finished, or not (yet) listed by the Endpoints object)
 *     +via: "selector"|"endpoints" (selects: chosen by selector or by an Endpoints targetRef)
 *     +pods: number (service → folded workload: how many of its pods the service selects) }
 *
 * READINESS (per service and pod): when the service has an Endpoints object, the pod's place in it
 * (addresses → ready, notReadyAddresses → not ready, matched by targetRef name, else absent); with
 * no Endpoints object, the endpoints controller's rule (ShouldPodBeInEndpoints: not Succeeded or
 * Failed, has an IP, not terminating unless publishNotReadyAddresses; then ready if the Ready
 * condition is True or publishNotReadyAddresses).
 *
 * SERVICEROW (+view.services, for the table; sorted by namespace, name)
 *   { id, namespace, name, type, clusterIP, headless, externalName, ports, endpoints, problems,
 *     entries, manualEndpoints, labels (the Service's metadata.labels),
 *     pods: [{id, name, namespace, phase, ready, endpoint, node, ip, chains, workload, labels,
 *             problems}] }   every pod the service selects (folded or not), sorted by id
 */

export { buildView, ViewBuilder } from "./model/builder.js";
export { ids } from "./model/ids.js";
export {
  controllerEndpointState,
  effectiveTargetPort,
  endpointsIndex,
  entryPoints,
  internalIP,
  isPodReady,
  portChain,
  portHop,
  selectorMatches,
  selects,
  serviceSelector,
  shouldPodBeInEndpoints,
} from "./model/rules.js";
