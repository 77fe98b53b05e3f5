"""Whole-cluster passes of the ``endpoints`` and ``endpointslices`` controllers (run by the
periodic resync), and :func:`from_scratch` / :func:`stored_state`, which the convergence tests
compare.

A pass reads every Service, every pod (once, indexed by label), every node and what is
stored, in one consistent snapshot at revision R; computes every desired object; and when
nothing differs returns having written nothing and taken no lock (benchmark B2). Otherwise it
takes the revision lock; if no Pod, Service, Node, Namespace or target-kind change committed
after R, the plan made from the snapshot is still exact and is written as it is, else the pass
reads and plans again under the lock. The writes go in bulk (``cluster.actions.bulk_sync``):
one transaction, each object through its kind's strategy with its own revision and event.
Orphans go too: Endpoints whose Service is gone (not leader-election locks) and managed
slices whose Service is gone or whose owner is not the Service of that name.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from cluster.actions.base import Writer, writing
from cluster.actions.bulk_sync import BulkOutcome, create_all, delete_all, update_all
from cluster.actions.objects import random_suffix
from cluster.controllers import discovery_reads as reads
from cluster.controllers import routing, runtime
from cluster.controllers.endpoints import (
    Canonical,
    canonical,
    desired_endpoints,
    endpoints_update,
    manages_endpoints,
)
from cluster.controllers.endpointslices import SERVICE_NAME_LABEL, Plan, reconcile, summary
from cluster.controllers.sync_endpoints import (
    is_managed_slice,
    owner_uid_of,
    slice_plan,
)
from cluster.kinds import known
from cluster.models import ChangeEvent, Endpoints, EndpointSlice, KubeObject, Service
from cluster.selectors import consistent_read, current_revision

log = logging.getLogger("portolan.controllers")
Obj = dict[str, Any]
NsName = tuple[str, str]
INPUT_KINDS = ("Pod", "Service", "Node", "Namespace")


@dataclass
class World:
    """One consistent read of everything a pass needs. Stored Endpoints and slices are light
    objects (metadata, body) keyed by row id; rows are loaded only to be written."""

    revision: int
    services: list[Obj]
    index: reads.PodIndex
    zones: dict[str, str]
    terminating: set[str]
    endpoints: dict[int, Obj] = field(default_factory=dict)
    slices: dict[int, Obj] = field(default_factory=dict)


META_COLUMNS = (
    "id",
    "namespace",
    "name",
    "generate_name",
    "labels",
    "annotations",
    "finalizers",
    "owner_references",
)


def _light(model: type[KubeObject], qs: Any) -> dict[int, Obj]:
    """Rows as the Kubernetes JSON the controllers compare (no server-owned metadata)."""
    body = list(model.BODY_FIELDS.items())
    out: dict[int, Obj] = {}
    for row in qs.values_list(*META_COLUMNS, *(f for _, f in body)):
        pk, ns, name, generate, labels, annotations, finalizers, owners = row[:8]
        meta: Obj = {"name": name, "namespace": ns}
        for key, value in (
            ("generateName", generate),
            ("labels", labels),
            ("annotations", annotations),
            ("ownerReferences", owners),
            ("finalizers", finalizers),
        ):
            if value:
                meta[key] = value
        obj: Obj = {"metadata": meta}
        for (k8s_name, _), value in zip(body, row[8:], strict=True):
            if value is not None:
                obj[k8s_name] = value
        out[pk] = obj
    return out


def read_world(
    namespace: str | None = None, *, endpoints: bool = False, slices: bool = False
) -> World:
    with consistent_read():
        revision = current_revision()
        services = Service.objects.order_by()
        ep_rows = Endpoints.objects.order_by()
        slice_rows = EndpointSlice.objects.order_by()
        if namespace is not None:
            services = services.filter(namespace=namespace)
            ep_rows = ep_rows.filter(namespace=namespace)
            slice_rows = slice_rows.filter(namespace=namespace)
        return World(
            revision=revision,
            services=[reads.service_obj(row) for row in services],
            index=reads.PodIndex(reads.all_pods(namespace)),
            zones=reads.node_zones(),
            terminating=reads.terminating_namespaces(),
            endpoints=_light(Endpoints, ep_rows) if endpoints else {},
            slices=_light(EndpointSlice, slice_rows) if slices else {},
        )


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """A pass allocates ~10 small objects per pod and keeps them all alive: the cyclic
    collector would walk them again and again (a third of a pass's time) and free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _key(obj: Obj) -> NsName:
    return (obj["metadata"].get("namespace", ""), obj["metadata"]["name"])


def _changed_since(revision: int, writer: Writer, kinds: Iterable[str]) -> bool:
    if writer.start_revision == revision:
        return False
    return ChangeEvent.objects.filter(revision__gt=revision, kind__in=list(kinds)).exists()


# --- Endpoints --------------------------------------------------------------------------------


@dataclass
class EndpointsPass:
    create: list[Obj] = field(default_factory=list)
    update: dict[int, Obj] = field(default_factory=dict)  # row id → new object
    delete: list[int] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.create or self.update or self.delete)


