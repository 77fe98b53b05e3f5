"""Simulated traffic through the Services' data path (discovery.md §4.3).

A source — a pod (``namespace/name``), a node (its name) or a client outside the cluster (an
IP) — opens ``count`` connections to a destination: a DNS name (resolved as the pod would,
by the cluster DNS helper), a cluster IP, a node IP with a node port, a load-balancer ingress
IP or an external IP, or a pod IP. Each connection goes where the packets would:

* the kube-proxy that sees it: the source's own node for cluster IPs, external IPs and LB
  VIPs sent from inside the cluster; the node owning the address for node ports; for clients
  outside, the node the load balancer picks (with ``externalTrafficPolicy: Local`` only
  nodes whose health check passes) or, for external IPs, any Ready node;
* that node's rules (:mod:`cluster.proxy.rules`): ``CategorizeEndpoints``, the internal or
  external policy chain, REJECT with no endpoints, DROP with a Local policy and no endpoint
  on the node, ``loadBalancerSourceRanges``;
* a uniform random endpoint of the chain (seeded RNG), or the endpoint ClientIP affinity
  pins the client to: per node and service port, an entry per (endpoint, client IP) refreshed
  on every new connection and valid for ``timeoutSeconds`` on a simulated clock (connection
  *i* starts at ``i × interval`` seconds), lost when the endpoint leaves the chain;
* the pod behind the endpoint, which accepts the connection when it listens on the port
  (:mod:`cluster.proxy.podhttp`).

The report counts connections per endpoint, lists every failed attempt with its reason, and
gives each distinct path (source → DNS → service entry → node → endpoint pod, with the port
translation) once with its count, plus the path index of every attempt in order (so a UI can
animate them). Assumptions where the real network is out of kube-proxy's hands: pods are
told apart from other sources by the cluster's pod range (``--detect-local-mode
ClusterCIDR``); DNS answers with several addresses are used round-robin-like (each
connection picks one uniformly)."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cluster.controllers.podutil import ip_family
from cluster.proxy import podhttp
from cluster.proxy.rules import (
    DNAT,
    DROP,
    FROM_NODE,
    FROM_OTHER,
    FROM_POD,
    REJECT,
    NodeInfo,
    Verdict,
    categorize,
    external_verdict,
    internal_verdict,
    lb_backend_nodes,
    node_infos,
    source_allowed,
)
from cluster.proxy.serviceports import Endpoint, PortInfo, port_infos
from cluster.proxy.traffic_input import (
    BadRequest,
    Cluster,
    Resolver,
    Source,
    parse_destination,
    resolve_destination,
    resolve_source,
)

Obj = dict[str, Any]
MAX_COUNT = 10000
MAX_INTERVAL = 86400.0

DELIVERED = "delivered"
REJECTED = "rejected"
DROPPED = "dropped"
REFUSED = "refused"
UNREACHABLE = "unreachable"
UNRESOLVED = "unresolved"


# --- one connection ------------------------------------------------------------------------


@dataclass
class Attempt:
    outcome: str
    reason: str
    hops: list[Obj]
    endpoint: Endpoint | None = None
    pod: Obj | None = None
    choices: tuple[Endpoint, ...] = ()


@dataclass
class Simulation:
    cluster: Cluster
    source: Source
    protocol: str
    rng: random.Random
    affinity: dict[tuple[str, str, str, str], dict[str, float]] = field(default_factory=dict)
    _nodes: list[NodeInfo] | None = None
    _ports: dict[str, list[PortInfo]] = field(default_factory=dict)
    _pods: dict[str, Obj | None] = field(default_factory=dict)
    _at: dict[str, list[Obj]] = field(default_factory=dict)
    _node_ports: dict[int, Obj | None] = field(default_factory=dict)
    services: dict[str, Obj] = field(default_factory=dict)

    # cached reads
    def nodes(self) -> list[NodeInfo]:
        if self._nodes is None:
            self._nodes = node_infos(self.cluster.nodes())
        return self._nodes

    def node_named(self, name: str) -> NodeInfo | None:
        return next((n for n in self.nodes() if n.name == name), None)

    def ports_of(self, service: Obj) -> list[PortInfo]:
        meta = service["metadata"]
        key = f"{meta.get('namespace', '')}/{meta['name']}"
        if key not in self._ports:
            slices, eps = self.cluster.backends(service)
            self._ports[key] = port_infos(service, slices, eps)
            self.services[key] = service
        return self._ports[key]

    def services_at(self, ip: str) -> list[Obj]:
        if ip not in self._at:
            self._at[ip] = self.cluster.services_at(ip)
        return self._at[ip]

    def service_with_node_port(self, port: int) -> Obj | None:
        if port not in self._node_ports:
            self._node_ports[port] = self.cluster.service_with_node_port(port)
        return self._node_ports[port]

    def pod_at(self, ip: str) -> Obj | None:
        if ip not in self._pods:
            self._pods[ip] = self.cluster.pods_by_ip([ip]).get(ip)
        return self._pods[ip]

    # the walk
    def connect(self, ip: str, port: int, at: float, hops: list[Obj]) -> Attempt:
        hops = hops + [{"hop": "destination", "address": ip, "port": port}]
        owners = self.services_at(ip)
        for service in owners:
            for p in self.ports_of(service):
                if p.port != port or p.protocol != self.protocol:
                    continue
                if ip in p.cluster_ips:
                    return self.via_cluster_ip(p, ip, at, hops)
                if ip in p.lb_vips:
                    return self.via_external(p, "LoadBalancer", ip, port, at, hops)
                if ip in p.external_ips:
                    return self.via_external(p, "ExternalIP", ip, port, at, hops)
                if ip in p.lb_proxy_ips:
                    return self.via_proxy_lb(p, ip, at, hops)
        if owners:
            meta = owners[0]["metadata"]
            return Attempt(
                DROPPED,
                f"{ip} belongs to service {meta.get('namespace', '')}/{meta['name']}, which has "
                f"no {port}/{self.protocol} port: no rule matches and nothing answers (iptables "
                "mode; nftables mode rejects it)",
                hops,
            )
        node = next((n for n in self.nodes() if n.ip == ip), None)
        if node is not None:
            return self.via_node_port(node, port, at, hops)
        pod = self.pod_at(ip)
        if pod is not None:
            return self.direct(pod, ip, port, hops)
        return Attempt(
            UNREACHABLE, f"no pod, node or service has the address {ip}: nothing answers", hops
        )

    def _service_hop(self, p: PortInfo, via: str, address: str, port: int) -> Obj:
        return {
            "hop": "service",
            "namespace": p.namespace,
            "name": p.service,
            "via": via,
            "address": address,
            "port": port,
            "portName": p.name,
            "protocol": p.protocol,
            "targetPort": p.target_port,
        }

    def via_cluster_ip(self, p: PortInfo, ip: str, at: float, hops: list[Obj]) -> Attempt:
        hops = hops + [self._service_hop(p, "ClusterIP", ip, p.port)]
        if self.source.kind == "External":
            return Attempt(
                UNREACHABLE,
                f"cluster IP {ip} is virtual: only the nodes' kube-proxy rules know it, so "
                "nothing routes it from outside the cluster",
                hops,
            )
        node = self.node_named(self.source.node) or NodeInfo(self.source.node, "")
        cat = categorize(p.endpoints_for(ip_family(ip)), p, node.name, node.zone)
        return self.apply(p, internal_verdict(p, cat), node, at, hops)

    def via_node_port(self, node: NodeInfo, port: int, at: float, hops: list[Obj]) -> Attempt:
        service = self.service_with_node_port(port)
        for p in self.ports_of(service) if service is not None else []:
            if p.node_port == port and p.protocol == self.protocol:
                hops = hops + [self._service_hop(p, "NodePort", node.ip, port)]
                if self.source.kind == "Pod" and not self.source.host_network:
                    cls = FROM_POD
                elif self.source.node == node.name:
                    cls = FROM_NODE
                else:
                    cls = FROM_OTHER
                cat = categorize(p.endpoints_for(ip_family(node.ip)), p, node.name, node.zone)
                return self.apply(p, external_verdict(p, cat, cls), node, at, hops)
        return Attempt(
            REFUSED,
            f"connection refused: nothing listens on node {node.name} ({node.ip}) port "
            f"{port}/{self.protocol}, and no service has that node port",
            hops,
        )

    def via_external(
        self, p: PortInfo, via: str, ip: str, port: int, at: float, hops: list[Obj]
    ) -> Attempt:
        hops = hops + [self._service_hop(p, via, ip, port)]
        if self.source.kind == "External":
            if via == "LoadBalancer":
                candidates = lb_backend_nodes(p, self.nodes())
                picked = "the load balancer sends it to"
            else:
                candidates = [n for n in self.nodes() if n.ready] or self.nodes()
                picked = "the network delivers it to"
            if not candidates:
                return Attempt(DROPPED, "there is no node to receive it", hops)
            node = self.rng.choice(candidates)
            hops = hops + [{"hop": "network", "detail": f"{picked} node {node.name}"}]
            cls = FROM_OTHER
        else:
            node = self.node_named(self.source.node) or NodeInfo(self.source.node, "")
            cls = self.source.traffic_class
        if via == "LoadBalancer" and not source_allowed(p, self.source.ip):
            hops = hops + [{"hop": "node", "nodeName": node.name, "rule": "KUBE-FW"}]
            return Attempt(
                DROPPED,
                f"source {self.source.ip} is not in loadBalancerSourceRanges "
                f"({', '.join(p.source_ranges)}): dropped (the client times out)",
                hops,
            )
        cat = categorize(p.endpoints_for(ip_family(ip)), p, node.name, node.zone)
        return self.apply(p, external_verdict(p, cat, cls), node, at, hops)

    def via_proxy_lb(self, p: PortInfo, ip: str, at: float, hops: list[Obj]) -> Attempt:
        hops = hops + [self._service_hop(p, "LoadBalancer", ip, p.port)]
        candidates = lb_backend_nodes(p, self.nodes())
        if not p.node_port or not candidates:
            return Attempt(
                DROPPED, "the proxying load balancer has no node port to send it to", hops
            )
        node = self.rng.choice(candidates)
        hops = hops + [
            {
                "hop": "network",
                "detail": f"the load balancer (ipMode Proxy) connects to node {node.name} "
                f"port {p.node_port}",
            }
        ]
        cat = categorize(p.endpoints_for(ip_family(node.ip)), p, node.name, node.zone)
        return self.apply(p, external_verdict(p, cat, FROM_OTHER), node, at, hops)

    def apply(self, p: PortInfo, v: Verdict, node: NodeInfo, at: float, hops: list[Obj]) -> Attempt:
        node_hop: Obj = {
            "hop": "node",
            "nodeName": node.name,
            "action": v.action,
            "chain": v.chain or None,
            "rule": v.rule or None,
            "masquerade": v.masquerade,
        }
        hops = hops + [node_hop]
        if v.action == REJECT:
            return Attempt(
                REJECTED,
                f"{v.reason}: REJECT on node {node.name} (connection refused: ICMP port "
                "unreachable)",
                hops,
            )
        if v.action == DROP:
            return Attempt(
                DROPPED,
                f"{v.reason}: DROP on node {node.name} (the client times out)",
                hops,
            )
        assert v.action == DNAT
        endpoint = self.choose(p, v.endpoints, node.name, at)
        node_hop["affinity"] = p.affinity_timeout is not None
        seen = node.ip if v.masquerade or self.source.traffic_class == FROM_NODE else None
        if seen is None and self.source.ip == endpoint.ip:
            seen = node.ip  # hairpin: an endpoint reaching itself through the service
        return self.deliver(endpoint, seen or self.source.ip, hops, v.endpoints)

    def choose(self, p: PortInfo, chain: Sequence[Endpoint], node: str, at: float) -> Endpoint:
        client = self.source.ip
        if p.affinity_timeout is not None:
            for e in chain:
                seen = self.affinity.get((node, p.port_name_string, p.protocol, e.address), {})
                last = seen.get(client)
                if last is not None and at - last <= p.affinity_timeout:
                    seen[client] = at
                    return e
        e = chain[self.rng.randrange(len(chain))]
        if p.affinity_timeout is not None:
            key = (node, p.port_name_string, p.protocol, e.address)
            self.affinity.setdefault(key, {})[client] = at
        return e

    def deliver(
        self, e: Endpoint, seen: str, hops: list[Obj], choices: tuple[Endpoint, ...]
    ) -> Attempt:
        pod = self.pod_at(e.ip)
        hop: Obj = {
            "hop": "endpoint",
            "address": e.address,
            "port": e.port,
            "nodeName": e.node or None,
            "sourceSeen": seen,
            "pod": None,
        }
        hops = hops + [hop]
        if pod is None:
            hop["note"] = "not a pod: an address written in the Endpoints"
            return Attempt(DELIVERED, "", hops, e, None, choices)
        meta = pod["metadata"]
        hop["pod"] = {"namespace": meta.get("namespace", ""), "name": meta["name"]}
        try:
            container = podhttp.check_listening(pod, e.port, self.protocol)
        except podhttp.NotListening as err:
            return Attempt(REFUSED, str(err), hops, e, pod, choices)
        hop["container"] = container.get("name")
        return Attempt(DELIVERED, "", hops, e, pod, choices)

    def direct(self, pod: Obj, ip: str, port: int, hops: list[Obj]) -> Attempt:
        if self.source.kind == "External":
            return Attempt(
                UNREACHABLE,
                f"pod IP {ip} is on the cluster's pod network: nothing routes it from outside",
                hops,
            )
        node = (pod.get("spec") or {}).get("nodeName") or ""
        e = Endpoint(
            ip,
            port,
            node=node,
            pod=f"{pod['metadata'].get('namespace', '')}/{pod['metadata']['name']}",
        )
        hops = hops + [{"hop": "network", "detail": "pod network: straight to the pod"}]
        return self.deliver(e, self.source.ip, hops, (e,))


# --- the run -------------------------------------------------------------------------------


def simulate(
    cluster: Cluster,
    *,
    source: str,
    destination: str,
    port: Any = None,
    protocol: Any = None,
    count: int = 100,
    seed: int | None = None,
    interval: float = 1.0,
    resolver: Resolver | None = None,
) -> Obj:
    """Run ``count`` connections; :class:`BadRequest` for invalid input."""
    causes: list[tuple[str, str, Any, str]] = []
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        causes.append(("count", "FieldValueInvalid", count, f"must be between 1 and {MAX_COUNT}"))
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        causes.append(("seed", "FieldValueInvalid", seed, "must be an integer"))
    if (
        isinstance(interval, bool)
        or not isinstance(interval, int | float)
        or not 0 <= interval <= MAX_INTERVAL
    ):
        causes.append(
            ("interval", "FieldValueInvalid", interval, f"must be 0-{MAX_INTERVAL:.0f} seconds")
        )
    try:
        dest = parse_destination(destination, port, protocol)
    except BadRequest as e:
        causes += e.causes
        dest = None
    if causes:
        raise BadRequest(causes)
    assert dest is not None
    src = resolve_source(source, cluster)
    addresses, dns, why = resolve_destination(src, dest, resolver)
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    sim = Simulation(cluster, src, dest.protocol, random.Random(seed))
    first: list[Obj] = [src.hop()]
    paths: dict[str, int] = {}
    path_rows: list[Obj] = []
    sequence: list[int] = []
    per_endpoint: dict[str, Obj] = {}
    failures: dict[tuple[str, str], Obj] = {}
    for i in range(count):
        at = i * float(interval)
        if not addresses:
            attempt = Attempt(
                UNRESOLVED, why, first + [{"hop": "dns", "name": dest.host, "answer": []}]
            )
        else:
            ip = addresses[0] if len(addresses) == 1 else sim.rng.choice(addresses)
            hops = list(first)
            if dns is not None:
                hops.append({"hop": "dns", "name": dest.host, "answer": [ip]})
            attempt = sim.connect(ip, dest.port, at, hops)
        key = json.dumps([attempt.hops, attempt.outcome, attempt.reason], sort_keys=True)
        if key not in paths:
            paths[key] = len(path_rows)
            path_rows.append(
                {
                    "hops": attempt.hops,
                    "outcome": attempt.outcome,
                    "reason": attempt.reason or None,
                    "count": 0,
                }
            )
        index = paths[key]
        path_rows[index]["count"] += 1
        sequence.append(index)
        for e in attempt.choices:
            row = _endpoint_row(per_endpoint, e, sim)
            row["probability"] += 1.0 / len(attempt.choices) / count
        if attempt.outcome == DELIVERED and attempt.endpoint is not None:
            _endpoint_row(per_endpoint, attempt.endpoint, sim)["count"] += 1
        else:
            group = failures.setdefault(
                (attempt.outcome, attempt.reason),
                {"outcome": attempt.outcome, "reason": attempt.reason, "count": 0, "attempts": []},
            )
            group["count"] += 1
            group["attempts"].append(i)
    delivered = sum(r["count"] for r in per_endpoint.values())
    for row in per_endpoint.values():
        row["share"] = row["count"] / count
        row["probability"] = round(row["probability"], 9)
    return {
        "kind": "TrafficSimulation",
        "apiVersion": "portolan/v1",
        "source": {k: v for k, v in src.hop().items() if k != "hop"},
        "destination": {
            "input": dest.text,
            "host": dest.host,
            "port": dest.port,
            "protocol": dest.protocol,
        },
        "dns": dns,
        "count": count,
        "seed": seed,
        "interval": float(interval),
        "services": [_service_summary(s, sim) for s in sim.services.values()],
        "delivered": delivered,
        "failed": count - delivered,
        "endpoints": sorted(per_endpoint.values(), key=lambda r: r["address"]),
        "failures": list(failures.values()),
        "paths": path_rows,
        "sequence": sequence,
    }


def _endpoint_row(rows: dict[str, Obj], e: Endpoint, sim: Simulation) -> Obj:
    if e.address not in rows:
        rows[e.address] = {
            "address": e.address,
            "pod": e.pod or None,
            "nodeName": e.node or None,
            "count": 0,
            "probability": 0.0,
        }
    return rows[e.address]


def _service_summary(service: Obj, sim: Simulation) -> Obj:
    meta, spec = service["metadata"], service.get("spec") or {}
    ports = sim.ports_of(service)
    timeout = ports[0].affinity_timeout if ports else None
    return {
        "namespace": meta.get("namespace", ""),
        "name": meta["name"],
        "type": spec.get("type") or "ClusterIP",
        "sessionAffinity": (
            {"type": "ClientIP", "timeoutSeconds": timeout} if timeout else {"type": "None"}
        ),
        "internalTrafficPolicy": spec.get("internalTrafficPolicy") or "Cluster",
        "externalTrafficPolicy": spec.get("externalTrafficPolicy") or None,
    }
