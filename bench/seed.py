"""B8: seeding 10,000 pods through the bulk write path (``cluster.actions.bulk``)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench import database
from bench.report import median, table, verdict

GOAL_SECONDS = 2.0


@dataclass(frozen=True)
class SeedRun:
    seconds: float
    count: int
    used_copy: bool
    phases: dict[str, float]


def seed_once(server: database.Server, *, count: int) -> SeedRun:
    """Seed ``count`` pods into a fresh database and check what was written."""
    from cluster.actions.bulk import seed_pods
    from cluster.models import ChangeEvent, Node, Pod

    database.fresh(server)
    nodes = list(Node.objects.order_by("name").values_list("name", flat=True))
    started = time.perf_counter()
    result = seed_pods(namespace="bench", count=count, node_names=nodes)
    seconds = time.perf_counter() - started
    stored = Pod.objects.filter(namespace="bench").count()
    logged = ChangeEvent.objects.filter(
        kind="Pod", revision__gte=result.first_revision, revision__lte=result.last_revision
    ).count()
    if stored != count or logged != count:
        raise database.BenchError(f"seeded {stored} pods and {logged} events, expected {count}")
    return SeedRun(seconds, count, result.used_copy, result.phases)


def run(server: database.Server, *, count: int, repeats: int) -> str:
    runs = [seed_once(server, count=count) for _ in range(repeats)]
    seconds = median([r.seconds for r in runs])
    rows = [
        [
            f"seed {count:,} pods (namespace bench)",
            ", ".join(f"{r.seconds:.2f}" for r in runs),
            f"{seconds:.2f}",
            f"{count / seconds:,.0f}",
            "COPY" if runs[0].used_copy else "bulk_create",
            f"≤ {GOAL_SECONDS:.0f} s" if count == 10_000 else "-",
            verdict(seconds <= GOAL_SECONDS) if count == 10_000 else "-",
        ]
    ]
    middle = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
    breakdown = "where the time goes (median run, s): " + ", ".join(
        f"{phase} {secs:.2f}" for phase, secs in middle.phases.items()
    )
    return (
        table(
            f"B8 bulk seed (cluster.actions.bulk.seed_pods; {len(runs)} run(s), median; one "
            "transaction, one revision + one change-log row per pod)",
            ["scenario", "runs (s)", "median s", "pods/s", "path", "goal", "verdict"],
            rows,
        )
        + f"\n{breakdown}"
    )
