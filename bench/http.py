"""B7: the REST API under load — gunicorn (2 sync workers, WSGI) on the bench database with
the B8 pods seeded, driven by wrk (1 thread, 10 connections) for each point."""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

from bench import database, server, wrk
from bench.report import median, table, verdict

PORT = 18107
NAMESPACE = "bench"
PODS = f"/api/v1/namespaces/{NAMESPACE}/pods"


@dataclass(frozen=True)
class Point:
    name: str
    script: str
    goal: str
    p99_goal_ms: float
    rps_goal: float = 0.0


POINTS = (
    Point("GET one pod", "get.lua", "p99 ≤ 50 ms at ≥ 400 rps", 50, 400),
    Point("LIST page of 100", "get.lua", "p99 ≤ 150 ms", 150),
    Point("PATCH pod status (merge)", "patch_status.lua", "p99 ≤ 100 ms", 100),
    Point("POST pod", "post_pod.lua", "p99 ≤ 100 ms", 100),
)


@dataclass(frozen=True)
class Measured:
    result: wrk.WrkResult
    server_cpu: float  # seconds of gunicorn CPU during the point
    postgres_cpu: float  # seconds of Postgres CPU during the point
    busy: float  # fraction of the machine's CPU busy during the point


def _machine_ticks() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def issue_token() -> str:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("issue_token", "bench-admin", stdout=out)
    return out.getvalue().strip()


