"""Pod writes of the simulated control plane: binding (the apiserver's ``BindingREST``) and
kubelet status updates that also keep an annotation (one write, one revision)."""

from __future__ import annotations

from typing import Any

from cluster import errors
from cluster.actions.base import writing
from cluster.actions.objects import _raise_invalid, _same, fetch, fetch_or_404, run_strategy
from cluster.jsoncopy import json_copy
from cluster.kinds import by_kind
from cluster.models import Pod
from cluster.objects import format_time, load_into, now

Obj = dict[str, Any]


def bind_pod(*, namespace: str, name: str, node_name: str) -> Obj:
    """``BindingREST.assignPod``: set ``spec.nodeName`` and a True PodScheduled condition.
    A pod already bound or being deleted is a Conflict, as upstream."""
    kind = by_kind("Pod")
    assert kind is not None
    with writing() as w:
        inst = fetch_or_404(kind, namespace, name)
        if inst.deletion_timestamp is not None:
            raise errors.conflict(
                "pods", name, why=f"pod {name} is being deleted, cannot be assigned to a host"
            )
        old = json_copy(kind.to_k8s(inst))
        current = old["spec"].get("nodeName")
        if current:
            raise errors.conflict(
                "pods", name, why=f"pod {name} is already assigned to node {current!r}"
            )
        new = json_copy(old)
        new["spec"]["nodeName"] = node_name
        status = new.setdefault("status", {})
        conditions = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"]
        conditions.append(
            {
                "type": "PodScheduled",
                "status": "True",
                "lastProbeTime": None,
                "lastTransitionTime": format_time(now()),
            }
        )
        status["conditions"] = conditions
        load_into(inst, new)
        w.save(inst, "MODIFIED", previous=old)
        return kind.to_k8s(inst)


def set_pod_status(
    *,
    namespace: str,
    name: str,
    status: Obj,
    annotations: dict[str, str] | None = None,
) -> Obj | None:
    """``UpdateStatus`` through the pod status strategy (validation included), plus
    ``annotations`` merged into the metadata in the same write. None: the pod is gone."""
    kind = by_kind("Pod")
    assert kind is not None
    with writing() as w:
        inst: Pod | None = fetch(kind, namespace, name)  # type: ignore[assignment]
        if inst is None:
            return None
        old = json_copy(kind.to_k8s(inst))
        new = json_copy(old)
        new["status"] = json_copy(status)
        run_strategy(kind, kind.default, new)
        run_strategy(kind, kind.prepare_status_update, new, old)
        _raise_invalid(kind, new, run_strategy(kind, kind.validate_status_update, new, old))
        if annotations:
            new["metadata"]["annotations"] = {
                **(old["metadata"].get("annotations") or {}),
                **annotations,
            }
        if _same(new, old):
            return old
        load_into(inst, new)
        w.save(inst, "MODIFIED", previous=old)
        return kind.to_k8s(inst)


def set_pod_readiness(*, namespace: str, name: str, ready: bool) -> Obj:
    """What a readiness probe does to a running pod: failing, Ready and ContainersReady turn
    False with reason ``ReadinessProbeFailed`` (which the simulated kubelet never reverts);
    passing, both turn True."""
    from cluster.controllers import kubelet as kl

    kind = by_kind("Pod")
    assert kind is not None
    with writing():
        inst = fetch_or_404(kind, namespace, name)
        pod = kind.to_k8s(inst)
        stamp = format_time(now()) or ""
        if ready:
            status = kl.ready_status(pod, stamp)
        else:
            status = kl.not_ready_status(pod, stamp, kl.USER_NOT_READY, "Readiness probe failed")
        result = set_pod_status(namespace=namespace, name=name, status=status)
        assert result is not None
        return result
