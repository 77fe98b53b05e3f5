"""Pure computations of the workload controllers: Deployment → ReplicaSets
(``pkg/controller/deployment``: ``sync.go``, ``rolling.go``, ``recreate.go``, ``util``) and
ReplicaSet → Pods (``pkg/controller/replicaset``). No I/O: the sync functions read state, call
these, and write the difference."""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass, field
from typing import Any

from cluster.controllers.podutil import is_pod_ready, is_terminating

Obj = dict[str, Any]
HASH_LABEL = "pod-template-hash"
REVISION_ANNOTATION = "deployment.kubernetes.io/revision"
DESIRED_ANNOTATION = "deployment.kubernetes.io/desired-replicas"
MAX_ANNOTATION = "deployment.kubernetes.io/max-replicas"
_SAFE = "bcdfghjklmnpqrstvwxz2456789"


def safe_encode(text: str) -> str:
    """``rand.SafeEncodeString``: map each character onto an alphabet without vowels."""
    return "".join(_SAFE[ord(c) % len(_SAFE)] for c in text)


def template_hash(template: Obj, collision_count: int = 0) -> str:
    """``ComputeHash``: FNV-1a (32-bit) over the template, safe-encoded. Upstream hashes Go's
    printing of the struct, which is not reproducible here; we hash canonical JSON, so values
    differ from a real cluster's but have the same shape and stability."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":"))
    if collision_count:
        data += str(collision_count)
    h = 0x811C9DC5
    for byte in data.encode():
        h ^= byte
        h = (h * 0x01000193) & 0xFFFFFFFF
    return safe_encode(str(h))


def resolve_int_or_percent(value: Any, total: int, *, round_up: bool) -> int:
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    text = str(value)
    if text.endswith("%"):
        pct = int(text[:-1])
        exact = pct * total / 100
        return math.ceil(exact) if round_up else math.floor(exact)
    return int(text)


def surge_and_unavailable(deployment: Obj) -> tuple[int, int]:
    """``ResolveFenceposts``: surge rounds up, unavailable down; both 0 → unavailable 1."""
    spec = deployment.get("spec") or {}
    replicas = spec.get("replicas", 1)
    ru = (spec.get("strategy") or {}).get("rollingUpdate") or {}
    surge = resolve_int_or_percent(ru.get("maxSurge", "25%"), replicas, round_up=True)
    unavailable = resolve_int_or_percent(ru.get("maxUnavailable", "25%"), replicas, round_up=False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def _replicas(rs: Obj) -> int:
    return int((rs.get("spec") or {}).get("replicas", 0) or 0)


def _available(rs: Obj) -> int:
    return int((rs.get("status") or {}).get("availableReplicas", 0) or 0)


def _created(obj: Obj) -> tuple[str, str]:
    return (obj["metadata"].get("creationTimestamp") or "", obj["metadata"]["name"])


def pod_template_without_hash(template: Obj) -> Obj:
    t = copy.deepcopy(template)
    labels = (t.get("metadata") or {}).get("labels") or {}
    labels.pop(HASH_LABEL, None)
    return t


def new_replicaset(deployment: Obj, hash_: str, replicas: int, revision: int) -> Obj:
    meta = deployment["metadata"]
    spec = deployment["spec"]
    template = copy.deepcopy(spec.get("template") or {})
    tmeta = template.setdefault("metadata", {})
    tmeta["labels"] = dict(tmeta.get("labels") or {}, **{HASH_LABEL: hash_})
    selector = copy.deepcopy(spec.get("selector") or {})
    selector["matchLabels"] = dict(selector.get("matchLabels") or {}, **{HASH_LABEL: hash_})
    surge, _ = surge_and_unavailable(deployment)
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": f"{meta['name']}-{hash_}",
            "namespace": meta.get("namespace", ""),
            "labels": dict(tmeta["labels"]),
            "annotations": {
                DESIRED_ANNOTATION: str(spec.get("replicas", 1)),
                MAX_ANNOTATION: str(spec.get("replicas", 1) + surge),
                REVISION_ANNOTATION: str(revision),
            },
            "ownerReferences": [_owner(deployment, "apps/v1", "Deployment")],
        },
        "spec": {
            "replicas": replicas,
            "minReadySeconds": spec.get("minReadySeconds", 0),
            "selector": selector,
            "template": template,
        },
    }


def _owner(owner: Obj, api_version: str, kind: str) -> Obj:
    return {
        "apiVersion": api_version,
        "kind": kind,
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"].get("uid", ""),
        "controller": True,
        "blockOwnerDeletion": True,
    }


@dataclass
class DeploymentPlan:
    create: list[Obj] = field(default_factory=list)
    scale: dict[str, int] = field(default_factory=dict)  # replica set name → replicas
    status: Obj = field(default_factory=dict)


def find_new_replicaset(deployment: Obj, replicasets: list[Obj]) -> Obj | None:
    want = pod_template_without_hash(deployment["spec"].get("template") or {})
    for rs in sorted(replicasets, key=_created):
        if pod_template_without_hash(rs["spec"].get("template") or {}) == want:
            return rs
    return None


def plan_deployment(deployment: Obj, replicasets: list[Obj]) -> DeploymentPlan:
    """One ``syncDeployment`` step: create the new ReplicaSet if its template is new, scale
    ReplicaSets by the strategy, and compute the status from the ReplicaSets' statuses."""
    spec = deployment.get("spec") or {}
    replicas = int(spec.get("replicas", 1))
    strategy = (spec.get("strategy") or {}).get("type", "RollingUpdate")
    plan = DeploymentPlan()
    new_rs = find_new_replicaset(deployment, replicasets)
    olds = sorted((rs for rs in replicasets if rs is not new_rs), key=_created)
    revisions = [
        int(rs["metadata"].get("annotations", {}).get(REVISION_ANNOTATION, "0") or 0)
        for rs in replicasets
    ]
    if new_rs is None and not spec.get("paused"):
        hash_ = template_hash(
            spec.get("template") or {},
            int((deployment.get("status") or {}).get("collisionCount", 0)),
        )
        first = replicas if strategy == "Recreate" and not any(_replicas(r) for r in olds) else 0
        if strategy == "RollingUpdate":
            surge, _ = surge_and_unavailable(deployment)
            current = sum(_replicas(r) for r in olds)
            first = max(0, min(replicas, replicas + surge - current))
        new_rs = new_replicaset(deployment, hash_, first, max(revisions, default=0) + 1)
        plan.create.append(new_rs)
    sizes = {rs["metadata"]["name"]: _replicas(rs) for rs in olds}
    if new_rs is not None:
        sizes[new_rs["metadata"]["name"]] = _replicas(new_rs)
    if new_rs is not None and not spec.get("paused"):
        name = new_rs["metadata"]["name"]
        if strategy == "Recreate":
            for rs in olds:
                sizes[rs["metadata"]["name"]] = 0
            old_running = sum(int((rs.get("status") or {}).get("replicas", 0) or 0) for rs in olds)
            if old_running == 0:
                sizes[name] = replicas
        else:
            surge, unavailable = surge_and_unavailable(deployment)
            if not olds or not any(sizes[r["metadata"]["name"]] for r in olds):
                sizes[name] = replicas
            else:
                # NewRSNewReplicas
                current = sum(sizes.values())
                max_total = replicas + surge
                if current < max_total:
                    up = min(max_total - current, replicas - sizes[name])
                    sizes[name] = sizes[name] + max(up, 0)
                elif sizes[name] > replicas:
                    sizes[name] = replicas
                # reconcileOldReplicaSets / scaleDownOldReplicaSetsForRollingUpdate
                all_count = sum(sizes.values())
                min_available = replicas - unavailable
                new_unavailable = sizes[name] - _available(new_rs)
                max_scaled_down = all_count - min_available - new_unavailable
                if max_scaled_down > 0:
                    # cleanupUnhealthyReplicas: unavailable old pods go first.
                    for rs in olds:
                        n = rs["metadata"]["name"]
                        unhealthy = sizes[n] - _available(rs)
                        cut = min(max_scaled_down, max(unhealthy, 0))
                        if cut > 0:
                            sizes[n] -= cut
                            max_scaled_down -= cut
                    available = sum(_available(r) for r in olds) + _available(new_rs)
                    budget = min(available - min_available, max_scaled_down)
                    for rs in olds:
                        if budget <= 0:
                            break
                        n = rs["metadata"]["name"]
                        cut = min(sizes[n], budget)
                        sizes[n] -= cut
                        budget -= cut
    for rs in replicasets:
        n = rs["metadata"]["name"]
        if n in sizes and sizes[n] != _replicas(rs):
            plan.scale[n] = sizes[n]
    if plan.create:
        plan.create[0]["spec"]["replicas"] = sizes[plan.create[0]["metadata"]["name"]]
    plan.status = deployment_status(deployment, replicasets, new_rs)
    return plan


