"""The control-loop benchmarks in order, per tier: seed (once, as a template), B1/B2, then
with 2 workers running B3 and B15 (M only); B9 last (it starts its own workers)."""

from __future__ import annotations

import argparse
import os

from bench import database, tiers, workers


def loadavg() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def run(server: database.Server, args: argparse.Namespace, *, repeats: int) -> None:
    only = set(args.only)
    url = server.url_for(database.BENCH_DB)
    for name in args.tier:
        tier = tiers.TIERS[name]
        if not only & {"b1", "b2", "b3", "b15"}:
            break
        seconds = tiers.prepare(server, tier, reuse=args.reuse_tiers)
        print(
            f"\ntier {name}: {tier.services:,} Services, {tier.pods:,} pods, {tier.nodes} nodes, "
            f"{tier.namespaces} namespaces; seeded in {seconds:.1f} s (0 = reused template)",
            flush=True,
        )
        from bench import controllers

        result = controllers.run_tier(server, tier, repeats=repeats if only & {"b1", "b2"} else 1)
        if only & {"b1", "b2"}:
            print(controllers.report([result], loadavg=loadavg()), flush=True)
        if not only & {"b3", "b15"}:
            continue
        from bench import latency, memory

        steady = float(os.environ.get("BENCH_DURATION", "60"))
        burst = float(os.environ.get("BENCH_BURST", "10"))
        workers.flush()
        from django.db import connections

        connections.close_all()
        with workers.running(database_url=url) as running:
            if "b3" in only:
                start_load = loadavg()
                phases = latency.run(tier, steady_seconds=steady, burst_seconds=burst)
                print(latency.report(tier, phases, loadavg=start_load), flush=True)
            if "b15" in only and name == "M":
                start_load = loadavg()
                print(memory.report(memory.measure(url, running), loadavg=start_load), flush=True)
        workers.flush()
    if "b9" in only:
        from bench import celery_pipeline

        start_load = loadavg()
        result = celery_pipeline.run(url)
        print(celery_pipeline.report(result, loadavg=start_load), flush=True)
        workers.flush()
