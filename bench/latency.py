"""B3: pod readiness or label change → Endpoints row committed, end to end through 2 real
Celery worker processes on Redis and Postgres.

The tier is seeded and fully reconciled first. A paced driver (open loop: changes are due at
fixed times whatever the answers take; 4 threads) then changes pods of ordinary Services
through the write layer, exactly as the API would: half flip the pod's Ready condition
(``set_pod_readiness``: a status write with the user-failed reason the kubelet leaves
alone), half move the pod out of
or back into an ``app`` + ``tier`` Service by relabelling ``tier``. Each change's commit
routes keys to Celery; a worker syncs the Service and commits the Endpoints change.

Latency = ``created_at`` of the first Endpoints change-log row of that Service with a higher
revision than the pod's change (a later revision was computed under the revision lock after
the pod change committed, so it reflects it) minus ``created_at`` of the pod's row. Both are
stamped just before each transaction commits, by the writing process, on one clock.
"""

from __future__ import annotations

import bisect
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import tiers, workers
from bench.report import table, verdict

THREADS = 4


@dataclass(frozen=True)
class Change:
    revision: int
    namespace: str
    service: str
    due: float  # when the change was due (monotonic)
    started: float  # when the driver began it (monotonic)


@dataclass
class PhaseResult:
    name: str
    rate: float
    seconds: float
    changes: list[Change] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    missing: int = 0
    queue: list[tuple[float, int]] = field(default_factory=list)  # (t, queue length)
    drain_seconds: float = 0.0
    driver_late_ms: float = 0.0  # p99 of (start - due)
    lag_thirds_ms: tuple[float, float, float] = (0.0, 0.0, 0.0)  # p50 per third of the phase


@dataclass(frozen=True)
class Target:
    namespace: str
    service: str
    pod: str
    by_tier: bool


def targets(tier: tiers.Tier, *, seed: int = 3) -> list[Target]:
    """Pods of the ordinary (~10 backend) Services, shuffled."""
    out = []
    for app in tiers.apps_of(tier):
        if app.size > 50:
            continue
        for j in range(app.size):
            out.append(Target(app.namespace, app.name, f"{app.name}-{j:04d}", app.by_tier))
    random.Random(seed).shuffle(out)
    return out


class Driver:
    """Applies one change to a target pod; alternates what it changes per pod."""

    def __init__(self) -> None:
        self.flipped: dict[str, bool] = {}
        self.lock = threading.Lock()

    def change(self, t: Target) -> int:
        key = f"{t.namespace}/{t.pod}"
        with self.lock:
            state = not self.flipped.get(key, False)
            self.flipped[key] = state
        if t.by_tier:
            return self._relabel(t, "canary" if state else "web")
        return self._readiness(t, ready=not state)

    @staticmethod
    def _relabel(t: Target, tier_label: str) -> int:
        from cluster.actions.objects import patch_object
        from cluster.kinds import by_kind

        obj, _ = patch_object(
            by_kind("Pod"),
            namespace=t.namespace,
            name=t.pod,
            patch_type="application/merge-patch+json",
            patch={"metadata": {"labels": {"tier": tier_label}}},
        )
        return int(obj["metadata"]["resourceVersion"])

    @staticmethod
    def _readiness(t: Target, *, ready: bool) -> int:
        from cluster.actions.pods import set_pod_readiness

        stored = set_pod_readiness(namespace=t.namespace, name=t.pod, ready=ready)
        return int(stored["metadata"]["resourceVersion"])


def paced(total: int, rate: float, start: float, step: Callable[[int, float], None]) -> None:
    """``step(i, due)`` for i in 0..total-1, each due at ``start + i / rate`` (open loop:
    whatever the earlier steps take), over ``THREADS`` threads; returns when all are done."""
    from django.db import close_old_connections

    indexes = iter(range(total))
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                i = next(indexes, None)
            if i is None:
                break
            due = start + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            step(i, due)
        close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()


def drive(
    name: str, rate: float, seconds: float, pool: list[Target], driver: Driver, offset: int
) -> PhaseResult:
    """Changes at ``rate``/s for ``seconds``, then wait for the queue to drain."""
    total = int(rate * seconds)
    result = PhaseResult(name, rate, seconds)
    start = time.monotonic() + 0.2
    done: list[Change] = []
    errors: list[str] = []

    def change(i: int, due: float) -> None:
        t = pool[(offset + i) % len(pool)]
        began = time.monotonic()
        try:
            rev = driver.change(t)
        except Exception as e:  # noqa: BLE001 - reported, never fatal
            errors.append(repr(e))
            return
        done.append(Change(rev, t.namespace, t.service, due, began))

    sampling = threading.Event()

    def sampler() -> None:
        while not sampling.is_set():
            result.queue.append((time.monotonic() - start, workers.queue_length()))
            sampling.wait(0.5)

    probe = threading.Thread(target=sampler)
    probe.start()
    paced(total, rate, start, change)
    ended = time.monotonic()
    deadline = ended + 60
    while time.monotonic() < deadline and workers.queue_length() > 0:
        time.sleep(0.05)
    time.sleep(0.5)  # the last syncs commit
    result.drain_seconds = time.monotonic() - ended
    sampling.set()
    probe.join()
    result.changes = sorted(done, key=lambda c: c.revision)
    if errors:
        raise RuntimeError(f"{len(errors)} changes failed, first: {errors[0]}")
    return result


