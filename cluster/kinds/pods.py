"""Pods: v1 defaulting, the admission defaults a real cluster adds, validation, the mostly
immutable spec, and a status subresource that keeps what clients write."""

from __future__ import annotations

import copy

from cluster.defaults import default_pod
from cluster.errors import FieldError
from cluster.models import Pod
from cluster.validation.pod_updates import (
    pod_qos_class,
    validate_pod_status_update,
    validate_pod_update,
)
from cluster.validation.pods import validate_pod, validate_pod_create

from . import register
from .base import Kind, Obj

# The DefaultTolerationSeconds admission plugin's tolerations.
DEFAULT_TOLERATIONS = (
    {
        "key": "node.kubernetes.io/not-ready",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 300,
    },
    {
        "key": "node.kubernetes.io/unreachable",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 300,
    },
)


def admit_pod(pod: Obj) -> None:
    """What the default admission chain adds to a new pod: ServiceAccount (``default``),
    Priority (0, PreemptLowerPriority) and DefaultTolerationSeconds."""
    spec = pod["spec"]
    if not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = spec.get("serviceAccount") or "default"
    spec["serviceAccount"] = spec["serviceAccountName"]
    if spec.get("priority") is None and not spec.get("priorityClassName"):
        spec["priority"] = 0
    if spec.get("preemptionPolicy") is None:
        spec["preemptionPolicy"] = "PreemptLowerPriority"
    tolerations = list(spec.get("tolerations") or [])
    for default in DEFAULT_TOLERATIONS:
        tolerates = any(
            isinstance(t, dict)
            and (
                t.get("operator") == "Exists" and not t.get("key") or t.get("key") == default["key"]
            )
            and t.get("effect") in (None, "", "NoExecute")
            for t in tolerations
        )
        if not tolerates:
            tolerations.append(dict(default))
    spec["tolerations"] = tolerations


class PodKind(Kind):
    def default(self, obj: Obj) -> None:
        default_pod(obj)

    def empty_status(self) -> Obj:
        return {"phase": "Pending", "qosClass": "BestEffort"}

    def prepare_create(self, obj: Obj) -> None:
        """``podStrategy.PrepareForCreate``: status Pending with the computed QoS class."""
        admit_pod(obj)
        obj["status"] = {"phase": "Pending", "qosClass": pod_qos_class(obj)}

    def validate(self, obj: Obj) -> list[FieldError]:
        return validate_pod_create(obj)

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return validate_pod(new) + validate_pod_update(new, old)

    def prepare_status_update(self, new: Obj, old: Obj) -> None:
        """``podStatusStrategy.PrepareForUpdate``: the status is kept as written; a missing
        qosClass is backfilled (it is immutable)."""
        super().prepare_status_update(new, old)
        status = new.get("status")
        if isinstance(status, dict) and not status.get("qosClass"):
            old_qos = (old.get("status") or {}).get("qosClass")
            if old_qos:
                status["qosClass"] = copy.deepcopy(old_qos)

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return validate_pod_status_update(new, old)


PODS = register(
    PodKind(
        kind="Pod",
        plural="pods",
        model=Pod,
        short_names=("po",),
        categories=("all",),
        subresources=("status", "proxy"),
    )
)
