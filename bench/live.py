"""The live feed: B4 (pod change → event received by WebSocket clients), B5 (fan-out capacity)
and B14 (snapshot payload), at a seeded tier (M: 1,000 Services / 10,000 pods).

B4 and B5 run the distributed mode: one web process (``manage.py serve``: uvicorn, the
channels_redis pub/sub layer, the bench database, anonymous access) serves ``/ws/topology``
with the browser's view (``?view=topology``) to N clients, which live in a process of their
own (``python -m bench.live clients``) so that their parsing does not slow the writer. This
process makes the changes through the write layer (as the API would), one transaction per
change, paced open-loop over 4 threads; each commit's broadcast crosses Redis to the web
process, whose consumers forward the event. Controllers are off in this process, so the
changes are exactly the pod writes (B3 measures the reconcile).

Every change relabels a pod with ``bench-seq`` (its number) and ``bench-sent`` (the wall
clock just before the write, in µs): a client stamps each event on receipt, so latency is
receipt − sent, write and commit included, on one machine's clock (as the Kubernetes NPL SLI
embeds ``EndpointsLastChangeTriggerTime``). Drops = changes sent × clients − distinct changes
received, counted after a drain of a few seconds (the consumers also repair lost broadcasts
from the change log within about a second, so a drop here is a change never delivered).

B14 reads ``cluster.live.snapshot`` in this process for both views and measures the JSON as
the consumer sends it: bytes raw and gzipped, and the time to read, to serialise, to gzip.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import database, tiers, workers
from bench.database import BenchError
from bench.latency import paced, pct
from bench.report import median, table, verdict
from bench.server import Running, cpu_by_pid, serving

ROOT = Path(__file__).resolve().parent.parent
WEB_LOG = Path("/tmp/portolan-bench-web.log")
CLIENTS_LOG = Path("/tmp/portolan-bench-ws-clients.log")
SEQ = "bench-seq"
SENT = "bench-sent"
DRAIN_SECONDS = 3.0
B4_RATE = 20.0
B4_CLIENTS = (1, 10, 50)
B5_CLIENTS = 50
B5_RATES = (20, 40, 60, 80, 100, 140, 180)  # changes/s, each delivered to every client
B5_STEP_SECONDS = 10.0
B5_P99_MS = 1000.0


@contextlib.contextmanager
def controllers_off() -> Iterator[None]:
    """This process's writes queue no reconcile keys (no worker runs to take them)."""
    from django.conf import settings

    saved, settings.PORTOLAN_CONTROLLERS = settings.PORTOLAN_CONTROLLERS, False
    try:
        yield
    finally:
        settings.PORTOLAN_CONTROLLERS = saved


def reconciled(server: database.Server, tier: tiers.Tier) -> None:
    """The bench database as a copy of the tier, with the Endpoints and EndpointSlices the
    full reconcile writes (the seeded tier has none), as a running cluster would have them."""
    from cluster.controllers import sync_full

    tiers.fresh(server, tier)
    with controllers_off():
        sync_full.full_sync_endpoints()
        sync_full.full_sync_endpointslices()


# --- the web process ----------------------------------------------------------------------


