"""The API server as the distributed deployment runs it: gunicorn, sync workers, WSGI."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.database import BenchError

ROOT = Path(__file__).resolve().parent.parent
LOG = Path("/tmp/portolan-bench-gunicorn.log")


@dataclass(frozen=True)
class Running:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time of the gunicorn master and its workers so far."""
        return process_cpu_seconds([self.pid, *_children(self.pid)])


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """CPU seconds so far of each process that still exists."""
    ticks = os.sysconf("SC_CLK_TCK")
    out: dict[int, float] = {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return out


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU used between two readings by the processes present in both."""
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())


def process_cpu_seconds(pids: list[int]) -> float:
    return sum(cpu_by_pid(pids).values())


def postgres_pids() -> list[int]:
    """Every Postgres server process (backends, WAL writer, checkpointer) on this machine."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/comm"):
        with contextlib.suppress(OSError, ValueError):
            if stat.read_text().strip().startswith("postgres"):
                out.append(int(stat.parent.name))
    return out


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            out += [int(p) for p in task.read_text().split()]
    return out


@contextlib.contextmanager
def gunicorn(*, database_url: str, port: int, workers: int = 2) -> Iterator[Running]:
    binary = Path(sys.executable).parent / "gunicorn"
    if not binary.exists():
        raise BenchError(f"{binary} is missing: run `make setup`")
    env = dict(os.environ, DATABASE_URL=database_url, PORTOLAN_DEBUG="0")
    cmd = [
        str(binary),
        "dashboard.wsgi:application",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
        "--error-logfile",
        str(LOG),
    ]
    with serving(cmd, env=env, port=port, what="gunicorn", log=LOG) as running:
        yield running


@contextlib.contextmanager
def serving(
    cmd: list[str], *, env: dict[str, str], port: int, what: str, log: Path
) -> Iterator[Running]:
    """``cmd`` (a web server on ``port``, output to ``log``) while the block runs, from when
    ``/version`` answers; terminated (killed after 30 s) at the end."""
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(proc, url, what=what, log=log)
        yield Running(url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_ready(proc: subprocess.Popen[bytes], url: str, *, what: str, log: Path) -> None:
    """Until ``url``/version answers 200 (a BenchError if the process exits or 60 s pass)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"{what} exited with {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"{url}/version", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise BenchError(f"{what} did not answer on {url} within 60 s; see {log}")