def measure(result: PhaseResult) -> None:
    """Match every change to the Endpoints write that reflected it."""
    from cluster.models import ChangeEvent

    if not result.changes:
        return
    first = result.changes[0].revision
    stamps = dict(
        ChangeEvent.objects.filter(revision__in=[c.revision for c in result.changes]).values_list(
            "revision", "created_at"
        )
    )
    writes: dict[tuple[str, str], tuple[list[int], list[Any]]] = {}
    for rev, ns, name, at in (
        ChangeEvent.objects.filter(kind="Endpoints", revision__gt=first)
        .order_by("revision")
        .values_list("revision", "namespace", "name", "created_at")
    ):
        revs, ats = writes.setdefault((ns, name), ([], []))
        revs.append(rev)
        ats.append(at)
    by_time = sorted(result.changes, key=lambda c: c.due)
    lags: list[tuple[float, float]] = []
    for c in by_time:
        revs, ats = writes.get((c.namespace, c.service), ([], []))
        k = bisect.bisect_right(revs, c.revision)
        if k == len(revs):
            result.missing += 1
            continue
        ms = (ats[k] - stamps[c.revision]).total_seconds() * 1000
        result.latencies_ms.append(ms)
        lags.append((c.due, ms))
    late = sorted((c.started - c.due) * 1000 for c in result.changes)
    result.driver_late_ms = pct(late, 99)
    if lags:
        third = max(len(lags) // 3, 1)
        parts = [lags[:third], lags[third : 2 * third], lags[2 * third :]]
        result.lag_thirds_ms = tuple(pct(sorted(ms for _, ms in p), 50) for p in parts)  # type: ignore[assignment]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q / 100 * len(values) + 0.5) - 1))
    return values[k]


def run(tier: tiers.Tier, *, steady_seconds: float, burst_seconds: float) -> list[PhaseResult]:
    """Both phases against the current bench database (reconciled), workers running."""
    from cluster.controllers import runtime

    runtime.set_backend(runtime.CeleryBackend())
    pool = targets(tier)
    driver = Driver()
    warm = drive("warm-up", 20, 2, pool, driver, offset=len(pool) // 2)
    del warm
    steady = drive("steady", 20, steady_seconds, pool, driver, offset=0)
    burst = drive("burst", 200, burst_seconds, pool, driver, offset=int(20 * steady_seconds))
    for r in (steady, burst):
        measure(r)
    return [steady, burst]


def report(tier: tiers.Tier, results: list[PhaseResult], *, loadavg: str) -> str:
    rows = []
    notes = []
    for r in results:
        p50, p99 = pct(r.latencies_ms, 50), pct(r.latencies_ms, 99)
        queue_max = max((q for _, q in r.queue), default=0)
        growing = _backlog_grows(r)
        if r.name == "steady":
            goal, ok = "p50 ≤ 20 ms, p99 ≤ 100 ms", p50 <= 20 and p99 <= 100 and not r.missing
        else:
            goal, ok = "no backlog growth", not growing and not r.missing
        achieved = len(r.changes) / r.seconds if r.seconds else 0
        rows.append(
            [
                f"{r.name} {r.rate:.0f}/s ({tier.name})",
                f"{len(r.changes):,} ({achieved:.0f}/s)",
                f"{p50:.1f}",
                f"{p99:.1f}",
                f"{max(r.latencies_ms, default=float('nan')):.0f}",
                str(r.missing),
                f"{queue_max}",
                " / ".join(f"{x:.0f}" for x in r.lag_thirds_ms),
                f"{r.drain_seconds:.1f}",
                goal,
                verdict(ok),
            ]
        )
        trace = ", ".join(f"{t:.0f}s:{q}" for t, q in r.queue[:: max(len(r.queue) // 12, 1)])
        notes.append(
            f"{r.name}: queue length over time (s:messages) {trace}; backlog "
            f"{'GROWS' if growing else 'does not grow'}; driver start lateness p99 "
            f"{r.driver_late_ms:.0f} ms"
        )
    title = (
        f"B3 pod change → Endpoints committed ({tier.name} tier, 2 Celery workers --pool solo, "
        f"Redis db {workers.redis_url().rsplit('/', 1)[1]}; loadavg at start {loadavg})"
    )
    header = [
        "phase",
        "changes",
        "p50 ms",
        "p99 ms",
        "max ms",
        "missing",
        "max queue",
        "lag p50 by third ms",
        "drain s",
        "goal",
        "verdict",
    ]
    return table(title, header, rows) + "\n" + "\n".join(f"- {n}" for n in notes)


def _backlog_grows(r: PhaseResult) -> bool:
    """The completion lag of the last third is over twice that of the first third (and over
    100 ms), or the queue is still growing at the end of the phase."""
    first, _, last = r.lag_thirds_ms
    lag_grows = last > max(2 * first, 100)
    during = [q for t, q in r.queue if 0 <= t <= r.seconds]
    half = len(during) // 2
    queue_grows = bool(during[half:]) and min(during[half:]) > max(during[:half] or [0]) + 20
    return lag_grows or queue_grows