@contextlib.contextmanager
def web_process(*, database_url: str, port: int) -> Iterator[Running]:
    """``manage.py serve`` in the distributed mode on the bench database and Redis index."""
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=workers.redis_url(),
        PORTOLAN_ANONYMOUS="1",
        PORTOLAN_DEBUG="0",
        PORTOLAN_LOG_LEVEL="WARNING",
    )
    cmd = [sys.executable, "manage.py", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with serving(cmd, env=env, port=port, what="the web process", log=WEB_LOG) as web:
        yield web


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the clients (a process of their own) ---------------------------------------------------


async def _client(url: str, origin: str, out: dict[str, Any], ready: asyncio.Event) -> None:
    from websockets.asyncio.client import connect

    async with connect(
        url,
        subprotocols=["portolan.v1"],  # type: ignore[list-item]
        origin=origin,  # type: ignore[arg-type]
        max_size=None,
        open_timeout=300,
        ping_interval=None,
    ) as ws:
        first = json.loads(await ws.recv())
        if first.get("type") != "snapshot":
            raise RuntimeError(f"expected a snapshot, got {first.get('type')}")
        ready.set()
        async for raw in ws:
            now_ms = time.time() * 1000
            msg = json.loads(raw)
            out["messages"] += 1
            for event in msg.get("events") or []:
                labels = event["object"]["metadata"].get("labels") or {}
                if SEQ in labels:
                    seq = int(labels[SEQ])
                    if seq in out["seen"]:
                        out["duplicates"] += 1
                    else:
                        out["seen"].add(seq)
                        out["received"].append([seq, now_ms - int(labels[SENT]) / 1000])


def _fresh() -> dict[str, Any]:
    return {"received": [], "seen": set(), "messages": 0, "duplicates": 0}


async def _clients_main(url: str, count: int, origin: str) -> None:
    """Connect ``count`` clients one after the other (each gets its snapshot), say READY,
    then answer every REPORT line on stdin with one JSON line of what each client received
    since the previous one; end at STOP or end of input."""
    results = [_fresh() for _ in range(count)]
    tasks = []
    for out in results:
        ready = asyncio.Event()
        task = asyncio.ensure_future(_client(url, origin, out, ready))
        tasks.append(task)
        await asyncio.wait(
            [task, asyncio.ensure_future(ready.wait())], return_when=asyncio.FIRST_COMPLETED
        )
        if task.done():
            task.result()  # raises what went wrong
    print("READY", flush=True)
    loop = asyncio.get_running_loop()
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
        if line != "REPORT":
            break
        errors = [repr(t.exception()) for t in tasks if t.done() and t.exception()]
        report = {
            "clients": [{k: v for k, v in out.items() if k != "seen"} for out in results],
            "errors": errors,
        }
        for out in results:
            out.update(received=[], messages=0, duplicates=0)
        print(json.dumps(report), flush=True)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


class Clients:
    """``count`` WebSocket clients of the browser's view in a process of their own, driven
    over its stdin/stdout."""

    def __init__(self, web: Running, count: int) -> None:
        self.web = web
        self.count = count
        ws_url = web.url.replace("http://", "ws://") + "/ws/topology?view=topology"
        cmd = [sys.executable, "-m", "bench.live", "clients", ws_url, str(count), web.url]
        with CLIENTS_LOG.open("a") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True
            )
        started = time.monotonic()
        if self._line() != "READY":
            self.close()
            raise BenchError(f"the WebSocket clients did not connect; see {CLIENTS_LOG}")
        self.connect_seconds = time.monotonic() - started

    def _line(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()

    def report(self) -> dict[str, Any]:
        """What each client received since the previous report."""
        assert self.proc.stdin is not None
        self.proc.stdin.write("REPORT\n")
        self.proc.stdin.flush()
        line = self._line()
        if not line:
            raise BenchError(f"the WebSocket clients reported nothing; see {CLIENTS_LOG}")
        report = json.loads(line)
        if report["errors"]:
            raise BenchError(f"WebSocket clients failed: {report['errors'][:3]}")
        return report

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(OSError):
                assert self.proc.stdin is not None
                self.proc.stdin.write("STOP\n")
                self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --- the changes ----------------------------------------------------------------------------


def target_pods(count: int = 200) -> list[tuple[str, str]]:
    """``count`` pods spread over the namespaces, in a fixed order."""
    from cluster.models import Pod

    every = list(Pod.objects.order_by("namespace", "name").values_list("namespace", "name"))
    if not every:
        raise BenchError("no pods to change: the tier is not seeded")
    step = max(len(every) // count, 1)
    return every[::step][:count]


@dataclass
class Driven:
    offered: float
    seconds: float
    sent: int = 0
    elapsed: float = 0.0
    late_p99_ms: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def achieved(self) -> float:
        return self.sent / self.elapsed if self.elapsed else 0.0


def drive(rate: float, seconds: float, pods: list[tuple[str, str]], first_seq: int) -> Driven:
    """Relabel pods at ``rate``/s for ``seconds`` (open loop, 4 threads), one transaction per
    change, seqs from ``first_seq``."""
    from cluster.actions.objects import patch_object
    from cluster.kinds import by_kind

    pod_kind = by_kind("Pod")
    result = Driven(rate, seconds)
    start = time.monotonic() + 0.2
    lock = threading.Lock()
    late: list[float] = []

    def change(i: int, due: float) -> None:
        late.append((time.monotonic() - due) * 1000)
        namespace, name = pods[i % len(pods)]
        sent_us = int(time.time() * 1_000_000)
        labels = {SEQ: str(first_seq + i), SENT: str(sent_us)}
        try:
            patch_object(
                pod_kind,
                namespace=namespace,
                name=name,
                patch_type="application/merge-patch+json",
                patch={"metadata": {"labels": labels}},
            )
        except Exception as e:  # noqa: BLE001 - counted and reported
            result.errors.append(repr(e))
            return
        with lock:
            result.sent += 1

    paced(int(rate * seconds), rate, start, change)
    result.elapsed = max(time.monotonic() - start, 1e-9)
    result.late_p99_ms = pct(late, 99)
    if result.errors:
        raise BenchError(f"{len(result.errors)} changes failed, first: {result.errors[0]}")
    return result


@dataclass
class Point:
    clients: int
    driven: Driven
    latencies_ms: list[float]
    expected: int
    received: int
    duplicates: int
    messages: int
    web_cpu_pct: float  # the web process's CPU use during the changes (100 = one core)
    load: float  # the machine's 1-minute load average when the point started

    @property
    def drops(self) -> int:
        return self.expected - self.received

    @property
    def deliveries_per_s(self) -> float:
        return self.received / self.driven.elapsed


def run_point(
    feed: Clients, *, rate: float, seconds: float, pods: list[tuple[str, str]], seq: int
) -> Point:
    """Changes at ``rate``/s for ``seconds`` with seqs from ``seq``, a drain, and what every
    client of ``feed`` received of them."""
    feed.report()  # forget anything before
    load = os.getloadavg()[0]
    cpu_before = cpu_by_pid([feed.web.pid])
    driven = drive(rate, seconds, pods, seq)
    cpu = sum(cpu_by_pid([feed.web.pid]).values()) - sum(cpu_before.values())
    time.sleep(DRAIN_SECONDS)
    report = feed.report()
    sent = set(range(seq, seq + driven.sent))
    latencies: list[float] = []
    for client in report["clients"]:
        latencies += [ms for s, ms in client["received"] if s in sent]
    return Point(
        clients=feed.count,
        driven=driven,
        latencies_ms=latencies,
        expected=len(sent) * feed.count,
        received=len(latencies),
        duplicates=sum(c["duplicates"] for c in report["clients"]),
        messages=sum(c["messages"] for c in report["clients"]),
        web_cpu_pct=100 * cpu / driven.elapsed,
        load=load,
    )


# --- B4 and B5 ------------------------------------------------------------------------------


def b4_goal(clients: int) -> tuple[str, float, float]:
    """(text, p50 limit, p99 limit) in ms."""
    if clients >= 50:
        return "p99 ≤ 500 ms, no drops", float("inf"), 500.0
    return "p50 ≤ 50, p99 ≤ 250 ms, no drops", 50.0, 250.0


def b4_row(feed: Clients, points: list[Point]) -> list[str]:
    p50 = median([pct(p.latencies_ms, 50) for p in points])
    p99 = median([pct(p.latencies_ms, 99) for p in points])
    worst = max(max(p.latencies_ms, default=float("nan")) for p in points)
    drops = sum(p.drops for p in points)
    text, p50_goal, p99_goal = b4_goal(feed.count)
    return [
        str(feed.count),
        f"{B4_RATE:.0f} / {median([p.driven.achieved for p in points]):.1f}",
        f"{sum(p.received for p in points):,}",
        f"{p50:.1f}",
        f"{p99:.1f}",
        f"{worst:.1f}",
        f"{drops} ({sum(p.duplicates for p in points)} dup)",
        f"{median([p.web_cpu_pct for p in points]):.0f}",
        f"{max(p.load for p in points):.2f}",
        f"{feed.connect_seconds:.1f}",
        text,
        verdict(p50 <= p50_goal and p99 <= p99_goal and drops == 0),
    ]


def b4_table(rows: list[list[str]], *, seconds: float, repeats: int) -> str:
    return table(
        f"B4 pod change → event received by WebSocket clients (view=topology; one uvicorn web "
        f"process, channels_redis pub/sub; {repeats} run(s) of {seconds:.0f} s per point, median "
        "p50/p99, max of all runs; latency from just before the write to receipt)",
        [
            "clients",
            "changes/s offered / achieved",
            "events received",
            "p50 ms",
            "p99 ms",
            "max ms",
            "drops",
            "web CPU %",
            "load (max)",
            "connect s (snapshots)",
            "goal",
            "verdict",
        ],
        rows,
    )


def b5(feed: Clients, pods: list[tuple[str, str]], *, seconds: float, seq: int) -> str:
    rows = []
    best: Point | None = None
    for rate in B5_RATES:
        point = run_point(feed, rate=rate, seconds=seconds, pods=pods, seq=seq)
        seq += point.driven.sent + 1
        p99 = pct(point.latencies_ms, 99)
        kept_up = point.driven.achieved >= 0.9 * rate
        ok = point.drops == 0 and p99 <= B5_P99_MS and kept_up
        rows.append(
            [
                f"{rate} / {point.driven.achieved:.1f}",
                f"{rate * feed.count:,} / {point.deliveries_per_s:,.0f}",
                f"{pct(point.latencies_ms, 50):.1f}",
                f"{p99:.1f}",
                f"{max(point.latencies_ms, default=float('nan')):.1f}",
                str(point.drops),
                f"{point.web_cpu_pct:.0f}",
                f"{point.load:.2f}",
                "ok" if ok else ("writer behind" if not kept_up else "over"),
            ]
        )
        if not ok:
            break
        best = point
    capacity = best.deliveries_per_s if best else 0.0
    note = ""
    if best is not None and best.driven.offered == B5_RATES[-1]:
        note = " (every step passed: the writer's top rate, not fan-out, is the limit)"
    return (
        table(
            f"B5 fan-out to {feed.count} WebSocket clients (one uvicorn web process; offered "
            f"rate stepped, {seconds:.0f} s per step, until a step loses events, has p99 > "
            f"{B5_P99_MS / 1000:.0f} s or the writer cannot keep the rate)",
            [
                "changes/s offered / achieved",
                "deliveries/s offered / achieved",
                "p50 ms",
                "p99 ms",
                "max ms",
                "drops",
                "web CPU %",
                "load",
                "step",
            ],
            rows,
        )
        + "\n"
        + table(
            "B5 capacity",
            ["metric", "measured", "goal", "verdict"],
            [
                [
                    f"highest deliveries/s to {feed.count} clients, no loss, p99 ≤ 1 s",
                    f"{capacity:,.0f}{note}",
                    "≥ 3,000 (uvicorn)",
                    verdict(capacity >= 3000),
                ]
            ],
        )
    )


# --- B14 ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    view: str
    objects: int
    read_ms: float
    serialise_ms: float
    raw_bytes: int
    gzip_bytes: int
    gzip_ms: float


def measure_snapshot(view: str, repeats: int) -> Payload:
    from asgiref.sync import async_to_sync

    from cluster import live
    from dashboard.consumers import TopologyConsumer

    encode_json = async_to_sync(TopologyConsumer.encode_json)

    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        revision, objects = live.snapshot(None, view=view)
        read = time.perf_counter() - started
        started = time.perf_counter()
        # As the consumer sends it (TopologyConsumer.encode_json: orjson).
        text = encode_json({"type": "snapshot", "revision": revision, "objects": objects})
        serialise = time.perf_counter() - started
        raw = text.encode()
        started = time.perf_counter()
        packed = gzip.compress(raw, compresslevel=6)
        gz = time.perf_counter() - started
        runs.append((read, serialise, gz, len(objects), len(raw), len(packed)))
    return Payload(
        view=view,
        objects=runs[0][3],
        read_ms=median([r[0] for r in runs]) * 1000,
        serialise_ms=median([r[1] for r in runs]) * 1000,
        raw_bytes=runs[0][4],
        gzip_bytes=runs[0][5],
        gzip_ms=median([r[2] for r in runs]) * 1000,
    )


def b14(tier: tiers.Tier, *, repeats: int) -> str:
    rows = []
    for view in ("topology", "full"):
        p = measure_snapshot(view, repeats)
        rows.append(
            [
                view,
                f"{p.objects:,}",
                f"{p.raw_bytes / 1e6:.2f}",
                f"{p.gzip_bytes / 1e6:.3f}",
                verdict(p.raw_bytes <= 3_000_000 or p.gzip_bytes <= 300_000),
                f"{p.serialise_ms:.0f}",
                verdict(p.serialise_ms <= 100),
                f"{p.gzip_ms:.0f}",
                f"{p.read_ms:.0f}",
            ]
        )
    return table(
        f"B14 snapshot payload at tier {tier.name} ({tier.services:,} Services, {tier.pods:,} "
        f"pods, reconciled; cluster.live.snapshot for an admin, serialised as the consumer does; {repeats} "
        "run(s), median). Goal: ≤ 3 MB raw or ≤ 0.3 MB gzip, ≤ 100 ms to serialise",
        [
            "view",
            "objects",
            "MB raw",
            "MB gzip",
            "size",
            "serialise ms",
            "serialise",
            "gzip ms",
            "read ms (no goal)",
        ],
        rows,
    )


# --- entry points ---------------------------------------------------------------------------


def run(server: database.Server, args: argparse.Namespace, *, repeats: int) -> None:
    """B14, then B4 and B5 against one web process, on the first tier named (M)."""
    from django.db import connections

    only = set(args.only)
    tier = tiers.TIERS[args.tier[0]]
    seconds = tiers.prepare(server, tier, reuse=args.reuse_tiers)
    print(
        f"\nlive feed at tier {tier.name}: {tier.services:,} Services, {tier.pods:,} pods; "
        f"seeded in {seconds:.1f} s (0 = reused template)",
        flush=True,
    )
    reconciled(server, tier)
    if "b14" in only:
        print(b14(tier, repeats=repeats), flush=True)
    if not only & {"b4", "b5"}:
        return
    pods = target_pods()
    workers.flush()
    connections.close_all()
    duration = float(os.environ.get("BENCH_DURATION", "20"))
    url = server.url_for(database.BENCH_DB)
    with controllers_off(), web_process(database_url=url, port=free_port()) as web:
        seq = 1
        kept: Clients | None = None
        try:
            if "b4" in only:
                rows = []
                for count in B4_CLIENTS:
                    feed = Clients(web, count)
                    try:
                        points = []
                        for _ in range(repeats):
                            points.append(
                                run_point(feed, rate=B4_RATE, seconds=duration, pods=pods, seq=seq)
                            )
                            seq += points[-1].driven.sent + 1
                        rows.append(b4_row(feed, points))
                    finally:
                        if count == B5_CLIENTS and "b5" in only:
                            kept = feed
                        else:
                            feed.close()
                print(b4_table(rows, seconds=duration, repeats=repeats), flush=True)
            if "b5" in only:
                kept = kept or Clients(web, B5_CLIENTS)
                step = min(duration, B5_STEP_SECONDS)
                print(b5(kept, pods, seconds=step, seq=seq), flush=True)
        finally:
            if kept is not None:
                kept.close()
    workers.flush()


def main(argv: list[str]) -> int:
    """``python -m bench.live clients WS_URL COUNT ORIGIN``: the client process."""
    if len(argv) == 4 and argv[0] == "clients":
        asyncio.run(_clients_main(argv[1], int(argv[2]), argv[3]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
