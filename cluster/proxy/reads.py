"""The reads the proxy views and the traffic simulation make: one Service and what routes to
it, nodes, pods by name or IP, and which Service answers an address and port."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from cluster.kinds import Kind, by_kind
from cluster.labels import Selector
from cluster.models import Endpoints, EndpointSlice, Node, NodePortAllocation, Pod, Service

Obj = dict[str, Any]
TERMINAL_PHASES = ("Succeeded", "Failed")


def kind(name: str) -> Kind:
    k = by_kind(name)
    assert k is not None
    return k


def get_service(namespace: str, name: str) -> Obj | None:
    row = Service.objects.filter(namespace=namespace, name=name).first()
    return None if row is None else kind("Service").to_k8s(row)


def get_pod(namespace: str, name: str) -> Obj | None:
    row = Pod.objects.filter(namespace=namespace, name=name).first()
    return None if row is None else kind("Pod").to_k8s(row)


def get_endpoints(namespace: str, name: str) -> Obj | None:
    row = Endpoints.objects.filter(namespace=namespace, name=name).first()
    return None if row is None else kind("Endpoints").to_k8s(row)


def service_slices(namespace: str, name: str) -> list[Obj]:
    k = kind("EndpointSlice")
    rows = EndpointSlice.objects.filter(namespace=namespace, service_name=name).order_by("name")
    return [k.to_k8s(r) for r in rows]


def nodes() -> list[Obj]:
    k = kind("Node")
    return [k.to_k8s(r) for r in Node.objects.order_by("name")]


def get_node(name: str) -> Obj | None:
    row = Node.objects.filter(name=name).first()
    return None if row is None else kind("Node").to_k8s(row)


def pods_by_ip(ips: Iterable[str]) -> dict[str, Obj]:
    """Pod IP → pod; a pod that has not finished wins over finished ones holding the IP."""
    k = kind("Pod")
    out: dict[str, Obj] = {}
    for row in Pod.objects.filter(pod_ip__in=list(set(ips))).order_by("namespace", "name"):
        if row.pod_ip in out and row.phase in TERMINAL_PHASES:
            continue
        out[row.pod_ip] = k.to_k8s(row)
    return out


def pods_matching(namespace: str, selector: Selector) -> list[Obj]:
    k = kind("Pod")
    rows = Pod.objects.filter(namespace=namespace).order_by("name")
    return [k.to_k8s(r) for r in rows if selector.matches(r.labels or {})]


def environment_services(namespace: str) -> list[Obj]:
    """The Services a pod of ``namespace`` can get variables from (its own, and default's)."""
    k = kind("Service")
    rows = Service.objects.filter(namespace__in={namespace, "default"}).order_by(
        "namespace", "name"
    )
    return [k.to_k8s(r) for r in rows]


def services_at(ip: str) -> list[Obj]:
    """Services with ``ip`` as a cluster IP, a load-balancer ingress IP or an external IP."""
    k = kind("Service")
    out = {}
    for row in Service.objects.filter(cluster_ip=ip):
        out[row.uid] = row
    candidates = Service.objects.filter(
        Q(type="LoadBalancer")
        | Q(spec__has_key="externalIPs")
        | Q(spec__ipFamilyPolicy__in=["PreferDualStack", "RequireDualStack"])
    )
    for row in candidates:
        spec, status = row.spec or {}, row.status or {}
        ingress = (status.get("loadBalancer") or {}).get("ingress") or []
        if (
            ip in (spec.get("clusterIPs") or [])
            or ip in (spec.get("externalIPs") or [])
            or any(isinstance(i, dict) and i.get("ip") == ip for i in ingress)
        ):
            out[row.uid] = row
    return [k.to_k8s(r) for r in sorted(out.values(), key=lambda r: (r.namespace, r.name))]


def service_with_node_port(port: int) -> Obj | None:
    uid = NodePortAllocation.objects.filter(port=port).values_list("service_uid", flat=True).first()
    if uid is None:
        return None
    row = Service.objects.filter(uid=uid).first()
    return None if row is None else kind("Service").to_k8s(row)


class DbCluster:
    """``cluster.proxy.traffic.Cluster`` over the database (nodes read once per request)."""

    def __init__(self) -> None:
        self._nodes: list[Obj] | None = None

    def pod(self, namespace: str, name: str) -> Obj | None:
        return get_pod(namespace, name)

    def node(self, name: str) -> Obj | None:
        return next((n for n in self.nodes() if n["metadata"]["name"] == name), None)

    def nodes(self) -> list[Obj]:
        if self._nodes is None:
            self._nodes = nodes()
        return self._nodes

    def pods_by_ip(self, ips: Iterable[str]) -> dict[str, Obj]:
        return pods_by_ip(ips)

    def services_at(self, ip: str) -> list[Obj]:
        return services_at(ip)

    def service_with_node_port(self, port: int) -> Obj | None:
        return service_with_node_port(port)

    def backends(self, service: Obj) -> tuple[list[Obj], Obj | None]:
        meta = service["metadata"]
        ns, name = meta.get("namespace", ""), meta["name"]
        return service_slices(ns, name), get_endpoints(ns, name)
