"""How reconcile keys reach the controllers.

A key is ``(controller, "namespace/name")``. After a write commits, :func:`on_commit` routes
its events to keys (``cluster.controllers.routing``) and submits each to the backend:

* **Celery** (distributed mode): ``cluster.tasks.reconcile`` on Redis. A key already waiting
  is not queued twice (a Redis marker, cleared when a worker picks the key up, so changes made
  during a sync queue it again); a per-key Redis lock keeps two workers off one key (the loser
  re-queues itself shortly after).
* **Local** (embedded mode): a thread in the server process (``start_local``) with a
  de-duplicating, delay-aware queue; one thread, so one key is never synced twice at once.
  Other embedded processes (``manage.py apply``) queue nothing: the server's resync picks up
  their writes.
* **Manual** (tests): keys collect until :func:`drain` runs them.

Every sync is level-triggered and idempotent, so a lost or duplicated message is harmless; the
periodic resync (``resync_all``) repairs whatever a lost message or a killed worker left behind.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import logging
import math
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from django.conf import settings
from django.db import OperationalError, close_old_connections

log = logging.getLogger("portolan.controllers")

Key = tuple[str, str]
SyncFn = Callable[[str], None]

CONTROLLERS: dict[str, SyncFn] = {}
FULL_SYNCS: dict[str, Callable[..., Any]] = {}


def controller(name: str) -> Callable[[SyncFn], SyncFn]:
    """Register ``fn(key)`` as the sync of controller ``name``. Its writes carry ``name`` as
    their origin (see ``current_controller``), whoever calls it."""

    def wrap(fn: SyncFn) -> SyncFn:
        @functools.wraps(fn)
        def sync(key: str) -> None:
            _as(name, fn, key)

        CONTROLLERS[name] = sync
        return sync

    return wrap


def full_sync(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a whole-cluster pass run by the periodic resync (writes as ``name``)."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def sync(*args: Any, **kwargs: Any) -> Any:
            return _as(name, fn, *args, **kwargs)

        FULL_SYNCS[name] = sync
        return sync

    return wrap


_current = threading.local()


def current_controller() -> str:
    """The controller whose sync runs in this thread ("" outside syncs): the origin of the
    writes it makes, so that routing does not send a controller its own echo."""
    return getattr(_current, "name", "")


def _as(name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    outer = current_controller()
    _current.name = name
    try:
        return fn(*args, **kwargs)
    finally:
        _current.name = outer


def _load() -> None:
    from cluster.controllers import registry  # noqa: F401  (registers the controllers)


def execute(name: str, key: str) -> None:
    """Run one sync now, in this thread. Unknown controllers are ignored (an old message)."""
    _load()
    fn = CONTROLLERS.get(name)
    if fn is None:
        log.warning("no controller %r (key %s)", name, key)
        return
    fn(key)


def resync_all() -> None:
    """Every full pass, then nothing else: the passes enqueue what they cannot finish."""
    _load()
    for name, fn in FULL_SYNCS.items():
        try:
            fn()
        except Exception:  # noqa: BLE001 - one controller's failure must not stop the others
            log.exception("full sync %s failed", name)


# --- backends ---------------------------------------------------------------------------------


class Backend(Protocol):
    def submit(self, name: str, key: str, delay: float = 0.0) -> None: ...


class ManualBackend:
    """Keys wait until :meth:`drain`; for tests that want to step the control plane."""

    def __init__(self) -> None:
        self.pending: list[tuple[float, int, str, str]] = []
        self.keys: set[Key] = set()
        self._seq = itertools.count()

    def submit(self, name: str, key: str, delay: float = 0.0) -> None:
        if (name, key) in self.keys:
            return
        self.keys.add((name, key))
        heapq.heappush(self.pending, (time.monotonic() + delay, next(self._seq), name, key))

    def drain(self, *, max_steps: int = 10000, include_delayed: bool = True) -> int:
        """Run queued syncs (and what they queue) until none is due; returns how many ran."""
        steps = 0
        while self.pending and steps < max_steps:
            due, _, name, key = self.pending[0]
            if due > time.monotonic() and not include_delayed:
                break
            heapq.heappop(self.pending)
            self.keys.discard((name, key))
            execute(name, key)
            steps += 1
        return steps


class LocalBackend:
    """One background thread in this process (the embedded mode)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, str, str]] = []
        self._queued: dict[Key, float] = {}
        self._cv = threading.Condition()
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None
        # The first thing the thread does is a full pass: whatever happened while no server
        # ran (``manage.py apply``, a restart) is reconciled at start-up.
        self._next_resync = time.monotonic()
        self.busy = False

    def start(self) -> None:
        with self._cv:
            self._start()

    def submit(self, name: str, key: str, delay: float = 0.0) -> None:
        due = time.monotonic() + delay
        with self._cv:
            known = self._queued.get((name, key))
            if known is not None and known <= due:
                return
            self._queued[(name, key)] = due
            heapq.heappush(self._heap, (due, next(self._seq), name, key))
            self._start()
            self._cv.notify()

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._run, name="portolan-controllers", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cv:
                while True:
                    now = time.monotonic()
                    if now >= self._next_resync:
                        self._next_resync = now + settings.PORTOLAN_RESYNC_SECONDS
                        job: tuple[str, str] | None = ("", "")
                        break
                    if self._heap and self._heap[0][0] <= now:
                        due, _, name, key = heapq.heappop(self._heap)
                        if self._queued.get((name, key)) != due:
                            continue  # superseded by an earlier submission
                        del self._queued[(name, key)]
                        job = (name, key)
                        break
                    wait = min(
                        (self._heap[0][0] if self._heap else now + 3600) - now,
                        self._next_resync - now,
                    )
                    self._cv.wait(timeout=max(wait, 0.001))
                self.busy = True
            try:
                close_old_connections()
                if job == ("", ""):
                    resync_all()
                else:
                    _run_with_retry(*job, resubmit=self.submit)
            finally:
                self.busy = False
                close_old_connections()


