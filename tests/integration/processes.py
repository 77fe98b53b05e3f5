"""Processes the integration tests start: Celery workers and beat on Redis and Postgres, and the
embedded server as ``make run`` starts it. Each writes its output to a log file, and every one
is stopped by the fixture that started it (terminate, then kill), never left running."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CELERY = str(Path(sys.executable).with_name("celery"))
# The environment names the test process's own configuration; children get theirs explicitly.
OWN_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "PORTOLAN_TEST_DB_NAME",
    "PORTOLAN_SQLITE_PATH",
    "PORTOLAN_ANONYMOUS",
    "PORTOLAN_READY_DELAY",
    "PORTOLAN_RESYNC_SECONDS",
)


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in OWN_ENV}
    env["PYTHONUNBUFFERED"] = "1"
    env["DJANGO_SETTINGS_MODULE"] = "dashboard.settings"
    env.update(extra)
    return env


def postgres_url(settings_dict: dict) -> str:
    """A DATABASE_URL naming the database ``settings_dict`` is connected to."""
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tail(path: Path, limit: int = 6000) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as e:
        return f"(no log: {e})"
    return text if len(text) <= limit else "…" + text[-limit:]


class Process:
    """One child process with its output in ``log``."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.args = args
        self.log = log
        self._log_file = log.open("ab")
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # no terminal signal reaches it; we stop it ourselves
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def fail_if_dead(self, what: str) -> None:
        if not self.alive():
            pytest.fail(
                f"{self.name} exited with code {self.proc.returncode} {what}:\n{tail(self.log)}",
                pytrace=False,
            )

    def kill9(self) -> None:
        """SIGKILL: no shutdown code runs, nothing is acknowledged or released."""
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self, timeout: float = 15.0) -> None:
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log_file.close()


def wait_until(check, *, timeout: float, interval: float = 0.1, what: str = "") -> float:  # noqa: ANN001
    """Poll ``check()`` until it is truthy; returns the seconds it took."""
    start = time.monotonic()
    while True:
        if check():
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(interval)


# --- Celery -------------------------------------------------------------------------------------


def start_worker(name: str, env: dict[str, str], log_dir: Path) -> Process:
    """``celery -A dashboard worker --pool threads --concurrency 2`` with the probe
    (``tests.integration.probe``) imported.

    Threads rather than prefork: a worker is then one process, so ``kill -9`` takes the whole
    worker down at once (with prefork, killing the parent leaves children finishing or
    orphaned, and killing a child is recovered by the parent — not the crash under test);
    two threads of one worker contend for keys as two workers do, so the per-key lock is
    exercised inside a process as well as across processes; and on a two-core machine
    threads start faster and use less memory. The syncs wait on Postgres and the revision
    lock, so the GIL costs little."""
    return Process(
        name,
        [
            CELERY,
            "-A",
            "dashboard",
            "worker",
            "--pool",
            "threads",
            "--concurrency",
            "2",
            "--hostname",
            f"{name}@h3",
            "--include",
            "tests.integration.probe",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "WARNING",
        ],
        env,
        log_dir / f"{name}.log",
    )


def start_beat(env: dict[str, str], log_dir: Path) -> Process:
    return Process(
        "beat",
        [
            CELERY,
            "-A",
            "dashboard",
            "beat",
            "--schedule",
            str(log_dir / "beat-schedule"),
            "--max-interval",
            "1",
            "--loglevel",
            "INFO",
        ],
        env,
        log_dir / "beat.log",
    )


# --- the embedded server ------------------------------------------------------------------------


def manage(env: dict[str, str], *args: str, log: Path) -> None:
    with log.open("ab") as out:
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            timeout=120,
            check=False,
        )
    if done.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{tail(log)}", pytrace=False)


def start_server(env: dict[str, str], log_dir: Path, *args: str) -> tuple[Process, str]:
    """``manage.py serve`` on a free port; returns once ``/version`` answers."""
    return start_web("server", env, log_dir, *args)


# --- web processes of the distributed mode ---------------------------------------------------


def start_web(
    name: str, env: dict[str, str], log_dir: Path, *args: str, port: int | None = None
) -> tuple[Process, str]:
    """``manage.py serve`` named ``name`` (log ``<name>.log``, appended across restarts) with
    ``args``, on ``port`` (a free one when None); returns once ``/version`` answers. With
    ``DATABASE_URL`` and ``REDIS_URL`` in ``env`` it is a web process of the distributed mode:
    no controllers of its own (it queues keys for the Celery workers), the live feed on
    channels_redis."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    web = Process(
        name,
        [PYTHON, "manage.py", "serve", "--port", str(port), *args],
        env,
        log_dir / f"{name}.log",
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        web.fail_if_dead("before answering")
        try:
            urllib.request.urlopen(url + "/version", timeout=2).close()
            return web, url
        except OSError:
            time.sleep(0.2)
    web.stop()
    pytest.fail(f"{name} did not answer within 60 s:\n{tail(web.log)}", pytrace=False)
