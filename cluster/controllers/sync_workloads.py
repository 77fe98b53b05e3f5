"""The workload controllers: Deployment → ReplicaSets, ReplicaSet → Pods, StatefulSet,
DaemonSet and Job → Pods. Each sync reads its object and the children it owns
(``owner_uid``), plans with a pure function (:mod:`cluster.controllers.workloads`,
:mod:`cluster.controllers.sets`) and, only when the plan changes something, opens
``writing()``, plans again on fresh rows and applies it through the generic actions: children
with ``create_object``/``patch_object``/``delete_object``, status with
``replace_object(..., subresource="status")``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cluster.actions.base import writing
from cluster.actions.objects import create_object, delete_object, patch_object, replace_object
from cluster.controllers import jobs, runtime, sets
from cluster.controllers.routing import DAEMONSET, DEPLOYMENT, JOB, REPLICASET, STATEFULSET
from cluster.controllers.workloads import (
    DESIRED_ANNOTATION,
    MAX_ANNOTATION,
    REVISION_ANNOTATION,
    find_new_replicaset,
    plan_deployment,
    plan_replicaset,
    surge_and_unavailable,
)
from cluster.errors import StatusError
from cluster.kinds import Kind, by_kind
from cluster.models import (
    DaemonSet,
    Deployment,
    Job,
    KubeObject,
    Node,
    Pod,
    ReplicaSet,
    StatefulSet,
)
from cluster.objects import format_time, now

Obj = dict[str, Any]
MERGE = "application/merge-patch+json"


def _kind(name: str) -> Kind:
    kind = by_kind(name)
    assert kind is not None
    return kind


def _split(key: str) -> tuple[str, str]:
    ns, _, name = key.rpartition("/")
    return ns, name


def _read(model: type[KubeObject], ns: str, name: str) -> tuple[Obj, list[Obj]] | None:
    """The object and the pods (or, for a Deployment, ReplicaSets) it controls."""
    row = model.objects.filter(namespace=ns, name=name).first()
    if row is None:
        return None
    child = ReplicaSet if model is Deployment else Pod
    child_kind = _kind(child.KIND)
    children = [child_kind.to_k8s(c) for c in child.objects.filter(namespace=ns, owner_uid=row.uid)]
    return _kind(model.KIND).to_k8s(row), children


def _status_differs(obj: Obj, status: Obj) -> bool:
    return (obj.get("status") or {}) != status


def _write_status(kind: Kind, obj: Obj, status: Obj) -> None:
    meta = {k: v for k, v in obj["metadata"].items() if k != "resourceVersion"}
    body = dict(obj, metadata=meta, status=status)
    replace_object(
        kind, namespace=meta["namespace"], name=meta["name"], body=body, subresource="status"
    )


def _delete_pod(ns: str, name: str) -> None:
    try:
        delete_object(_kind("Pod"), namespace=ns, name=name)
    except StatusError as e:
        if e.code != 404:
            raise


def _apply_pod_plan(kind: Kind, obj: Obj, plan: Any) -> None:
    ns = obj["metadata"]["namespace"]
    for name in plan.delete:
        _delete_pod(ns, name)
    for pod in plan.create:
        create_object(_kind("Pod"), namespace=ns, body=pod)
    if _status_differs(obj, plan.status):
        _write_status(kind, obj, plan.status)


def _pod_controller(
    model: type[KubeObject], key: str, plan_fn: Callable[[Obj, list[Obj]], Any]
) -> None:
    """The shape every pod-owning controller shares: plan, and write only a difference."""
    ns, name = _split(key)
    kind = _kind(model.KIND)

    def plan() -> tuple[Obj, Any] | None:
        state = _read(model, ns, name)
        if state is None or state[0]["metadata"].get("deletionTimestamp"):
            return None
        obj, pods = state
        return obj, plan_fn(obj, pods)

    got = plan()
    if got is None or not (got[1].create or got[1].delete or _status_differs(*_status(got))):
        return
    with writing():
        got = plan()
        if got is not None:
            _apply_pod_plan(kind, got[0], got[1])


def _status(got: tuple[Obj, Any]) -> tuple[Obj, Obj]:
    return got[0], got[1].status


# --- ReplicaSet -------------------------------------------------------------------------------


@runtime.controller(REPLICASET)
def sync_replicaset(key: str) -> None:
    _pod_controller(ReplicaSet, key, plan_replicaset)


# --- Deployment -------------------------------------------------------------------------------


def _revision(rs: Obj) -> int:
    value = (rs["metadata"].get("annotations") or {}).get(REVISION_ANNOTATION, "0")
    return int(value) if str(value).isdigit() else 0


def _deployment_changes(dep: Obj, rss: list[Obj]) -> tuple[Any, dict[str, Obj], Obj | None]:
    """The plan, metadata patches for ReplicaSets, and the Deployment's own metadata patch."""
    plan = plan_deployment(dep, rss)
    spec = dep.get("spec") or {}
    replicas = int(spec.get("replicas", 1))
    surge, _ = surge_and_unavailable(dep)
    wanted = {DESIRED_ANNOTATION: str(replicas), MAX_ANNOTATION: str(replicas + surge)}
    patches: dict[str, Obj] = {}
    new_rs = find_new_replicaset(dep, rss) if not plan.create else plan.create[0]
    top = max((_revision(r) for r in rss), default=0)
    for rs in rss:
        rs_name = rs["metadata"]["name"]
        if rs is not new_rs and rs_name not in plan.scale:
            continue
        want = dict(wanted)
        if rs is new_rs and _revision(rs) < top:
            want[REVISION_ANNOTATION] = str(top + 1)  # a rollback: the old template is newest
        annotations = rs["metadata"].get("annotations") or {}
        changed = {k: v for k, v in want.items() if annotations.get(k) != v}
        patch: Obj = {}
        if changed:
            patch["metadata"] = {"annotations": changed}
        if rs_name in plan.scale:
            patch["spec"] = {"replicas": plan.scale[rs_name]}
        if patch:
            patches[rs_name] = patch
    own: Obj | None = None
    if new_rs is not None:
        revision = (new_rs["metadata"].get("annotations") or {}).get(REVISION_ANNOTATION)
        revision = (
            patches.get(new_rs["metadata"]["name"], {})
            .get("metadata", {})
            .get("annotations", {})
            .get(REVISION_ANNOTATION, revision)
        )
        if revision and (dep["metadata"].get("annotations") or {}).get(REVISION_ANNOTATION) != (
            revision
        ):
            own = {"metadata": {"annotations": {REVISION_ANNOTATION: revision}}}
    return plan, patches, own


