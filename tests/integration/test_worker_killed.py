"""Issue 3's proof: a worker killed with SIGKILL in the middle of a sync, during churn. What it
held is lost — the sync it was running (its transaction rolls back), the messages it had
prefetched or was holding for later (acks_late: unacknowledged, back only after Redis's
visibility timeout), the key's lock (until its TTL) — and the periodic resync, sent by a real
``celery beat``, repairs all of it: the cluster converges with a replacement worker. The probe
in the workers records every sync's interval, so the test also checks that no key was ever
synced by two workers at once, the killed sync included (it lasted until the kill)."""

from __future__ import annotations

import time

import pytest

from cluster.actions.base import writing
from cluster.actions.bootstrap import ensure_cluster
from cluster.actions.objects import patch_scale
from cluster.models import Deployment
from tests.integration.churn import MERGE, Churn, kind, load_world, wait_converged
from tests.integration.processes import Process
from tests.integration.singleflight import inflight_pids, intervals, overlaps, summary

pytestmark = pytest.mark.slow


def burst(replicas: int) -> None:
    """Every Deployment scaled in one commit: a burst of keys for the workers."""
    with writing():
        for ns, name in Deployment.objects.values_list("namespace", "name"):
            patch_scale(
                kind("Deployment"),
                namespace=ns,
                name=name,
                patch_type=MERGE,
                patch={"spec": {"replicas": replicas}},
            )


def kill_while_syncing(victim: Process, redis, timeout: float = 30) -> float:  # noqa: ANN001
    """SIGKILL ``victim`` at a moment it is inside a sync; returns the time of the kill."""
    deadline = time.monotonic() + timeout
    replicas = 3
    next_burst = 0.0
    while time.monotonic() < deadline:
        if time.monotonic() >= next_burst:
            burst(replicas)
            replicas = 5 - replicas  # 3, 2, 3, …
            next_burst = time.monotonic() + 2
        if victim.pid in inflight_pids(redis):
            victim.kill9()
            return time.time()
        time.sleep(0.002)
    raise AssertionError(f"{victim.name} was never seen inside a sync within {timeout:.0f} s")


def test_a_worker_killed_mid_sync_is_repaired_by_the_resync(celery_cluster):
    # Given two workers, beat sending the resync every 2 s, and a cluster coming alive
    celery_cluster.worker("w1")
    victim = celery_cluster.worker("w2")
    celery_cluster.beat()
    ensure_cluster()
    load_world()
    churn = Churn(threads=3, ops=20, seed=5).start()

    # When w2 is killed with SIGKILL in the middle of a sync, and a replacement starts
    killed_at = kill_while_syncing(victim, celery_cluster.redis)
    lost = [
        s for s in intervals(celery_cluster.redis, {victim.pid: killed_at}) if s[4] == killed_at
    ]
    replacement = celery_cluster.worker("w3")
    churn.join()
    assert not churn.errors, churn.errors  # every change was accepted (or lost a race: 404/409)
    start = time.monotonic()

    # Then the cluster converges (the resync repairs what w2 held)
    settled = wait_converged(timeout=90)
    syncs = intervals(celery_cluster.redis, {victim.pid: killed_at})
    print(
        f"\nkilled w2 inside {[(s[0], s[1]) for s in lost]}; converged {settled:.1f} s after "
        f"the churn ended ({time.monotonic() - start:.1f}); syncs: {summary(syncs)}"
    )
    assert lost, "the victim was killed inside a sync"
    assert any(s[2] == replacement.pid for s in syncs), "the replacement worker synced keys"
    assert "portolan.resync" in celery_cluster.beat_log()

    # and no key was ever synced by two workers at once.
    assert overlaps(syncs) == []
