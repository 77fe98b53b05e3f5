"""Load-balancer address assignment (MetalLB-like), pure.

The pool is ``PORTOLAN_LB_POOL``: a range ``first-last`` or a CIDR (its host addresses; for
IPv4 the network and broadcast addresses are left out, except in /31 and /32).

:func:`assign` decides, for every LoadBalancer Service this controller manages (type
``LoadBalancer`` and no ``loadBalancerClass``, or ours), which address it should have, in
order of seniority (creationTimestamp, then namespace/name):

1. a Service keeps the pool address it already has, unless an older Service holds the same
   one or it asked (``spec.loadBalancerIP``) for a different one;
2. a Service asking for an address gets it when the address is in the pool and free;
   otherwise it stays pending (``RequestedIPNotInPool`` / ``RequestedIPInUse``);
3. every other Service gets the lowest free address that nobody holds or asks for, or stays
   pending (``PoolExhausted``).

The outcome is shown in ``status.loadBalancer.ingress`` (``[{ip, ipMode: VIP}]``) and in one
status condition of type :data:`CONDITION` (``True``/``Allocated``, or ``False`` with one of
the reasons above and a message saying why), so ``kubectl get svc`` shows ``<pending>`` and
``kubectl describe``/``-o yaml`` say why.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]
CONDITION = "portolan.dev/LoadBalancerAllocated"
LB_CLASS = "portolan.dev/load-balancer"
ALLOCATED = "Allocated"
POOL_EXHAUSTED = "PoolExhausted"
NOT_IN_POOL = "RequestedIPNotInPool"
IN_USE = "RequestedIPInUse"


@dataclass(frozen=True)
class Pool:
    text: str
    first: int
    last: int
    version: int

    def __contains__(self, ip: object) -> bool:
        try:
            addr = ipaddress.ip_address(str(ip))
        except ValueError:
            return False
        return addr.version == self.version and self.first <= int(addr) <= self.last

    @property
    def size(self) -> int:
        return self.last - self.first + 1

    def addresses(self) -> Iterator[str]:
        make = ipaddress.IPv4Address if self.version == 4 else ipaddress.IPv6Address
        for n in range(self.first, self.last + 1):
            yield str(make(n))


def parse_pool(text: str) -> Pool:
    """``first-last`` or a CIDR; ValueError when it is neither."""
    text = text.strip()
    if "/" in text:
        net = ipaddress.ip_network(text, strict=False)
        first, last = int(net.network_address), int(net.broadcast_address)
        if net.version == 4 and net.prefixlen < 31:
            first, last = first + 1, last - 1
        return Pool(text, first, last, net.version)
    start, sep, end = text.partition("-")
    if not sep:
        raise ValueError(f"load-balancer pool {text!r} is neither first-last nor a CIDR")
    a, b = ipaddress.ip_address(start.strip()), ipaddress.ip_address(end.strip())
    if a.version != b.version or int(a) > int(b):
        raise ValueError(f"load-balancer pool {text!r} is not an address range")
    return Pool(text, int(a), int(b), a.version)


def service_key(service: Obj) -> str:
    meta = service["metadata"]
    return f"{meta.get('namespace', '')}/{meta['name']}"


def is_managed(service: Obj) -> bool:
    spec = service.get("spec") or {}
    return spec.get("type") == "LoadBalancer" and spec.get("loadBalancerClass") in (
        None,
        "",
        LB_CLASS,
    )


def ingress_ips(service: Obj) -> list[str]:
    lb = (service.get("status") or {}).get("loadBalancer") or {}
    return [i["ip"] for i in lb.get("ingress") or [] if isinstance(i, dict) and i.get("ip")]


@dataclass(frozen=True)
class Decision:
    ip: str | None
    reason: str
    message: str


def _seniority(service: Obj) -> tuple[str, str, str]:
    meta = service["metadata"]
    return (meta.get("creationTimestamp") or "", meta.get("namespace", ""), meta["name"])


def assign(services: Iterable[Obj], pool: Pool) -> dict[str, Decision]:
    """Service key → decision, for every managed LoadBalancer Service in ``services``.
    Services of other types or classes hold nothing here, but an address one of them shows
    in its status is never handed out."""
    managed = sorted((s for s in services if is_managed(s)), key=_seniority)
    claimed: dict[str, str] = {}  # ip → service key
    for s in services:
        if not is_managed(s):
            for ip in ingress_ips(s):
                claimed.setdefault(ip, service_key(s))
    requested = {
        ip: service_key(s)
        for s in reversed(managed)
        if (ip := (s.get("spec") or {}).get("loadBalancerIP") or "")
    }
    out: dict[str, Decision] = {}

    def grant(s: Obj, ip: str) -> None:
        claimed[ip] = service_key(s)
        out[service_key(s)] = Decision(ip, ALLOCATED, f"allocated {ip} from pool {pool.text}")

    for s in managed:  # 1. keep what is validly held
        want = (s.get("spec") or {}).get("loadBalancerIP") or ""
        held = ingress_ips(s)
        if held and held[0] in pool and held[0] not in claimed and (not want or want == held[0]):
            grant(s, held[0])
    for s in managed:  # 2. requests
        key = service_key(s)
        want = (s.get("spec") or {}).get("loadBalancerIP") or ""
        if key in out or not want:
            continue
        if want not in pool:
            out[key] = Decision(
                None, NOT_IN_POOL, f"spec.loadBalancerIP {want} is not in pool {pool.text}"
            )
        elif want in claimed:
            out[key] = Decision(
                None, IN_USE, f"spec.loadBalancerIP {want} is already used by {claimed[want]}"
            )
        else:
            grant(s, want)
    free = (ip for ip in pool.addresses() if ip not in claimed and ip not in requested)
    for s in managed:  # 3. the lowest free address
        key = service_key(s)
        if key in out:
            continue
        ip = next(free, None)
        if ip is None:
            out[key] = Decision(
                None,
                POOL_EXHAUSTED,
                f"no free address in pool {pool.text}: all {pool.size} are in use",
            )
        else:
            grant(s, ip)
    return out


def desired_status(service: Obj, decision: Decision | None, stamp: str) -> Obj:
    """The Service's status with the decision applied (``decision`` None: the Service is not
    ours, so only our condition is removed). ``stamp`` is the transition time to use when
    the condition changes."""
    status = dict(service.get("status") or {})
    conditions = [c for c in status.get("conditions") or [] if c.get("type") != CONDITION]
    old = next((c for c in status.get("conditions") or [] if c.get("type") == CONDITION), None)
    if decision is not None:
        status["loadBalancer"] = (
            {"ingress": [{"ip": decision.ip, "ipMode": "VIP"}]} if decision.ip else {}
        )
        value = "True" if decision.ip else "False"
        changed = old is None or old.get("status") != value
        conditions.append(
            {
                "type": CONDITION,
                "status": value,
                "lastTransitionTime": stamp if changed else old.get("lastTransitionTime", stamp),
                "reason": decision.reason,
                "message": decision.message,
            }
        )
    if conditions:
        status["conditions"] = conditions
    else:
        status.pop("conditions", None)
    return status
