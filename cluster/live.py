"""The live feed's server side: after-commit broadcast, snapshot and catch-up reads.

The channel layer is at-most-once (channels_redis drops over capacity, a process may die
between commit and send), so it is only a fast path: every broadcast names the revision range
it covers (``after`` < revision ≤ ``last``). A consumer that sees a batch start anywhere but
where it stands reads what it missed from the change log, the source of truth. Revisions are
contiguous across committed transactions (one lock, commit order = revision order), so a gap is
always detectable.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from cluster.events import Committed, Event
from cluster.liveview import in_view, project, topology_pods

log = logging.getLogger("portolan.live")

GROUP = "portolan.changes"
MESSAGE_TYPE = "cluster.changes"
# Bigger transactions (a bulk seed) are announced without their events; consumers read them.
INLINE_EVENTS_MAX = 500
CATCH_UP_PAGE = 1000

# Kinds the live view shows. Endpoints and EndpointSlices drive the port chains.
LIVE_KINDS = (
    "Namespace",
    "Node",
    "Pod",
    "Service",
    "Endpoints",
    "EndpointSlice",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
)
CLUSTER_SCOPED = ("Node", "Namespace")

Obj = dict[str, Any]


def broadcast(committed: Committed) -> None:
    """The after-commit listener: announce the transaction's revision range to every consumer."""
    events = list(committed.events)
    if not events:
        return
    message: dict[str, Any] = {
        "type": MESSAGE_TYPE,
        "after": events[0].revision - 1,
        "last": events[-1].revision,
        "events": [_wire(e) for e in events] if len(events) <= INLINE_EVENTS_MAX else None,
    }
    try:
        from channels.layers import InMemoryChannelLayer, get_channel_layer

        layer = get_channel_layer()
        if layer is None:
            return
        loop = _server_loop
        if (
            isinstance(layer, InMemoryChannelLayer)
            and loop is not None
            and loop.is_running()
            and not _in_loop(loop)
        ):
            # The in-memory layer's queues belong to the server's event loop; a write from the
            # embedded controller thread must hand the send to that loop.
            asyncio.run_coroutine_threadsafe(layer.group_send(GROUP, message), loop)
        else:
            _publisher.submit(layer, message)
    except Exception:  # noqa: BLE001 - consumers catch up from the change log
        log.warning(
            "live broadcast of %s..%s failed", message["after"], message["last"], exc_info=True
        )


class _Publisher:
    """One long-lived event loop per process that sends broadcasts in commit order, so a
    commit does not pay for a new event loop, thread and Redis connection (``async_to_sync``
    cost a few ms each, over 100 ms at worst). A message still queued when the process dies is
    lost like any other broadcast; consumers read it from the change log."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[tuple[Any, Obj]] | None = None
        self._pid = 0

    def submit(self, layer: Any, message: Obj) -> None:
        loop, queue = self._running()
        loop.call_soon_threadsafe(queue.put_nowait, (layer, message))

    def flush(self, timeout: float = 2.0) -> None:
        """Wait (up to ``timeout``) until what was submitted has been sent."""
        if self._loop is None or self._pid != os.getpid() or self._queue is None:
            return
        queue = self._queue
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(queue.join(), self._loop).result(timeout)

    def _running(self) -> tuple[asyncio.AbstractEventLoop, asyncio.Queue[tuple[Any, Obj]]]:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():  # first use, or a forked child
                loop = asyncio.new_event_loop()
                queue: asyncio.Queue[tuple[Any, Obj]] = asyncio.Queue()
                ready = threading.Event()

                def run() -> None:
                    asyncio.set_event_loop(loop)
                    loop.create_task(self._send_all(queue))
                    loop.call_soon(ready.set)
                    loop.run_forever()

                threading.Thread(target=run, name="portolan-live-publisher", daemon=True).start()
                ready.wait()
                self._loop, self._queue, self._pid = loop, queue, os.getpid()
            assert self._queue is not None
            return self._loop, self._queue

    @staticmethod
    async def _send_all(queue: asyncio.Queue[tuple[Any, Obj]]) -> None:
        while True:
            layer, message = await queue.get()
            try:
                await layer.group_send(GROUP, message)
            except Exception:  # noqa: BLE001 - consumers catch up from the change log
                log.warning(
                    "live broadcast of %s..%s failed",
                    message["after"],
                    message["last"],
                    exc_info=True,
                )
            finally:
                queue.task_done()


_publisher = _Publisher()
atexit.register(_publisher.flush)


def flush_broadcasts(timeout: float = 2.0) -> None:
    """Wait until this process's broadcasts have been handed to the channel layer."""
    _publisher.flush(timeout)


_server_loop: asyncio.AbstractEventLoop | None = None


def register_server_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Called by consumers: the event loop that owns the in-memory channel layer's queues."""
    global _server_loop
    _server_loop = loop


def _in_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def _wire(e: Event) -> Obj:
    return {
        "revision": e.revision,
        "type": e.type,
        "kind": e.kind,
        "namespace": e.namespace,
        "object": e.object,
    }


