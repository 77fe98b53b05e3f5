"""Pure computation of the Job controller (``pkg/controller/job``: ``syncJob``): which pods
to create and delete, and the status. Simulated pods run and succeed by themselves (see the
kubelet); a pod fails only when a user writes that status."""

from __future__ import annotations

from typing import Any

from cluster.controllers.podutil import is_pod_ready, is_terminating
from cluster.controllers.sets import SetPlan
from cluster.controllers.workloads import is_active, pod_from_template

Obj = dict[str, Any]
COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index"


def _spec(obj: Obj) -> Obj:
    return obj.get("spec") or {}


def _name(obj: Obj) -> str:
    return str(obj["metadata"]["name"])


def _job_condition(old: list[Obj], type_: str, reason: str, message: str, stamp: str) -> Obj:
    for c in old:
        if c.get("type") == type_ and c.get("status") == "True":
            return c
    return {
        "type": type_,
        "status": "True",
        "lastProbeTime": stamp,
        "lastTransitionTime": stamp,
        "reason": reason,
        "message": message,
    }


def job_pod(job: Obj, index: int | None) -> Obj:
    pod = pod_from_template(job, "batch/v1", "Job", _spec(job).get("template") or {})
    if index is not None:
        name = _name(job)
        pod["metadata"]["generateName"] = f"{name}-{index}-"
        pod["metadata"].setdefault("annotations", {})[COMPLETION_INDEX] = str(index)
        pod["metadata"]["labels"][COMPLETION_INDEX] = str(index)
        pod["spec"]["hostname"] = f"{name}-{index}"
        if _spec(job).get("subdomain"):
            pod["spec"]["subdomain"] = _spec(job)["subdomain"]
    return pod


def _pod_index(pod: Obj) -> int | None:
    value = (pod["metadata"].get("annotations") or {}).get(COMPLETION_INDEX)
    return int(value) if value is not None and str(value).isdigit() else None


def _ranges(indexes: list[int]) -> str:
    """``completedIndexes``: ``"1,3-5,7"``."""
    out: list[str] = []
    for i in sorted(set(indexes)):
        if out and i == int(out[-1].split("-")[-1]) + 1:
            out[-1] = f"{out[-1].split('-')[0]}-{i}"
        else:
            out.append(str(i))
    return ",".join(out)


def plan_job(job: Obj, pods: list[Obj], stamp: str) -> SetPlan:
    """``syncJob``: keep ``min(parallelism, remaining completions)`` pods active until the
    completions are reached (then SuccessCriteriaMet and Complete), or the backoff limit is
    passed (Failed). Simulated pods succeed by themselves (see the kubelet)."""
    spec = _spec(job)
    old = job.get("status") or {}
    conditions = list(old.get("conditions") or [])
    finished = any(
        c.get("type") in ("Complete", "Failed") and c.get("status") == "True" for c in conditions
    )
    plan = SetPlan()
    active = [p for p in pods if is_active(p)]
    succeeded_pods = [p for p in pods if (p.get("status") or {}).get("phase") == "Succeeded"]
    failed = sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Failed")
    completions = spec.get("completions")
    parallelism = int(spec.get("parallelism", 1) or 0)
    indexed = spec.get("completionMode") == "Indexed" and completions is not None
    done_indexes = sorted({i for p in succeeded_pods if (i := _pod_index(p)) is not None})
    succeeded = len(done_indexes) if indexed else len(succeeded_pods)
    complete = False
    failed_now = not finished and failed > int(spec.get("backoffLimit", 6) or 0)
    if completions is not None:
        complete = succeeded >= int(completions)
        want = 0 if complete else min(parallelism, int(completions) - succeeded)
    else:
        complete = succeeded > 0 and not active
        want = 0 if succeeded > 0 else parallelism
    if finished or failed_now or spec.get("suspend"):
        want = 0
    if len(active) < want:
        if indexed:
            busy = {_pod_index(p) for p in active} | set(done_indexes)
            free = [i for i in range(int(completions)) if i not in busy]
            plan.create = [job_pod(job, i) for i in free[: want - len(active)]]
        else:
            plan.create = [job_pod(job, None) for _ in range(want - len(active))]
    elif len(active) > want:
        newest = sorted(active, key=lambda p: p["metadata"].get("creationTimestamp") or "")
        plan.delete = [_name(p) for p in newest[want - len(active) :]]
    status: Obj = {
        "startTime": old.get("startTime") or stamp,
        "active": len(active) - len(plan.delete),
        "succeeded": succeeded,
        "failed": failed,
        "ready": sum(1 for p in active if is_pod_ready(p)),
        "terminating": sum(1 for p in pods if is_terminating(p)),
        "uncountedTerminatedPods": {},
    }
    if indexed:
        status["completedIndexes"] = _ranges(done_indexes)
    if spec.get("suspend") and not finished:
        status.pop("startTime")
    if (complete and not finished) or any(c.get("type") == "Complete" for c in conditions):
        message = "Reached expected number of succeeded pods"
        conditions = [
            c for c in conditions if c.get("type") not in ("SuccessCriteriaMet", "Complete")
        ] + [
            _job_condition(conditions, "SuccessCriteriaMet", "CompletionsReached", message, stamp),
            _job_condition(conditions, "Complete", "CompletionsReached", message, stamp),
        ]
        status["completionTime"] = old.get("completionTime") or stamp
    elif failed_now or any(c.get("type") == "Failed" for c in conditions):
        message = "Job has reached the specified backoff limit"
        conditions = [c for c in conditions if c.get("type") not in ("FailureTarget", "Failed")] + [
            _job_condition(conditions, "FailureTarget", "BackoffLimitExceeded", message, stamp),
            _job_condition(conditions, "Failed", "BackoffLimitExceeded", message, stamp),
        ]
    if conditions:
        status["conditions"] = conditions
    always = ("uncountedTerminatedPods", "ready", "terminating")
    plan.status = {k: v for k, v in status.items() if v or k in always}
    return plan
