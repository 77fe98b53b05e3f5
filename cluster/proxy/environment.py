"""The service environment variables (discovery.md §2) as the API shows them. Pure.

* :func:`pod_environment` — what the simulated kubelet stored on a pod when it started it
  (annotation ``portolan.dev/service-environment``), with warnings for what the pod lacks:
  services that would give variables now but were not there when it started (the kubelet
  never updates a running container's environment), variables naming a cluster IP the
  service no longer has, and variables of services that are gone;
* :func:`service_environment` — the variables a pod starting now receives from one Service
  (``FromServices``), and which pods get them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from cluster.controllers import envvars

Obj = dict[str, Any]


def stored_environment(pod: Obj) -> dict[str, list[Obj]] | None:
    """The annotation's container → variables, or None when the pod has not started."""
    text = ((pod.get("metadata") or {}).get("annotations") or {}).get(envvars.ANNOTATION)
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _key(service: Obj) -> str:
    meta = service["metadata"]
    return f"{meta.get('namespace', '')}/{meta['name']}"


def _own_names(pod: Obj) -> set[str]:
    spec = pod.get("spec") or {}
    return {
        str(e.get("name"))
        for key in ("initContainers", "containers")
        for c in spec.get(key) or []
        for e in c.get("env") or []
        if isinstance(e, dict)
    }


def pod_environment(pod: Obj, services: Iterable[Obj]) -> Obj:
    """``services``: the Services that exist now (the pod's namespace and ``default``)."""
    meta, spec, status = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    links = spec.get("enableServiceLinks") is not False
    stored = stored_environment(pod)
    out: Obj = {
        "kind": "PodServiceEnvironment",
        "apiVersion": "portolan/v1",
        "metadata": {"namespace": meta.get("namespace", ""), "name": meta["name"]},
        "startTime": status.get("startTime"),
        "enableServiceLinks": links,
        "started": stored is not None,
        "containers": [
            {"name": name, "variables": variables} for name, variables in (stored or {}).items()
        ],
        "missingServices": [],
        "staleServices": [],
        "warnings": [],
    }
    if stored is None:
        out["warnings"].append(
            "the pod has not started: the kubelet computes its service variables when it "
            "starts the pod's containers"
        )
        return out
    values: dict[str, str] = {}
    for variables in stored.values():
        for v in variables:
            values.setdefault(str(v.get("name")), str(v.get("value")))
    own = _own_names(pod)
    chosen = envvars.services_for_pod(
        list(services), namespace=meta.get("namespace", ""), enable_service_links=links
    )
    prefixes = set()
    started = status.get("startTime") or ""
    for service in chosen:
        prefix = envvars.make_env_variable_name(service["metadata"]["name"])
        prefixes.add(prefix)
        host = f"{prefix}_SERVICE_HOST"
        ip = str((service.get("spec") or {}).get("clusterIP") or "")
        created = service["metadata"].get("creationTimestamp") or ""
        if host in own:
            continue  # the container defines the name itself: service links never apply
        if host not in values:
            out["missingServices"].append(
                {
                    "service": _key(service),
                    "creationTimestamp": created or None,
                    "createdAfterStart": bool(created and started and created >= started),
                    "variables": envvars.from_services([service]),
                }
            )
        elif values[host] != ip:
            out["staleServices"].append(
                {"service": _key(service), "stored": values[host], "current": ip}
            )
    gone = sorted(
        name[: -len("_SERVICE_HOST")]
        for name in values
        if name.endswith("_SERVICE_HOST") and name[: -len("_SERVICE_HOST")] not in prefixes
    )
    after = [s["service"] for s in out["missingServices"] if s["createdAfterStart"]]
    other = [s["service"] for s in out["missingServices"] if not s["createdAfterStart"]]
    if after:
        out["warnings"].append(
            f"the pod lacks the variables of {', '.join(after)}: created after the pod started "
            f"({started}), and the kubelet sets a container's environment only when it starts "
            "it; restart the pod (or find the service by DNS) to use them"
        )
    if other:
        out["warnings"].append(
            f"the pod lacks the variables of {', '.join(other)}: the service was not known to "
            "the kubelet when it started the pod"
        )
    for s in out["staleServices"]:
        out["warnings"].append(
            f"the pod's variables for {s['service']} still say {s['stored']}; the service now "
            f"has cluster IP {s['current']} (it was re-created after the pod started)"
        )
    if gone:
        out["warnings"].append(
            "the pod still has variables of services that no longer exist: "
            + ", ".join(f"{p}_SERVICE_HOST" for p in gone)
        )
    out["goneServices"] = gone
    return out


def service_environment(service: Obj) -> Obj:
    """What a pod starting now receives from this Service."""
    meta, spec = service["metadata"], service.get("spec") or {}
    ns, name = meta.get("namespace", ""), meta["name"]
    variables = envvars.from_services([service])
    master = ns == envvars.MASTER_NAMESPACE and name == envvars.MASTER_NAME
    if not variables:
        if spec.get("type") == "ExternalName":
            applies = "nobody: an ExternalName service has no cluster IP, so no variables"
        else:
            applies = "nobody: a service without a cluster IP (headless) gives no variables"
    elif master:
        applies = (
            "every pod starting from now on, in every namespace, even with "
            "enableServiceLinks false (the master service), unless the pod's namespace has "
            "its own service named kubernetes"
        )
    else:
        applies = (
            f"pods starting from now on in namespace {ns} with enableServiceLinks (the "
            "default); pods already running do not get them"
        )
    return {
        "kind": "ServiceEnvironment",
        "apiVersion": "portolan/v1",
        "metadata": {"namespace": ns, "name": name},
        "prefix": envvars.make_env_variable_name(name),
        "variables": variables,
        "appliesTo": applies,
    }
