"""What the simulated kubelet (and the node controller's ``MarkPodsNotReady``) write into a
pod's status. Pure: times and addresses come in as arguments.

Pod lifecycle on a simulated node::

    bound, Pending ──start──▶ Running, Ready False (ContainersNotReady)
                              ──after PORTOLAN_READY_DELAY──▶ Ready True
    Job pods:                 ──after PORTOLAN_READY_DELAY──▶ Succeeded (exit 0)

Readiness the kubelet does not own is left alone: a Ready condition set False by a user
(``PATCH /status``, ``manage.py readiness --fail``) with any reason other than the kubelet's
:data:`KUBELET_NOT_READY` or the node controller's :data:`NODE_NOT_READY` is never flipped
back. Upstream ``MarkPodsNotReady`` keeps the condition's old (empty) reason; Portolan writes
:data:`NODE_NOT_READY` so that the kubelet can tell the state apart."""

from __future__ import annotations

import copy
import hashlib
import ipaddress
from collections.abc import Iterable
from typing import Any

Obj = dict[str, Any]
KUBELET_NOT_READY = "ContainersNotReady"
NODE_NOT_READY = "NodeNotReady"
NODE_NOT_READY_MESSAGE = "Node is not ready"
USER_NOT_READY = "ReadinessProbeFailed"
CONDITION_ORDER = (
    "PodReadyToStartContainers",
    "Initialized",
    "Ready",
    "ContainersReady",
    "PodScheduled",
)


def allocate_pod_ip(cidr: str, used: Iterable[str]) -> str | None:
    """The lowest free host address of the node's pod CIDR, from the network address + 2."""
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None
    taken = set(used)
    first = int(net.network_address) + 2
    last = int(net.broadcast_address) - (1 if net.version == 4 else 0)
    for value in range(first, last + 1):
        ip = str(ipaddress.ip_address(value))
        if ip not in taken:
            return ip
    return None


def node_internal_ip(node: Obj) -> str:
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == "InternalIP":
            return str(address.get("address") or "")
    return ""


def _digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def image_id(image: str) -> str:
    """A digest reference for the image (stable per image name)."""
    repo = image.split("@", 1)[0]
    last = repo.rsplit("/", 1)[-1]
    if ":" in last:
        repo = repo[: len(repo) - len(last)] + last.split(":", 1)[0]
    if "/" not in repo:
        repo = f"docker.io/library/{repo}"
    elif "." not in repo.split("/", 1)[0] and ":" not in repo.split("/", 1)[0]:
        repo = f"docker.io/{repo}"
    return f"{repo}@sha256:{_digest(image)}"


def container_id(pod: Obj, container: str) -> str:
    return f"containerd://{_digest(pod['metadata'].get('uid', ''), container)}"


def condition(type_: str, status: bool, stamp: str, reason: str = "", message: str = "") -> Obj:
    out: Obj = {
        "type": type_,
        "status": "True" if status else "False",
        "lastProbeTime": None,
        "lastTransitionTime": stamp,
    }
    if reason:
        out["reason"] = reason
    if message:
        out["message"] = message
    return out


def get_condition(status: Obj, type_: str) -> Obj | None:
    for c in status.get("conditions") or []:
        if c.get("type") == type_:
            return c
    return None


def set_condition(status: Obj, new: Obj) -> None:
    """Replace (or append) the condition of ``new``'s type; an unchanged status keeps its
    lastTransitionTime (``UpdatePodCondition``)."""
    conditions = status.setdefault("conditions", [])
    for i, c in enumerate(conditions):
        if c.get("type") == new["type"]:
            if c.get("status") == new["status"]:
                new = dict(new, lastTransitionTime=c.get("lastTransitionTime"))
            conditions[i] = new
            return
    conditions.append(new)


def _names(containers: Iterable[Obj]) -> str:
    return "[" + " ".join(str(c.get("name")) for c in containers) + "]"


def _main_containers(pod: Obj) -> list[Obj]:
    return list((pod.get("spec") or {}).get("containers") or [])


