"""Fixtures of the integration tests: a dedicated Redis database (flushed around each test),
real Celery workers and beat on pytest-django's test database (Postgres), the test process
submitting keys through the Celery backend, and the children's logs attached to the report of
a test that fails."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.processes import (
    Process,
    child_env,
    postgres_url,
    start_beat,
    start_worker,
    tail,
)
from tests.integration.singleflight import READY_KEY

# A Redis database of its own: other tests and benchmarks use 0 and the low indexes.
REDIS_URL = os.environ.get("PORTOLAN_IT_REDIS_URL", "redis://127.0.0.1:6379/13")
READY_DELAY = "0.2"
RESYNC_SECONDS = "2"
LOGS = pytest.StashKey[dict[str, Path]]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.failed:
        for name, path in item.stash.get(LOGS, {}).items():
            report.sections.append((f"{name} log ({path})", tail(path)))


def attach_log(request: pytest.FixtureRequest, name: str, path: Path) -> None:
    request.node.stash.setdefault(LOGS, {})[name] = path


@pytest.fixture
def redis_db() -> Iterator[Any]:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=10)
    try:
        client.ping()
    except redis.RedisError as e:
        pytest.fail(
            f"Redis at {REDIS_URL} is not reachable ({e}); start it with "
            "scripts/ensure-services.sh",
            pytrace=False,
        )
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@contextlib.contextmanager
def celery_publisher(url: str) -> Iterator[None]:
    """Point this process's Celery app (configured at import from settings: eager, in-memory
    broker without REDIS_URL) at ``url``, and back afterwards."""
    from kombu import pools

    from dashboard.celery import app

    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}

    def reset_pools() -> None:
        # kombu keeps connection and producer pools per broker URL process-wide: close and
        # forget them all, so that neither this test nor the next publishes on a stale one.
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    app.conf.update(broker_url=url, task_always_eager=False)
    try:
        yield
    finally:
        reset_pools()
        app.conf.update(saved)


class CeleryCluster:
    """Workers and beat on the test database; all stopped by :meth:`stop_all`."""

    def __init__(self, request: pytest.FixtureRequest, env: dict[str, str], redis: Any) -> None:
        self.request = request
        self.env = env
        self.redis = redis
        self.dir: Path = request.getfixturevalue("tmp_path")
        self.processes: list[Process] = []

    def _track(self, process: Process) -> Process:
        self.processes.append(process)
        attach_log(self.request, process.name, process.log)
        return process

    def worker(self, name: str, timeout: float = 90) -> Process:
        """A worker (threads pool, concurrency 2); returns once it consumes the queue."""
        process = self._track(start_worker(name, self.env, self.dir))
        deadline = time.monotonic() + timeout
        while not self.redis.exists(READY_KEY + f"{name}@h3"):
            process.fail_if_dead("while starting")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"celery worker {name} not ready within {timeout:.0f} s:\n{tail(process.log)}",
                    pytrace=False,
                )
            time.sleep(0.1)
        return process

    def beat(self) -> Process:
        process = self._track(start_beat(self.env, self.dir))
        time.sleep(0.5)
        process.fail_if_dead("while starting")
        return process

    def beat_log(self) -> str:
        return "".join(p.log.read_text() for p in self.processes if p.name == "beat")

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            process.stop()


@pytest.fixture
def celery_cluster(
    request: pytest.FixtureRequest, transactional_db: None, redis_db: Any, settings: Any
) -> Iterator[CeleryCluster]:
    """Workers see what the test commits (``transactional_db``): their DATABASE_URL names the
    test database. The test process submits keys through ``runtime.CeleryBackend`` (replacing
    the autouse manual queue) on the same Redis database."""
    from django.db import connection

    from cluster.controllers import runtime

    if connection.vendor != "postgresql":
        pytest.fail(
            "the Celery integration tests need Postgres: run them with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/portolan",
            pytrace=False,
        )
    env = child_env(
        DATABASE_URL=postgres_url(connection.settings_dict),
        REDIS_URL=REDIS_URL,
        PORTOLAN_READY_DELAY=READY_DELAY,
        PORTOLAN_RESYNC_SECONDS=RESYNC_SECONDS,
    )
    cluster = CeleryCluster(request, env, redis_db)
    settings.REDIS_URL = REDIS_URL
    settings.DISTRIBUTED = True
    try:
        with celery_publisher(REDIS_URL):
            previous = runtime.set_backend(runtime.CeleryBackend())
            try:
                yield cluster
            finally:
                runtime.set_backend(previous)
    finally:
        cluster.stop_all()
