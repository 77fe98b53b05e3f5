"""Real Celery worker processes for the benchmarks, on the bench database and the bench's own
Redis database index (``BENCH_REDIS_DB``, 14 unless set), which is flushed before each run;
no other Redis database is touched."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.database import BenchError

ROOT = Path(__file__).resolve().parent.parent
LOG = Path("/tmp/portolan-bench-workers.log")
QUEUE = "celery"  # Celery's default queue: a Redis list of that name


def redis_url() -> str:
    """``REDIS_URL`` (or localhost) with the database index replaced by the bench's own."""
    base = (
        os.environ.get("BENCH_REDIS_URL")
        or os.environ.get("REDIS_URL")
        or "redis://127.0.0.1:6379/0"
    )
    parts = urlsplit(base)
    index = os.environ.get("BENCH_REDIS_DB", "14")
    return urlunsplit((parts.scheme, parts.netloc, f"/{index}", parts.query, ""))


def client():  # type: ignore[no-untyped-def]
    import redis

    return redis.Redis.from_url(redis_url())


def flush() -> None:
    """Empty the bench's Redis database (only that index)."""
    client().flushdb()


def queue_length() -> int:
    return int(client().llen(QUEUE))


@dataclass(frozen=True)
class Workers:
    pids: list[int]

    def all_pids(self) -> list[int]:
        from bench.server import _children

        out = list(self.pids)
        for pid in self.pids:
            out += _children(pid)
        return out


def _env(database_url: str, extra: dict[str, str]) -> dict[str, str]:
    return dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url(),
        PORTOLAN_DEBUG="0",
        PORTOLAN_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        **extra,
    )


@contextlib.contextmanager
def running(
    *, database_url: str, count: int = 2, include: str = "", extra_env: dict[str, str] | None = None
) -> Iterator[Workers]:
    """``count`` worker processes (``--pool solo``: one process each, one task at a time),
    started and waited for; stopped (TERM, then KILL) afterwards."""
    binary = Path(sys.executable).parent / "celery"
    if not binary.exists():
        raise BenchError(f"{binary} is missing: run `make setup`")
    env = _env(database_url, extra_env or {})
    procs: list[subprocess.Popen[bytes]] = []
    with LOG.open("a") as log:
        for i in range(count):
            cmd = [
                str(binary),
                "-A",
                "dashboard",
                "worker",
                "--pool",
                "solo",
                "-n",
                f"bench{i}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "WARNING",
            ]
            if include:
                cmd += ["--include", include]
            procs.append(
                subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            )
    try:
        _wait_ready(procs, count)
        yield Workers([p.pid for p in procs])
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def _wait_ready(procs: list[subprocess.Popen[bytes]], count: int) -> None:
    from dashboard.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise BenchError(f"a Celery worker exited with {p.returncode}; see {LOG}")
        replies = app.control.ping(timeout=0.5) or []
        if len(replies) >= count:
            return
    raise BenchError(f"the Celery workers did not answer within 60 s; see {LOG}")


def rss_mb(pids: list[int]) -> float:
    """Resident memory (MB) of the processes that still exist."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024
