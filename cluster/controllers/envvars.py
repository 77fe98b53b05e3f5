"""The service environment variables the kubelet gives a container (``pkg/kubelet/envvars``:
``FromServices``, ``makeEnvVariableName``, ``makeLinkVariables``; ``kubelet_pods.go``:
``getServiceEnvVarMap``, ``makeEnvironmentVariables``). Pure; see discovery.md §2.

The simulated kubelet computes them when a pod starts and keeps them on the pod in the
annotation :data:`ANNOTATION` (a JSON object: container name → list of ``{name, value}``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cluster.validation.net import join_host_port

Obj = dict[str, Any]
EnvVar = dict[str, str]
ANNOTATION = "portolan.dev/service-environment"
MASTER_NAMESPACE = "default"
MASTER_NAME = "kubernetes"


def make_env_variable_name(text: str) -> str:
    """``makeEnvVariableName``: ``-`` becomes ``_``, then upper case; nothing else."""
    return text.replace("-", "_").upper()


def _has_cluster_ip(service: Obj) -> bool:
    ip = (service.get("spec") or {}).get("clusterIP") or ""
    return ip not in ("", "None")


def _link_variables(prefix: str, ip: str, port: Obj, *, first: bool) -> list[EnvVar]:
    """``makeLinkVariables`` for one port (Docker-link style)."""
    protocol = str(port.get("protocol") or "TCP")
    number = port.get("port")
    url = f"{protocol.lower()}://{join_host_port(ip, number)}"
    base = f"{prefix}_PORT_{number}_{protocol.upper()}"
    out = [{"name": f"{prefix}_PORT", "value": url}] if first else []
    return out + [
        {"name": base, "value": url},
        {"name": f"{base}_PROTO", "value": protocol.lower()},
        {"name": f"{base}_PORT", "value": str(number)},
        {"name": f"{base}_ADDR", "value": ip},
    ]


def from_services(services: Iterable[Obj]) -> list[EnvVar]:
    """``FromServices``: for each service with a cluster IP, in the given order."""
    out: list[EnvVar] = []
    for service in services:
        if not _has_cluster_ip(service):
            continue
        spec = service.get("spec") or {}
        ip = str(spec["clusterIP"])
        ports = spec.get("ports") or []
        prefix = make_env_variable_name(service["metadata"]["name"])
        out.append({"name": f"{prefix}_SERVICE_HOST", "value": ip})
        if ports:
            out.append({"name": f"{prefix}_SERVICE_PORT", "value": str(ports[0].get("port"))})
        for port in ports:
            if port.get("name"):
                name = f"{prefix}_SERVICE_PORT_{make_env_variable_name(port['name'])}"
                out.append({"name": name, "value": str(port.get("port"))})
        for i, port in enumerate(ports):
            out += _link_variables(prefix, ip, port, first=i == 0)
    return out


def services_for_pod(
    services: Iterable[Obj], *, namespace: str, enable_service_links: bool
) -> list[Obj]:
    """``getServiceEnvVarMap``'s choice: services with a cluster IP; ``default/kubernetes``
    always (unless a same-named service is already chosen); the pod's own namespace only with
    ``enableServiceLinks``, overwriting. Sorted by name (upstream iterates a Go map)."""
    chosen: dict[str, Obj] = {}
    for service in services:
        if not _has_cluster_ip(service):
            continue
        meta = service["metadata"]
        name, ns = meta["name"], meta.get("namespace", "")
        if ns == MASTER_NAMESPACE and name == MASTER_NAME and name not in chosen:
            chosen[name] = service
        if ns == namespace and enable_service_links:
            chosen[name] = service
    return [chosen[name] for name in sorted(chosen)]


def _container_env_names(container: Obj) -> set[str]:
    return {str(e.get("name")) for e in container.get("env") or [] if isinstance(e, dict)}


def pod_service_environment(pod: Obj, services: Iterable[Obj]) -> dict[str, list[EnvVar]]:
    """``makeEnvironmentVariables``' service part, per container: the service variables whose
    names the container does not define itself (container ``env`` wins). ``envFrom`` sources
    are not resolved here (ConfigMaps and Secrets are not simulated)."""
    spec = pod.get("spec") or {}
    chosen = services_for_pod(
        services,
        namespace=pod["metadata"].get("namespace", ""),
        enable_service_links=spec.get("enableServiceLinks") is not False,
    )
    variables = from_services(chosen)
    out: dict[str, list[EnvVar]] = {}
    for key in ("initContainers", "containers"):
        for container in spec.get(key) or []:
            own = _container_env_names(container)
            out[str(container.get("name"))] = [v for v in variables if v["name"] not in own]
    return out
