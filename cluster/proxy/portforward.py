"""``kubectl port-forward``'s choices (discovery.md §5), pure: which pod a ``TYPE/NAME``
reaches (``AttachablePodForObjectFn`` + ``GetFirstPod`` with ``sort.Reverse(ActivePods)``) and
how the ``[LOCAL:]REMOTE`` arguments become container ports
(``translateServicePortToTargetPort``, ``convertPodNamedPortToNumber``, ``checkUDPPorts``).

Errors are :class:`PortForwardError` with kubectl's own message."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cluster.controllers.podutil import is_pod_ready
from cluster.objects import parse_time

Obj = dict[str, Any]
PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}


class PortForwardError(Exception):
    pass


# --- ActivePods ----------------------------------------------------------------------------


def _ready_time(pod: Obj) -> Any:
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready" and c.get("status") == "True":
            return parse_time(c.get("lastTransitionTime"))
    return None


def _after_or_zero(t1: Any, t2: Any) -> bool:
    """``afterOrZero``: a zero time counts as newest."""
    if t1 is None or t2 is None:
        return t1 is None
    return bool(t1 > t2)


def _max_restarts(pod: Obj) -> int:
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    return max((int(s.get("restartCount") or 0) for s in statuses), default=0)


def _deleting(pod: Obj) -> bool:
    return bool((pod.get("metadata") or {}).get("deletionTimestamp"))


def active_pods_less(a: Obj, b: Obj) -> bool:
    """``podutils.ActivePods.Less``: ``a`` is the less active (more deletable) pod."""
    sa, sb = a.get("spec") or {}, b.get("spec") or {}
    na, nb = sa.get("nodeName") or "", sb.get("nodeName") or ""
    if na != nb and (not na or not nb):
        return not na
    pa = PHASE_ORDINAL.get((a.get("status") or {}).get("phase") or "", 0)
    pb = PHASE_ORDINAL.get((b.get("status") or {}).get("phase") or "", 0)
    if pa != pb:
        return pa < pb
    ra, rb = is_pod_ready(a), is_pod_ready(b)
    if ra != rb:
        return not ra
    da, db = _deleting(a), _deleting(b)
    if da != db:
        return da
    if da and db:
        ta = parse_time(a["metadata"].get("deletionTimestamp"))
        tb = parse_time(b["metadata"].get("deletionTimestamp"))
        if ta != tb and ta is not None and tb is not None:
            return bool(ta < tb)
    if ra and rb:
        ya, yb = _ready_time(a), _ready_time(b)
        if ya != yb:
            return _after_or_zero(ya, yb)
    ca, cb = _max_restarts(a), _max_restarts(b)
    if ca != cb:
        return ca > cb
    ta = parse_time((a.get("metadata") or {}).get("creationTimestamp"))
    tb = parse_time((b.get("metadata") or {}).get("creationTimestamp"))
    if ta != tb:
        return _after_or_zero(ta, tb)
    return False


def first_pod(pods: Iterable[Obj]) -> Obj | None:
    """``GetFirstPod``: the most active pod (``sort.Reverse(ActivePods)``, first). Upstream
    ties are unordered; here the pod with the smaller name wins them."""

    def cmp(a: Obj, b: Obj) -> int:
        if active_pods_less(a, b):
            return 1
        if active_pods_less(b, a):
            return -1
        return 0

    ordered = sorted(pods, key=lambda p: p["metadata"]["name"])
    ordered.sort(key=functools.cmp_to_key(cmp))
    return ordered[0] if ordered else None


# --- ports ---------------------------------------------------------------------------------


def split_port(port: str) -> tuple[str, str]:
    """``splitPort``: ``LOCAL:REMOTE``, or the same text for both."""
    parts = port.split(":")
    if len(parts) == 2:
        return parts[0], parts[1]
    return parts[0], parts[0]


def _is_number(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def service_port_by_name(service: Obj, name: str) -> int:
    """``LookupServicePortNumberByName``."""
    for p in (service.get("spec") or {}).get("ports") or []:
        if p.get("name") == name:
            return int(p["port"])
    raise PortForwardError(
        f"Service '{service['metadata']['name']}' does not have a named port '{name}'"
    )


def container_port_by_name(pod: Obj, name: str) -> int:
    """``LookupContainerPortNumberByName``: containers, then every init container."""
    spec = pod.get("spec") or {}
    for key in ("containers", "initContainers"):
        for c in spec.get(key) or []:
            for p in c.get("ports") or []:
                if p.get("name") == name:
                    return int(p["containerPort"])
    raise PortForwardError(f"Pod '{pod['metadata']['name']}' does not have a named port '{name}'")


def container_port_for_service_port(service: Obj, pod: Obj, port: int) -> int:
    """``LookupContainerPortNumberByServicePort``."""
    spec = service.get("spec") or {}
    for p in spec.get("ports") or []:
        if p.get("port") != port:
            continue
        if spec.get("clusterIP") == "None":
            return port
        target = p.get("targetPort")
        if target is None or isinstance(target, int):
            return int(target) if target else int(p["port"])
        if _is_number(str(target)):
            return int(target) or int(p["port"])
        return container_port_by_name(pod, str(target))
    raise PortForwardError(
        f"Service {service['metadata']['name']} does not have a service port {port}"
    )


def translate_service_ports(ports: Iterable[str], service: Obj, pod: Obj) -> list[str]:
    """``translateServicePortToTargetPort``."""
    out = []
    for text in ports:
        local, remote = split_port(text)
        if _is_number(remote):
            number = int(remote)
        else:
            number = service_port_by_name(service, remote)
            if local == remote:
                local = str(number)
        remote = str(container_port_for_service_port(service, pod, number))
        out.append(f"{local}:{remote}" if local != remote else remote)
    return out


def convert_pod_named_ports(ports: Iterable[str], pod: Obj) -> list[str]:
    """``convertPodNamedPortToNumber``."""
    out = []
    for text in ports:
        local, remote = split_port(text)
        number = remote if _is_number(remote) else str(container_port_by_name(pod, remote))
        out.append(f"{local}:{number}" if local != remote else number)
    return out


def _udp_only(pairs: Iterable[tuple[int, str]]) -> set[int]:
    udp, tcp = set(), set()
    for number, protocol in pairs:
        if protocol == "UDP":
            udp.add(number)
        elif protocol == "TCP":
            tcp.add(number)
    return udp - tcp


def check_udp_service(ports: Iterable[str], service: Obj) -> None:
    """``checkUDPPortInService``: a service port that is UDP without a TCP twin."""
    spec_ports = (service.get("spec") or {}).get("ports") or []
    udp_only = _udp_only((int(p["port"]), p.get("protocol") or "TCP") for p in spec_ports)
    for text in ports:
        _, remote = split_port(text)
        number = int(remote) if _is_number(remote) else service_port_by_name(service, remote)
        if number in udp_only:
            raise PortForwardError(f"UDP protocol is not supported for {remote}")


def check_udp_pod(ports: Iterable[str], pod: Obj) -> None:
    """``checkUDPPortInPod``."""
    pairs = [
        (int(p["containerPort"]), p.get("protocol") or "TCP")
        for c in (pod.get("spec") or {}).get("containers") or []
        for p in c.get("ports") or []
        if p.get("containerPort")
    ]
    udp_only = _udp_only(pairs)
    for text in ports:
        _, remote = split_port(text)
        number = int(remote) if _is_number(remote) else container_port_by_name(pod, remote)
        if number in udp_only:
            raise PortForwardError(f"UDP protocol is not supported for {remote}")


@dataclass(frozen=True)
class Forward:
    local: int  # 0: any free port
    remote: int


def _port16(text: str) -> int | None:
    if not text.isdigit():
        return None
    value = int(text)
    return value if value < 65536 else None


def parse_forwards(ports: Iterable[str]) -> list[Forward]:
    """``parsePorts`` (client-go ``tools/portforward``) on the translated arguments."""
    out = []
    for text in ports:
        parts = text.split(":")
        if len(parts) == 1:
            local, remote = parts[0], parts[0]
        elif len(parts) == 2:
            local, remote = parts[0] or "0", parts[1]
        else:
            raise PortForwardError(f"invalid port format '{text}'")
        local_n, remote_n = _port16(local), _port16(remote)
        if local_n is None:
            raise PortForwardError(f"error parsing local port '{local}'")
        if remote_n is None:
            raise PortForwardError(f"error parsing remote port '{remote}'")
        if remote_n == 0:
            raise PortForwardError("remote port must be > 0")
        out.append(Forward(local_n, remote_n))
    return out
