"""Pure computations of the StatefulSet (``pkg/controller/statefulset``), DaemonSet
(``pkg/controller/daemon``) controllers: which pods to create
and delete, and the status. The sync functions read state, call these, and write the
difference. Simplified where the simulation has nothing to model (no ControllerRevisions, no
PersistentVolumeClaims, no pod failures unless a user writes one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cluster.controllers import scheduling
from cluster.controllers.podutil import is_pod_ready, is_terminating
from cluster.controllers.workloads import is_active, pod_from_template, template_hash

Obj = dict[str, Any]
REVISION_LABEL = "controller-revision-hash"
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
TEMPLATE_GENERATION_LABEL = "pod-template-generation"


@dataclass
class SetPlan:
    create: list[Obj] = field(default_factory=list)
    delete: list[str] = field(default_factory=list)
    status: Obj = field(default_factory=dict)


def _spec(obj: Obj) -> Obj:
    return obj.get("spec") or {}


def _name(obj: Obj) -> str:
    return str(obj["metadata"]["name"])


def _labels(obj: Obj) -> dict[str, str]:
    return obj["metadata"].get("labels") or {}


def _running_and_ready(pod: Obj) -> bool:
    return (pod.get("status") or {}).get("phase") == "Running" and is_pod_ready(pod)


# --- StatefulSet ------------------------------------------------------------------------------


def update_revision(sts: Obj) -> str:
    """The ControllerRevision name a real cluster would give the current template."""
    collisions = int((sts.get("status") or {}).get("collisionCount", 0) or 0)
    return f"{_name(sts)}-{template_hash(_spec(sts).get('template') or {}, collisions)}"


def ordinal(sts: Obj, pod: Obj) -> int | None:
    prefix = _name(sts) + "-"
    name = _name(pod)
    if name.startswith(prefix) and name[len(prefix) :].isdigit():
        return int(name[len(prefix) :])
    return None


def stateful_pod(sts: Obj, index: int, revision: str) -> Obj:
    """``newVersionedStatefulSetPod``: stable name, hostname and subdomain, identity labels."""
    pod = pod_from_template(sts, "apps/v1", "StatefulSet", _spec(sts).get("template") or {})
    meta = pod["metadata"]
    name = f"{_name(sts)}-{index}"
    meta.pop("generateName", None)
    meta["name"] = name
    meta["labels"].update(
        {POD_NAME_LABEL: name, POD_INDEX_LABEL: str(index), REVISION_LABEL: revision}
    )
    pod["spec"]["hostname"] = name
    if _spec(sts).get("serviceName"):
        pod["spec"]["subdomain"] = _spec(sts)["serviceName"]
    _claim_volumes(sts, pod, index)
    return pod


def _claim_volumes(sts: Obj, pod: Obj, index: int) -> None:
    """``updateStorage``: a volume per volumeClaimTemplate, backed by the claim
    ``<template>-<set>-<ordinal>``, replacing a template volume of the same name."""
    claims = [
        str((c.get("metadata") or {}).get("name") or "")
        for c in _spec(sts).get("volumeClaimTemplates") or []
        if isinstance(c, dict)
    ]
    if not claims:
        return
    volumes = [
        {"name": c, "persistentVolumeClaim": {"claimName": f"{c}-{_name(sts)}-{index}"}}
        for c in claims
    ]
    volumes += [v for v in pod["spec"].get("volumes") or [] if v.get("name") not in claims]
    pod["spec"]["volumes"] = volumes


def plan_statefulset(sts: Obj, pods: list[Obj]) -> SetPlan:
    """One ``UpdateStatefulSet`` pass: OrderedReady creates ordinal i only when 0..i-1 are
    Running and Ready and deletes from the highest ordinal one at a time; Parallel does all at
    once. A RollingUpdate replaces pods of an old revision from the highest ordinal down to the
    partition, one at a time, once every pod is Running and Ready."""
    spec = _spec(sts)
    replicas = int(spec.get("replicas", 1) or 0)
    ordered = spec.get("podManagementPolicy", "OrderedReady") != "Parallel"
    revision = update_revision(sts)
    plan = SetPlan()
    by_ordinal: dict[int, Obj] = {}
    finished: set[int] = set()  # a terminal pod is deleted, then created again
    for pod in pods:
        i = ordinal(sts, pod)
        if i is None:
            continue
        if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            finished.add(i)
            if not is_terminating(pod):
                plan.delete.append(_name(pod))
        else:
            by_ordinal[i] = pod
    blocked = ordered and any(is_terminating(p) for p in by_ordinal.values())
    for i in range(replicas):
        if blocked:
            break
        pod = by_ordinal.get(i)
        if i in finished:
            blocked = ordered
        elif pod is None:
            plan.create.append(stateful_pod(sts, i, revision))
            if ordered:
                blocked = True
        elif ordered and not _running_and_ready(pod):
            blocked = True
    condemned = sorted((i for i in by_ordinal if i >= replicas), reverse=True)
    healthy = all(_running_and_ready(by_ordinal[i]) for i in by_ordinal if i < replicas)
    if condemned and not blocked:
        if not ordered:
            plan.delete += [_name(by_ordinal[i]) for i in condemned]
        elif healthy:
            plan.delete.append(_name(by_ordinal[condemned[0]]))
    strategy = spec.get("updateStrategy") or {}
    if (
        not plan.create
        and not plan.delete
        and strategy.get("type", "RollingUpdate") == "RollingUpdate"
        and healthy
        and len(by_ordinal) == replicas
        and not any(is_terminating(p) for p in by_ordinal.values())
    ):
        partition = int((strategy.get("rollingUpdate") or {}).get("partition", 0) or 0)
        for i in sorted(by_ordinal, reverse=True):
            if i >= partition and _labels(by_ordinal[i]).get(REVISION_LABEL) != revision:
                plan.delete = [_name(by_ordinal[i])]
                break
    plan.status = statefulset_status(sts, list(by_ordinal.values()), revision)
    return plan


def statefulset_status(sts: Obj, pods: list[Obj], revision: str) -> Obj:
    replicas = int(_spec(sts).get("replicas", 1) or 0)
    old = sts.get("status") or {}
    live = [p for p in pods if not is_terminating(p)]
    updated = sum(1 for p in live if _labels(p).get(REVISION_LABEL) == revision)
    current_revision = old.get("currentRevision") or revision
    if updated == replicas == len(live):
        current_revision = revision
    current = sum(1 for p in live if _labels(p).get(REVISION_LABEL) == current_revision)
    ready = sum(1 for p in live if is_pod_ready(p))
    status: Obj = {
        "observedGeneration": sts["metadata"].get("generation", 1),
        "replicas": len(live),
        "readyReplicas": ready,
        "currentReplicas": current,
        "updatedReplicas": updated,
        "availableReplicas": ready,
        "currentRevision": current_revision,
        "updateRevision": revision,
        "collisionCount": int(old.get("collisionCount", 0) or 0),
    }
    return {k: v for k, v in status.items() if v or k in ("replicas", "availableReplicas")}


# --- DaemonSet --------------------------------------------------------------------------------

# ``util.AddOrUpdateDaemonPodTolerations``.
DAEMON_TOLERATIONS = (
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
)


def daemon_hash(ds: Obj) -> str:
    collisions = int((ds.get("status") or {}).get("collisionCount", 0) or 0)
    return template_hash(_spec(ds).get("template") or {}, collisions)


def daemon_pod(ds: Obj, node_name: str, hash_: str) -> Obj:
    """A daemon pod pinned to ``node_name`` by node affinity on ``metadata.name`` (the
    scheduler binds it), with the DaemonSet tolerations."""
    pod = pod_from_template(ds, "apps/v1", "DaemonSet", _spec(ds).get("template") or {})
    pod["metadata"]["labels"].update(
        {
            REVISION_LABEL: hash_,
            TEMPLATE_GENERATION_LABEL: str(ds["metadata"].get("generation", 1)),
        }
    )
    spec = pod["spec"]
    tolerations = list(spec.get("tolerations") or [])
    for key, effect in DAEMON_TOLERATIONS:
        if not any(t.get("key") == key and t.get("effect") == effect for t in tolerations):
            tolerations.append({"key": key, "operator": "Exists", "effect": effect})
    spec["tolerations"] = tolerations
    affinity = spec.setdefault("affinity", {})
    node_affinity = affinity.setdefault("nodeAffinity", {})
    node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {
        "nodeSelectorTerms": [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node_name]}]}
        ]
    }
    return pod


def daemon_target(pod: Obj) -> str:
    """The node a daemon pod runs on, or is pinned to while unscheduled."""
    spec = pod.get("spec") or {}
    if spec.get("nodeName"):
        return str(spec["nodeName"])
    required = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or {}
    for term in required.get("nodeSelectorTerms") or []:
        for f in term.get("matchFields") or []:
            if f.get("key") == "metadata.name" and f.get("values"):
                return str(f["values"][0])
    return ""


def _should_run(ds: Obj, node: Obj) -> tuple[bool, bool]:
    """``NodeShouldRunDaemonPod``: (start a pod here, keep an existing one). New pods go only
    to Ready, schedulable nodes that match the template's node selector/affinity and whose
    taints the daemon tolerates; existing pods stay unless the node stops matching or has an
    untolerated NoExecute taint."""
    probe = daemon_pod(ds, node["metadata"]["name"], "")
    if not scheduling.matches_node_affinity(probe, node):
        return False, False
    tolerations = probe["spec"]["tolerations"]
    taints = [t for t in (node.get("spec") or {}).get("taints") or [] if isinstance(t, dict)]
    no_execute = [t for t in taints if t.get("effect") == "NoExecute"]
    keep = scheduling.untolerated_taint(tolerations, no_execute) is None
    start = (
        keep
        and scheduling.node_ready(node)
        and not (node.get("spec") or {}).get("unschedulable")
        and scheduling.untolerated_taint(tolerations, taints) is None
    )
    return start, keep


def plan_daemonset(ds: Obj, pods: list[Obj], nodes: list[Obj]) -> SetPlan:
    hash_ = daemon_hash(ds)
    plan = SetPlan()
    active = [p for p in pods if is_active(p)]
    by_node: dict[str, list[Obj]] = {}
    for pod in sorted(
        active, key=lambda p: (p["metadata"].get("creationTimestamp") or "", _name(p))
    ):
        by_node.setdefault(daemon_target(pod), []).append(pod)
    desired: list[str] = []
    for node in sorted(nodes, key=_name):
        name = _name(node)
        start, keep = _should_run(ds, node)
        here = by_node.pop(name, [])
        if keep and (start or here):
            desired.append(name)
            if not here and start:
                plan.create.append(daemon_pod(ds, name, hash_))
            plan.delete += [_name(p) for p in here[1:]]
        else:
            plan.delete += [_name(p) for p in here]
    for leftovers in by_node.values():  # nodes that are gone
        plan.delete += [_name(p) for p in leftovers]
    kept = [p for p in active if _name(p) not in plan.delete]
    strategy = _spec(ds).get("updateStrategy") or {}
    if strategy.get("type", "RollingUpdate") == "RollingUpdate" and not plan.create:
        from cluster.controllers.workloads import resolve_int_or_percent

        budget = resolve_int_or_percent(
            (strategy.get("rollingUpdate") or {}).get("maxUnavailable", 1),
            len(desired),
            round_up=True,
        )
        budget = max(budget, 1) - sum(1 for p in kept if not is_pod_ready(p))
        for pod in kept:
            if budget <= 0:
                break
            if _labels(pod).get(REVISION_LABEL) != hash_:
                plan.delete.append(_name(pod))
                budget -= 1
    plan.status = daemonset_status(ds, active, desired, hash_)
    return plan


def daemonset_status(ds: Obj, active: list[Obj], desired: list[str], hash_: str) -> Obj:
    on_desired = [p for p in active if daemon_target(p) in desired]
    scheduled = {daemon_target(p) for p in on_desired if (p.get("spec") or {}).get("nodeName")}
    ready = sum(1 for p in on_desired if is_pod_ready(p))
    status: Obj = {
        "currentNumberScheduled": len(scheduled),
        "numberMisscheduled": sum(
            1
            for p in active
            if (p.get("spec") or {}).get("nodeName") and daemon_target(p) not in desired
        ),
        "desiredNumberScheduled": len(desired),
        "numberReady": ready,
        "observedGeneration": ds["metadata"].get("generation", 1),
        "updatedNumberScheduled": sum(
            1 for p in on_desired if _labels(p).get(REVISION_LABEL) == hash_
        ),
        "numberAvailable": ready,
        "numberUnavailable": max(len(desired) - ready, 0),
    }
    keep_zero = ("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled")
    return {k: v for k, v in status.items() if v or k in keep_zero + ("numberReady",)}
