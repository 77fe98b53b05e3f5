"""The ``topology`` view of the live feed: each object's Kubernetes JSON trimmed to the fields
the browser graph draws.

The full JSON of 10,000 pods is tens of megabytes; the graph needs a pod's name, labels,
owner, node, IP, phase, readiness and container ports. Trimming keeps the shape (a trimmed
object is still valid Kubernetes JSON of its kind, as with a field mask), so the browser reads
one representation and the YAML editor fetches the whole object from the API when it needs it.
Dropped: uids, resourceVersions (the feed's revisions order everything; an editor fetches the
object), timestamps, managed fields, templates, a pod's host IP (its node has it), an endpoint
address's node name and the rest of its target reference, and every status field the view does
not show. EndpointSlices are left out (the Endpoints carry the same addresses).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Obj = dict[str, Any]

VIEWS = ("full", "topology")
TOPOLOGY_KINDS = (
    "Namespace",
    "Node",
    "Pod",
    "Service",
    "Endpoints",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
)
WORKLOAD_STATUS = ("replicas", "readyReplicas", "availableReplicas", "updatedReplicas")
WORKLOAD_STATUS_OTHER = (
    "currentNumberScheduled",
    "desiredNumberScheduled",
    "numberReady",
    "active",
    "succeeded",
    "failed",
    "ready",
)


def _metadata(obj: Obj, *, annotations: bool = False) -> Obj:
    meta = obj.get("metadata") or {}
    out: Obj = {"name": meta.get("name", "")}
    if meta.get("namespace"):
        out["namespace"] = meta["namespace"]
    if meta.get("labels"):
        out["labels"] = meta["labels"]
    if annotations and meta.get("annotations"):
        out["annotations"] = meta["annotations"]
    owners = meta.get("ownerReferences")
    if owners:
        out["ownerReferences"] = [
            {k: ref[k] for k in ("kind", "name", "controller") if k in ref} for ref in owners
        ]
    if meta.get("deletionTimestamp"):
        out["deletionTimestamp"] = meta["deletionTimestamp"]
    return out


def _pick(source: Obj | None, keys: tuple[str, ...]) -> Obj:
    source = source or {}
    return {k: source[k] for k in keys if k in source}


def _container(c: Obj) -> Obj:
    out: Obj = {"name": c.get("name", "")}
    if c.get("ports"):
        out["ports"] = c["ports"]
    if c.get("restartPolicy"):
        out["restartPolicy"] = c["restartPolicy"]
    return out


def _ready_only(conditions: list[Obj] | None) -> list[Obj]:
    return [
        _pick(c, ("type", "status", "reason")) for c in conditions or [] if c.get("type") == "Ready"
    ]


def _pod(obj: Obj) -> Obj:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    out_spec: Obj = _pick(spec, ("nodeName", "hostNetwork"))
    out_spec["containers"] = [_container(c) for c in spec.get("containers") or []]
    sidecars = [
        _container(c)
        for c in spec.get("initContainers") or []
        if c.get("restartPolicy") == "Always"
    ]
    if sidecars:
        out_spec["initContainers"] = sidecars
    out_status = _pick(status, ("phase", "podIP"))
    ready = _ready_only(status.get("conditions"))
    if ready:
        out_status["conditions"] = ready
    return {"spec": out_spec, "status": out_status}


def _address(a: Obj) -> Obj:
    out = _pick(a, ("ip", "hostname"))
    ref = a.get("targetRef")
    if ref:
        out["targetRef"] = _pick(ref, ("kind", "name"))
    return out


def _endpoints(obj: Obj) -> Obj:
    subsets = []
    for subset in obj.get("subsets") or []:
        out: Obj = {}
        for field in ("addresses", "notReadyAddresses"):
            if subset.get(field):
                out[field] = [_address(a) for a in subset[field]]
        if subset.get("ports"):
            out["ports"] = subset["ports"]
        subsets.append(out)
    return {"subsets": subsets} if subsets else {}


def _workload(obj: Obj) -> Obj:
    return {
        "spec": _pick(obj.get("spec"), ("replicas", "selector", "parallelism", "completions")),
        "status": _pick(obj.get("status"), WORKLOAD_STATUS + WORKLOAD_STATUS_OTHER),
    }


def _node(obj: Obj) -> Obj:
    status = obj.get("status") or {}
    return {
        "spec": _pick(obj.get("spec"), ("unschedulable", "podCIDR", "taints")),
        "status": {
            "addresses": status.get("addresses") or [],
            "conditions": _ready_only(status.get("conditions")),
        },
    }


def _whole(*fields: str) -> Callable[[Obj], Obj]:
    return lambda obj: {f: obj[f] for f in fields if f in obj}


_BODIES: dict[str, Callable[[Obj], Obj]] = {
    "Pod": _pod,
    "Service": _whole("spec", "status"),
    "Endpoints": _endpoints,
    "Node": _node,
    "Namespace": lambda obj: {"status": _pick(obj.get("status"), ("phase",))},
    "Deployment": _workload,
    "ReplicaSet": _workload,
    "StatefulSet": _workload,
    "DaemonSet": _workload,
    "Job": _workload,
}


# Reading pods for the topology view: only the columns and JSON keys it keeps (the database
# extracts them), never the whole rows. At tier M this is 3x faster than loading the models.
POD_COLUMNS = (
    "name",
    "namespace",
    "deletion_timestamp",
    "labels",
    "owner_references",
    "spec__nodeName",
    "spec__hostNetwork",
    "spec__containers",
    "spec__initContainers",
    "status__phase",
    "status__podIP",
    "status__conditions",
)


def topology_pods(queryset: Any) -> Iterator[Obj]:
    """The pods of ``queryset`` as :func:`project` shows them in the topology view, read
    column by column (the same output as projecting each pod's whole JSON)."""
    from cluster.objects import format_time

    for row in queryset.values_list(*POD_COLUMNS):
        (name, namespace, deleted, labels, owners, node, host_net, containers, inits) = row[:9]
        phase, ip, conditions = row[9:]
        meta: Obj = {"name": name, "namespace": namespace}
        if labels:
            meta["labels"] = labels
        if owners:
            meta["ownerReferences"] = owners
        if deleted is not None:
            meta["deletionTimestamp"] = format_time(deleted)
        spec = _present(
            nodeName=node, hostNetwork=host_net, containers=containers, initContainers=inits
        )
        status = _present(phase=phase, podIP=ip, conditions=conditions)
        yield project(
            "Pod",
            {"kind": "Pod", "apiVersion": "v1", "metadata": meta, "spec": spec, "status": status},
            "topology",
        )


def _present(**fields: Any) -> Obj:
    return {k: v for k, v in fields.items() if v is not None}


def in_view(kind: str, view: str) -> bool:
    return view == "full" or kind in _BODIES


def project(kind: str, obj: Obj, view: str) -> Obj:
    """``obj`` as the view shows it (``full``: unchanged)."""
    if view == "full":
        return obj
    body = _BODIES[kind](obj)
    return {
        "kind": obj.get("kind", kind),
        "apiVersion": obj.get("apiVersion", ""),
        "metadata": _metadata(obj, annotations=kind == "Service"),
        **body,
    }