def plan_endpoints(world: World) -> EndpointsPass:
    out = EndpointsPass()
    stored = {_key(obj): (pk, obj) for pk, obj in world.endpoints.items()}
    for service in world.services:
        if not manages_endpoints(service):
            continue
        key = _key(service)
        pk, current = stored.get(key, (0, None))
        desired = desired_endpoints(service, world.index.candidates(service))
        body = endpoints_update(desired, current)
        if body is None:
            continue
        if current is not None:
            out.update[pk] = body
        elif key[0] not in world.terminating:
            out.create.append(body)
    services = {_key(s) for s in world.services}
    for key, (pk, obj) in stored.items():
        annotations = obj["metadata"].get("annotations") or {}
        if key not in services and reads.LEADER_ANNOTATION not in annotations:
            out.delete.append(pk)
    return out


def _rows(model: type[KubeObject], ids: Iterable[int]) -> dict[int, Any]:
    """Rows by id, read inside the write (they are current: the revision lock is held)."""
    ids = list(ids)
    out: dict[int, Any] = {}
    for start in range(0, len(ids), 900):
        out.update(model.objects.in_bulk(ids[start : start + 900]))
    return out


def write_endpoints(plan: EndpointsPass, writer: Writer) -> BulkOutcome:
    kind = known("Endpoints")
    outcome = BulkOutcome()
    rows = _rows(Endpoints, [*plan.update, *plan.delete])
    create_all(kind, plan.create, writer, outcome)
    update_all(kind, [(rows[pk], obj) for pk, obj in plan.update.items()], writer, outcome)
    delete_all(kind, [rows[pk] for pk in plan.delete], writer, outcome)
    return outcome


@runtime.full_sync(routing.ENDPOINTS)
def full_sync_endpoints(namespace: str | None = None) -> BulkOutcome:
    with _gc_paused():
        return _full_sync_endpoints(namespace)


# The endpoints pass hands its read to the slices pass that the resync runs right after it:
# when nothing was committed in between, only the stored slices need reading again.
_handoff = threading.local()


def _reuse_for_slices(namespace: str | None) -> World | None:
    held: tuple[str | None, World] | None = getattr(_handoff, "world", None)
    _handoff.world = None  # one use, and the memory goes with it
    if held is None or held[0] != namespace:
        return None
    shared = held[1]
    with consistent_read():
        if current_revision() != shared.revision:
            return None
        rows = EndpointSlice.objects.order_by()
        if namespace is not None:
            rows = rows.filter(namespace=namespace)
        return dataclasses.replace(shared, endpoints={}, slices=_light(EndpointSlice, rows))


def _full_sync_endpoints(namespace: str | None) -> BulkOutcome:
    world = read_world(namespace, endpoints=True)
    plan = plan_endpoints(world)
    if plan.empty():
        _handoff.world = (namespace, world)
        return BulkOutcome()
    with writing() as w:
        if _changed_since(world.revision, w, (*INPUT_KINDS, "Endpoints")):
            plan = plan_endpoints(read_world(namespace, endpoints=True))
        outcome = write_endpoints(plan, w)
    _report("endpoints", outcome)
    return outcome


# --- EndpointSlices ---------------------------------------------------------------------------


@dataclass
class SlicesPass:
    plans: list[tuple[str, Plan]] = field(default_factory=list)
    ids: dict[NsName, int] = field(default_factory=dict)  # every stored slice's row id

    def empty(self) -> bool:
        return not self.plans


def plan_slices(world: World) -> SlicesPass:
    out = SlicesPass(ids={_key(obj): pk for pk, obj in world.slices.items()})
    by_service: dict[NsName, list[Obj]] = {}
    for obj in world.slices.values():
        if is_managed_slice(obj):
            service_name = obj["metadata"]["labels"].get(SERVICE_NAME_LABEL, "")
            by_service.setdefault((_key(obj)[0], service_name), []).append(obj)
    for service in world.services:
        key = _key(service)
        plan = slice_plan(
            service,
            by_service.pop(key, []),
            world.index.candidates(service),
            world.zones,
            can_create=key[0] not in world.terminating,
        )
        if plan is not None and not plan.empty():
            out.plans.append((key[0], plan))
    for (ns, _), objs in sorted(by_service.items()):  # their Service is gone
        plan = slice_plan(None, objs, [], {}, can_create=False)
        if plan is not None:
            out.plans.append((ns, plan))
    return out


