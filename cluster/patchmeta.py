"""Patch metadata of the simulated kinds: which lists merge, and by which key.

These are the ``patchStrategy`` / ``patchMergeKey`` struct tags of the Kubernetes API types
(k8s.io/api core/v1, apps/v1, batch/v1 and meta/v1), restated as a table. A field that is not
listed merges like JSON merge patch: maps recurse, lists are replaced whole. Because a
:class:`Struct` describes a position in the object, the same field name can behave differently
in different places (``spec.ports`` of a Service merges by ``port``, a container's ``ports`` by
``containerPort``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

MERGE = "merge"
REPLACE = "replace"
RETAIN_KEYS = "retainKeys"


class Struct:
    """The fields of one API type that carry patch metadata (mutable, so types may recurse)."""

    def __init__(self, name: str, fields: dict[str, Field] | None = None) -> None:
        self.name = name
        self.fields: dict[str, Field] = dict(fields or {})

    def field(self, key: str) -> Field:
        return self.fields.get(key) or PLAIN

    def __repr__(self) -> str:
        return f"Struct({self.name})"


EMPTY = Struct("unstructured")


@dataclass(frozen=True)
class Field:
    """``strategy`` is ``merge`` (lists: merge by ``merge_key``, or union for primitives),
    ``replace``, ``retainKeys`` or empty. ``struct`` describes the value (for a list: its
    elements)."""

    strategy: str = ""
    merge_key: str = ""
    struct: Struct = field(default=EMPTY)
    retain_keys: bool = False


PLAIN = Field()


def merge_by(key: str, struct: Struct = EMPTY, *, retain_keys: bool = False) -> Field:
    return Field(MERGE, key, struct, retain_keys)


def nested(struct: Struct, *, retain_keys: bool = False) -> Field:
    return Field(RETAIN_KEYS if retain_keys else "", "", struct, retain_keys)


UNION = Field(MERGE)  # a list of primitives with patchStrategy=merge

OBJECT_META = Struct("ObjectMeta", {"ownerReferences": merge_by("uid"), "finalizers": UNION})
CONTAINER = Struct(
    "Container",
    {
        "ports": merge_by("containerPort"),
        "env": merge_by("name"),
        "volumeMounts": merge_by("mountPath"),
        "volumeDevices": merge_by("devicePath"),
    },
)
POD_SPEC = Struct(
    "PodSpec",
    {
        "volumes": merge_by("name", retain_keys=True),
        "initContainers": merge_by("name", CONTAINER),
        "containers": merge_by("name", CONTAINER),
        "ephemeralContainers": merge_by("name", CONTAINER),
        "imagePullSecrets": merge_by("name"),
        "hostAliases": merge_by("ip"),
        "topologySpreadConstraints": merge_by("topologyKey"),
        "schedulingGates": merge_by("name"),
        "resourceClaims": merge_by("name", retain_keys=True),
    },
)
POD_STATUS = Struct(
    "PodStatus",
    {
        "conditions": merge_by("type"),
        "podIPs": merge_by("ip"),
        "hostIPs": merge_by("ip"),
        "resourceClaimStatuses": merge_by("name", retain_keys=True),
    },
)
POD_TEMPLATE_SPEC = Struct(
    "PodTemplateSpec", {"metadata": nested(OBJECT_META), "spec": nested(POD_SPEC)}
)
CONDITIONS_BY_TYPE = Struct("StatusWithConditions", {"conditions": merge_by("type")})
WORKLOAD_SPEC = Struct("WorkloadSpec", {"template": nested(POD_TEMPLATE_SPEC)})
DEPLOYMENT_SPEC = Struct(
    "DeploymentSpec",
    {
        "template": nested(POD_TEMPLATE_SPEC),
        "strategy": nested(EMPTY, retain_keys=True),
    },
)
SERVICE_SPEC = Struct("ServiceSpec", {"ports": merge_by("port")})
NODE_SPEC = Struct("NodeSpec", {"podCIDRs": UNION})
NODE_STATUS = Struct("NodeStatus", {"conditions": merge_by("type"), "addresses": merge_by("type")})


def _object(name: str, spec: Struct = EMPTY, status: Struct = EMPTY) -> Struct:
    return Struct(
        name, {"metadata": nested(OBJECT_META), "spec": nested(spec), "status": nested(status)}
    )


BY_KIND: dict[str, Struct] = {
    "Pod": _object("Pod", POD_SPEC, POD_STATUS),
    "Service": _object("Service", SERVICE_SPEC, CONDITIONS_BY_TYPE),
    "Deployment": _object("Deployment", DEPLOYMENT_SPEC, CONDITIONS_BY_TYPE),
    "ReplicaSet": _object("ReplicaSet", WORKLOAD_SPEC, CONDITIONS_BY_TYPE),
    "StatefulSet": _object("StatefulSet", WORKLOAD_SPEC, CONDITIONS_BY_TYPE),
    "DaemonSet": _object("DaemonSet", WORKLOAD_SPEC, CONDITIONS_BY_TYPE),
    "Job": _object("Job", WORKLOAD_SPEC, CONDITIONS_BY_TYPE),
    "Namespace": _object("Namespace", EMPTY, CONDITIONS_BY_TYPE),
    "Node": _object("Node", NODE_SPEC, NODE_STATUS),
    # Endpoints subsets and EndpointSlice endpoints/ports are atomic: replaced whole.
    "Endpoints": _object("Endpoints"),
    "EndpointSlice": _object("EndpointSlice"),
}


def struct_for_kind(kind: str) -> Struct:
    return BY_KIND.get(kind) or Struct(kind or "unknown", {"metadata": nested(OBJECT_META)})
