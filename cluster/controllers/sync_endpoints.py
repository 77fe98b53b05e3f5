"""The ``endpoints`` and ``endpointslices`` controllers: one Service key at a time
(discovery.md §1). Whole-cluster passes live in ``cluster.controllers.sync_full``.

Each sync reads the Service, the pods its selector can match and what is stored, computes the
desired objects with the pure functions of ``endpoints`` / ``endpointslices``, and returns
without a transaction when nothing differs. Otherwise it opens ``writing()`` (the global
revision lock), reads and computes again inside it, and writes only the difference through
the generic actions, so every write passes the kinds' strategies and gets a revision and a
change-log event. A Service that is gone is success (its Endpoints and managed slices are
removed if any are left); ExternalName Services and Services without a selector are left
alone, together with any Endpoints or slices a user wrote for them.
"""

from __future__ import annotations

from collections.abc import Callable

from cluster.actions.base import writing
from cluster.actions.objects import create_object, delete_object, replace_object
from cluster.controllers import discovery_reads as reads
from cluster.controllers import routing, runtime
from cluster.controllers.endpoints import desired_endpoints, endpoints_update, manages_endpoints
from cluster.controllers.endpointslices import (
    CONTROLLER_NAME,
    MANAGED_BY_LABEL,
    Obj,
    Plan,
    reconcile,
)
from cluster.kinds import known
from cluster.models import Endpoints, EndpointSlice
from cluster.objects import controlling_owner_uid
from cluster.selectors import current_revision

Step = Callable[[], object]


def owner_uid_of(obj: Obj) -> str:
    return controlling_owner_uid(obj["metadata"].get("ownerReferences") or []) or ""


def is_managed_slice(obj: Obj) -> bool:
    return (obj["metadata"].get("labels") or {}).get(MANAGED_BY_LABEL) == CONTROLLER_NAME


def run(step_of: Callable[[], Step | None]) -> bool:
    """The sync pattern: decide outside a transaction; when there is something to write,
    decide again under the revision lock and write — unless nothing at all was committed since
    the first decision was read (the revision under the lock is the one read before), when
    that decision still holds. Returns whether anything was written."""
    seen = current_revision()  # read before the state the plan is made from
    step = step_of()
    if step is None:
        return False
    with writing() as w:
        if w.start_revision != seen:  # something committed since: decide again
            step = step_of()
            if step is None:
                return False
        step()
    return True


# --- Endpoints --------------------------------------------------------------------------------


def endpoints_step(namespace: str, name: str) -> Step | None:
    kind = known("Endpoints")
    row = Endpoints.objects.filter(namespace=namespace, name=name).first()
    service = reads.get_service(namespace, name)
    if service is None:
        if row is None or reads.LEADER_ANNOTATION in (row.annotations or {}):
            return None
        return lambda: delete_object(kind, namespace=namespace, name=name)
    if not manages_endpoints(service):
        return None
    desired = desired_endpoints(service, reads.candidate_pods(service))
    current = kind.to_k8s(row) if row is not None else None
    body = endpoints_update(desired, current)
    if body is None:
        return None
    if current is None:
        if reads.namespace_terminating(namespace):
            return None  # creating is Forbidden there; upstream drops the error silently
        return lambda: create_object(kind, namespace=namespace, body=body)
    return lambda: replace_object(kind, namespace=namespace, name=name, body=body)


@runtime.controller(routing.ENDPOINTS)
def sync_endpoints(key: str) -> None:
    namespace, name = reads.split_key(key)
    run(lambda: endpoints_step(namespace, name))


# --- EndpointSlices ---------------------------------------------------------------------------


def slice_plan(
    service: Obj | None,
    slices: list[Obj],
    pods: list[Obj],
    zones: dict[str, str],
    *,
    can_create: bool,
) -> Plan | None:
    """The plan for one Service given its managed slices: slices of a Service that is gone,
    or owned by another object (an earlier Service of the same name), are deleted; the rest
    are reconciled. None: the Service is not managed (its slices are left alone)."""
    if service is None:
        return Plan(delete=list(slices))
    uid = str(service["metadata"].get("uid", ""))
    foreign = [s for s in slices if owner_uid_of(s) != uid]
    if not manages_endpoints(service):
        # Only what the garbage collector would remove: slices owned by a vanished object.
        stale = [s for s in foreign if owner_uid_of(s)]
        return Plan(delete=stale) if stale else None
    owned = [s for s in slices if owner_uid_of(s) == uid]
    plan = reconcile(service, pods, owned, zones=zones, nodes=zones.keys())
    plan.delete.extend(foreign)
    # ``finalize``: no new slices for a Service pending deletion (the garbage collector would
    # race with us), nor in a terminating namespace (creating there is Forbidden).
    if not can_create or service["metadata"].get("deletionTimestamp"):
        plan.create = []
    return plan


def apply_slice_plan(namespace: str, plan: Plan) -> None:
    """Create first, then update, then delete (clients never see a Service lose endpoints
    that only moved between slices)."""
    kind = known("EndpointSlice")
    for obj in plan.create:
        create_object(kind, namespace=namespace, body=obj)
    for obj in plan.update:
        replace_object(kind, namespace=namespace, name=obj["metadata"]["name"], body=obj)
    for obj in plan.delete:
        delete_object(kind, namespace=namespace, name=obj["metadata"]["name"])


def slices_step(namespace: str, name: str) -> Step | None:
    kind = known("EndpointSlice")
    slices = [
        obj
        for obj in map(
            kind.to_k8s, EndpointSlice.objects.filter(namespace=namespace, service_name=name)
        )
        if is_managed_slice(obj)
    ]
    service = reads.get_service(namespace, name)
    if service is None and not slices:
        return None
    pods = reads.candidate_pods(service) if service is not None else []
    zones = reads.node_zones() if service is not None else {}
    plan = slice_plan(
        service, slices, pods, zones, can_create=not reads.namespace_terminating(namespace)
    )
    if plan is None or plan.empty():
        return None
    return lambda: apply_slice_plan(namespace, plan)


@runtime.controller(routing.ENDPOINTSLICES)
def sync_endpointslices(key: str) -> None:
    namespace, name = reads.split_key(key)
    run(lambda: slices_step(namespace, name))