def write_slices(plan: SlicesPass, writer: Writer) -> BulkOutcome:
    kind = known("EndpointSlice")
    taken = set(plan.ids)
    creates: list[Obj] = []
    updates: list[tuple[int, Obj]] = []
    deletes: list[int] = []
    for ns, p in plan.plans:
        for obj in p.create:
            meta = obj["metadata"]
            name = meta["generateName"] + random_suffix()
            while (ns, name) in taken:
                name = meta["generateName"] + random_suffix()
            taken.add((ns, name))
            meta["name"] = name
            creates.append(obj)
        updates.extend((plan.ids[(ns, o["metadata"]["name"])], o) for o in p.update)
        deletes.extend(plan.ids[(ns, o["metadata"]["name"])] for o in p.delete)
    rows = _rows(EndpointSlice, [*(pk for pk, _ in updates), *deletes])
    outcome = BulkOutcome()
    create_all(kind, creates, writer, outcome)
    update_all(kind, [(rows[pk], obj) for pk, obj in updates], writer, outcome)
    delete_all(kind, [rows[pk] for pk in deletes], writer, outcome)
    return outcome


@runtime.full_sync(routing.ENDPOINTSLICES)
def full_sync_endpointslices(namespace: str | None = None) -> BulkOutcome:
    with _gc_paused():
        return _full_sync_endpointslices(namespace)


def _full_sync_endpointslices(namespace: str | None) -> BulkOutcome:
    world = _reuse_for_slices(namespace) or read_world(namespace, slices=True)
    plan = plan_slices(world)
    if plan.empty():
        return BulkOutcome()
    with writing() as w:
        if _changed_since(world.revision, w, (*INPUT_KINDS, "EndpointSlice")):
            plan = plan_slices(read_world(namespace, slices=True))
        outcome = write_slices(plan, w)
    _report("endpointslices", outcome)
    return outcome


def _report(what: str, outcome: BulkOutcome) -> None:
    log.info(
        "full %s pass: %d created, %d updated, %d deleted",
        what,
        outcome.created,
        outcome.updated,
        outcome.deleted,
    )
    for name, errs in outcome.invalid:
        log.warning("full %s pass skipped invalid %s: %s", what, name, errs)


# --- what the stored state should be ----------------------------------------------------------

SliceState = tuple[frozenset[str], tuple[tuple[tuple[str, str], ...], ...], Any]


@dataclass
class DiscoveryState:
    """Endpoints (canonical: labels, over-capacity annotation, order-free subsets) and slices
    (per Service: owner uids, distinct label sets, order-free summary) of managed Services."""

    endpoints: dict[NsName, Canonical]
    slices: dict[NsName, SliceState]


def _slice_state(owners: set[str], slices: list[Obj]) -> SliceState:
    labels = {tuple(sorted((s["metadata"].get("labels") or {}).items())) for s in slices}
    return (frozenset(owners), tuple(sorted(labels)), summary(slices))


def from_scratch(namespace: str | None = None) -> DiscoveryState:
    """What the controllers would write into an empty cluster with the current Services, pods
    and nodes: the reference the stored state must converge to."""
    world = read_world(namespace)
    state = DiscoveryState({}, {})
    for service in world.services:
        if not manages_endpoints(service):
            continue
        key = _key(service)
        pods = world.index.candidates(service)
        state.endpoints[key] = canonical(desired_endpoints(service, pods))
        plan = reconcile(service, pods, [], zones=world.zones, nodes=world.zones.keys())
        uid = str(service["metadata"].get("uid", ""))
        state.slices[key] = _slice_state({uid}, plan.create)
    return state


def stored_state(namespace: str | None = None) -> DiscoveryState:
    """The same shape read from the database: Endpoints and managed slices, except those of
    existing Services the controllers leave alone (ExternalName, no selector)."""
    world = read_world(namespace, endpoints=True, slices=True)
    unmanaged = {_key(s) for s in world.services if not manages_endpoints(s)}
    state = DiscoveryState({}, {})
    for obj in world.endpoints.values():
        annotations = obj["metadata"].get("annotations") or {}
        if _key(obj) in unmanaged or reads.LEADER_ANNOTATION in annotations:
            continue
        state.endpoints[_key(obj)] = canonical(obj)
    groups: dict[NsName, tuple[set[str], list[Obj]]] = {}
    for obj in world.slices.values():
        if not is_managed_slice(obj):
            continue
        key = (_key(obj)[0], obj["metadata"]["labels"].get(SERVICE_NAME_LABEL, ""))
        if key in unmanaged:
            continue
        owners, objs = groups.setdefault(key, (set(), []))
        owners.add(owner_uid_of(obj))
        objs.append(obj)
    state.slices = {k: _slice_state(o, objs) for k, (o, objs) in groups.items()}
    return state
