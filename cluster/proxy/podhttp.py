"""What a simulated container answers on one of its ports. Pure.

Every simulated pod runs a tiny web server on each container port it declares, in the spirit
of the tutorial's image ``gcr.io/google-samples/node-hello`` (whose whole answer is
``Hello Kubernetes!``): the body starts with that line, then names the pod, its node, IP and
port, so a user can see which pod a request reached.

Which ports answer: the ports the pod's containers (and native sidecars) declare with that
protocol. A pod that declares no port at all is assumed to listen wherever it is asked (most
images do not declare their ports); a pod that declares some refuses the others, as a process
listening only there would. Only a Running pod with an IP answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]
HELLO = "Hello Kubernetes!"
CONTENT_TYPE = "text/plain; charset=utf-8"


class NotListening(Exception):
    """Connecting would fail: the reason, as a user would want it said."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    content_type: str = CONTENT_TYPE
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def data(self) -> bytes:
        return self.body.encode()


def _containers(pod: Obj) -> list[Obj]:
    spec = pod.get("spec") or {}
    sidecars = [c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
    return [c for c in list(spec.get("containers") or []) + sidecars if isinstance(c, dict)]


def declared_ports(pod: Obj) -> list[tuple[Obj, Obj]]:
    """(container, port) for every declared container port."""
    return [
        (c, p)
        for c in _containers(pod)
        for p in c.get("ports") or []
        if isinstance(p, dict) and p.get("containerPort")
    ]


def container_for(pod: Obj, port: int, protocol: str = "TCP") -> Obj | None:
    """The container serving ``port``: the one declaring it, or the first container when the
    pod declares no port at all; None when nothing listens there."""
    declared = declared_ports(pod)
    for c, p in declared:
        if p.get("containerPort") == port and (p.get("protocol") or "TCP") == protocol:
            return c
    if not declared:
        containers = _containers(pod)
        return containers[0] if containers else None
    return None


def pod_ip(pod: Obj) -> str:
    status = pod.get("status") or {}
    return str(status.get("podIP") or "")


def check_listening(pod: Obj, port: int, protocol: str = "TCP") -> Obj:
    """The container that accepts a connection to ``port``, or :class:`NotListening`."""
    meta = pod.get("metadata") or {}
    name = f"{meta.get('namespace', '')}/{meta.get('name', '')}"
    status = pod.get("status") or {}
    phase = status.get("phase") or "Pending"
    ip = pod_ip(pod)
    if phase != "Running" or not ip:
        raise NotListening(f"pod {name} is not running (phase {phase})")
    container = container_for(pod, port, protocol)
    if container is None:
        ports = ", ".join(
            f"{p.get('containerPort')}/{p.get('protocol') or 'TCP'}" for _, p in declared_ports(pod)
        )
        raise NotListening(
            f"connection refused: nothing listens on {ip}:{port}/{protocol} in pod {name} "
            f"(its containers declare {ports})"
        )
    return container


def hello_body(pod: Obj, port: int, container: Obj, *, method: str, path: str) -> str:
    meta, spec = pod.get("metadata") or {}, pod.get("spec") or {}
    lines = [
        HELLO,
        "",
        f"pod:       {meta.get('namespace', '')}/{meta.get('name', '')}",
        f"node:      {spec.get('nodeName') or ''}",
        f"pod IP:    {pod_ip(pod)}",
        f"port:      {port}",
        f"container: {container.get('name', '')} ({container.get('image', '')})",
        f"request:   {method} {path}",
    ]
    return "\n".join(lines) + "\n"


def answer(
    pod: Obj, port: int, *, method: str = "GET", path: str = "/", protocol: str = "TCP"
) -> Answer:
    """The HTTP answer of ``pod`` on ``port``; :class:`NotListening` when the connection
    would be refused."""
    container = check_listening(pod, port, protocol)
    meta = pod.get("metadata") or {}
    body = hello_body(pod, port, container, method=method.upper(), path=path or "/")
    headers = {"X-Portolan-Pod": f"{meta.get('namespace', '')}/{meta.get('name', '')}"}
    return Answer(200, body, headers=headers)
