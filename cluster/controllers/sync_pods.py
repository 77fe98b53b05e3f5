"""The scheduler, the simulated kubelet and the node controller: level-triggered syncs by key.

* ``scheduler`` (key ``ns/pod``): binds an unbound ``default-scheduler`` pod to the feasible
  node with the fewest pods (:mod:`cluster.controllers.scheduling`), or records why none fits.
* ``kubelet`` (key ``ns/pod``): pods bound to a Node object that exists (a simulated node);
  see :mod:`cluster.controllers.kubelet` for the lifecycle. Any other pod is left alone.
* ``node`` (key ``name``): a NotReady node's pods turn not ready; a Ready node gets its pods'
  kubelet syncs (they turn Ready again); unbound pods and DaemonSets are re-examined.

Each sync reads and decides outside any transaction; only when something differs does it open
``writing()`` (the global revision lock), decide again on fresh rows, and write that."""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count

from cluster.actions.base import writing
from cluster.actions.pods import bind_pod, set_pod_status
from cluster.controllers import envvars, runtime
from cluster.controllers import kubelet as kl
from cluster.controllers.podutil import TERMINAL_PHASES
from cluster.controllers.routing import DAEMONSET, KUBELET, NODE, SCHEDULER
from cluster.controllers.scheduling import DEFAULT_SCHEDULER, choose_node, node_ready
from cluster.jsoncopy import json_copy
from cluster.kinds import by_kind
from cluster.models import DaemonSet, Node, Pod, Service
from cluster.objects import format_time, now, parse_time

Obj = dict[str, Any]


def _split(key: str) -> tuple[str, str]:
    ns, _, name = key.rpartition("/")
    return ns, name


def _obj(row: Any) -> Obj:
    kind = by_kind(row.KIND)
    assert kind is not None
    return kind.to_k8s(row)


def _pod(ns: str, name: str) -> Obj | None:
    row = Pod.objects.filter(namespace=ns, name=name).first()
    return _obj(row) if row is not None else None


def _node(name: str) -> Obj | None:
    row = Node.objects.filter(name=name).first()
    return _obj(row) if row is not None else None


# --- scheduler --------------------------------------------------------------------------------


def _wants_scheduling(pod: Obj) -> bool:
    spec = pod.get("spec") or {}
    return (
        not spec.get("nodeName")
        and (spec.get("schedulerName") or DEFAULT_SCHEDULER) == DEFAULT_SCHEDULER
        and not pod["metadata"].get("deletionTimestamp")
        and (pod.get("status") or {}).get("phase") not in TERMINAL_PHASES
    )


def _pod_counts() -> dict[str, int]:
    rows = (
        Pod.objects.exclude(node_name="")
        .exclude(phase__in=TERMINAL_PHASES)
        .values("node_name")
        .annotate(n=Count("id"))
    )
    return {r["node_name"]: r["n"] for r in rows}


def _decide(pod: Obj) -> tuple[str, str]:
    nodes = [_obj(n) for n in Node.objects.order_by("name")]
    return choose_node(pod, nodes, _pod_counts())


def _unschedulable_condition(pod: Obj) -> Obj | None:
    return kl.get_condition(pod.get("status") or {}, "PodScheduled")


def _needs_unschedulable_write(pod: Obj, message: str) -> bool:
    c = _unschedulable_condition(pod)
    return not (
        c is not None
        and c.get("status") == "False"
        and c.get("reason") == "Unschedulable"
        and c.get("message") == message
    )


@runtime.controller(SCHEDULER)
def sync_scheduler(key: str) -> None:
    ns, name = _split(key)
    pod = _pod(ns, name)
    if pod is None or not _wants_scheduling(pod):
        return
    chosen, message = _decide(pod)
    if not chosen and not _needs_unschedulable_write(pod, message):
        return
    with writing():
        pod = _pod(ns, name)
        if pod is None or not _wants_scheduling(pod):
            return
        chosen, message = _decide(pod)
        if chosen:
            bind_pod(namespace=ns, name=name, node_name=chosen)
        elif _needs_unschedulable_write(pod, message):
            status = json_copy(pod.get("status") or {})
            kl.set_condition(
                status,
                kl.condition(
                    "PodScheduled", False, format_time(now()) or "", "Unschedulable", message
                ),
            )
            set_pod_status(namespace=ns, name=name, status=status)


