"""B15: resident memory of the server processes at the M tier after B3: the web server
(gunicorn, 2 sync workers, serving the API and warmed with LISTs of every kind the UI
reads), the two Celery workers and Redis."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from dataclasses import dataclass

from bench import server, workers
from bench.report import table, verdict

PORT = 18110
GOAL_MB = 500


@dataclass(frozen=True)
class MemoryResult:
    web_mb: float
    workers_mb: float
    redis_mb: float

    @property
    def total(self) -> float:
        return self.web_mb + self.workers_mb + self.redis_mb


def redis_pid() -> int:
    info = subprocess.run(
        ["redis-cli", "-u", workers.redis_url(), "info", "server"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in info.splitlines():
        if line.startswith("process_id:"):
            return int(line.split(":", 1)[1])
    raise RuntimeError("redis-cli info gave no process_id")


def warm(url: str, token: str) -> None:
    """Walk every page of the lists the dashboard reads."""
    for path in (
        "/api/v1/pods",
        "/api/v1/services",
        "/api/v1/endpoints",
        "/api/v1/nodes",
        "/apis/discovery.k8s.io/v1/endpointslices",
    ):
        cont = ""
        while True:
            query = f"?limit=500&continue={cont}" if cont else "?limit=500"
            request = urllib.request.Request(
                url + path + query, headers={"Authorization": f"Bearer {token}"}
            )
            with urllib.request.urlopen(request, timeout=60) as answer:
                body = json.loads(answer.read())
            cont = body.get("metadata", {}).get("continue") or ""
            if not cont:
                break


def measure(database_url: str, running_workers: workers.Workers) -> MemoryResult:
    from bench.http import issue_token

    token = issue_token()
    with server.gunicorn(database_url=database_url, port=PORT) as web:
        for _ in range(2):
            warm(web.url, token)
        web_mb = workers.rss_mb([web.pid, *server._children(web.pid)])
    return MemoryResult(
        web_mb, workers.rss_mb(running_workers.all_pids()), workers.rss_mb([redis_pid()])
    )


def report(r: MemoryResult, *, loadavg: str) -> str:
    rows = [
        ["web: gunicorn master + 2 sync workers (after LIST walks)", f"{r.web_mb:.0f}", "", ""],
        ["2 Celery workers (after B3)", f"{r.workers_mb:.0f}", "", ""],
        ["redis-server (whole server)", f"{r.redis_mb:.0f}", "", ""],
        ["total", f"{r.total:.0f}", f"≤ {GOAL_MB} MB", verdict(r.total <= GOAL_MB)],
    ]
    title = f"B15 resident memory at M (VmRSS, MB; loadavg {loadavg})"
    return table(title, ["process", "RSS MB", "goal", "verdict"], rows)