def list_paths(url: str, token: str) -> list[str]:
    """Every page of ``?limit=100`` over the namespace, each with the continue token a real
    walk returned (the first page has none)."""
    paths = [f"{PODS}?limit=100"]
    while True:
        request = urllib.request.Request(
            url + paths[-1], headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = json.loads(answer.read())
        token_next = body.get("metadata", {}).get("continue")
        if not token_next:
            return paths
        paths.append(f"{PODS}?limit=100&continue={token_next}")


def pod_names(count: int) -> list[str]:
    from cluster.models import Pod

    names = list(
        Pod.objects.filter(namespace=NAMESPACE, name__startswith="pod-").values_list(
            "name", flat=True
        )
    )
    if not names:
        raise database.BenchError("no seeded pods in namespace bench")
    return random.Random(7).sample(names, min(count, len(names)))


def measure(
    running: server.Running,
    point: Point,
    *,
    token: str,
    paths: Path | None,
    duration: float,
    run_id: str,
) -> Measured:
    env = {
        "BENCH_RUN": run_id,
        "BENCH_NAMESPACE": NAMESPACE,
        "BENCH_SEED": str(zlib.crc32(run_id.encode()) % 10_000),
    }
    if paths is not None:
        env["BENCH_PATHS"] = str(paths)
    pg = server.postgres_pids()
    cpu0, pg0, (busy0, total0) = (
        running.cpu_seconds(),
        server.cpu_by_pid(pg),
        _machine_ticks(),
    )
    result = wrk.run(url=running.url, script=point.script, token=token, duration=duration, env=env)
    cpu1, pg1, (busy1, total1) = (
        running.cpu_seconds(),
        server.cpu_by_pid(pg),
        _machine_ticks(),
    )
    busy = (busy1 - busy0) / max(total1 - total0, 1)
    return Measured(result, cpu1 - cpu0, server.cpu_delta(pg0, pg1), busy)


def idle_share(seconds: float = 2.0) -> float:
    """How busy the machine is before the load starts (other processes)."""
    busy0, total0 = _machine_ticks()
    time.sleep(seconds)
    busy1, total1 = _machine_ticks()
    return (busy1 - busy0) / max(total1 - total0, 1)


def run(db_server: database.Server, *, pods: int, repeats: int, duration: float) -> str:
    from django.db import connections

    from cluster.models import Pod

    wrk.ensure_wrk()
    if Pod.objects.filter(namespace=NAMESPACE).count() < pods:
        database.fresh(db_server)
        from bench.seed import seed_once

        seed_once(db_server, count=pods)
    seeded = Pod.objects.filter(namespace=NAMESPACE).count()
    token = issue_token()
    names = pod_names(2000)
    connections.close_all()
    workdir = Path(tempfile.mkdtemp(prefix="portolan-bench-"))
    (workdir / "get.txt").write_text("".join(f"{PODS}/{n}\n" for n in names))
    (workdir / "status.txt").write_text("".join(f"{PODS}/{n}/status\n" for n in names))
    results: dict[str, list[Measured]] = {}
    background = idle_share()
    with server.gunicorn(database_url=db_server.url_for(database.BENCH_DB), port=PORT) as running:
        (workdir / "list.txt").write_text("\n".join(list_paths(running.url, token)) + "\n")
        files = {
            "GET one pod": workdir / "get.txt",
            "LIST page of 100": workdir / "list.txt",
            "PATCH pod status (merge)": workdir / "status.txt",
            "POST pod": None,
        }
        wrk.run(  # warm-up: imports, connections, caches; not reported
            url=running.url,
            script="get.lua",
            token=token,
            duration=3,
            env={"BENCH_PATHS": str(workdir / "get.txt")},
        )
        stamp = str(int(time.time()))
        for point in POINTS:
            results[point.name] = [
                measure(
                    running,
                    point,
                    token=token,
                    paths=files[point.name],
                    duration=duration,
                    run_id=f"{stamp}-{i}",
                )
                for i in range(repeats)
            ]
    return _report(
        results, seeded=seeded, repeats=repeats, duration=duration, background=background
    )


def _report(
    results: dict[str, list[Measured]],
    *,
    seeded: int,
    repeats: int,
    duration: float,
    background: float,
) -> str:
    rows: list[list[str]] = []
    notes: list[str] = []
    for point in POINTS:
        runs = results[point.name]
        rps = median([m.result.rps for m in runs])
        p50 = median([m.result.p50_ms for m in runs])
        p99 = median([m.result.p99_ms for m in runs])
        mx = median([m.result.max_ms for m in runs])
        err = median([m.result.error_rate for m in runs])
        ok = p99 <= point.p99_goal_ms and rps >= point.rps_goal and err == 0
        wall = sum(m.result.seconds for m in runs)
        wrk_cpu = sum(m.result.wrk_cpu for m in runs) / wall
        srv_cpu = sum(m.server_cpu for m in runs) / wall
        pg_cpu = sum(m.postgres_cpu for m in runs) / wall
        busy = median([m.busy for m in runs])
        cores = os.cpu_count() or 1
        other = max(busy * cores - wrk_cpu - srv_cpu - pg_cpu, 0.0)
        rows.append(
            [
                point.name,
                " / ".join(f"{m.result.rps:.0f}" for m in runs),
                f"{rps:.0f}",
                f"{p50:.1f}",
                f"{p99:.1f}",
                f"{mx:.0f}",
                f"{err * 100:.2f}",
                point.goal,
                verdict(ok),
                f"{wrk_cpu * 100:.0f} / {srv_cpu * 100:.0f} / {pg_cpu * 100:.0f} / {other * 100:.0f}",
            ]
        )
        if point.rps_goal:
            notes.append(
                f"{point.name}: achieved {rps:.0f} rps against the {point.rps_goal:.0f} rps goal "
                f"({rps / point.rps_goal:.2f})"
            )
        for m in runs:
            if m.result.first_error:
                notes.append(f"{point.name}: first non-2xx answer: {m.result.first_error[:200]}")
                break
    header = [
        "point",
        "rps per run",
        "rps",
        "p50 ms",
        "p99 ms",
        "max ms",
        "non-2xx+err %",
        "goal",
        "verdict",
        "CPU % wrk / gunicorn / postgres / other",
    ]
    title = (
        f"B7 REST API under load (gunicorn 2 sync workers, dashboard.wsgi:application, :{PORT}; "
        f"wrk -t1 -c10, {duration:.0f} s per run, {repeats} run(s), medians; {seeded:,} pods in "
        f"namespace {NAMESPACE}; Postgres)"
    )
    notes += [
        "LIST = GET ?limit=100 with a continue token from a real walk of the namespace "
        "(a random page of all pages; the first page has no token).",
        "wrk is closed-loop (10 connections, each sends the next request when the answer "
        "arrives), so offered = achieved by construction. The load generator shares the "
        f"{os.cpu_count()} cores: the CPU column is in % of one core (the machine has "
        f"{(os.cpu_count() or 1) * 100} %); 'other' is CPU used by unrelated processes during "
        f"the point. Before the load the machine was {background * 100:.0f} % busy"
        + (" - the figures are pessimistic." if background > 0.15 else "."),
        "PATCH: merge patch on …/pods/NAME/status of a random seeded pod, status.message "
        "changed every time (a real write). POST: unique names wrk-<run>-<thread>-<n>.",
    ]
    return table(title, header, rows) + "\n" + "\n".join(f"- {n}" for n in notes)
