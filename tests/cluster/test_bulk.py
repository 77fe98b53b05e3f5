"""The bulk write path (``cluster.actions.bulk``): many pods in one action, under the same rules
as one create — one transaction, one revision and one change-log event per object, effects
after commit, all or nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection

from cluster.actions.bulk import create_many, seed_pods
from cluster.errors import StatusError
from cluster.events import events_since, reduce, snapshot
from cluster.kinds import by_kind
from cluster.models import ChangeEvent, Pod
from cluster.selectors import current_revision

PODS = "/api/v1/namespaces/default/pods"
ROOT = Path(__file__).resolve().parents[2]


def pod_kind():
    kind = by_kind("Pod")
    assert kind is not None
    return kind


def test_each_pod_gets_its_own_revision_in_order_and_one_added_event(cluster):
    rev0 = current_revision()
    result = seed_pods(namespace="default", count=30)
    assert (result.first_revision, result.last_revision) == (rev0 + 1, rev0 + 30)
    assert current_revision() == rev0 + 30
    events = events_since(rev0)
    assert [e.revision for e in events] == list(range(rev0 + 1, rev0 + 31))
    assert [(e.type, e.kind, e.name) for e in events] == [
        ("ADDED", "Pod", f"pod-{i:05d}") for i in range(30)
    ]
    stored = dict(Pod.objects.values_list("name", "resource_version"))
    assert stored == {e.name: e.revision for e in events}


def test_the_change_log_payload_is_the_stored_object(cluster, api):
    rev0 = current_revision()
    seed_pods(namespace="default", count=12, labels={"tier": "web"}, node_names=["node-1"])
    kind = pod_kind()
    for row in ChangeEvent.objects.filter(revision__gt=rev0):
        pod = Pod.objects.get(namespace="default", name=row.name)
        assert kind.to_k8s(pod) == row.object
        assert api.get(f"{PODS}/{row.name}").body == row.object


def test_events_reduce_the_old_snapshot_to_the_new_one(cluster):
    # The verify_action contract of test_changelog, for the bulk action.
    rev0, before = snapshot()
    seed_pods(namespace="kube-system", count=7, prefix="sys")
    rev1, after = snapshot()
    events = events_since(rev0)
    assert [e.revision for e in events] == list(range(rev0 + 1, rev1 + 1))
    assert reduce(before, events) == after


def test_a_seeded_pod_is_what_the_api_would_have_created(cluster, api):
    seed_pods(namespace="default", count=1, prefix="bulk", labels={"tier": "web"})
    seeded = api.get(f"{PODS}/bulk-00000").body
    body = {
        "metadata": {"name": "single", "labels": {"tier": "web", "app": "app-0"}},
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": "registry.k8s.io/pause:3.10",
                    "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                }
            ]
        },
    }
    created = api.post(PODS, body)
    assert created.status == 201, created
    for obj in (seeded, created.body):
        for key in ("name", "uid", "resourceVersion", "creationTimestamp"):
            obj["metadata"].pop(key)
    assert seeded == created.body


def test_listeners_run_once_after_commit(cluster, django_capture_on_commit_callbacks):
    from cluster import events as ev

    seen = []
    ev.add_listener(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            seed_pods(namespace="default", count=5)
        assert seen == []
        for cb in callbacks:
            cb()
        assert len(seen) == 1
        assert [e.name for e in seen[0].events] == [f"pod-{i:05d}" for i in range(5)]
    finally:
        ev.remove_listener(seen.append)


def test_copy_is_used_on_postgres_only(cluster):
    result = seed_pods(namespace="default", count=3)
    assert result.used_copy == (connection.vendor == "postgresql")


def _assert_nothing_written(rev0: int, pods0: int) -> None:
    assert current_revision() == rev0
    assert not ChangeEvent.objects.filter(revision__gt=rev0).exists()
    assert Pod.objects.count() == pods0


@pytest.mark.parametrize(
    ("bodies", "code", "reason", "message"),
    [
        # registry/generic/registry/store.go Create: a taken name is AlreadyExists (409).
        (
            [{"metadata": {"name": "a"}}, {"metadata": {"name": "taken"}}],
            409,
            "AlreadyExists",
            'pods "taken" already exists',
        ),
        # The same name twice in one batch: the second create would fail the same way.
        (
            [{"metadata": {"name": "twice"}}, {"metadata": {"name": "twice"}}],
            409,
            "AlreadyExists",
            'pods "twice" already exists',
        ),
        # TestValidateObjectMetaNamespaces-style name check (ValidateObjectMeta: bad name).
        (
            [{"metadata": {"name": "ok"}}, {"metadata": {"name": "Bad_Name"}}],
            422,
            "Invalid",
            'Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": ',
        ),
    ],
    ids=["name-taken-in-db", "name-twice-in-batch", "invalid-name"],
)
def test_a_failure_anywhere_in_the_batch_writes_nothing(api, bodies, code, reason, message):
    container = {"name": "app", "image": "nginx"}
    taken = api.post(PODS, {"metadata": {"name": "taken"}, "spec": {"containers": [container]}})
    assert taken.status == 201, taken
    rev0, pods0 = current_revision(), Pod.objects.count()
    for body in bodies:
        body["spec"] = {"containers": [container]}
    with pytest.raises(StatusError) as caught:
        create_many(pod_kind(), namespace="default", bodies=bodies)
    status = caught.value.status()
    assert (status["code"], status["reason"]) == (code, reason)
    assert status["message"].startswith(message)
    _assert_nothing_written(rev0, pods0)


def test_a_missing_namespace_is_not_found_and_writes_nothing(cluster):
    rev0, pods0 = current_revision(), Pod.objects.count()
    with pytest.raises(StatusError) as caught:
        seed_pods(namespace="nowhere", count=3)
    assert caught.value.status()["code"] == 404
    assert caught.value.status()["message"] == 'namespaces "nowhere" not found'
    _assert_nothing_written(rev0, pods0)


def test_an_error_after_the_copy_rolls_back_everything(cluster, monkeypatch):
    from cluster.actions import bulk

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bulk, "_record", broken)
    rev0, pods0 = current_revision(), Pod.objects.count()
    with pytest.raises(RuntimeError):
        seed_pods(namespace="default", count=20)
    _assert_nothing_written(rev0, pods0)


SQLITE_SCRIPT = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    call_command("migrate", verbosity=0)
    from cluster.actions.bootstrap import ensure_cluster
    from cluster.actions.bulk import seed_pods
    from cluster.events import events_since
    from cluster.kinds import by_kind
    from cluster.models import Pod
    from cluster.selectors import current_revision
    ensure_cluster()
    rev0 = current_revision()
    result = seed_pods(namespace="default", count=1200)
    assert connection.vendor == "sqlite" and not result.used_copy
    events = events_since(rev0)
    assert [e.revision for e in events] == list(range(rev0 + 1, rev0 + 1201))
    kind = by_kind("Pod")
    stored = {p.name: kind.to_k8s(p) for p in Pod.objects.all()}
    assert all(stored[e.name] == e.object for e in events)
    print("ok", len(events))
    """
)


