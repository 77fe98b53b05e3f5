"""The browser: B10 (navigation → first complete frame) and B11 (a batch of 200 pod updates →
the frame that draws it), in Debian's Chromium driven by Playwright (headless, software
rendering, 1280×800 at pixel ratio 1, as performance.md §3.8 measured).

The page is served by one web process of the distributed mode (``bench.live.web_process``:
uvicorn, channels_redis, the bench database, anonymous access) and read through its test hooks
(``window.portolan``, the frontend contract):

* B10: a new browser context per run (nothing cached), ``page.goto("/")``, then
  ``window.portolan.firstFrame``, whose ``ms`` the page measures from navigation start to the
  first frame drawing the whole snapshot; for the demo (2 pods), tier S (100 Services / 1,000
  pods, §6.1) and tier M (1,000 / 10,000), each reconciled (Endpoints written).
* B11 (tier M): with the page live, this process fails (then, next run, passes) the readiness
  of 200 pods spread over the namespaces in one transaction: one message of 200 events. The
  page stamps the message's arrival (a listener the page's WebSocket gets before the app's own)
  and the moment ``whenRendered(revision)`` resolves; B11 is the time between. Long tasks
  (≥ 50 ms, the browser's PerformanceObserver) in that window are reported alongside.

Playwright's synchronous API keeps an event loop running in the thread that started it, so
every database write made while the browser runs happens in a thread of its own.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from bench import database, live, tiers, workers
from bench.database import BenchError
from bench.report import median, table, verdict
from tests.e2e.support import BUNDLE, CHROMIUM, CHROMIUM_ARGS, VIEWPORT  # one launch recipe

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
TIER_S = tiers.Tier("S", nodes=10, namespaces=10, services=100, pods=1_000, big=())
B10_GOALS_S = {"demo": 1.0, "S": 1.0, "M": 4.0}
B11_GOAL_MS = 100.0
B11_BATCH = 200
FIRST_FRAME_TIMEOUT_S = 120

# Before the app's scripts: every WebSocket message's arrival (its revision read from the
# head of the JSON, where the consumer puts it), for B11.
ARRIVALS = """
window.__benchArrivals = [];
const NativeWebSocket = window.WebSocket;
window.WebSocket = class extends NativeWebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", (e) => {
      const head = typeof e.data === "string" ? e.data.slice(0, 80) : "";
      const m = /"revision":\\s*(\\d+)/.exec(head);
      window.__benchArrivals.push([m ? Number(m[1]) : -1, performance.now()]);
    });
  }
};
"""
FIRST_FRAME = """
async (ms) => {
  await new Promise((resolve, reject) => {
    const started = performance.now();
    (function poll() {
      if (window.portolan && window.portolan.firstFrame) return resolve();
      if (performance.now() - started > ms) return reject(new Error("no window.portolan"));
      setTimeout(poll, 10);
    })();
  });
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("firstFrame did not resolve")), ms);
  });
  try { return await Promise.race([window.portolan.firstFrame, late]); }
  finally { clearTimeout(timer); }
}
"""
WATCH_BATCH = """
(target) => {
  const out = window.__benchBatch = {long: []};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) out.long.push([e.startTime, e.duration]);
  }).observe({type: "longtask"});
  window.portolan.whenRendered(target).then(() => {
    out.rendered = performance.now();
    out.wall = Date.now();
  });
}
"""


def _require() -> None:
    if not CHROMIUM.exists():
        raise BenchError(f"{CHROMIUM} is missing: `make browser` installs Debian's Chromium")
    if not BUNDLE.exists() or BUNDLE.stat().st_size < 1000:
        raise BenchError(f"{BUNDLE} is missing: build the browser app (`npm run -s build`)")


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class DbThread:
    """One thread for this process's database work while the browser runs."""

    def __init__(self) -> None:
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return self.pool.submit(fn, *args, **kwargs).result()

    def close(self) -> None:
        from django.db import connections

        self.pool.submit(connections.close_all).result()
        self.pool.shutdown()


# --- datasets ------------------------------------------------------------------------------


