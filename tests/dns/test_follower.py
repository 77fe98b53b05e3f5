"""The DNS index follows the database: a snapshot, then the change log; a fresh snapshot when
the log cannot continue it. Run in the test's transaction (one thread), step by step."""

from __future__ import annotations

import pytest

from cluster.actions.objects import create_object, delete_object
from cluster.dns import follower as follower_module
from cluster.dns.follower import Follower
from cluster.kinds import by_kind
from cluster.models import ChangeEvent


def make_service(name: str, ns: str = "default") -> str:
    kind = by_kind("Service")
    assert kind is not None
    body = {"metadata": {"name": name}, "spec": {"ports": [{"name": "http", "port": 80}]}}
    return create_object(kind, namespace=ns, body=body)["spec"]["clusterIP"]


def drop_service(name: str, ns: str = "default") -> None:
    kind = by_kind("Service")
    assert kind is not None
    delete_object(kind, namespace=ns, name=name)


def test_snapshot_then_change_log(cluster):
    follower = Follower()
    follower.sync()
    assert follower.snapshots == 1
    assert ("default", "kubernetes") in follower.index.services
    assert follower.sync() == 0  # nothing new: one query, nothing applied

    ip = make_service("web")
    generation = follower.index.generation
    assert follower.sync() >= 1
    assert follower.index.services[("default", "web")].cluster_ips == (ip,)
    assert follower.index.service_ips[ip] == {("default", "web"): None}
    assert follower.index.generation > generation

    drop_service("web")
    follower.sync()
    assert ("default", "web") not in follower.index.services
    assert ip not in follower.index.service_ips
    assert follower.snapshots == 1  # all of it from the change log


def test_events_are_read_in_pages(cluster, monkeypatch):
    monkeypatch.setattr(follower_module, "PAGE", 2)
    follower = Follower()
    follower.sync()
    for i in range(5):
        make_service(f"s{i}")
    follower.sync()
    assert {f"s{i}" for i in range(5)} <= {name for _, name in follower.index.services}
    from cluster.selectors import current_revision

    assert follower.index.revision == current_revision()


def test_a_reset_database_is_read_again(cluster):
    # The revision went backwards (a flushed database): the log cannot continue the index.
    follower = Follower()
    follower.sync()
    follower.index.revision += 1000
    follower.sync()
    assert follower.snapshots == 2


def test_another_event_at_the_same_revision_is_read_again(cluster):
    # Same revision number, another history (the database was recreated and refilled).
    follower = Follower()
    follower.sync()
    at = follower.index.revision
    ChangeEvent.objects.filter(revision=at).update(uid="00000000-0000-0000-0000-0000000000ff")
    make_service("web")
    follower.sync()
    assert follower.snapshots == 2
    assert ("default", "web") in follower.index.services


def test_trimmed_history_is_read_again(cluster):
    follower = Follower()
    follower.sync()
    at = follower.index.revision
    make_service("a")
    make_service("b")
    # The log was trimmed past the index's revision: it cannot catch up from it.
    ChangeEvent.objects.filter(revision__lte=at + 1).delete()
    follower.sync()
    assert follower.snapshots == 2
    assert ("default", "b") in follower.index.services


@pytest.mark.parametrize("kind_name", ["Deployment", "Node"])
def test_kinds_dns_does_not_read_leave_the_index_alone(cluster, kind_name):
    follower = Follower()
    follower.sync()
    generation = follower.index.generation
    if kind_name == "Node":
        from cluster.actions.nodes import set_node_schedulable

        set_node_schedulable(name="node-1", schedulable=False)
    else:
        kind = by_kind("Deployment")
        assert kind is not None
        body = {
            "metadata": {"name": "d"},
            "spec": {
                "selector": {"matchLabels": {"a": "b"}},
                "template": {
                    "metadata": {"labels": {"a": "b"}},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]},
                },
            },
        }
        create_object(kind, namespace="default", body=body)
    assert follower.sync() == 0
    assert follower.index.generation == generation  # the response cache stays valid


def test_pod_ips_come_from_the_snapshot_and_the_log(cluster):
    # pods verified needs every pod's IP per namespace, from the first read and from changes.
    from tests.cluster.controllers.discovery_setup import make_pod, set_pod_status

    make_pod("a", "10.244.1.5")
    follower = Follower()
    follower.sync()
    assert follower.index.pod_ips["10.244.1.5"] == {"default": 1}
    set_pod_status("a", "10.244.1.6")
    follower.sync()
    assert "10.244.1.5" not in follower.index.pod_ips
    assert follower.index.pod_ips["10.244.1.6"] == {"default": 1}
    assert follower.snapshots == 1