def started_status(pod: Obj, node: Obj, pod_ip: str, stamp: str) -> Obj:
    """The status of a pod whose containers have just started: Running, not yet ready."""
    status = copy.deepcopy(pod.get("status") or {})
    spec = pod.get("spec") or {}
    host_ip = node_internal_ip(node)
    containers = _main_containers(pod)
    unready = f"containers with unready status: {_names(containers)}"
    status.update(
        {
            "phase": "Running",
            "hostIP": host_ip,
            "hostIPs": [{"ip": host_ip}] if host_ip else [],
            "podIP": pod_ip,
            "podIPs": [{"ip": pod_ip}],
            "startTime": stamp,
        }
    )
    for c in (
        condition("PodReadyToStartContainers", True, stamp),
        condition("Initialized", True, stamp),
        condition("Ready", False, stamp, KUBELET_NOT_READY, unready),
        condition("ContainersReady", False, stamp, KUBELET_NOT_READY, unready),
        condition("PodScheduled", True, stamp),
    ):
        set_condition(status, c)
    rank = {t: i for i, t in enumerate(CONDITION_ORDER)}
    status["conditions"].sort(key=lambda c: rank.get(c.get("type"), len(rank)))
    status["containerStatuses"] = [
        _running(pod, c, stamp, ready=False) for c in containers if isinstance(c, dict)
    ]
    inits = [c for c in spec.get("initContainers") or [] if isinstance(c, dict)]
    if inits:
        status["initContainerStatuses"] = [
            _running(pod, c, stamp, ready=True)
            if c.get("restartPolicy") == "Always"
            else _terminated(pod, c, stamp)
            for c in inits
        ]
    return status


def _base(pod: Obj, container: Obj) -> Obj:
    image = str(container.get("image") or "")
    return {
        "name": container.get("name"),
        "image": image,
        "imageID": image_id(image),
        "containerID": container_id(pod, str(container.get("name"))),
        "restartCount": 0,
        "lastState": {},
    }


def _running(pod: Obj, container: Obj, stamp: str, *, ready: bool) -> Obj:
    return dict(
        _base(pod, container),
        ready=ready,
        started=True,
        state={"running": {"startedAt": stamp}},
    )


def _terminated(pod: Obj, container: Obj, stamp: str, started: str | None = None) -> Obj:
    cid = container_id(pod, str(container.get("name")))
    return dict(
        _base(pod, container),
        ready=False,
        started=False,
        state={
            "terminated": {
                "exitCode": 0,
                "reason": "Completed",
                "startedAt": started or stamp,
                "finishedAt": stamp,
                "containerID": cid,
            }
        },
    )


def ready_status(pod: Obj, stamp: str) -> Obj:
    """Every container ready: ContainersReady and Ready turn True."""
    status = copy.deepcopy(pod.get("status") or {})
    for type_ in ("ContainersReady", "Ready"):
        set_condition(status, condition(type_, True, stamp))
    for cs in status.get("containerStatuses") or []:
        cs["ready"] = True
    return status


def not_ready_status(pod: Obj, stamp: str, reason: str, message: str) -> Obj:
    """Ready (and ContainersReady) False with ``reason``; containers not ready."""
    status = copy.deepcopy(pod.get("status") or {})
    for type_ in ("ContainersReady", "Ready"):
        set_condition(status, condition(type_, False, stamp, reason, message))
    for cs in status.get("containerStatuses") or []:
        cs["ready"] = False
    return status


def node_not_ready_status(pod: Obj, stamp: str) -> Obj:
    """``MarkPodsNotReady``: the Ready condition turns False (containers are untouched)."""
    status = copy.deepcopy(pod.get("status") or {})
    set_condition(status, condition("Ready", False, stamp, NODE_NOT_READY, NODE_NOT_READY_MESSAGE))
    return status


def succeeded_status(pod: Obj, stamp: str) -> Obj:
    """A run-to-completion pod whose containers exited 0."""
    status = copy.deepcopy(pod.get("status") or {})
    started = {
        cs.get("name"): ((cs.get("state") or {}).get("running") or {}).get("startedAt")
        for cs in status.get("containerStatuses") or []
    }
    status["phase"] = "Succeeded"
    status["containerStatuses"] = [
        _terminated(pod, c, stamp, started.get(c.get("name")))
        for c in _main_containers(pod)
        if isinstance(c, dict)
    ]
    set_condition(status, condition("PodReadyToStartContainers", False, stamp))
    for type_ in ("Ready", "ContainersReady"):
        set_condition(status, condition(type_, False, stamp, "PodCompleted"))
    return status


def ready_reason(pod: Obj) -> tuple[str | None, str]:
    """The Ready condition's status ("True"/"False"/None when absent) and reason."""
    c = get_condition(pod.get("status") or {}, "Ready")
    if c is None:
        return None, ""
    return c.get("status"), str(c.get("reason") or "")


def is_started(pod: Obj) -> bool:
    status = pod.get("status") or {}
    return bool(status.get("podIP") or status.get("podIPs")) and bool(status.get("startTime"))
