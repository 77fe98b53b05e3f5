"""Service constants and small predicates shared by validation, defaulting and allocation
(``isHeadlessService``, ``ExternallyAccessible``, ``NeedsHealthCheck``)."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]

CLUSTER_IP = "ClusterIP"
NODE_PORT = "NodePort"
LOAD_BALANCER = "LoadBalancer"
EXTERNAL_NAME = "ExternalName"
NONE = "None"
SERVICE_TYPES = (CLUSTER_IP, EXTERNAL_NAME, LOAD_BALANCER, NODE_PORT)
AFFINITIES = ("ClientIP", "None")
PROTOCOLS = ("SCTP", "TCP", "UDP")
TRAFFIC_POLICIES = ("Cluster", "Local")
IP_FAMILIES = ("IPv4", "IPv6")
IP_FAMILY_POLICIES = ("PreferDualStack", "RequireDualStack", "SingleStack")
TRAFFIC_DISTRIBUTIONS = ("PreferClose",)
LB_IP_MODES = ("Proxy", "VIP")
MAX_AFFINITY_SECONDS = 86400
SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"
TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"
TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"


def spec_of(obj: Obj) -> Obj:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def is_headless(obj: Obj) -> bool:
    """``isHeadlessService``: exactly ``clusterIPs: ["None"]``."""
    return spec_of(obj).get("clusterIPs") == [NONE]


def externally_accessible(obj: Obj) -> bool:
    """``ExternallyAccessible``: NodePort, LoadBalancer, or ClusterIP with externalIPs."""
    spec = spec_of(obj)
    kind = spec.get("type")
    return kind in (LOAD_BALANCER, NODE_PORT) or (
        kind == CLUSTER_IP and bool(spec.get("externalIPs"))
    )


def needs_health_check(obj: Obj) -> bool:
    """``NeedsHealthCheck``: LoadBalancer with ``externalTrafficPolicy: Local``."""
    spec = spec_of(obj)
    return (
        spec.get("type") == LOAD_BALANCER
        and externally_accessible(obj)
        and spec.get("externalTrafficPolicy") == "Local"
    )


def ports_of(obj: Obj) -> list[Obj]:
    return [p for p in spec_of(obj).get("ports") or [] if isinstance(p, dict)]
