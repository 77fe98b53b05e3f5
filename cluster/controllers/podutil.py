"""Pod facts the controllers share (``k8s.io/endpointslice/util`` and ``FindPort``). Pure."""

from __future__ import annotations

import ipaddress
from typing import Any

Obj = dict[str, Any]
TERMINAL_PHASES = ("Succeeded", "Failed")


def is_pod_ready(pod: Obj) -> bool:
    """``IsPodReady``: the Ready condition is True. A missing condition means not ready."""
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c.get("status") == "True"
    return False


def is_terminating(pod: Obj) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def pod_ips(pod: Obj) -> list[str]:
    status = pod.get("status") or {}
    ips = [p.get("ip") for p in status.get("podIPs") or [] if p.get("ip")]
    if not ips and status.get("podIP"):
        ips = [status["podIP"]]
    return ips


def should_pod_be_in_endpoints(pod: Obj, *, include_terminating: bool) -> bool:
    """``ShouldPodBeInEndpoints``: not terminal, has an IP, not terminating unless allowed."""
    status = pod.get("status") or {}
    if status.get("phase") in TERMINAL_PHASES:
        return False
    if not status.get("podIP") and not status.get("podIPs"):
        return False
    if not include_terminating and is_terminating(pod):
        return False
    return True


def should_set_hostname(pod: Obj, service: Obj) -> bool:
    """``ShouldSetHostname``: hostname set, subdomain is the service's name, same namespace."""
    spec = pod.get("spec") or {}
    return (
        bool(spec.get("hostname"))
        and spec.get("subdomain") == service["metadata"]["name"]
        and pod["metadata"].get("namespace") == service["metadata"].get("namespace")
    )


def find_port(pod: Obj, service_port: Obj) -> int | None:
    """``FindPort``: an integer targetPort verbatim; a name looked up in the containers (then
    native-sidecar init containers) with the same protocol. None: this pod lacks the port."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    protocol = service_port.get("protocol") or "TCP"
    spec = pod.get("spec") or {}
    containers = list(spec.get("containers") or [])
    containers += [
        c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"
    ]
    for container in containers:
        for port in container.get("ports") or []:
            if port.get("name") == target and (port.get("protocol") or "TCP") == protocol:
                return port.get("containerPort")
    return None


def ip_family(ip: str) -> str:
    if "." in ip and ":" not in ip:
        return "IPv4"  # the common case, without parsing
    try:
        return "IPv6" if ipaddress.ip_address(ip).version == 6 else "IPv4"
    except ValueError:
        return "IPv4"


def service_family(service: Obj, pod: Obj | None = None) -> str:
    """``podToEndpointAddressForService``'s family choice."""
    spec = service.get("spec") or {}
    families = spec.get("ipFamilies") or []
    if families:
        return families[0]
    cluster_ip = spec.get("clusterIP") or ""
    if cluster_ip and cluster_ip != "None":
        return ip_family(cluster_ip)
    if pod is not None:
        ip = (pod.get("status") or {}).get("podIP") or ""
        if ip:
            return ip_family(ip)
    return "IPv4"


def pod_ip_for_family(pod: Obj, family: str) -> str | None:
    for ip in pod_ips(pod):
        if ip_family(ip) == family:
            return ip
    return None


def target_ref(pod: Obj) -> Obj:
    meta = pod["metadata"]
    return {
        "kind": "Pod",
        "namespace": meta.get("namespace", ""),
        "name": meta["name"],
        "uid": meta.get("uid", ""),
    }


def selects(service: Obj, pod: Obj) -> bool:
    """A Service selects a pod in its own namespace whose labels include every selector pair.
    No selector (absent or ``{}``) selects nothing: such services are not managed."""
    selector = (service.get("spec") or {}).get("selector") or {}
    if not selector:
        return False
    if pod["metadata"].get("namespace") != service["metadata"].get("namespace"):
        return False
    labels = pod["metadata"].get("labels") or {}
    return all(labels.get(k) == v and k in labels for k, v in selector.items())
