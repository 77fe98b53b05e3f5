"""B9: the Celery pipeline (``cluster.tasks.reconcile`` through ``runtime.CeleryBackend``:
pending marker, message, per-key lock) with a trivial controller (``bench.trivial``).

* throughput: N keys queued while no worker runs, then 2 workers started; tasks/s is N over
  the time from the first sync's start to the last one's end (worker clocks);
* enqueue→start: distinct keys at a steady 20/s with the workers running; from the submit
  call to the start of the sync;
* coalescing: 200 changes/s for a few seconds onto a small set of hot keys (a rollout of
  one big Service); events per reconcile task = submissions / syncs run.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from bench import trivial, workers
from bench.latency import pct
from bench.report import table, verdict


@dataclass(frozen=True)
class PipelineResult:
    queued: int
    enqueue_rate: float
    tasks_per_s: float
    latency_p50_ms: float
    latency_p99_ms: float
    submissions: int
    syncs: int
    hot_keys: int


def _records(run: str) -> list[tuple[str, float, float]]:
    out = []
    for raw in workers.client().lrange(trivial.RECORDS, 0, -1):
        key, started, ended = raw.decode().split("|")
        if key.startswith(run + "/"):
            out.append((key, float(started), float(ended)))
    return out


def _wait_records(run: str, count: int, timeout: float = 60) -> list[tuple[str, float, float]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        recs = _records(run)
        if len(recs) >= count and workers.queue_length() == 0:
            return recs
        time.sleep(0.1)
    return _records(run)


def run(database_url: str, *, tasks: int = 3000, seconds: float = 10) -> PipelineResult:
    from cluster.controllers import runtime

    runtime.set_backend(runtime.CeleryBackend())
    workers.flush()
    run_id = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    runtime.submit((trivial.NAME, f"{run_id}/{i}/{time.time():.6f}") for i in range(tasks))
    enqueue_rate = tasks / (time.perf_counter() - started)
    with workers.running(database_url=database_url, include="bench.trivial"):
        recs = _wait_records(run_id, tasks)
        rate = len(recs) / (max(e for *_, e in recs) - min(s for _, s, _ in recs))
        # enqueue → start at 20/s
        run_id = uuid.uuid4().hex[:8]
        count = int(20 * seconds)
        t0 = time.monotonic()
        for i in range(count):
            delay = t0 + i / 20 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            runtime.enqueue(trivial.NAME, f"{run_id}/{i}/{time.time():.6f}")
        recs = _wait_records(run_id, count)
        lat = sorted((s - float(k.rsplit("/", 1)[1])) * 1000 for k, s, _ in recs)
        # coalescing at 200/s onto hot keys
        run_id = uuid.uuid4().hex[:8]
        hot = 10
        count = int(200 * seconds)
        t0 = time.monotonic()
        for i in range(count):
            delay = t0 + i / 200 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            runtime.enqueue(trivial.NAME, f"{run_id}/hot-{i % hot}/0")
        time.sleep(1.0)
        syncs = len(_wait_records(run_id, 1))
    return PipelineResult(tasks, enqueue_rate, rate, pct(lat, 50), pct(lat, 99), count, syncs, hot)


def report(r: PipelineResult, *, loadavg: str) -> str:
    ratio = r.submissions / max(r.syncs, 1)
    rows = [
        [
            f"tasks/s ({r.queued:,} queued, 2 workers)",
            f"{r.tasks_per_s:,.0f}",
            "≥ 500 tasks/s",
            verdict(r.tasks_per_s >= 500),
        ],
        [
            "enqueue→start at 20/s: p50 / p99 ms",
            f"{r.latency_p50_ms:.1f} / {r.latency_p99_ms:.1f}",
            "p99 ≤ 15 ms",
            verdict(r.latency_p99_ms <= 15),
        ],
        [
            f"events per task at 200/s ({r.hot_keys} hot keys)",
            f"{ratio:.1f} ({r.submissions:,} / {r.syncs:,})",
            "≥ 10",
            verdict(ratio >= 10),
        ],
    ]
    title = (
        "B9 Celery pipeline (cluster.tasks.reconcile, CeleryBackend: pending marker + per-key "
        f"lock; trivial controller; 2 workers --pool solo; loadavg at start {loadavg})"
    )
    notes = [
        f"producer: one thread submitting through runtime.submit: {r.enqueue_rate:,.0f} keys/s "
        "(SET NX marker + apply_async each)",
    ]
    return (
        table(title, ["metric", "measured", "goal", "verdict"], rows)
        + "\n"
        + "\n".join(f"- {n}" for n in notes)
    )