@runtime.full_sync(SCHEDULER)
def resync_scheduler() -> None:
    rows = Pod.objects.filter(node_name="", deletion_timestamp__isnull=True).exclude(
        phase__in=TERMINAL_PHASES
    )
    runtime.submit(
        (SCHEDULER, f"{ns}/{name}") for ns, name in rows.values_list("namespace", "name")
    )


# --- kubelet ----------------------------------------------------------------------------------


@dataclass
class KubeletStep:
    status: Obj | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    requeue_after: float | None = None


def _ready_delay() -> float:
    return max(float(settings.PORTOLAN_READY_DELAY), 0.0)


def _is_job_pod(pod: Obj) -> bool:
    return any(
        r.get("kind") == "Job" and r.get("controller")
        for r in pod["metadata"].get("ownerReferences") or []
    )


def _used_ips(node_name: str) -> list[str]:
    """Pod IPs held on ``node_name`` by any pod that still exists."""
    return [ip for ip in Pod.objects.filter(node_name=node_name).values_list("pod_ip", flat=True)]


def _environment(pod: Obj) -> dict[str, list[dict[str, str]]]:
    """The pod's service variables from the Services that exist now (only ``spec`` is read)."""
    ns = pod["metadata"].get("namespace", "")
    rows = (
        Service.objects.filter(namespace__in={ns, envvars.MASTER_NAMESPACE})
        .order_by("namespace", "name")
        .values_list("namespace", "name", "spec")
    )
    services = [
        {"metadata": {"namespace": n, "name": name}, "spec": spec} for n, name, spec in rows
    ]
    return envvars.pod_service_environment(pod, services)


def _start(pod: Obj, node: Obj, stamp: str) -> KubeletStep:
    import json

    spec = pod.get("spec") or {}
    if spec.get("hostNetwork"):
        ip = kl.node_internal_ip(node)
    else:
        cidr = (node.get("spec") or {}).get("podCIDR") or ""
        ip = kl.allocate_pod_ip(cidr, _used_ips(node["metadata"]["name"])) or ""
    if not ip:
        return KubeletStep()  # no address: the pod waits (the resync tries again)
    env = json.dumps(_environment(pod), separators=(",", ":"))
    return KubeletStep(
        status=kl.started_status(pod, node, ip, stamp),
        annotations={envvars.ANNOTATION: env},
    )


def kubelet_step(pod: Obj, node: Obj | None, clock: float) -> KubeletStep:
    """What the kubelet does next for ``pod`` (reads services and IPs only when starting)."""
    if node is None or pod["metadata"].get("deletionTimestamp"):
        return KubeletStep()
    status = pod.get("status") or {}
    phase = status.get("phase") or "Pending"
    if phase in TERMINAL_PHASES:
        return KubeletStep()
    stamp = format_time(now()) or ""
    ready = node_ready(node)
    if not kl.is_started(pod):
        if phase != "Pending" or not ready:
            return KubeletStep()
        # startTime has one-second resolution: the next full second, so that the ready delay
        # counted from it never ends before PORTOLAN_READY_DELAY has really passed.
        start = math.ceil(clock)
        step = _start(pod, node, format_time(dt.datetime.fromtimestamp(start, dt.UTC)) or "")
        if step.status is not None:
            step.requeue_after = start + _ready_delay() - clock if _ready_delay() else 0.0
        return step
    if phase != "Running":
        return KubeletStep()
    ready_state, reason = kl.ready_reason(pod)
    if not ready:
        if ready_state == "True":
            return KubeletStep(status=kl.node_not_ready_status(pod, stamp))
        return KubeletStep()
    started = parse_time(status.get("startTime"))
    delay = _ready_delay()
    due = (started.timestamp() if started else clock) + delay if delay else clock
    if _is_job_pod(pod):
        if clock < due:
            return KubeletStep(requeue_after=due - clock)
        return KubeletStep(status=kl.succeeded_status(pod, stamp))
    if ready_state == "True" or reason not in (kl.KUBELET_NOT_READY, kl.NODE_NOT_READY):
        return KubeletStep()  # ready, or failed by a user: not the kubelet's to change
    if clock < due:
        return KubeletStep(requeue_after=due - clock)
    return KubeletStep(status=kl.ready_status(pod, stamp))


