"""Keeps an :class:`~cluster.dns.index.Index` current: one consistent read of the database,
then the change log (the source of truth), polled every ``PORTOLAN_DNS_POLL_SECONDS``
(0.05 s) and also woken at once by this process's own commits.

A poll that finds nothing new costs one query (the revision row). When the revision moved, the
events after the index's revision are read for the kinds DNS uses, in pages. The index reads a
whole snapshot again when the log cannot continue it: the revision went backwards or the event
it stopped at is no longer the same (the database was reset), or the log no longer holds the
events it needs (history trimmed).
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Any

from cluster.dns.index import KINDS, Index

log = logging.getLogger("portolan.dns")

POLL_SECONDS = 0.05
PAGE = 2000
Obj = dict[str, Any]


def read_snapshot() -> tuple[int, list[Obj], uuid.UUID | None]:
    """Every Namespace, Service, EndpointSlice and Pod as Kubernetes JSON, the revision they
    are current at, and the uid of that revision's change-log row (None at revision 0)."""
    from cluster.kinds import by_kind
    from cluster.models import ChangeEvent, Pod
    from cluster.selectors import consistent_read, current_revision

    objects: list[Obj] = []
    with consistent_read():
        revision = current_revision()
        for name in KINDS:
            if name == "Pod":
                continue
            kind = by_kind(name)
            assert kind is not None
            for inst in kind.model.objects.all().iterator(chunk_size=PAGE):
                objects.append(kind.to_k8s(inst))
        # Pods are many and DNS needs three fields of them: no model instances.
        rows = Pod.objects.values_list("namespace", "name", "deletion_timestamp", "status")
        for namespace, pod_name, deleting, status in rows.iterator(chunk_size=PAGE):
            meta = {"namespace": namespace, "name": pod_name}
            if deleting is not None:
                meta["deletionTimestamp"] = deleting.isoformat()
            objects.append({"kind": "Pod", "metadata": meta, "status": status or {}})
        last = ChangeEvent.objects.filter(revision=revision).values_list("uid", flat=True).first()
    return revision, objects, last


def _current_revision() -> int:
    """``selectors.current_revision`` without the ORM: the poll runs 20 times a second beside a
    server thread that needs the GIL."""
    from django.db import connection

    from cluster.models import Revision

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {Revision._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


class Follower:
    """One index and the loop that keeps it current (:meth:`start` runs it in a thread;
    :meth:`sync` does one step in the caller's thread)."""

    def __init__(self, index: Index | None = None, *, interval: float | None = None) -> None:
        self.index = index if index is not None else Index()
        self.interval = POLL_SECONDS if interval is None else interval
        self.snapshots = 0  # full reads so far
        self.errors = 0
        self._last_uid: uuid.UUID | None = None
        self._sync_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- one step --------------------------------------------------------------------------
    def sync(self) -> int:
        """Bring the index up to the database's revision; returns the events applied (a
        snapshot counts as its object count)."""
        with self._sync_lock:
            if not self.index.synced:
                return self._snapshot()
            revision = _current_revision()
            if revision == self.index.revision:
                return 0
            if revision < self.index.revision or not self._continues():
                return self._snapshot()
            return self._catch_up(revision)

    def _snapshot(self) -> int:
        revision, objects, last = read_snapshot()
        self.index.load(objects, revision=revision)
        self._last_uid = last
        self.snapshots += 1
        log.info("dns index: %d objects at revision %d", len(objects), revision)
        return len(objects)

    def _continues(self) -> bool:
        """Whether the change log still continues the index: the event it stopped at is the
        same one, and every later event is retained."""
        from cluster.live import oldest_retained
        from cluster.models import ChangeEvent

        at = self.index.revision
        if at > 0:
            row = ChangeEvent.objects.filter(revision=at).values_list("uid", flat=True).first()
            if row is None or (self._last_uid is not None and row != self._last_uid):
                return False
        oldest = oldest_retained()
        return oldest is None or at >= oldest - 1

    def _catch_up(self, revision: int) -> int:
        from cluster.models import ChangeEvent

        after = self.index.revision
        applied = 0
        while True:
            rows = list(
                ChangeEvent.objects.filter(
                    revision__gt=after, revision__lte=revision, kind__in=KINDS
                )
                .order_by("revision")
                .values_list("revision", "type", "kind", "object")[:PAGE]
            )
            with self.index.lock:
                for _, event_type, kind, obj in rows:
                    self.index.apply(kind, event_type, obj)
                if rows:
                    after = rows[-1][0]
                    self.index.revision = after
                if len(rows) < PAGE:
                    self.index.revision = revision
            applied += len(rows)
            if len(rows) < PAGE:
                break
        self._last_uid = (
            ChangeEvent.objects.filter(revision=revision).values_list("uid", flat=True).first()
        )
        return applied

    # --- the loop ----------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="portolan-dns-follower", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _on_commit(self, committed: Any) -> None:
        """A write in this process committed: poll now rather than at the next tick."""
        if any(e.kind in KINDS for e in committed.events):
            self._wake.set()

    def _run(self) -> None:
        from django.db import connection

        from cluster import events

        events.add_listener(self._on_commit)
        try:
            while not self._stop.is_set():
                try:
                    self.sync()
                except Exception:  # noqa: BLE001 - the next poll retries on a new connection
                    self.errors += 1
                    log.warning("dns follower: reading the change log failed", exc_info=True)
                    connection.close()
                    self._stop.wait(min(1.0, self.interval * 20))
                self._wake.wait(self.interval)
                self._wake.clear()
        finally:
            events.remove_listener(self._on_commit)
            connection.close()


_shared: Follower | None = None
_shared_lock = threading.Lock()


def shared() -> Follower:
    """The process's follower: the one the in-process DNS server runs and "resolve from a pod"
    reads."""
    global _shared
    with _shared_lock:
        if _shared is None:
            from cluster.dns.config import poll_seconds

            _shared = Follower(interval=poll_seconds())
        return _shared


def current_index() -> Index:
    """The shared index, brought up to date in the caller's thread (one query when nothing
    changed)."""
    follower = shared()
    follower.sync()
    return follower.index