def _run_with_retry(name: str, key: str, *, resubmit: Callable[[str, str, float], None]) -> None:
    try:
        execute(name, key)
    except OperationalError:
        log.warning("sync %s %s hit a database error; retrying", name, key, exc_info=True)
        resubmit(name, key, 0.5)
    except Exception:  # noqa: BLE001 - the next resync repairs; never kill the loop
        log.exception("sync %s %s failed", name, key)


class _LockKeeper:
    """Keeps this process's per-key locks alive while their syncs run. A lock's TTL is short,
    so that the lock of a worker killed mid-sync frees itself within seconds; a thread renews
    the locks held here every third of it."""

    RENEW = (
        "if redis.call('get', KEYS[1]) == ARGV[1] then "
        "return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
    )

    def __init__(self, client: object, ttl_ms: int) -> None:
        self.redis = client
        self.ttl_ms = ttl_ms
        self.held: dict[bytes, str] = {}
        self._mutex = threading.Lock()
        self._pid = 0

    def hold(self, lock: str, token: bytes) -> None:
        with self._mutex:
            if self._pid != os.getpid():  # first lock in this process (or after a fork)
                self._pid = os.getpid()
                self.held.clear()
                threading.Thread(target=self._run, name="portolan-lock-keeper", daemon=True).start()
            self.held[token] = lock

    def release(self, token: bytes) -> None:
        with self._mutex:
            self.held.pop(token, None)

    def _run(self) -> None:
        while True:
            time.sleep(self.ttl_ms / 3000)
            with self._mutex:
                held = list(self.held.items())
            for token, lock in held:
                try:
                    self.redis.eval(self.RENEW, 1, lock, token, self.ttl_ms)  # type: ignore[attr-defined]
                except Exception:  # noqa: BLE001 - the next round tries again
                    log.warning("could not renew %s", lock, exc_info=True)