def deployment_status(deployment: Obj, replicasets: list[Obj], new_rs: Obj | None) -> Obj:
    spec = deployment.get("spec") or {}
    replicas = int(spec.get("replicas", 1))
    _, unavailable = surge_and_unavailable(deployment)

    def total(key: str, rss: list[Obj]) -> int:
        return sum(int((rs.get("status") or {}).get(key, 0) or 0) for rs in rss)

    status: Obj = {
        "observedGeneration": deployment["metadata"].get("generation", 1),
        "replicas": total("replicas", replicasets),
        "updatedReplicas": total("replicas", [new_rs])
        if new_rs is not None and new_rs in replicasets
        else 0,
        "readyReplicas": total("readyReplicas", replicasets),
        "availableReplicas": total("availableReplicas", replicasets),
    }
    status["unavailableReplicas"] = max(replicas - status["availableReplicas"], 0)
    old_conditions = {
        c.get("type"): c for c in (deployment.get("status") or {}).get("conditions") or []
    }
    available = status["availableReplicas"] >= replicas - unavailable
    complete = (
        new_rs is not None
        and status["updatedReplicas"] == replicas
        and status["replicas"] == replicas
        and status["availableReplicas"] == replicas
    )
    rs_name = new_rs["metadata"]["name"] if new_rs is not None else ""
    status["conditions"] = [
        _condition(
            old_conditions.get("Available"),
            "Available",
            available,
            "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
            "Deployment has minimum availability."
            if available
            else "Deployment does not have minimum availability.",
        ),
        _condition(
            old_conditions.get("Progressing"),
            "Progressing",
            True,
            "NewReplicaSetAvailable"
            if complete
            else ("ReplicaSetUpdated" if rs_name else "NewReplicaSetCreated"),
            f'ReplicaSet "{rs_name}" has successfully progressed.'
            if complete
            else f'ReplicaSet "{rs_name}" is progressing.',
        ),
    ]
    if not status["unavailableReplicas"]:
        del status["unavailableReplicas"]
    for key in ("readyReplicas", "availableReplicas", "updatedReplicas", "replicas"):
        if not status[key]:
            del status[key]
    return status


