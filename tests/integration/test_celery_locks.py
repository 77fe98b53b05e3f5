"""The Redis side of the Celery backend that the SIGKILL test depends on: a per-key lock is
renewed while its sync runs and frees itself soon after its holder dies; a pending marker
lives about one resync period, so a key whose message died with a worker is queued again by
the next resync."""

from __future__ import annotations

import time

import pytest

from cluster.controllers import runtime
from tests.integration.conftest import REDIS_URL, celery_publisher

pytestmark = pytest.mark.slow


def test_a_held_lock_is_renewed_and_a_dead_holders_lock_expires(redis_db):
    keeper = runtime._LockKeeper(redis_db, ttl_ms=600)  # renewed every 200 ms
    redis_db.set("lock:a", b"me", px=600)
    redis_db.set("lock:b", b"dead", px=600)  # its holder was killed: nobody renews it
    keeper.hold("lock:a", b"me")
    time.sleep(1.5)
    assert redis_db.get("lock:a") == b"me"
    assert not redis_db.exists("lock:b")
    keeper.release(b"me")
    time.sleep(1.0)
    assert not redis_db.exists("lock:a")


def test_a_renewal_never_extends_someone_elses_lock(redis_db):
    keeper = runtime._LockKeeper(redis_db, ttl_ms=600)
    redis_db.set("lock:a", b"me", px=600)
    keeper.hold("lock:a", b"me")
    redis_db.set("lock:a", b"other", px=400)  # ours expired and another worker took it
    time.sleep(1.0)
    assert not redis_db.exists("lock:a")
    keeper.release(b"me")


@pytest.mark.parametrize(("resync", "ttl"), [(2, 5), (30, 30), (12.5, 13)])
def test_a_pending_marker_lives_about_one_resync_period(redis_db, settings, resync, ttl):
    settings.REDIS_URL = REDIS_URL
    settings.PORTOLAN_RESYNC_SECONDS = resync
    with celery_publisher(REDIS_URL):
        backend = runtime.CeleryBackend()
        backend.submit("endpoints", "default/web")
        backend.submit("endpoints", "default/web")  # de-duplicated
    assert redis_db.ttl("portolan:pending:endpoints:default/web") == ttl
    assert redis_db.llen("celery") == 1


def test_many_keys_go_out_in_batches_and_stay_de_duplicated(redis_db, settings):
    """A commit that queues thousands of keys (a bulk seed) sends one message per 50 keys of a
    controller; keys already waiting are not queued again."""
    import json

    settings.REDIS_URL = REDIS_URL
    keys = [("scheduler", f"default/p{i}") for i in range(120)] + [("kubelet", "default/p0")]
    with celery_publisher(REDIS_URL):
        backend = runtime.CeleryBackend()
        backend.submit("scheduler", "default/p7")  # already waiting
        backend.submit_many(keys)
    bodies = [json.loads(m) for m in redis_db.lrange("celery", 0, -1)]
    tasks = sorted((b["headers"]["task"], len(b["headers"].get("argsrepr", ""))) for b in bodies)
    assert [t for t, _ in tasks].count("portolan.reconcile_batch") == 3  # 119 keys: 50 + 50 + 19
    assert [t for t, _ in tasks].count("portolan.reconcile") == 2  # p7 earlier, and the kubelet
    assert all(redis_db.exists(f"portolan:pending:scheduler:default/p{i}") for i in range(120))