def demo_cluster(server: database.Server) -> None:
    """A fresh cluster with the demo, brought alive by the controllers run in this process
    (readiness without delay): hello-world's two pods Ready endpoints of example-service."""
    from django.conf import settings

    from cluster.actions.demo import load_demo
    from cluster.controllers import runtime
    from cluster.models import Endpoints

    database.fresh(server)
    manual = runtime.ManualBackend()
    previous = runtime.set_backend(manual)
    delay, settings.PORTOLAN_READY_DELAY = settings.PORTOLAN_READY_DELAY, 0.0
    try:
        load_demo()
        manual.drain()
    finally:
        settings.PORTOLAN_READY_DELAY = delay
        runtime.set_backend(previous)
    ep = Endpoints.objects.filter(namespace="default", name="example-service").first()
    ready = sum(len(s.get("addresses") or []) for s in (ep.subsets if ep else []) or [])
    if ready != 2:
        raise BenchError(f"the demo did not come alive: {ready} ready endpoints, expected 2")


def current_revision() -> int:
    from cluster.selectors import current_revision as rev

    return rev()


# --- B10 -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FirstFrame:
    ms: float  # navigation start → first complete frame, measured by the page
    wall_ms: float  # goto() called → firstFrame resolved, measured here
    elements: int
    stats: dict[str, Any]
    snapshot_ms: float  # navigation start → the snapshot message arrived
    layout_ms: float  # the layout's own time, as the page reports it (-1: not reported)


def first_frame(browser: Any, url: str) -> FirstFrame:
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    try:
        context.add_init_script(ARRIVALS)
        page = context.new_page()
        started = time.perf_counter()
        page.goto(url + "/", wait_until="commit")
        frame = page.evaluate(FIRST_FRAME, FIRST_FRAME_TIMEOUT_S * 1000)
        wall = (time.perf_counter() - started) * 1000
        stats = page.evaluate("() => window.portolan.stats()")
        arrivals = page.evaluate("() => window.__benchArrivals")
        return FirstFrame(
            ms=float(frame["ms"]),
            wall_ms=wall,
            elements=int(frame.get("elements", -1)),
            stats=stats,
            snapshot_ms=arrivals[0][1] if arrivals else float("nan"),
            layout_ms=float((frame.get("layout") or {}).get("ms", -1)),
        )
    finally:
        context.close()


def b10_row(name: str, objects: str, runs: list[FirstFrame], load: float) -> list[str]:
    ms = median([r.ms for r in runs])
    last = runs[-1].stats
    drawn = f"{last.get('drawnNodes', '?')} / {last.get('drawnEdges', '?')}"
    if last.get("lod"):
        drawn += " (folded)"
    goal = B10_GOALS_S[name]
    return [
        name,
        objects,
        ", ".join(f"{r.ms:.0f}" for r in runs),
        f"{ms:.0f}",
        f"{median([r.wall_ms for r in runs]):.0f}",
        f"{median([r.snapshot_ms for r in runs]):.0f}",
        f"{median([r.layout_ms for r in runs]):.0f}",
        drawn,
        f"{load:.2f}",
        f"≤ {goal * 1000:.0f} ms" + (" (the S goal)" if name == "demo" else ""),
        verdict(ms <= goal * 1000),
    ]


# --- B11 -----------------------------------------------------------------------------------


def flip_readiness(pods: list[tuple[str, str]], *, ready: bool) -> tuple[float, int, int]:
    """One transaction changing the readiness of ``pods``; (wall clock at commit, first and
    last revision written)."""
    from cluster.actions.base import writing
    from cluster.actions.pods import set_pod_readiness

    revisions = []
    with writing():
        for namespace, name in pods:
            obj = set_pod_readiness(namespace=namespace, name=name, ready=ready)
            revisions.append(int(obj["metadata"]["resourceVersion"]))
    return time.time(), min(revisions), max(revisions)


@dataclass(frozen=True)
class Batch:
    ms: float  # message arrival → whenRendered resolved
    commit_ms: float  # commit (this process's clock) → whenRendered resolved (page's clock)
    longest_task_ms: float
    events: int


def batch_to_frame(page: Any, db: DbThread, pods: list[tuple[str, str]], ready: bool) -> Batch:
    stands = int(page.evaluate("() => window.portolan.store.revision"))
    now = db.run(current_revision)
    if stands != now:
        raise BenchError(f"the page stands at revision {stands}, the cluster at {now}")
    target = now + len(pods)
    page.evaluate(WATCH_BATCH, target)
    committed, first, last = db.run(flip_readiness, pods, ready=ready)
    if (first, last) != (now + 1, target):
        raise BenchError(f"the batch wrote revisions {first}..{last}, expected ..{target}")
    page.wait_for_function(
        "() => window.__benchBatch.rendered !== undefined", timeout=FIRST_FRAME_TIMEOUT_S * 1000
    )
    out = page.evaluate("() => window.__benchBatch")
    arrivals = page.evaluate("() => window.__benchArrivals")
    arrived = min(t for rev, t in arrivals if rev >= target)
    longest = max((d for start, d in out["long"] if start + d >= arrived), default=0.0)
    return Batch(
        ms=out["rendered"] - arrived,
        commit_ms=out["wall"] - committed * 1000,
        longest_task_ms=longest,
        events=len(pods),
    )


