"""B1 (full reconcile from the database) and B2 (the no-op reconcile right after).

B1: the tier's seeded cluster without any Endpoints or EndpointSlices; the two whole-cluster
passes the periodic resync runs (``cluster.controllers.sync_full``) write every one of them.
B2: the same passes again at once: nothing differs, so nothing may be written.
Each pass runs in this process exactly as in a worker, with the after-commit routing of the
written objects queueing their keys on the bench's Redis (as a worker's pass would), and is
timed with its SQL statements counted (``connection.execute_wrapper``; one ``executemany``
or ``COPY`` is one statement) and its rows written taken from the change log.
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from bench import database, tiers, workers
from bench.report import median, table, verdict

GOALS = {  # tier → (B1 seconds, B2 seconds or None)
    "M": (1.0, 0.3),
    "L": (10.0, None),
}


@dataclass(frozen=True)
class PassRun:
    seconds: float
    statements: int
    rows: int  # change-log rows written (one per object created, updated or deleted)
    keys_queued: int
    phases: dict[str, float]


class _Counter:
    def __init__(self) -> None:
        self.statements = 0
        self.seconds = 0.0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.statements += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


@contextlib.contextmanager
def _phases(out: dict[str, float]) -> Iterator[None]:
    """Time the parts of a pass: the world read, planning, writing (SQL time is separate)."""
    from cluster.controllers import sync_full

    originals = {
        "read": sync_full.read_world,
        "plan endpoints": sync_full.plan_endpoints,
        "plan slices": sync_full.plan_slices,
        "write endpoints": sync_full.write_endpoints,
        "write slices": sync_full.write_slices,
    }
    names = {
        "read": "read_world",
        "plan endpoints": "plan_endpoints",
        "plan slices": "plan_slices",
        "write endpoints": "write_endpoints",
        "write slices": "write_slices",
    }

    def timed(label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                out[label] = out.get(label, 0.0) + time.perf_counter() - started

        return run

    for label, fn in originals.items():
        setattr(sync_full, names[label], timed(label, fn))
    try:
        yield
    finally:
        for label, fn in originals.items():
            setattr(sync_full, names[label], fn)


def reconcile_once() -> PassRun:
    """Both full passes, timed together (the resync runs them back to back)."""
    from django.db import connection

    from cluster.controllers import sync_full
    from cluster.selectors import current_revision

    before = current_revision()
    queued0 = _queued()
    counter = _Counter()
    phases: dict[str, float] = {}
    gc.collect()
    with connection.execute_wrapper(counter), _phases(phases):
        started = time.perf_counter()
        sync_full.full_sync_endpoints()
        sync_full.full_sync_endpointslices()
        seconds = time.perf_counter() - started
    phases["commit + after-commit (routing, queueing keys, live feed)"] = seconds - sum(
        phases.values()
    )
    phases["SQL time (part of all the above)"] = counter.seconds
    return PassRun(
        seconds, counter.statements, current_revision() - before, _queued() - queued0, phases
    )


def _queued() -> int:
    """Reconcile messages waiting on the bench's Redis (no workers run during B1/B2)."""
    return workers.queue_length()


@dataclass(frozen=True)
class TierResult:
    tier: tiers.Tier
    b1: list[PassRun]
    b2: list[PassRun]
    endpoints: int
    slices: int


def run_tier(server: database.Server, tier: tiers.Tier, *, repeats: int) -> TierResult:
    from cluster.controllers import runtime
    from cluster.models import Endpoints, EndpointSlice

    b1: list[PassRun] = []
    b2: list[PassRun] = []
    for _ in range(repeats):
        tiers.fresh(server, tier)
        workers.flush()
        runtime.set_backend(runtime.CeleryBackend())
        b1.append(reconcile_once())
        b2.append(reconcile_once())
    counts = Endpoints.objects.count(), EndpointSlice.objects.count()
    workers.flush()
    return TierResult(tier, b1, b2, *counts)


def report(results: list[TierResult], *, loadavg: str) -> str:
    rows: list[list[str]] = []
    notes: list[str] = []
    for r in results:
        b1_goal, b2_goal = GOALS[r.tier.name]
        for label, runs, goal in (("B1 full", r.b1, b1_goal), ("B2 no-op", r.b2, b2_goal)):
            secs = median([p.seconds for p in runs])
            rows_written = median([p.rows for p in runs])
            ok = (goal is None or secs <= goal) and (label != "B2 no-op" or rows_written == 0)
            goal_text = (f"≤ {goal:g} s" if goal is not None else "-") + (
                ", 0 writes" if label == "B2 no-op" else ""
            )
            rows.append(
                [
                    f"{label} ({r.tier.name})",
                    ", ".join(f"{p.seconds:.2f}" for p in runs),
                    f"{secs:.2f}",
                    f"{median([p.statements for p in runs]):.0f}",
                    f"{rows_written:,.0f}",
                    f"{median([p.keys_queued for p in runs]):,.0f}",
                    goal_text,
                    verdict(ok),
                ]
            )
            middle = sorted(runs, key=lambda p: p.seconds)[len(runs) // 2]
            notes.append(
                f"{label} ({r.tier.name}) where the time goes (median run, s): "
                + ", ".join(f"{k} {v:.2f}" for k, v in middle.phases.items())
            )
        notes.append(
            f"{r.tier.name}: {r.tier.services:,} Services, {r.tier.pods:,} pods, {r.tier.nodes} "
            f"nodes, {r.tier.namespaces} namespaces → {r.endpoints:,} Endpoints and "
            f"{r.slices:,} EndpointSlices stored"
        )
    title = (
        "B1/B2 full reconcile from the database (sync_full: endpoints + endpointslices passes, "
        f"back to back; medians; loadavg at start {loadavg})"
    )
    header = [
        "scenario",
        "runs (s)",
        "median s",
        "SQL stmts",
        "rows written",
        "keys queued",
        "goal",
        "verdict",
    ]
    return table(title, header, rows) + "\n" + "\n".join(f"- {n}" for n in notes)