def _condition(old: Obj | None, type_: str, ok: bool, reason: str, message: str) -> Obj:
    from cluster.objects import format_time, now

    stamp = format_time(now())
    value = "True" if ok else "False"
    transition = old.get("lastTransitionTime") if old and old.get("status") == value else stamp
    updated = (
        old.get("lastUpdateTime")
        if old and old.get("reason") == reason and old.get("status") == value
        else stamp
    )
    return {
        "type": type_,
        "status": value,
        "lastUpdateTime": updated,
        "lastTransitionTime": transition,
        "reason": reason,
        "message": message,
    }


# --- ReplicaSet → Pods -----------------------------------------------------------------------


def is_active(pod: Obj) -> bool:
    """``controller.IsPodActive``: not terminal and not being deleted."""
    return (pod.get("status") or {}).get("phase") not in (
        "Succeeded",
        "Failed",
    ) and not is_terminating(pod)


def pod_from_template(owner: Obj, owner_api_version: str, owner_kind: str, template: Obj) -> Obj:
    tmeta = template.get("metadata") or {}
    meta: Obj = {
        "generateName": f"{owner['metadata']['name']}-",
        "namespace": owner["metadata"].get("namespace", ""),
        "labels": dict(tmeta.get("labels") or {}),
        "ownerReferences": [_owner(owner, owner_api_version, owner_kind)],
    }
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": copy.deepcopy(template.get("spec") or {}),
    }


def _deletion_rank(pod: Obj) -> tuple[int, int, int, str]:
    """``ActivePodsWithRanks``, simplified: unassigned, then pending/unknown, then not ready
    pods go first; among equals the newest."""
    status = pod.get("status") or {}
    assigned = 1 if (pod.get("spec") or {}).get("nodeName") else 0
    phase = {"Pending": 0, "Unknown": 1, "Running": 2}.get(status.get("phase", "Pending"), 0)
    ready = 1 if is_pod_ready(pod) else 0
    created = pod["metadata"].get("creationTimestamp") or ""
    return (assigned, phase, ready, "".join(chr(255 - ord(c)) for c in created))


@dataclass
class ReplicaSetPlan:
    create: list[Obj] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    status: Obj = field(default_factory=dict)


def plan_replicaset(rs: Obj, pods: list[Obj]) -> ReplicaSetPlan:
    plan = ReplicaSetPlan()
    want = int((rs.get("spec") or {}).get("replicas", 1))
    active = [p for p in pods if is_active(p)]
    diff = len(active) - want
    if diff < 0:
        template = (rs.get("spec") or {}).get("template") or {}
        plan.create = [
            pod_from_template(rs, "apps/v1", "ReplicaSet", template) for _ in range(-diff)
        ]
    elif diff > 0:
        ranked = sorted(active, key=_deletion_rank)
        plan.delete = [p["metadata"]["name"] for p in ranked[:diff]]
    plan.status = replicaset_status(rs, active)
    return plan


def replicaset_status(rs: Obj, active: list[Obj]) -> Obj:
    ready = sum(1 for p in active if is_pod_ready(p))
    status: Obj = {
        "replicas": len(active),
        "fullyLabeledReplicas": len(active),
        "readyReplicas": ready,
        "availableReplicas": ready,
        "observedGeneration": rs["metadata"].get("generation", 1),
    }
    return {k: v for k, v in status.items() if v or k in ("replicas", "observedGeneration")}