def b11_table(tier: tiers.Tier, batches: list[Batch], load: float) -> str:
    ms = median([b.ms for b in batches])
    return table(
        f"B11 a batch of {B11_BATCH} pod readiness changes (one transaction, one WebSocket "
        f"message) → the frame drawing it, tier {tier.name}; {len(batches)} run(s), median",
        [
            "runs: arrival → frame (ms)",
            "median ms",
            "commit → frame ms (median)",
            "longest main-thread task ms (≥ 50 reported)",
            "load",
            "goal",
            "verdict",
        ],
        [
            [
                ", ".join(f"{b.ms:.0f}" for b in batches),
                f"{ms:.0f}",
                f"{median([b.commit_ms for b in batches]):.0f}",
                f"{max(b.longest_task_ms for b in batches):.0f}",
                f"{load:.2f}",
                f"≤ {B11_GOAL_MS:.0f} ms (and < 16 ms main thread per message)",
                verdict(ms <= B11_GOAL_MS),
            ]
        ],
    )


# --- entry point ---------------------------------------------------------------------------


def run(server: database.Server, args: argparse.Namespace, *, repeats: int) -> None:
    """B10 for the demo, tier S and tier M, then B11 at tier M."""
    from django.db import connections

    _require()
    only = set(args.only)
    tier = tiers.TIERS["M"]
    url = server.url_for(database.BENCH_DB)
    rows: list[list[str]] = []
    datasets: list[tuple[str, Callable[[], None], str]] = [
        ("demo", lambda: demo_cluster(server), "2 pods, 2 Services"),
        ("S", lambda: live.reconciled(server, TIER_S), "1,000 pods, 100 Services"),
        ("M", lambda: live.reconciled(server, tier), "10,000 pods, 1,000 Services"),
    ]
    try:
        for name, prepare, objects in datasets:
            if "b10" not in only and name != "M":
                continue
            if name != "demo":
                seeded = tiers.prepare(
                    server, TIER_S if name == "S" else tier, reuse=args.reuse_tiers
                )
                print(f"\ntier {name} for the browser: seeded in {seeded:.1f} s", flush=True)
            prepare()
            pods = live.target_pods(B11_BATCH) if name == "M" else []
            workers.flush()
            connections.close_all()
            with (
                live.web_process(database_url=url, port=live.free_port()) as web,
                chromium() as browser,
            ):
                if "b10" in only:
                    load = os.getloadavg()[0]
                    runs = [first_frame(browser, web.url) for _ in range(repeats)]
                    rows.append(b10_row(name, objects, runs, load))
                if "b11" in only and name == "M":
                    load = os.getloadavg()[0]
                    batches = b11(browser, web.url, pods, repeats)
                    print(b11_table(tier, batches, load), flush=True)
        if rows:
            print(
                table(
                    "B10 navigation → first complete frame in headless Debian Chromium (software "
                    f"rendering, 1280×800; a new context per run; {repeats} run(s), median; "
                    "ms from navigation start as the page measures it, and from goto() here)",
                    [
                        "cluster",
                        "objects",
                        "runs (ms)",
                        "median ms",
                        "goto → frame ms",
                        "snapshot arrived ms",
                        "layout ms",
                        "drawn nodes / edges",
                        "load",
                        "goal",
                        "verdict",
                    ],
                    rows,
                ),
                flush=True,
            )
    finally:
        if not args.reuse_tiers:
            database.drop(server, TIER_S.template)


def b11(browser: Any, url: str, pods: list[tuple[str, str]], repeats: int) -> list[Batch]:
    db = DbThread()
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    try:
        context.add_init_script(ARRIVALS)
        page = context.new_page()
        page.goto(url + "/", wait_until="commit")
        page.evaluate(FIRST_FRAME, FIRST_FRAME_TIMEOUT_S * 1000)
        # every other run passes the pods again, so that each run changes all 200
        return [batch_to_frame(page, db, pods, ready=i % 2 == 1) for i in range(repeats)]
    finally:
        context.close()
        db.close()