class CeleryBackend:
    """Distributed mode: Celery on Redis, de-duplicated and single-flight per key."""

    LOCK_TTL_MS = 15_000  # renewed while the sync runs (``_LockKeeper``)

    def __init__(self) -> None:
        import redis

        self.redis = redis.Redis.from_url(settings.REDIS_URL)
        # A pending marker whose message is lost — prefetched by, or waiting for its countdown
        # in, a worker that was killed (acks_late messages come back only after Redis's
        # visibility timeout) — must not keep the resync from queueing its key again for
        # longer than about one resync period.
        self.pending_ttl = max(math.ceil(settings.PORTOLAN_RESYNC_SECONDS), 5)
        self.keeper = _LockKeeper(self.redis, self.LOCK_TTL_MS)

    @staticmethod
    def _pending(name: str, key: str) -> str:
        return f"portolan:pending:{name}:{key}"

    def submit(self, name: str, key: str, delay: float = 0.0) -> None:
        from cluster.tasks import reconcile

        if not self.redis.set(self._pending(name, key), b"1", nx=True, ex=self.pending_ttl):
            return  # already queued; the queued sync will see this change
        try:
            reconcile.apply_async((name, key), countdown=delay or None)
        except Exception:
            self.redis.delete(self._pending(name, key))
            raise

    BATCH = 50  # keys of one controller per message when a commit queues many

    def submit_many(self, keys: list[Key], delay: float = 0.0) -> None:
        """Many keys in two round trips' worth of work: the pending markers in one Redis
        pipeline, then one message per ``BATCH`` keys of a controller (a bulk seed of 10,000
        pods is 200 messages, not 10,000)."""
        from cluster.tasks import reconcile, reconcile_batch

        if not keys:
            return
        pipe = self.redis.pipeline(transaction=False)
        for name, key in keys:
            pipe.set(self._pending(name, key), b"1", nx=True, ex=self.pending_ttl)
        fresh: dict[str, list[str]] = {}
        for (name, key), queued in zip(keys, pipe.execute(), strict=True):
            if queued:
                fresh.setdefault(name, []).append(key)
        for name, names_keys in fresh.items():
            for start in range(0, len(names_keys), self.BATCH):
                chunk = names_keys[start : start + self.BATCH]
                try:
                    if len(chunk) == 1:
                        reconcile.apply_async((name, chunk[0]), countdown=delay or None)
                    else:
                        reconcile_batch.apply_async((name, chunk), countdown=delay or None)
                except Exception:
                    self.redis.delete(*(self._pending(name, k) for k in chunk))
                    raise

    def run(self, name: str, key: str) -> None:
        """Worker side of ``reconcile``."""
        self.redis.delete(self._pending(name, key))
        lock = f"portolan:lock:{name}:{key}"
        token = uuid.uuid4().hex.encode()
        if not self.redis.set(lock, token, nx=True, px=self.LOCK_TTL_MS):
            self.submit(name, key, 0.05)  # someone is syncing this key: run again after them
            return
        self.keeper.hold(lock, token)
        try:
            _run_with_retry(name, key, resubmit=self.submit)
        finally:
            self.keeper.release(token)
            # Release only our own lock (it may have expired and been taken).
            self.redis.eval(
                "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end",
                1,
                lock,
                token,
            )


class NullBackend:
    """Embedded mode outside the server (``manage.py apply``, ``demo``): nobody here runs
    controllers; the server's start-up and periodic resync reconcile what these wrote."""

    def submit(self, name: str, key: str, delay: float = 0.0) -> None:
        return None


_backend: Backend | None = None
_backend_lock = threading.Lock()


def backend() -> Backend:
    global _backend
    with _backend_lock:
        if _backend is None:
            _backend = CeleryBackend() if settings.DISTRIBUTED else NullBackend()
        return _backend


def start_local() -> LocalBackend:
    """Run the controllers in this process (the embedded server): a start-up resync, then
    every committed change and the periodic resync."""
    global _backend
    with _backend_lock:
        if not isinstance(_backend, LocalBackend):
            _backend = LocalBackend()
        local = _backend
    local.start()
    return local


def set_backend(b: Backend | None) -> Backend | None:
    """Swap the backend (tests); returns the previous one."""
    global _backend
    with _backend_lock:
        previous, _backend = _backend, b
        return previous


def submit(keys: Iterable[Key], delay: float = 0.0) -> None:
    b = backend()
    many = getattr(b, "submit_many", None)
    if many is not None:
        try:
            many(list(keys), delay)
        except Exception:  # noqa: BLE001 - lost keys are repaired by the resync
            log.exception("could not queue keys")
        return
    for name, key in keys:
        try:
            b.submit(name, key, delay)
        except Exception:  # noqa: BLE001 - a lost key is repaired by the resync
            log.exception("could not queue %s %s", name, key)


def enqueue(name: str, key: str, delay: float = 0.0) -> None:
    submit([(name, key)], delay)


def on_commit(committed: object) -> None:
    """The after-commit listener: route events to keys and queue them."""
    from cluster.controllers.routing import keys_for

    if not settings.PORTOLAN_CONTROLLERS:
        return
    submit(keys_for(committed))
