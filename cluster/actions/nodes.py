"""Operator actions on simulated nodes: readiness (what a kubelet reports) and cordoning
(``kubectl cordon``: ``spec.unschedulable``)."""

from __future__ import annotations

from typing import Any

from cluster.actions.base import writing
from cluster.actions.objects import fetch_or_404, patch_object, replace_object
from cluster.jsoncopy import json_copy
from cluster.kinds import by_kind
from cluster.objects import format_time, now

Obj = dict[str, Any]
MERGE = "application/merge-patch+json"


def set_node_ready(*, name: str, ready: bool) -> Obj:
    """Replace the node's Ready condition through ``/status``."""
    kind = by_kind("Node")
    assert kind is not None
    with writing():
        node = json_copy(kind.to_k8s(fetch_or_404(kind, "", name)))
        status = node.setdefault("status", {})
        stamp = format_time(now())
        value = "True" if ready else "False"
        conditions = list(status.get("conditions") or [])
        old = next((c for c in conditions if c.get("type") == "Ready"), None)
        new = {
            "type": "Ready",
            "status": value,
            "lastHeartbeatTime": stamp,
            "lastTransitionTime": old.get("lastTransitionTime")
            if old is not None and old.get("status") == value
            else stamp,
            "reason": "KubeletReady" if ready else "KubeletNotReady",
            "message": "kubelet is posting ready status"
            if ready
            else "node marked NotReady by the operator (manage.py node --not-ready)",
        }
        status["conditions"] = [c for c in conditions if c.get("type") != "Ready"] + [new]
        node["metadata"].pop("resourceVersion", None)
        result, _ = replace_object(kind, namespace="", name=name, body=node, subresource="status")
        return result


def set_node_schedulable(*, name: str, schedulable: bool) -> Obj:
    """``kubectl cordon`` / ``uncordon``."""
    kind = by_kind("Node")
    assert kind is not None
    patch = {"spec": {"unschedulable": None if schedulable else True}}
    result, _ = patch_object(kind, namespace="", name=name, patch_type=MERGE, patch=patch)
    return result
