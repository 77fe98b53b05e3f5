"""``python -m bench``: B8 (bulk seed), B7 (REST API under load with wrk), and the control
loops' B1/B2 (full and no-op reconcile), B3 (pod change → Endpoints through 2 Celery workers),
B9 (Celery pipeline) and B15 (memory) at the M tier, or the L tier with ``--tier L``; the live
feed's B4 (change → WebSocket clients), B5 (fan-out) and B14 (snapshot payload), and the
browser's B10 (first frame) and B11 (200 updates → frame) in Debian's Chromium; the cluster
DNS (``dns``: queries/s for A, SRV, NXDOMAIN beside dnsmasq, ``BENCH_DNS_DURATION``).

Options: ``--quick`` (one run per point instead of 3), ``--only b1,b3,…`` (any of b1 b2 b3 b7
b8 b9 b15 b14 b4 b5 b10 b11 dns; b1 and b2 run together), ``--tier M|L|M,L`` (M), ``--pods N`` (B7/B8),
``--reuse-tiers`` (keep seeded tier templates between runs).
Environment: ``DATABASE_URL`` (a Postgres server; the bench uses its own databases on it),
``REDIS_URL`` (the Redis server; the bench uses its own database index ``BENCH_REDIS_DB``, 14,
and flushes only that one), ``BENCH_DURATION`` (seconds per wrk point and of B3's steady
phase, 30 and 60), ``BENCH_BURST`` (seconds of B3's 200/s burst, 10).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

from bench import database


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one run per point, not 3")
    parser.add_argument("--only", type=_benchmarks, default=ALL, help="comma-separated list")
    parser.add_argument("--tier", type=_tiers, default=("M",), help="M, L or M,L (M)")
    parser.add_argument("--reuse-tiers", action="store_true", help="reuse seeded tier templates")
    parser.add_argument("--pods", type=int, default=10_000, help="pods to seed (10,000)")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases afterwards")
    return parser.parse_args(argv)


ALL = ("b8", "b7", "b1", "b2", "b3", "b15", "b9", "b14", "b4", "b5", "b10", "b11", "dns")


def _benchmarks(text: str) -> tuple[str, ...]:
    chosen = tuple(x.strip().lower() for x in text.split(",") if x.strip())
    unknown = [x for x in chosen if x not in ALL]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown benchmark(s) {unknown}; choose from {ALL}")
    return chosen


def _tiers(text: str) -> tuple[str, ...]:
    chosen = tuple(x.strip().upper() for x in text.split(",") if x.strip())
    if not chosen or any(x not in ("M", "L") for x in chosen):
        raise argparse.ArgumentTypeError("tiers are M and L")
    return chosen


def loadavg() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> str:
    return (
        f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M:%S')}"
    )


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    repeats = 1 if args.quick else 3
    from bench import workers

    os.environ["REDIS_URL"] = workers.redis_url()  # before Django reads its settings
    try:
        server = database.server_from_env()
        database.setup_django(server)
        print(machine(), flush=True)
        started = time.perf_counter()
        database.prepare_template(server)
        print(f"bench database prepared in {time.perf_counter() - started:.1f} s", flush=True)
        if "b8" in args.only:
            from bench import seed

            print(seed.run(server, count=args.pods, repeats=repeats), flush=True)
        if "b7" in args.only:
            from bench import http

            duration = float(os.environ.get("BENCH_DURATION", "30"))
            print(http.run(server, pods=args.pods, repeats=repeats, duration=duration), flush=True)
        from bench import control

        control.run(server, args, repeats=repeats)
        if set(args.only) & {"b4", "b5", "b14"}:
            from bench import live

            live.run(server, args, repeats=repeats)
        if set(args.only) & {"b10", "b11"}:
            from bench import browser

            browser.run(server, args, repeats=repeats)
        if "dns" in args.only:
            from bench import dns

            print(dns.run(server, repeats=repeats), flush=True)
    except database.BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 2
    finally:
        if not args.keep and "server" in locals():
            database.drop(server, database.BENCH_DB)
            database.drop(server, database.TEMPLATE_DB)
            if not args.reuse_tiers:
                from bench.tiers import TIERS

                for tier in TIERS.values():
                    database.drop(server, tier.template)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
