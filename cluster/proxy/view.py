"""The kube-proxy view of one Service for the API and the UI (``ServiceProxyRules``), pure:
for every port, each entry (cluster IP, every node's node port, LB VIPs, external IPs), what a
new connection arriving there meets on each node (nodes with the same outcome grouped), the
endpoints it may reach with their probabilities, the health check, and why a Service gets no
rules at all."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from cluster.controllers.podutil import ip_family
from cluster.proxy.rules import (
    FROM_NODE,
    FROM_OTHER,
    FROM_POD,
    NodeInfo,
    Verdict,
    categorize,
    external_verdict,
    health_check_passes,
    internal_verdict,
    lb_backend_nodes,
    node_infos,
    rule_probabilities,
)
from cluster.proxy.serviceports import (
    Endpoint,
    PortInfo,
    affinity_timeout,
    cluster_ips,
    port_infos,
    skip_reason,
)

Obj = dict[str, Any]


def _verdict_json(v: Verdict) -> Obj:
    probs = rule_probabilities(len(v.endpoints))
    n = len(v.endpoints)
    return {
        "action": v.action,
        "chain": v.chain or None,
        "reason": v.reason or None,
        "rule": v.rule or None,
        "masquerade": v.masquerade,
        "endpoints": [
            {
                "address": e.address,
                "pod": e.pod or None,
                "nodeName": e.node or None,
                "probability": 1.0 / n,
                "ruleProbability": probs[i],
            }
            for i, e in enumerate(v.endpoints)
        ],
    }


def _grouped(rows: Iterable[tuple[str, Obj]]) -> list[Obj]:
    """Nodes with the same outcome in one row: ``{"nodes": [...], ...outcome}``."""
    groups: dict[str, Obj] = {}
    for node, outcome in rows:
        key = json.dumps(outcome, sort_keys=True)
        groups.setdefault(key, {"nodes": [], **outcome})["nodes"].append(node)
    return list(groups.values())


def _family_endpoints(port: PortInfo, address: str) -> tuple[Endpoint, ...]:
    return port.endpoints_for(ip_family(address))


def _entries(port: PortInfo, nodes: Sequence[NodeInfo]) -> list[Obj]:
    entries: list[Obj] = []
    for ip in port.cluster_ips:
        eps = _family_endpoints(port, ip)
        per_node = [
            (n.name, _verdict_json(internal_verdict(port, categorize(eps, port, n.name, n.zone))))
            for n in nodes
        ]
        entries.append(
            {
                "type": "ClusterIP",
                "address": ip,
                "port": port.port,
                "policy": "Local" if port.internal_local else "Cluster",
                "perNode": _grouped(per_node),
            }
        )
    policy = "Local" if port.external_local else "Cluster"
    if port.node_port:
        for n in nodes:
            if not n.ip:
                continue
            eps = _family_endpoints(port, n.ip)
            cat = categorize(eps, port, n.name, n.zone)
            entry: Obj = {
                "type": "NodePort",
                "address": n.ip,
                "port": port.node_port,
                "nodeName": n.name,
                "policy": policy,
                "fromOutside": _verdict_json(external_verdict(port, cat, FROM_OTHER)),
            }
            if port.external_local:
                entry["fromPods"] = _verdict_json(external_verdict(port, cat, FROM_POD))
                entry["fromNode"] = _verdict_json(external_verdict(port, cat, FROM_NODE))
            entries.append(entry)
    backends = lb_backend_nodes(port, nodes)
    for kind, ips in (("LoadBalancer", port.lb_vips), ("ExternalIP", port.external_ips)):
        for ip in ips:
            eps = _family_endpoints(port, ip)
            rows = []
            for n in nodes:
                cat = categorize(eps, port, n.name, n.zone)
                rows.append((n.name, _verdict_json(external_verdict(port, cat, FROM_OTHER))))
            entry = {"type": kind, "address": ip, "port": port.port, "policy": policy}
            if kind == "LoadBalancer":
                entry["ipMode"] = "VIP"
                entry["backendNodes"] = [n.name for n in backends]
                if port.source_ranges:
                    entry["sourceRanges"] = list(port.source_ranges)
            entry["perNode"] = _grouped(rows)
            entries.append(entry)
    for ip in port.lb_proxy_ips:
        entries.append(
            {
                "type": "LoadBalancer",
                "address": ip,
                "port": port.port,
                "policy": policy,
                "ipMode": "Proxy",
                "note": "ipMode Proxy: kube-proxy writes no rules for this address; the load "
                "balancer proxies to the node ports",
            }
        )
    return entries


def describe(
    service: Obj, slices: Iterable[Obj], endpoints: Obj | None, nodes: Iterable[Obj]
) -> Obj:
    """The kube-proxy view of one Service (``ServiceProxyRules``)."""
    spec = service.get("spec") or {}
    meta = service.get("metadata") or {}
    node_list = node_infos(nodes)
    reason = skip_reason(service)
    timeout = affinity_timeout(service)
    out: Obj = {
        "kind": "ServiceProxyRules",
        "apiVersion": "portolan/v1",
        "metadata": {"namespace": meta.get("namespace", ""), "name": meta.get("name", "")},
        "type": spec.get("type") or "ClusterIP",
        "programmed": reason is None,
        "reason": reason,
        "clusterIPs": list(cluster_ips(service)),
        "sessionAffinity": (
            {"type": "ClientIP", "timeoutSeconds": timeout}
            if timeout is not None
            else {"type": "None"}
        ),
        "internalTrafficPolicy": spec.get("internalTrafficPolicy") or "Cluster",
        "externalTrafficPolicy": spec.get("externalTrafficPolicy") or None,
        "healthCheckNodePort": spec.get("healthCheckNodePort") or None,
        "nodes": [
            {"name": n.name, "ip": n.ip, "zone": n.zone or None, "ready": n.ready}
            for n in node_list
        ],
        "ports": [],
    }
    for port in port_infos(service, slices, endpoints):
        row: Obj = {
            "name": port.name,
            "protocol": port.protocol,
            "port": port.port,
            "targetPort": port.target_port,
            "nodePort": port.node_port or None,
            "servicePortName": port.port_name_string,
            "endpointsFrom": port.endpoints_source,
            "endpoints": [e.to_json() for e in port.endpoints],
            "entries": _entries(port, node_list),
        }
        if port.external_local and port.health_check_node_port:
            row["healthCheck"] = [
                {
                    "nodeName": n.name,
                    "status": 200 if health_check_passes(port, n.name) else 503,
                    "localEndpoints": len(
                        {e.ip for e in port.endpoints if e.ready and e.is_local(n.name)}
                    ),
                }
                for n in node_list
            ]
        out["ports"].append(row)
    return out
