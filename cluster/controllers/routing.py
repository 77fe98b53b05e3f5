"""Which controller keys a committed change concerns. Runs after commit, outside the write's
transaction; every lookup here is cheap and indexed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cluster.controllers.kubelet import KUBELET_NOT_READY, NODE_NOT_READY
from cluster.events import Committed, Event

Obj = dict[str, Any]
Key = tuple[str, str]

# Controllers (the names the registry binds to sync functions).
ENDPOINTS = "endpoints"
ENDPOINTSLICES = "endpointslices"
LOADBALANCER = "loadbalancer"
DEPLOYMENT = "deployment"
REPLICASET = "replicaset"
STATEFULSET = "statefulset"
DAEMONSET = "daemonset"
JOB = "job"
SCHEDULER = "scheduler"
KUBELET = "kubelet"
NODE = "node"

OWNER_CONTROLLERS = {
    "ReplicaSet": REPLICASET,
    "StatefulSet": STATEFULSET,
    "DaemonSet": DAEMONSET,
    "Job": JOB,
    "Deployment": DEPLOYMENT,
}


def _key(obj: Obj) -> str:
    meta = obj["metadata"]
    ns = meta.get("namespace", "")
    return f"{ns}/{meta['name']}" if ns else meta["name"]


def _controller_owner(obj: Obj) -> tuple[str, str] | None:
    for ref in obj["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            return ref.get("kind", ""), ref.get("name", "")
    return None


def _labels(obj: Obj | None) -> dict[str, str]:
    return ((obj or {}).get("metadata") or {}).get("labels") or {}


Selectors = dict[str, list[tuple[str, dict[str, str]]]]  # namespace → (service, selector)


def _selectors(namespace: str, cache: Selectors | None) -> list[tuple[str, dict[str, str]]]:
    from cluster.models import Service

    if cache is not None and namespace in cache:
        return cache[namespace]
    found = []
    for name, spec in Service.objects.filter(namespace=namespace).values_list("name", "spec"):
        selector = (spec or {}).get("selector") or {}
        if selector:
            found.append((name, selector))
    if cache is not None:
        cache[namespace] = found
    return found


def services_selecting(
    namespace: str, label_sets: Iterable[dict[str, str]], cache: Selectors | None = None
) -> list[str]:
    """Names of the Services in ``namespace`` whose selector matches any of ``label_sets``
    (``cache``: the selectors read once per namespace for a whole commit)."""
    sets = list(label_sets)
    return [
        name
        for name, selector in _selectors(namespace, cache)
        if any(all(k in labels and labels[k] == v for k, v in selector.items()) for labels in sets)
    ]


def keys_for_event(event: Event, cache: Selectors | None = None) -> set[Key]:
    obj = event.object
    kind = event.kind
    key = _key(obj)
    ns = event.namespace
    keys: set[Key] = set()
    if kind == "Service":
        keys |= {(ENDPOINTS, key), (ENDPOINTSLICES, key), (LOADBALANCER, key)}
    elif kind == "Pod":
        owner = _controller_owner(obj)
        if owner and owner[0] in OWNER_CONTROLLERS:
            keys.add((OWNER_CONTROLLERS[owner[0]], f"{ns}/{owner[1]}"))
        if event.type != "DELETED":
            spec = obj.get("spec") or {}
            if not spec.get("nodeName"):
                keys.add((SCHEDULER, key))
            elif _kubelet_may_act(obj):
                keys.add((KUBELET, key))
        previous = event.previous
        label_sets = [_labels(obj)]
        if previous is not None and _labels(previous) != _labels(obj):
            label_sets.append(_labels(previous))
        if _endpoint_relevant(event):
            for svc in services_selecting(ns, label_sets, cache):
                keys |= {(ENDPOINTS, f"{ns}/{svc}"), (ENDPOINTSLICES, f"{ns}/{svc}")}
    elif kind in ("Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"):
        keys.add((OWNER_CONTROLLERS[kind], key))
        owner = _controller_owner(obj)
        if owner and owner[0] in OWNER_CONTROLLERS:
            keys.add((OWNER_CONTROLLERS[owner[0]], f"{ns}/{owner[1]}"))
    elif kind == "Node":
        keys.add((NODE, key))
    elif kind == "Endpoints" and event.type == "DELETED":
        # ``onEndpointsDelete``: a deleted Endpoints object of a managed Service comes back.
        keys.add((ENDPOINTS, key))
    elif kind == "EndpointSlice":
        service = _labels(obj).get("kubernetes.io/service-name")
        managed = _labels(obj).get("endpointslice.kubernetes.io/managed-by")
        if service and managed == "endpointslice-controller.k8s.io":
            keys.add((ENDPOINTSLICES, f"{ns}/{service}"))
    return keys


def _kubelet_may_act(pod: Obj) -> bool:
    """The kubelet starts pods and turns its own not-ready states Ready (its timers re-queue
    themselves); a ready pod, or one a user failed, is nothing for it to do."""
    status = pod.get("status") or {}
    if status.get("phase") in (None, "", "Pending"):
        return True
    for c in status.get("conditions") or []:
        if c.get("type") == "Ready":
            return c.get("status") != "True" and c.get("reason") in (
                None,
                "",
                KUBELET_NOT_READY,
                NODE_NOT_READY,
            )
    return True


def _echo(event: Event, origin: str) -> set[Key]:
    """Keys that would only send a controller back its own write: its primary object's key
    (a ReplicaSet's status written by the replicaset controller, a pod bound by the
    scheduler or started by the kubelet) and, for the slice controller, its slices."""
    if not origin:
        return set()
    echo = {(origin, _key(event.object))}
    if event.kind == "EndpointSlice" and origin == ENDPOINTSLICES:
        service = _labels(event.object).get("kubernetes.io/service-name")
        if service:
            echo.add((ENDPOINTSLICES, f"{event.namespace}/{service}"))
    return echo


def _endpoint_relevant(event: Event) -> bool:
    """Pod fields the endpoint controllers read: labels, IPs, phase, readiness, node,
    hostname/subdomain, container ports, deletion."""
    if event.type != "MODIFIED" or event.previous is None:
        return True
    a, b = event.previous, event.object

    def view(p: Obj) -> tuple[Any, ...]:
        spec = p.get("spec") or {}
        status = p.get("status") or {}
        ready = [
            c.get("status") for c in status.get("conditions") or [] if c.get("type") == "Ready"
        ]
        return (
            _labels(p),
            p["metadata"].get("deletionTimestamp"),
            spec.get("nodeName"),
            spec.get("hostname"),
            spec.get("subdomain"),
            [c.get("ports") for c in spec.get("containers") or []],
            [(c.get("ports"), c.get("restartPolicy")) for c in spec.get("initContainers") or []],
            status.get("phase"),
            status.get("podIP"),
            status.get("podIPs"),
            ready,
        )

    return view(a) != view(b)


def keys_for(committed: Committed) -> set[Key]:
    keys = set(committed.keys)
    cache: Selectors = {}
    for event in committed.events:
        keys |= keys_for_event(event, cache) - _echo(event, committed.origin)
    return keys
