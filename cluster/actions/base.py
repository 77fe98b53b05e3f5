"""The write layer's core: one transaction per action, one global revision, one event per
object written, effects after commit.

Usage::

    with writing() as w:
        ...
        w.save(instance, "ADDED")

``writing()`` nests: an action called from another action joins the outer transaction.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator

from django.db import connection, transaction
from django.utils import timezone

from cluster.events import Committed, Event, dispatch
from cluster.models import ChangeEvent, KubeObject, Revision

_local = threading.local()


class DryRunRollback(Exception):
    """Raised to roll back a dry-run write after it fully succeeded."""


class Writer:
    def __init__(self) -> None:
        from cluster.controllers.runtime import current_controller

        self.committed = Committed(origin=current_controller())
        self._rows: list[ChangeEvent] = []
        self.revision = self._lock_revision()
        self.start_revision = self.revision

    @staticmethod
    def _lock_revision() -> int:
        # Postgres: the row lock serialises writers until commit, so commit order equals
        # revision order. SQLite: BEGIN IMMEDIATE already holds the database write lock.
        row = Revision.objects.select_for_update().filter(id=1).first()
        if row is None:
            Revision.objects.create(id=1, value=0)
            row = Revision.objects.select_for_update().get(id=1)
        return row.value

    def next_revision(self) -> int:
        self.revision += 1
        return self.revision

    def reserve(self, count: int) -> int:
        """Reserve ``count`` revisions at once (bulk writes); returns the first."""
        first = self.revision + 1
        self.revision += count
        return first

    def record(
        self,
        instance: KubeObject,
        event_type: str,
        revision: int | None = None,
        previous: dict | None = None,
    ) -> Event:
        from cluster.kinds import kind_for_model

        rev = revision if revision is not None else instance.resource_version
        kind = kind_for_model(type(instance))
        obj = kind.to_k8s(instance)
        event = Event(
            rev, event_type, instance.KIND, instance.namespace, instance.name, obj, previous
        )
        self.committed.events.append(event)
        self._rows.append(
            ChangeEvent(
                revision=rev,
                type=event_type,
                kind=instance.KIND,
                namespace=instance.namespace,
                name=instance.name,
                uid=instance.uid,
                object=obj,
            )
        )
        return event

    def save(self, instance: KubeObject, event_type: str, previous: dict | None = None) -> Event:
        """Stamp the next revision on ``instance``, store it and record the event
        (``previous``: the object before this change, for routing reconcile keys)."""
        instance.resource_version = self.next_revision()
        instance.derive_columns()
        instance.save()
        return self.record(instance, event_type, previous=previous)

    def delete(self, instance: KubeObject) -> Event:
        instance.resource_version = self.next_revision()
        event = self.record(instance, "DELETED")
        instance.delete()
        return event

    def add_key(self, controller: str, key: str) -> None:
        self.committed.keys.add((controller, key))

    def flush(self) -> None:
        if self.revision != self.start_revision:
            Revision.objects.filter(id=1).update(value=self.revision)
        if self._rows:
            insert_change_events(self._rows)
            self._rows = []


CHANGE_EVENT_COLUMNS = (
    "revision",
    "type",
    "kind",
    "namespace",
    "name",
    "uid",
    "object",
    "created_at",
)
COPY_THRESHOLD = 50  # below this, one INSERT is as fast as a COPY


def insert_change_events(rows: list[ChangeEvent]) -> None:
    """Append change-log rows: COPY on Postgres for big transactions (a full controller pass
    writes tens of thousands), ``bulk_create`` otherwise."""
    stamp = timezone.now()
    if connection.vendor != "postgresql" or len(rows) < COPY_THRESHOLD:
        for row in rows:
            row.created_at = row.created_at or stamp
        ChangeEvent.objects.bulk_create(rows, batch_size=1000)
        return
    table = connection.ops.quote_name(ChangeEvent._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in CHANGE_EVENT_COLUMNS)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(
                    (
                        r.revision,
                        r.type,
                        r.kind,
                        r.namespace,
                        r.name,
                        r.uid,
                        json.dumps(r.object),
                        r.created_at or stamp,
                    )
                )


def current_writer() -> Writer | None:
    return getattr(_local, "writer", None)


@contextlib.contextmanager
def writing(*, dry_run: bool = False) -> Iterator[Writer]:
    outer = current_writer()
    if outer is not None:
        yield outer
        return
    try:
        with transaction.atomic():
            writer = Writer()
            _local.writer = writer
            try:
                yield writer
                writer.flush()
            finally:
                _local.writer = None
            if dry_run:
                raise DryRunRollback
            committed = writer.committed
            if committed.events or committed.keys:
                transaction.on_commit(lambda: dispatch(committed))
    except DryRunRollback:
        pass
