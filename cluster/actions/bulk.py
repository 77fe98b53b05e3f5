"""The bulk write path: many objects of one kind created in one action.

Same rules as ``cluster.actions.objects.create_object`` — each body is decoded, defaulted,
prepared, allocated and validated by the kind's strategy; one transaction holds the revision
row lock; every object gets its own revision and one ``ADDED`` change-log row; listeners run
after commit — but the rows go to the database in bulk: on Postgres through ``COPY … FROM
STDIN`` (psycopg 3 ``cursor.copy``), elsewhere through ``bulk_create``.

All or nothing: a body that fails validation, a name already taken (in the database or twice
in the batch) or a namespace that does not exist raises a :class:`~cluster.errors.StatusError`
before anything is written, and any database error rolls the whole batch back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models

from cluster import errors
from cluster.actions.base import Writer, insert_change_events, writing
from cluster.actions.objects import (
    check_namespace,
    decode,
    new_row,
    prepare_for_create,
    run_strategy,
)
from cluster.events import Event
from cluster.kinds import Kind, by_kind
from cluster.models import ChangeEvent, KubeObject
from cluster.objects import now

Obj = dict[str, Any]

# SQLite's default limit on bound parameters per statement is 999 on old builds.
NAME_CHECK_CHUNK = 900


@dataclass(frozen=True)
class BulkResult:
    count: int
    first_revision: int
    last_revision: int
    used_copy: bool
    # Seconds per phase: decode (decode + default), strategy (prepare/allocate/validate), names,
    # rows (model rows and payloads), store (INSERT/COPY), commit (commit + listeners).
    phases: dict[str, float] = field(default_factory=dict)


class _Clock:
    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now_ = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + now_ - self._last
        self._last = now_


def create_many(kind: Kind, *, namespace: str, bodies: Iterable[Any]) -> BulkResult:
    """Create every body as a new ``kind`` object in ``namespace``, in one transaction."""
    clock = _Clock()
    objs = [_decode_and_default(kind, body, namespace) for body in bodies]
    clock.lap("decode")
    with writing() as w:
        if kind.namespaced:
            check_namespace(kind, namespace)
        for obj in objs:
            _prepare(kind, obj, w)
        clock.lap("strategy")
        _check_names_free(kind, namespace, objs)
        clock.lap("names")
        first = w.reserve(len(objs))
        stamp = now()
        rows: list[KubeObject] = []
        payloads: list[Obj] = []
        for offset, obj in enumerate(objs):
            inst = new_row(kind, obj)
            inst.creation_timestamp = stamp
            inst.resource_version = first + offset
            rows.append(inst)
            payloads.append(kind.to_k8s(inst))
        clock.lap("rows")
        used_copy = bool(rows) and _store(kind, rows, payloads, first)
        _record(kind, w, rows, payloads, first)
        clock.lap("store")
    clock.lap("commit")
    return BulkResult(len(rows), first, first + len(rows) - 1, used_copy, clock.phases)


def seed_pods(
    *,
    namespace: str,
    count: int,
    prefix: str = "pod",
    labels: dict[str, str] | None = None,
    apps: int = 10,
    image: str = "registry.k8s.io/pause:3.10",
    node_names: Sequence[str] = (),
) -> BulkResult:
    """``count`` pods named ``{prefix}-00000…`` spread over ``apps`` ``app=`` labels (and
    over ``node_names`` when given, as if already scheduled), created by :func:`create_many`."""
    kind = by_kind("Pod")
    assert kind is not None
    width = max(5, len(str(count - 1)))
    template = json.dumps(
        {
            "metadata": {"labels": dict(labels or {})},
            "spec": {
                "containers": [
                    {
                        "name": "app",
                        "image": image,
                        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                    }
                ]
            },
        }
    )

    def body(i: int) -> Obj:
        obj = json.loads(template)
        obj["metadata"]["name"] = f"{prefix}-{i:0{width}d}"
        obj["metadata"]["labels"]["app"] = f"app-{i % max(apps, 1)}"
        if node_names:
            obj["spec"]["nodeName"] = node_names[i % len(node_names)]
        return obj

    return create_many(kind, namespace=namespace, bodies=(body(i) for i in range(count)))


# --- the strategy, per object -------------------------------------------------------------------


def _decode_and_default(kind: Kind, body: Any, namespace: str) -> Obj:
    obj = decode(kind, body, namespace)
    run_strategy(kind, kind.default, obj)
    return obj


def _prepare(kind: Kind, obj: Obj, w: Writer) -> None:
    """What ``create_object`` does between defaulting and storing, minus the per-name lookup
    (done for the whole batch by :func:`_check_names_free`). Generated names are not offered:
    a batch names its objects."""
    prepare_for_create(kind, obj, w)


def _check_names_free(kind: Kind, namespace: str, objs: list[Obj]) -> None:
    seen: set[str] = set()
    for obj in objs:
        name = obj["metadata"]["name"]
        if name in seen:
            raise errors.already_exists(kind.plural, name, kind.group)
        seen.add(name)
    names = [obj["metadata"]["name"] for obj in objs]
    qs = kind.model.objects.all()
    if kind.namespaced:
        qs = qs.filter(namespace=namespace)
    for start in range(0, len(names), NAME_CHECK_CHUNK):
        chunk = names[start : start + NAME_CHECK_CHUNK]
        taken = qs.filter(name__in=chunk).order_by("name").values_list("name", flat=True).first()
        if taken is not None:
            raise errors.already_exists(kind.plural, taken, kind.group)


# --- storing --------------------------------------------------------------------------------------


def _record(kind: Kind, w: Writer, rows: list[KubeObject], payloads: list[Obj], first: int) -> None:
    """The after-commit half of ``Writer.record``: the events (routing turns them into
    reconcile keys after commit)."""
    events = w.committed.events
    for offset, (inst, obj) in enumerate(zip(rows, payloads, strict=True)):
        events.append(Event(first + offset, "ADDED", kind.kind, inst.namespace, inst.name, obj))


def _store(kind: Kind, rows: list[KubeObject], payloads: list[Obj], first: int) -> bool:
    """Insert the object rows and their change-log rows; True when COPY was used."""
    stamp = now()
    if connection.vendor == "postgresql":
        _copy_objects(kind.model, rows)
    else:
        kind.model.objects.bulk_create(rows, batch_size=500)
    insert_change_events(
        [
            ChangeEvent(
                revision=first + offset,
                type="ADDED",
                kind=kind.kind,
                namespace=inst.namespace,
                name=inst.name,
                uid=inst.uid,
                object=obj,
                created_at=stamp,
            )
            for offset, (inst, obj) in enumerate(zip(rows, payloads, strict=True))
        ]
    )
    return connection.vendor == "postgresql"


def _copy_fields(model: type[KubeObject]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]


def _copy_objects(model: type[KubeObject], rows: list[KubeObject]) -> None:
    fields = _copy_fields(model)
    json_attrs = [(f.attname, isinstance(f, models.JSONField)) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for inst in rows:
                copy.write_row(
                    [
                        json.dumps(getattr(inst, attname)) if is_json else getattr(inst, attname)
                        for attname, is_json in json_attrs
                    ]
                )