def _history_to_delete(dep: Obj, rss: list[Obj], new_rs: Obj | None) -> list[str]:
    """``cleanupDeployment``: old, empty ReplicaSets beyond ``revisionHistoryLimit``."""
    limit = int((dep.get("spec") or {}).get("revisionHistoryLimit", 10))
    olds = [
        r
        for r in rss
        if r is not new_rs
        and not (r.get("spec") or {}).get("replicas")
        and not (r.get("status") or {}).get("replicas")
    ]
    olds.sort(key=_revision)
    return [r["metadata"]["name"] for r in olds[: max(len(olds) - limit, 0)]]


@runtime.controller(DEPLOYMENT)
def sync_deployment(key: str) -> None:
    ns, name = _split(key)
    rs_kind, dep_kind = _kind("ReplicaSet"), _kind("Deployment")

    def compute() -> tuple[Obj, list[Obj], Any, dict[str, Obj], Obj | None, list[str]] | None:
        state = _read(Deployment, ns, name)
        if state is None or state[0]["metadata"].get("deletionTimestamp"):
            return None
        dep, rss = state
        plan, patches, own = _deployment_changes(dep, rss)
        new_rs = None if plan.create else find_new_replicaset(dep, rss)
        history = [] if plan.create else _history_to_delete(dep, rss, new_rs)
        return dep, rss, plan, patches, own, history

    got = compute()
    if got is None:
        return
    dep, _, plan, patches, own, history = got
    if not (plan.create or patches or own or history or _status_differs(dep, plan.status)):
        return
    with writing():
        got = compute()
        if got is None:
            return
        dep, _, plan, patches, own, history = got
        for rs in plan.create:
            create_object(rs_kind, namespace=ns, body=rs)
        for rs_name, patch in patches.items():
            patch_object(rs_kind, namespace=ns, name=rs_name, patch_type=MERGE, patch=patch)
        for rs_name in history:
            delete_object(rs_kind, namespace=ns, name=rs_name)
        if own is not None:
            dep, _ = patch_object(dep_kind, namespace=ns, name=name, patch_type=MERGE, patch=own)
        if _status_differs(dep, plan.status):
            _write_status(dep_kind, dep, plan.status)


# --- StatefulSet, DaemonSet, Job --------------------------------------------------------------


@runtime.controller(STATEFULSET)
def sync_statefulset(key: str) -> None:
    _pod_controller(StatefulSet, key, sets.plan_statefulset)


@runtime.controller(DAEMONSET)
def sync_daemonset(key: str) -> None:
    node_kind = _kind("Node")

    def plan(ds: Obj, pods: list[Obj]) -> sets.SetPlan:
        nodes = [node_kind.to_k8s(n) for n in Node.objects.order_by("name")]
        return sets.plan_daemonset(ds, pods, nodes)

    _pod_controller(DaemonSet, key, plan)


@runtime.controller(JOB)
def sync_job(key: str) -> None:
    _pod_controller(Job, key, lambda job, pods: jobs.plan_job(job, pods, format_time(now()) or ""))


# --- full passes ------------------------------------------------------------------------------


def _resync(name: str, model: type[KubeObject]) -> Callable[[], None]:
    def run() -> None:
        rows = model.objects.values_list("namespace", "name")
        runtime.submit((name, f"{ns}/{n}") for ns, n in rows)

    run.__name__ = f"resync_{name}"
    return runtime.full_sync(name)(run)


resync_deployments = _resync(DEPLOYMENT, Deployment)
resync_replicasets = _resync(REPLICASET, ReplicaSet)
resync_statefulsets = _resync(STATEFULSET, StatefulSet)
resync_daemonsets = _resync(DAEMONSET, DaemonSet)
resync_jobs = _resync(JOB, Job)
