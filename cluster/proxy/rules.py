"""kube-proxy's decisions (discovery.md §4), pure:

* :func:`categorize` — ``CategorizeEndpoints`` (``pkg/proxy/topology.go``) for one node;
* :func:`internal_verdict` / :func:`external_verdict` — what ``syncProxyRules`` (iptables)
  does with a new connection to the cluster IP, or to a node port / external IP / LB VIP:
  DNAT to one of a chain's endpoints, REJECT (no endpoints anywhere) or DROP (a Local policy
  and no endpoint on this node), the EXT chain's special cases for pods and the node itself;
* ``loadBalancerSourceRanges``, the statistic rules' probabilities (``computeProbability``)
  and the health check node port (which nodes a load balancer sends to).

The service ports and their endpoints come from :mod:`cluster.proxy.serviceports`; the whole
view for the API from :mod:`cluster.proxy.view`."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cluster.controllers.kubelet import node_internal_ip
from cluster.proxy.serviceports import Endpoint, PortInfo

Obj = dict[str, Any]
ZONE_LABEL = "topology.kubernetes.io/zone"
PREFER_SAME_NODE = "PreferSameNode"
PREFER_SAME_ZONE = "PreferSameZone"

DNAT = "DNAT"
REJECT = "REJECT"
DROP = "DROP"

# Who sends a packet, as the EXT chain of a Local external policy tells them apart.
FROM_POD = "pod"  # a pod IP (the local detector: the cluster's pod range)
FROM_NODE = "node"  # the node the rules run on (``addrtype --src-type LOCAL``)
FROM_OTHER = "other"  # anything else: clients outside the cluster, other nodes


# --- CategorizeEndpoints -------------------------------------------------------------------


@dataclass(frozen=True)
class Categorized:
    cluster: tuple[Endpoint, ...]
    local: tuple[Endpoint, ...]
    all_reachable: tuple[Endpoint, ...]
    has_any: bool
    topology_mode: str = ""


def topology_mode(endpoints: Sequence[Endpoint], node: str, zone: str) -> str:
    """``topologyModeFromHints``: hints count only when every ready endpoint has one of the
    kind and at least one names this node (``PreferSameNode``, tried first) or zone."""
    ready = [e for e in endpoints if e.ready]
    if ready and all(e.node_hints for e in ready) and any(node in e.node_hints for e in ready):
        return PREFER_SAME_NODE
    if ready and all(e.zone_hints for e in ready) and any(zone in e.zone_hints for e in ready):
        return PREFER_SAME_ZONE
    return ""


def _available(e: Endpoint, mode: str, node: str, zone: str) -> bool:
    if mode == PREFER_SAME_NODE:
        return node in e.node_hints
    if mode == PREFER_SAME_ZONE:
        return zone in e.zone_hints
    return True


def categorize(
    endpoints: Sequence[Endpoint], port: PortInfo, node: str, zone: str = ""
) -> Categorized:
    """``CategorizeEndpoints`` for the kube-proxy of ``node`` (in ``zone``)."""
    cluster: tuple[Endpoint, ...] = ()
    local: tuple[Endpoint, ...] = ()
    has_any = False
    mode = ""
    if port.uses_cluster_endpoints:
        mode = topology_mode(endpoints, node, zone)
        cluster = tuple(e for e in endpoints if e.ready and _available(e, mode, node, zone))
        if not cluster:
            cluster = tuple(e for e in endpoints if e.serving and e.terminating)
        has_any = bool(cluster)
    if not port.uses_local_endpoints:
        return Categorized(cluster, (), cluster, has_any, mode)
    local_ready = local_terminating = False
    for e in endpoints:
        if e.ready:
            has_any = True
            local_ready = local_ready or e.is_local(node)
        elif e.serving and e.terminating:
            has_any = True
            local_terminating = local_terminating or e.is_local(node)
    if local_ready:
        local = tuple(e for e in endpoints if e.is_local(node) and e.ready)
    elif local_terminating:
        local = tuple(e for e in endpoints if e.is_local(node) and e.serving and e.terminating)
    if not port.uses_cluster_endpoints:
        return Categorized((), local, local, has_any, mode)
    if not local:
        reachable = cluster
    elif not cluster:
        reachable = local
    else:
        seen = {e.address for e in cluster}
        reachable = cluster + tuple(e for e in local if e.address not in seen)
    return Categorized(cluster, local, reachable, has_any, mode)


# --- what a new connection meets -----------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    action: str  # DNAT, REJECT or DROP
    chain: str = ""  # "cluster" or "local": the policy chain whose endpoints are chosen from
    endpoints: tuple[Endpoint, ...] = ()
    reason: str = ""
    masquerade: bool = False
    rule: str = ""  # the iptables comment or step that decided


def _no_endpoints(port: PortInfo) -> Verdict:
    text = f"{port.port_name_string} has no endpoints"
    return Verdict(REJECT, reason=text, rule=f'"{text}" -j REJECT')


def _no_local(port: PortInfo) -> Verdict:
    text = f"{port.port_name_string} has no local endpoints"
    return Verdict(DROP, reason=text, rule=f'"{text}" -j DROP')


def internal_verdict(port: PortInfo, cat: Categorized) -> Verdict:
    """A connection to ``clusterIP:port`` on this node: the internal policy chain."""
    if not cat.has_any:
        return _no_endpoints(port)
    if port.internal_local:
        if not cat.local:
            return _no_local(port)
        return Verdict(DNAT, "local", cat.local, rule="internalTrafficPolicy Local")
    return Verdict(DNAT, "cluster", cat.cluster, rule="internalTrafficPolicy Cluster")


def external_verdict(port: PortInfo, cat: Categorized, source: str) -> Verdict:
    """A connection to a node port, external IP or LB VIP arriving at this node's rules
    (the service's EXT chain). ``source`` is :data:`FROM_POD`, :data:`FROM_NODE` or
    :data:`FROM_OTHER`."""
    if not cat.has_any:
        return _no_endpoints(port)
    if not port.external_local:
        return Verdict(
            DNAT,
            "cluster",
            cat.cluster,
            masquerade=True,
            rule=f'"masquerade traffic for {port.port_name_string} external destinations"',
        )
    if source == FROM_POD:
        return Verdict(
            DNAT,
            "cluster",
            cat.cluster,
            rule=f'"pod traffic for {port.port_name_string} external destinations"',
        )
    if source == FROM_NODE:
        return Verdict(
            DNAT,
            "cluster",
            cat.cluster,
            masquerade=True,
            rule=f'"route LOCAL traffic for {port.port_name_string} external destinations"',
        )
    if not cat.local:
        return _no_local(port)
    return Verdict(DNAT, "local", cat.local, rule="externalTrafficPolicy Local")


def source_allowed(port: PortInfo, source_ip: str) -> bool:
    """``loadBalancerSourceRanges``: traffic to a LB VIP from outside the ranges is dropped."""
    if not port.source_ranges:
        return True
    try:
        addr = ipaddress.ip_address(source_ip)
    except ValueError:
        return False
    for text in port.source_ranges:
        try:
            if addr in ipaddress.ip_network(text, strict=False):
                return True
        except ValueError:
            continue
    return False


def rule_probabilities(n: int) -> list[str | None]:
    """``computeProbability``: rule i of n matches with 1/(n-i) (``%0.10f``); the last one is
    unconditional. Net effect: 1/n each."""
    return [f"{1.0 / (n - i):0.10f}" if i < n - 1 else None for i in range(n)]


@dataclass(frozen=True)
class NodeInfo:
    name: str
    ip: str
    zone: str = ""
    ready: bool = True


def node_infos(nodes: Iterable[Obj]) -> list[NodeInfo]:
    out = []
    for n in nodes:
        meta, status = n.get("metadata") or {}, n.get("status") or {}
        ready = any(
            c.get("type") == "Ready" and c.get("status") == "True"
            for c in status.get("conditions") or []
        )
        zone = str((meta.get("labels") or {}).get(ZONE_LABEL) or "")
        out.append(NodeInfo(str(meta.get("name") or ""), node_internal_ip(n), zone, ready))
    return sorted(out, key=lambda n: n.name)


def health_check_passes(port: PortInfo, node: str) -> bool:
    """kube-proxy's health check node port: 200 iff the node has a local *ready* endpoint."""
    return any(e.ready and e.is_local(node) for e in port.endpoints)


def lb_backend_nodes(port: PortInfo, nodes: Sequence[NodeInfo]) -> list[NodeInfo]:
    """The nodes a load balancer sends to: with ``externalTrafficPolicy: Local`` those whose
    health check passes (all Ready nodes when none does: the balancer has nothing better);
    otherwise every Ready node."""
    ready = [n for n in nodes if n.ready] or list(nodes)
    if port.external_local and port.health_check_node_port:
        healthy = [n for n in ready if health_check_passes(port, n.name)]
        return healthy or ready
    return ready
