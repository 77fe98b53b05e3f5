"""Bulk writes for controllers' full passes: many creates, updates and deletes of one kind in
the caller's ``writing()`` transaction.

Each object still passes the kind's strategy (defaulting, prepare, validation, the same
server-owned metadata rules as ``cluster.actions.objects``), gets its own revision and one
change-log event; but the rows go to the database in bulk: ``bulk_create`` for new rows, one
``executemany`` UPDATE for changed rows (never ``bulk_update``, which builds a CASE expression
per row and runs at ~1.4k rows/s), one DELETE for removed rows.

An object that fails validation is skipped and reported (the controller's per-key sync will
meet the same error and log it); it never fails the other objects of the pass. Only for kinds
without allocation, cascades or status subresource (Endpoints, EndpointSlices).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from cluster import errors
from cluster.actions.base import Writer
from cluster.actions.objects import (
    SERVER_OWNED_META,
    _same,
    delete_object,
    new_row,
    prepare_for_create,
)
from cluster.errors import FieldError, StatusError
from cluster.jsoncopy import json_copy
from cluster.kinds import Kind
from cluster.models import KubeObject
from cluster.objects import load_into, now
from cluster.validation.meta import validate_object_meta, validate_object_meta_update

Obj = dict[str, Any]
# Columns an update may change: everything but the identity the server fixed at create.
FIXED_COLUMNS = ("id", "uid", "creation_timestamp")


@dataclass
class BulkOutcome:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    invalid: list[tuple[str, str]] = field(default_factory=list)  # name, the Status message


def _check(kind: Kind) -> None:
    if kind.child_kinds or "status" in kind.subresources:
        raise ValueError(f"bulk_sync does not handle {kind.kind}")


def _meta_errors(kind: Kind, meta: Obj) -> list[FieldError]:
    return validate_object_meta(
        meta, namespaced=kind.namespaced, name_validator=kind.name_validator
    )


def create_all(kind: Kind, objs: list[Obj], writer: Writer, outcome: BulkOutcome) -> None:
    """New objects (names already chosen by the caller, free in the database)."""
    _check(kind)
    rows: list[KubeObject] = []
    stamp = now()
    for obj in objs:
        kind.default(obj)
        meta = obj["metadata"]
        try:
            prepare_for_create(kind, obj, writer)
        except StatusError as e:
            outcome.invalid.append((f"{meta.get('namespace')}/{meta.get('name')}", e.message))
            continue
        inst = new_row(kind, obj)
        inst.creation_timestamp = stamp
        inst.resource_version = writer.next_revision()
        rows.append(inst)
    kind.model.objects.bulk_create(rows, batch_size=500)
    for inst in rows:
        writer.record(inst, "ADDED")
    outcome.created += len(rows)


def update_all(
    kind: Kind, pairs: list[tuple[KubeObject, Obj]], writer: Writer, outcome: BulkOutcome
) -> None:
    """Replace stored rows (current in this transaction) with new bodies, as a PUT would."""
    _check(kind)
    changed: list[tuple[KubeObject, Obj]] = []
    for inst, new in pairs:
        old = json_copy(kind.to_k8s(inst))
        kind.default(new)
        meta, old_meta = new["metadata"], old["metadata"]
        for key in SERVER_OWNED_META:
            if key in old_meta:
                meta[key] = old_meta[key]
            else:
                meta.pop(key, None)
        meta.pop("deletionGracePeriodSeconds", None)
        kind.allocate_update(new, old, writer)
        kind.prepare_update(new, old)
        errs = _meta_errors(kind, meta) + validate_object_meta_update(meta, old_meta)
        errs += kind.validate_update(new, old)
        if errs:
            message = str(errors.invalid_object(kind.kind, inst.name, errs, kind.group))
            outcome.invalid.append((f"{inst.namespace}/{inst.name}", message))
            continue
        if _same(new, old):
            continue
        load_into(inst, new)
        inst.resource_version = writer.next_revision()
        changed.append((inst, old))
    if not changed:
        return
    model = kind.model
    fields = [f for f in model._meta.concrete_fields if f.attname not in FIXED_COLUMNS]
    table = connection.ops.quote_name(model._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    sql = f"UPDATE {table} SET {sets} WHERE {connection.ops.quote_name('id')} = %s"
    params = [
        [f.get_db_prep_save(getattr(inst, f.attname), connection) for f in fields] + [inst.pk]
        for inst, _ in changed
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    for inst, old in changed:
        writer.record(inst, "MODIFIED", previous=old)
    outcome.updated += len(changed)


def delete_all(kind: Kind, rows: list[KubeObject], writer: Writer, outcome: BulkOutcome) -> None:
    """Delete rows; one held by finalizers goes through the generic delete (it is only
    marked as deleting)."""
    _check(kind)
    gone: list[KubeObject] = []
    for inst in rows:
        if inst.finalizers:
            delete_object(kind, namespace=inst.namespace, name=inst.name)
            continue
        inst.resource_version = writer.next_revision()
        writer.record(inst, "DELETED")
        gone.append(inst)
    ids = [inst.pk for inst in gone]
    for start in range(0, len(ids), 900):
        kind.model.objects.filter(pk__in=ids[start : start + 900]).delete()
    outcome.deleted += len(gone)
