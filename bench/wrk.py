"""Running wrk with the Lua scripts in ``bench/lua`` and reading their summary line."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.database import BenchError

LUA = Path(__file__).resolve().parent / "lua"


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    non2xx: int
    socket_errors: int
    wrk_cpu: float  # seconds of CPU that wrk itself used
    first_error: str

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_rate(self) -> float:
        bad = self.non2xx + self.socket_errors
        return bad / max(self.requests, 1)


def ensure_wrk() -> str:
    """wrk from Debian (the machine is root); install it when missing, fail clearly if not."""
    found = shutil.which("wrk")
    if found:
        return found
    steps = [["apt-get", "install", "-y", "-qq", "wrk"], ["apt-get", "update", "-qq"]]
    steps.append(steps[0])
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in steps:
        try:
            subprocess.run(cmd, env=env, check=False, capture_output=True, timeout=600)
        except OSError as e:
            raise BenchError(f"wrk is not installed and apt-get failed ({e}); install wrk") from e
        found = shutil.which("wrk")
        if found:
            return found
    raise BenchError("wrk is not installed and `apt-get install wrk` did not install it")


def run(
    *,
    url: str,
    script: str,
    token: str,
    duration: float,
    connections: int = 10,
    threads: int = 1,
    env: dict[str, str] | None = None,
) -> WrkResult:
    binary = ensure_wrk()
    cmd = [
        binary,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(int(round(duration)), 1)}s",
        "--timeout",
        "10s",
        "-s",
        str(LUA / script),
        "-H",
        f"Authorization: Bearer {token}",
        url,
    ]
    full_env = dict(os.environ, BENCH_LUA_DIR=str(LUA), **(env or {}))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        cmd, env=full_env, capture_output=True, text=True, timeout=duration + 120, check=False
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or summary is None:
        raise BenchError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout}")
    data = json.loads(summary.removeprefix("BENCH_JSON "))
    error = next(
        (
            ln.removeprefix("BENCH_ERROR ")
            for ln in done.stdout.splitlines()
            if ln.startswith("BENCH_ERROR ")
        ),
        "",
    )
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        non2xx=data["non2xx"],
        socket_errors=data["connect"] + data["read"] + data["write"] + data["timeout"],
        wrk_cpu=(after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        first_error=error,
    )