def _kubelet_inputs(ns: str, name: str) -> tuple[Obj | None, Obj | None]:
    pod = _pod(ns, name)
    if pod is None:
        return None, None
    node_name = (pod.get("spec") or {}).get("nodeName")
    return pod, (_node(node_name) if node_name else None)


@runtime.controller(KUBELET)
def sync_kubelet(key: str) -> None:
    ns, name = _split(key)
    pod, node = _kubelet_inputs(ns, name)
    if pod is None:
        return
    step = kubelet_step(pod, node, time.time())
    if step.status is not None:
        with writing():
            pod, node = _kubelet_inputs(ns, name)
            if pod is None:
                return
            step = kubelet_step(pod, node, time.time())
            if step.status is not None:
                set_pod_status(
                    namespace=ns, name=name, status=step.status, annotations=step.annotations
                )
    if step.requeue_after is not None:
        runtime.enqueue(KUBELET, key, delay=step.requeue_after)


@runtime.full_sync(KUBELET)
def resync_kubelet() -> None:
    """Pods on simulated nodes that may still have kubelet work: not started, not ready."""
    nodes = list(Node.objects.values_list("name", flat=True))
    rows = Pod.objects.filter(
        node_name__in=nodes, ready=False, deletion_timestamp__isnull=True
    ).exclude(phase__in=TERMINAL_PHASES)
    keys = [(KUBELET, f"{ns}/{name}") for ns, name in rows.values_list("namespace", "name")]
    ready_on_down = Pod.objects.filter(
        node_name__in=list(Node.objects.filter(ready=False).values_list("name", flat=True)),
        ready=True,
    )
    keys += [(KUBELET, f"{ns}/{n}") for ns, n in ready_on_down.values_list("namespace", "name")]
    runtime.submit(keys)


# --- node controller --------------------------------------------------------------------------


def _pods_to_mark_not_ready(node_name: str) -> list[Obj]:
    rows = Pod.objects.filter(node_name=node_name, ready=True, deletion_timestamp__isnull=True)
    return [_obj(r) for r in rows.exclude(phase__in=TERMINAL_PHASES)]


@runtime.controller(NODE)
def sync_node(key: str) -> None:
    node = _node(key)
    if node is not None and not node_ready(node):
        if _pods_to_mark_not_ready(key):
            with writing():
                node = _node(key)
                if node is not None and not node_ready(node):
                    stamp = format_time(now()) or ""
                    for pod in _pods_to_mark_not_ready(key):
                        meta = pod["metadata"]
                        set_pod_status(
                            namespace=meta["namespace"],
                            name=meta["name"],
                            status=kl.node_not_ready_status(pod, stamp),
                        )
    elif node is not None:
        waiting = Pod.objects.filter(node_name=key, ready=False).exclude(phase__in=TERMINAL_PHASES)
        runtime.submit(
            (KUBELET, f"{ns}/{name}") for ns, name in waiting.values_list("namespace", "name")
        )
    resync_scheduler()
    runtime.submit(
        (DAEMONSET, f"{ns}/{name}")
        for ns, name in DaemonSet.objects.values_list("namespace", "name")
    )


@runtime.full_sync(NODE)
def resync_nodes() -> None:
    runtime.submit((NODE, name) for name in Node.objects.values_list("name", flat=True))
