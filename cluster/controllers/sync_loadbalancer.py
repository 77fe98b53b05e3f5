"""The ``loadbalancer`` controller: LoadBalancer Services get an address from
``PORTOLAN_LB_POOL`` (see ``cluster.controllers.lbpool`` for the rules and the status shape).

A sync computes the assignment of every managed LoadBalancer Service (so a per-key sync and a
full pass always agree) and writes only its own Service's status, through
``replace_object(..., subresource="status")``. Other Services whose stored status disagrees
with the assignment (a pending Service that can now have a freed address) are queued. A
Service that is deleted, or changes type (the Service strategy then clears
``status.loadBalancer``), frees its address the moment it commits: nothing holds it any more.
Services with another ``loadBalancerClass`` are left to their own controller.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

from cluster.actions.base import writing
from cluster.actions.objects import replace_object
from cluster.controllers import discovery_reads as reads
from cluster.controllers import routing, runtime
from cluster.controllers.lbpool import (
    CONDITION,
    Pool,
    assign,
    desired_status,
    is_managed,
    parse_pool,
    service_key,
)
from cluster.kinds import known
from cluster.models import Service
from cluster.objects import format_time, now

log = logging.getLogger("portolan.controllers")
Obj = dict[str, Any]


def pool() -> Pool | None:
    try:
        return parse_pool(settings.PORTOLAN_LB_POOL)
    except ValueError:
        log.exception("PORTOLAN_LB_POOL is not usable; load balancers stay pending")
        return None


def _has_condition(service: Obj) -> bool:
    status = service.get("status") or {}
    return any(c.get("type") == CONDITION for c in status.get("conditions") or [])


def lb_services() -> list[Obj]:
    """Every Service that holds or wants a load-balancer address, or shows our condition."""
    rows = Service.objects.filter(type="LoadBalancer").order_by()
    return [reads.service_obj(r) for r in rows]


def plan(services: list[Obj], pool_: Pool, keys: set[str] | None) -> dict[str, Obj]:
    """Service key → the new status, for the Services in ``keys`` (all when None) whose
    stored status differs from the assignment."""
    decisions = assign(services, pool_)
    stamp = format_time(now()) or ""
    out: dict[str, Obj] = {}
    for s in services:
        key = service_key(s)
        if keys is not None and key not in keys:
            continue
        if is_managed(s):
            new = desired_status(s, decisions[key], stamp)
        elif _has_condition(s):
            new = desired_status(s, None, stamp)
        else:
            continue
        if new != (s.get("status") or {}):
            out[key] = new
    return out


def _write(services: dict[str, Obj], statuses: dict[str, Obj]) -> None:
    kind = known("Service")
    for key, status in statuses.items():
        ns, name = reads.split_key(key)
        body = dict(services[key], status=status)
        replace_object(kind, namespace=ns, name=name, body=body, subresource="status")


def _stale_others(services: list[Obj], pool_: Pool, key: str) -> list[str]:
    return [k for k in plan(services, pool_, None) if k != key]


@runtime.controller(routing.LOADBALANCER)
def sync_loadbalancer(key: str) -> None:
    pool_ = pool()
    if pool_ is None:
        return
    ns, name = reads.split_key(key)
    target = reads.get_service(ns, name)
    if target is None or (not is_managed(target) and not _has_condition(target)):
        # Gone or never ours: nothing to write; an address it held may now be free.
        for other in _stale_others(lb_services(), pool_, key):
            runtime.enqueue(routing.LOADBALANCER, other)
        return
    services = _with(lb_services(), target)
    if not plan(services, pool_, {key}):
        return
    with writing() as w:
        target = reads.get_service(ns, name)
        if target is None:
            return
        services = _with(lb_services(), target)
        statuses = plan(services, pool_, {key})
        _write({service_key(s): s for s in services}, statuses)
        for other in _stale_others(services, pool_, key):
            w.add_key(routing.LOADBALANCER, other)


def _with(services: list[Obj], target: Obj) -> list[Obj]:
    key = service_key(target)
    return [s for s in services if service_key(s) != key] + [target]


@runtime.full_sync(routing.LOADBALANCER)
def full_sync_loadbalancer() -> int:
    """Every managed LoadBalancer Service re-checked in one transaction; an address is only
    ever taken from a Service that must not hold it (outside the pool, held by an older
    Service, or not the one it asked for). Returns how many statuses were written."""
    pool_ = pool()
    if pool_ is None:
        return 0
    if not plan(_with_marked(lb_services()), pool_, None):
        return 0
    with writing():
        services = _with_marked(lb_services())
        statuses = plan(services, pool_, None)
        _write({service_key(s): s for s in services}, statuses)
    return len(statuses)


def _with_marked(services: list[Obj]) -> list[Obj]:
    """Add the Services that are no longer LoadBalancers but still show our condition."""
    known = {service_key(s) for s in services}
    extra = [
        reads.service_obj(r)
        for r in Service.objects.exclude(type="LoadBalancer").filter(status__has_key="conditions")
    ]
    return services + [s for s in extra if service_key(s) not in known and _has_condition(s)]
