"""The topology the live view draws, as pure functions over Kubernetes JSON: which workloads
and pods a Service selects, the port chain of every edge (service port → targetPort → the
container port it resolves to in that pod, or why it does not), and the entry points that lead
into a Service (cluster IP, node ports on every node, load-balancer ingress, external IPs,
external name).

Resolution is the endpoints controller's (``FindPort``: an integer targetPort is used as it is,
declared or not; a name is looked up in the containers, then native-sidecar init containers,
with the same protocol), so the graph never disagrees with Endpoints.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

Obj = dict[str, Any]

WORKLOAD_KINDS = (
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Pod",
)


def _spec(obj: Obj) -> Obj:
    return obj.get("spec") or {}


def pod_template(workload: Obj) -> Obj:
    """The pod a workload runs (a Pod is its own template)."""
    if workload.get("kind") == "Pod":
        return workload
    spec = _spec(workload)
    if workload.get("kind") == "CronJob":
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    template = spec.get("template") or {}
    return {
        "kind": "Pod",
        "metadata": dict(
            template.get("metadata") or {}, namespace=workload["metadata"].get("namespace", "")
        ),
        "spec": template.get("spec") or {},
    }


def selects(service: Obj, pod: Obj) -> bool:
    """Equality selector, same namespace; no selector (absent or ``{}``) selects nothing and
    ExternalName Services select nothing."""
    spec = _spec(service)
    selector = spec.get("selector") or {}
    if not selector or spec.get("type") == "ExternalName":
        return False
    if (pod["metadata"].get("namespace") or "default") != (
        service["metadata"].get("namespace") or "default"
    ):
        return False
    labels = pod["metadata"].get("labels") or {}
    return all(k in labels and labels[k] == v for k, v in selector.items())


def _containers(pod: Obj) -> list[Obj]:
    spec = _spec(pod)
    sidecars = [c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
    return list(spec.get("containers") or []) + sidecars


def port_hop(service_port: Obj, pod: Obj) -> Obj:
    """One service port's chain into one pod."""
    protocol = service_port.get("protocol") or "TCP"
    target = service_port.get("targetPort")
    if target in (None, "", 0):
        target = service_port.get("port")
    hop: Obj = {
        "name": service_port.get("name", ""),
        "protocol": protocol,
        "port": service_port.get("port"),
        "targetPort": target,
    }
    if service_port.get("nodePort"):
        hop["nodePort"] = service_port["nodePort"]
    hop["containerPort"] = None
    hop["container"] = None
    if isinstance(target, int):
        hop["containerPort"] = target
        for c in _containers(pod):
            for p in c.get("ports") or []:
                if p.get("containerPort") == target and (p.get("protocol") or "TCP") == protocol:
                    hop["container"] = c.get("name")
                    hop["portName"] = p.get("name", "")
                    return hop
        hop["undeclared"] = True  # used as it is: the pod may still listen there
        return hop
    for c in _containers(pod):
        for p in c.get("ports") or []:
            if p.get("name") == target and (p.get("protocol") or "TCP") == protocol:
                hop["containerPort"] = p.get("containerPort")
                hop["container"] = c.get("name")
                return hop
    hop["unresolved"] = f"no container port named {target!r} with protocol {protocol}"
    return hop


def port_chain(service: Obj, pod: Obj) -> list[Obj]:
    return [port_hop(p, pod) for p in _spec(service).get("ports") or []]


def headless(service: Obj) -> bool:
    return _spec(service).get("clusterIP") == "None"


def entry_points(service: Obj, nodes: Iterable[Obj] = ()) -> list[Obj]:
    """Where traffic enters: ``{"via", "address", "port", "servicePort"}`` entries."""
    spec = _spec(service)
    type_ = spec.get("type") or "ClusterIP"
    if type_ == "ExternalName":
        return [
            {
                "via": "ExternalName",
                "address": spec.get("externalName", ""),
                "port": None,
                "servicePort": None,
            }
        ]
    out: list[Obj] = []
    ports = spec.get("ports") or []
    node_ips = [_internal_ip(n) for n in nodes]
    for p in ports:
        sp = p.get("name") or p.get("port")
        if not headless(service) and spec.get("clusterIP"):
            out.append(
                {
                    "via": "ClusterIP",
                    "address": spec["clusterIP"],
                    "port": p.get("port"),
                    "servicePort": sp,
                }
            )
        if p.get("nodePort"):
            out += [
                {"via": "NodePort", "address": ip, "port": p["nodePort"], "servicePort": sp}
                for ip in node_ips
                if ip
            ]
        for ing in ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
            address = ing.get("ip") or ing.get("hostname")
            if address:
                out.append(
                    {
                        "via": "LoadBalancer",
                        "address": address,
                        "port": p.get("port"),
                        "servicePort": sp,
                    }
                )
        out += [
            {"via": "ExternalIP", "address": ip, "port": p.get("port"), "servicePort": sp}
            for ip in spec.get("externalIPs") or []
        ]
    return out


def _internal_ip(node: Obj) -> str:
    for a in (node.get("status") or {}).get("addresses") or []:
        if a.get("type") == "InternalIP":
            return a.get("address", "")
    return ""


def service_edges(service: Obj, workloads: Iterable[Obj]) -> list[Obj]:
    """The workloads (or pods) a Service selects, with the port chain into each."""
    edges = []
    for w in workloads:
        pod = pod_template(w)
        if selects(service, pod):
            edges.append(
                {
                    "target": f"{w.get('kind')}/{w['metadata']['name']}",
                    "ports": port_chain(service, pod),
                }
            )
    return edges