def visible(kind: str, namespace: str, name: str, namespaces: set[str] | None) -> bool:
    """What a principal whose visible namespaces are ``namespaces`` (None: all) may see."""
    if kind not in LIVE_KINDS:
        return False
    if namespaces is None:
        return True
    if kind == "Node":
        return True
    if kind == "Namespace":
        return name in namespaces
    return namespace in namespaces


def filter_events(
    events: Iterable[Obj], namespaces: set[str] | None, view: str = "full"
) -> list[Obj]:
    """The events a principal may see, their objects as ``view`` shows them."""
    out = []
    for e in events:
        kind = e["kind"]
        meta = e["object"]["metadata"]
        if visible(kind, e.get("namespace", ""), meta.get("name", ""), namespaces) and in_view(
            kind, view
        ):
            out.append(
                {
                    "revision": e["revision"],
                    "type": e["type"],
                    "object": project(kind, e["object"], view),
                }
            )
    return out


def current_revision() -> int:
    from cluster.selectors import current_revision as rev

    return rev()


def oldest_retained() -> int | None:
    """The first revision the change log still holds (None: empty log)."""
    from cluster.models import ChangeEvent

    return ChangeEvent.objects.order_by("revision").values_list("revision", flat=True).first()


def can_resume(since: int) -> bool:
    """Whether every event after ``since`` is still in the change log."""
    if since < 0 or since > current_revision():
        return False
    oldest = oldest_retained()
    return oldest is None or since >= oldest - 1


def read_events(
    after: int, namespaces: set[str] | None, limit: int = CATCH_UP_PAGE, view: str = "full"
) -> tuple[list[Obj], int]:
    """Up to ``limit`` change-log events after ``after`` (filtered for the principal) and the
    revision reached (the last one read, visible or not)."""
    from cluster.models import ChangeEvent

    rows = list(
        ChangeEvent.objects.filter(revision__gt=after)
        .order_by("revision")
        .values_list("revision", "type", "kind", "namespace", "object")[:limit]
    )
    if not rows:
        return [], after
    events = [
        {"revision": r, "type": t, "kind": k, "namespace": ns, "object": obj}
        for r, t, k, ns, obj in rows
    ]
    return filter_events(events, namespaces, view), rows[-1][0]


def snapshot(namespaces: set[str] | None, view: str = "full") -> tuple[int, list[Obj]]:
    """Every visible object (as ``view`` shows it), and the revision the snapshot is current
    at."""
    from cluster.kinds import by_kind
    from cluster.selectors import consistent_read
    from cluster.selectors import current_revision as rev

    objects: list[Obj] = []
    with consistent_read():
        revision = rev()
        for kind_name in LIVE_KINDS:
            if not in_view(kind_name, view):
                continue
            kind = by_kind(kind_name)
            assert kind is not None
            qs = kind.model.objects.all().order_by("namespace", "name")
            if namespaces is not None and kind_name not in CLUSTER_SCOPED:
                qs = qs.filter(namespace__in=sorted(namespaces))
            if namespaces is not None and kind_name == "Namespace":
                qs = qs.filter(name__in=sorted(namespaces))
            if view == "topology" and kind_name == "Pod":
                objects.extend(topology_pods(qs))
            else:
                objects.extend(project(kind_name, kind.to_k8s(inst), view) for inst in qs)
    return revision, objects


# A snapshot is reused while nothing has changed, and otherwise by clients connecting within
# this many seconds (same view, same namespaces): a reconnect storm, or fifty dashboards opening at once, costs one read and one
# serialisation (about 1.5 s at tier M) instead of one each. A reused snapshot is older than
# the present; the consumer catches up from its revision, as for any resumed client.
SNAPSHOT_REUSE_SECONDS = 2.0
SNAPSHOTS_KEPT = 8
_snapshots: dict[tuple[str, tuple[str, ...] | None], tuple[float, int, str]] = {}
_snapshots_lock = threading.Lock()


def snapshot_message(
    namespaces: set[str] | None, view: str, encode: Callable[[Obj], str]
) -> tuple[int, str]:
    """The snapshot message (``encode``d) and its revision, fresh or reused."""
    key = (view, tuple(sorted(namespaces)) if namespaces is not None else None)
    with _snapshots_lock:
        hit = _snapshots.get(key)
        if hit is not None and (
            hit[1] == current_revision()  # still the present, however old
            or (time.monotonic() - hit[0] <= SNAPSHOT_REUSE_SECONDS and can_resume(hit[1]))
        ):
            return hit[1], hit[2]
        revision, objects = snapshot(namespaces, view)
        text = encode({"type": "snapshot", "revision": revision, "objects": objects})
        _snapshots[key] = (time.monotonic(), revision, text)
        while len(_snapshots) > SNAPSHOTS_KEPT:  # the oldest goes (one per view and namespaces)
            del _snapshots[min(_snapshots, key=lambda k: _snapshots[k][0])]
        return revision, text


def forget_snapshots() -> None:
    with _snapshots_lock:
        _snapshots.clear()
