"""``python -m bench``: B8 (bulk seed) and B7 (REST API under load with wrk).

Options: ``--quick`` (one run per point instead of 3), ``--only b7|b8``, ``--pods N``.
Environment: ``DATABASE_URL`` (a Postgres server; the bench uses its own database on it),
``REDIS_URL`` (passed to the API server), ``BENCH_DURATION`` (seconds per wrk point, 30).
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
    parser.add_argument("--only", choices=["b7", "b8"], help="run one benchmark")
    parser.add_argument("--pods", type=int, default=10_000, help="pods to seed (10,000)")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases afterwards")
    return parser.parse_args(argv)


def machine() -> str:
    return (
        f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M:%S')}"
    )


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    repeats = 1 if args.quick else 3
    try:
        server = database.server_from_env()
        database.setup_django(server)
        print(machine(), flush=True)
        started = time.perf_counter()
        database.prepare_template(server)
        print(f"bench database prepared in {time.perf_counter() - started:.1f} s", flush=True)
        if args.only in (None, "b8"):
            from bench import seed

            print(seed.run(server, count=args.pods, repeats=repeats), flush=True)
        if args.only in (None, "b7"):
            from bench import http

            duration = float(os.environ.get("BENCH_DURATION", "30"))
            print(http.run(server, pods=args.pods, repeats=repeats, duration=duration), flush=True)
    except database.BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 2
    finally:
        if not args.keep and "server" in locals():
            database.drop(server, database.BENCH_DB)
            database.drop(server, database.TEMPLATE_DB)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
