"""Kubernetes objects for the pure proxy tests: three nodes in three zones (as the simulated
cluster has), pods with IPs on them, Services and the EndpointSlices the controller writes."""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]
NODES = {
    "node-1": ("172.18.0.2", "zone-a"),
    "node-2": ("172.18.0.3", "zone-b"),
    "node-3": ("172.18.0.4", "zone-c"),
}


def node(name: str, *, ready: bool = True) -> Obj:
    ip, zone = NODES[name]
    return {
        "metadata": {"name": name, "labels": {"topology.kubernetes.io/zone": zone}},
        "status": {
            "addresses": [{"type": "InternalIP", "address": ip}],
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        },
    }


def nodes() -> list[Obj]:
    return [node(n) for n in NODES]


def pod(
    name: str,
    ip: str,
    node_name: str = "node-1",
    *,
    ns: str = "default",
    ports: list[Obj] | None = None,
    phase: str = "Running",
    ready: bool = True,
    labels: dict[str, str] | None = None,
) -> Obj:
    return {
        "metadata": {"name": name, "namespace": ns, "labels": labels or {"app": "web"}},
        "spec": {
            "nodeName": node_name,
            "containers": [
                {
                    "name": "web",
                    "image": "gcr.io/google-samples/node-hello:1.0",
                    "ports": [{"containerPort": 8080, "protocol": "TCP"}]
                    if ports is None
                    else ports,
                }
            ],
        },
        "status": {
            "phase": phase,
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        },
    }


def service(
    name: str = "web",
    *,
    ns: str = "default",
    cluster_ip: str = "10.96.0.10",
    type_: str = "ClusterIP",
    ports: list[Obj] | None = None,
    **spec: Any,
) -> Obj:
    body: Obj = {
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "type": type_,
            "clusterIP": cluster_ip,
            "clusterIPs": [cluster_ip] if cluster_ip not in ("", "None") else [cluster_ip],
            "selector": {"app": "web"},
            "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}]
            if ports is None
            else ports,
            "sessionAffinity": "None",
            **spec,
        },
        "status": {},
    }
    return body


def endpoint(
    ip: str,
    node_name: str = "node-1",
    *,
    ready: bool = True,
    serving: bool | None = None,
    terminating: bool = False,
    pod_name: str = "",
    zones: list[str] | None = None,
) -> Obj:
    ep: Obj = {
        "addresses": [ip],
        "conditions": {
            "ready": ready,
            "serving": ready if serving is None else serving,
            "terminating": terminating,
        },
        "nodeName": node_name,
    }
    if pod_name:
        ep["targetRef"] = {"kind": "Pod", "namespace": "default", "name": pod_name}
    if zones:
        ep["hints"] = {"forZones": [{"name": z} for z in zones]}
    return ep


def endpoint_slice(
    service_name: str, endpoints: list[Obj], ports: list[Obj] | None = None, *, ns: str = "default"
) -> Obj:
    return {
        "metadata": {
            "name": f"{service_name}-abcde",
            "namespace": ns,
            "labels": {"kubernetes.io/service-name": service_name},
        },
        "addressType": "IPv4",
        "endpoints": endpoints,
        "ports": [{"name": "", "port": 8080, "protocol": "TCP"}] if ports is None else ports,
    }