def test_the_sqlite_fallback_without_copy(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["PORTOLAN_SQLITE_PATH"] = str(tmp_path / "bulk.sqlite3")
    env["DJANGO_SETTINGS_MODULE"] = "dashboard.settings"
    done = subprocess.run(
        [sys.executable, "-c", SQLITE_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["ok", "1200"]


def test_bulk_created_services_own_their_allocations(cluster, api):
    """Allocation rows name the Service's uid: the row must keep the uid allocate_create
    fixed, or deleting the Service would leave its cluster IP and node port taken."""
    from cluster.models import ClusterIPAllocation, NodePortAllocation, Service

    create_many(
        by_kind("Service"),
        namespace="default",
        bodies=[
            {
                "metadata": {"name": "bulk-np"},
                "spec": {"type": "NodePort", "ports": [{"port": 80}], "selector": {"a": "b"}},
            }
        ],
    )
    svc = Service.objects.get(namespace="default", name="bulk-np")
    ip = ClusterIPAllocation.objects.get(ip=svc.cluster_ip)
    port = NodePortAllocation.objects.get(port=svc.spec["ports"][0]["nodePort"])
    assert ip.service_uid == svc.uid and port.service_uid == svc.uid
    assert api.delete("/api/v1/namespaces/default/services/bulk-np").status == 200
    assert not ClusterIPAllocation.objects.filter(ip=svc.cluster_ip).exists()
    assert not NodePortAllocation.objects.filter(service_uid=svc.uid).exists()
