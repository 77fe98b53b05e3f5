"""The live feed's contract: snapshot with its revision, then every change as an event with its
revision; a gap (a lost broadcast) is repaired from the change log; a reconnect resumes from
the last revision or, when that history is gone, gets a fresh snapshot; a user sees only the
namespaces they may see."""

from __future__ import annotations

import asyncio
import base64

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from cluster import events as ev
from cluster import live
from cluster.actions.objects import create_object, patch_object
from cluster.kinds import by_kind
from cluster.models import ChangeEvent
from dashboard import consumers
from dashboard.asgi import application
from tests.conftest import make_token

pytestmark = [pytest.mark.django_db(transaction=True)]

SVC = {"metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}


def bootstrap():
    from cluster.actions.bootstrap import ensure_cluster

    ensure_cluster()


def create_service(namespace="default", body=None):
    return create_object(by_kind("Service"), namespace=namespace, body=body or SVC)


def connect(path="/ws/topology", token=None):
    subprotocols = ["portolan.v1"]
    if token:
        encoded = base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")
        subprotocols.append(live_token_protocol(encoded))
    return WebsocketCommunicator(
        application, path, subprotocols=subprotocols, headers=[(b"origin", b"http://testserver")]
    )


def live_token_protocol(encoded):
    from cluster.api.auth import BEARER_PROTOCOL_PREFIX

    return BEARER_PROTOCOL_PREFIX + encoded


async def open_feed(**kw):
    comm = connect(**kw)
    connected, _ = await comm.connect()
    assert connected
    first = await comm.receive_json_from(timeout=5)
    return comm, first


async def next_events(comm, timeout=5):
    msg = await comm.receive_json_from(timeout=timeout)
    assert msg["type"] == "events", msg
    return msg


@override_settings(PORTOLAN_ANONYMOUS=True)
async def test_snapshot_then_events_in_revision_order():
    await sync_to_async(bootstrap)()
    comm, first = await open_feed()
    try:
        assert first["type"] == "snapshot"
        names = {(o["kind"], o["metadata"]["name"]) for o in first["objects"]}
        assert ("Service", "kubernetes") in names and ("Node", "node-1") in names
        created = await sync_to_async(create_service)()
        msg = await next_events(comm)
        assert [e["object"]["metadata"]["name"] for e in msg["events"]] == ["web"]
        assert msg["events"][0]["type"] == "ADDED"
        assert msg["events"][0]["object"] == created
        assert msg["revision"] == int(created["metadata"]["resourceVersion"])
        assert msg["revision"] > first["revision"]
    finally:
        await comm.disconnect()


@override_settings(PORTOLAN_ANONYMOUS=True)
async def test_a_lost_broadcast_is_repaired_from_the_change_log(monkeypatch):
    monkeypatch.setattr(consumers, "IDLE_CHECK_SECONDS", 60.0)  # the gap alone must repair it
    await sync_to_async(bootstrap)()
    comm, first = await open_feed()
    try:
        ev.remove_listener(live.broadcast)  # this write's broadcast is "lost"
        try:
            lost = await sync_to_async(create_service)()
        finally:
            ev.add_listener(live.broadcast)
        # The next broadcast starts after a revision the consumer has not seen: it catches up.
        seen = await sync_to_async(create_service)(
            body={"metadata": {"name": "next"}, "spec": {"ports": [{"port": 81}]}}
        )
        names = []
        while len(names) < 2:
            msg = await next_events(comm)
            names += [e["object"]["metadata"]["name"] for e in msg["events"]]
        assert names == ["web", "next"]
        assert msg["revision"] == int(seen["metadata"]["resourceVersion"])
        assert int(lost["metadata"]["resourceVersion"]) < msg["revision"]
    finally:
        await comm.disconnect()


@override_settings(PORTOLAN_ANONYMOUS=True)
async def test_the_last_lost_broadcast_is_noticed_without_further_traffic():
    await sync_to_async(bootstrap)()
    comm, _ = await open_feed()
    try:
        ev.remove_listener(live.broadcast)
        try:
            await sync_to_async(create_service)()
        finally:
            ev.add_listener(live.broadcast)
        msg = await next_events(comm, timeout=5)  # the idle check finds it
        assert [e["object"]["metadata"]["name"] for e in msg["events"]] == ["web"]
    finally:
        await comm.disconnect()


@override_settings(PORTOLAN_ANONYMOUS=True)
async def test_reconnect_resumes_from_the_last_revision():
    await sync_to_async(bootstrap)()
    comm, first = await open_feed()
    await comm.disconnect()
    await sync_to_async(create_service)()  # happens while the client is away
    comm, msg = await open_feed(path=f"/ws/topology?since={first['revision']}")
    try:
        assert msg["type"] == "events"
        assert [e["object"]["metadata"]["name"] for e in msg["events"]] == ["web"]
    finally:
        await comm.disconnect()


@override_settings(PORTOLAN_ANONYMOUS=True)
async def test_resume_from_a_revision_whose_history_is_gone_gets_a_snapshot():
    await sync_to_async(bootstrap)()
    await sync_to_async(create_service)()
    cut = await sync_to_async(
        lambda: ChangeEvent.objects.order_by("-revision").values_list("revision", flat=True).first()
    )()
    await sync_to_async(lambda: ChangeEvent.objects.filter(revision__lt=cut).delete())()
    comm, msg = await open_feed(path="/ws/topology?since=1")
    try:
        assert msg["type"] == "snapshot"
        assert any(o["metadata"]["name"] == "web" for o in msg["objects"])
    finally:
        await comm.disconnect()


@override_settings(PORTOLAN_ANONYMOUS=True)
async def test_resume_from_a_revision_the_server_never_reached_gets_a_snapshot():
    """A client that saw a cluster since reset (its revision is ahead) starts over."""
    await sync_to_async(bootstrap)()
    await sync_to_async(create_service)()
    current = await sync_to_async(live.current_revision)()
    comm, msg = await open_feed(path=f"/ws/topology?since={current + 100}")
    try:
        assert msg["type"] == "snapshot" and msg["revision"] == current
        assert any(o["metadata"]["name"] == "web" for o in msg["objects"])
    finally:
        await comm.disconnect()


async def test_unauthenticated_users_are_refused():
    await sync_to_async(bootstrap)()
    comm = connect()
    connected, _ = await comm.connect()
    assert connected
    msg = await comm.receive_json_from(timeout=5)
    assert msg == {"type": "error", "code": 401, "message": "Unauthorized"}
    out = await comm.receive_output(timeout=5)
    assert out["type"] == "websocket.close"


async def test_a_namespaced_user_sees_only_their_namespace():
    def setup():
        bootstrap()
        create_object(by_kind("Namespace"), namespace="", body={"metadata": {"name": "team-a"}})
        return make_token("alice", namespace="team-a", role="viewer")

    token = await sync_to_async(setup)()
    comm, first = await open_feed(token=token)
    try:
        assert first["type"] == "snapshot"
        seen = {
            (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"])
            for o in first["objects"]
        }
        assert ("Namespace", "", "team-a") in seen
        assert not any(ns == "default" for _, ns, _ in seen)
        assert any(kind == "Node" for kind, _, _ in seen)
        await sync_to_async(create_service)()  # default: invisible
        await sync_to_async(create_service)(namespace="team-a")
        msg = await next_events(comm)
        assert [
            (e["object"]["metadata"]["namespace"], e["object"]["metadata"]["name"])
            for e in msg["events"]
        ] == [("team-a", "web")]
    finally:
        await comm.disconnect()


async def test_a_bad_token_is_refused():
    await sync_to_async(bootstrap)()
    comm, msg = await open_feed(token="not-a-token")
    assert msg["code"] == 401
    await comm.disconnect()


@override_settings(PORTOLAN_ANONYMOUS=True)
async def test_big_transactions_are_read_from_the_log(monkeypatch):
    await sync_to_async(bootstrap)()
    monkeypatch.setattr(live, "INLINE_EVENTS_MAX", 0)  # announce ranges only
    comm, _ = await open_feed()
    try:
        created = await sync_to_async(create_service)()
        patched, _ = await sync_to_async(patch_object)(
            by_kind("Service"),
            namespace="default",
            name="web",
            patch_type="application/merge-patch+json",
            patch={"metadata": {"labels": {"a": "b"}}},
        )
        names = []
        while len(names) < 2:
            msg = await next_events(comm)
            names += [
                (e["type"], e["object"]["metadata"]["resourceVersion"]) for e in msg["events"]
            ]
        assert names == [
            ("ADDED", created["metadata"]["resourceVersion"]),
            ("MODIFIED", patched["metadata"]["resourceVersion"]),
        ]
    finally:
        await comm.disconnect()
        await asyncio.sleep(0)


@override_settings(PORTOLAN_ANONYMOUS=True)
async def test_the_topology_view_trims_objects_in_the_snapshot_events_and_catch_up():
    await sync_to_async(bootstrap)()
    comm, first = await open_feed(path="/ws/topology?view=topology")
    try:
        kinds = {o["kind"] for o in first["objects"]}
        assert "EndpointSlice" not in kinds and {"Service", "Node", "Endpoints"} <= kinds
        node = next(o for o in first["objects"] if o["kind"] == "Node")
        assert "uid" not in node["metadata"] and "managedFields" not in node["metadata"]
        assert [c["type"] for c in node["status"]["conditions"]] == ["Ready"]
        created = await sync_to_async(create_service)()
        msg = await next_events(comm)
        [event] = msg["events"]
        assert event["object"]["spec"] == created["spec"]  # a Service's spec is whole
        assert "uid" not in event["object"]["metadata"]
        assert "resourceVersion" not in event["object"]["metadata"]
        assert event["revision"] == msg["revision"] == int(created["metadata"]["resourceVersion"])
    finally:
        await comm.disconnect()
    # A resumed client gets the same trimmed objects from the change log.
    await sync_to_async(patch_object)(
        by_kind("Service"),
        namespace="default",
        name="web",
        patch_type="application/merge-patch+json",
        patch={"metadata": {"labels": {"tier": "front"}}},
    )
    comm, msg = await open_feed(path=f"/ws/topology?view=topology&since={msg['revision']}")
    try:
        assert msg["type"] == "events"
        [event] = msg["events"]
        assert event["object"]["metadata"]["labels"] == {"tier": "front"}
        assert "uid" not in event["object"]["metadata"]
    finally:
        await comm.disconnect()


@override_settings(PORTOLAN_ANONYMOUS=True)
async def test_an_unknown_view_is_refused_with_a_message():
    comm = connect(path="/ws/topology?view=everything")
    connected, _ = await comm.connect()
    assert connected
    msg = await comm.receive_json_from(timeout=5)
    assert msg["type"] == "error" and msg["code"] == 400
    assert '"everything"' in msg["message"] and '"topology"' in msg["message"]
    await comm.disconnect()


@override_settings(PORTOLAN_ANONYMOUS=True)
async def test_a_reused_snapshot_is_caught_up_to_the_present(monkeypatch):
    """Clients connecting together share one snapshot; a later one gets it with the events
    committed since, so it still ends where the cluster stands."""
    await sync_to_async(bootstrap)()
    reads = []
    original = live.snapshot
    monkeypatch.setattr(live, "snapshot", lambda *a: reads.append(a) or original(*a))
    monkeypatch.setattr(live, "SNAPSHOT_REUSE_SECONDS", 60.0)
    first, snap1 = await open_feed(path="/ws/topology?view=topology")
    created = await sync_to_async(create_service)()
    await next_events(first)
    second, snap2 = await open_feed(path="/ws/topology?view=topology")
    try:
        assert len(reads) == 1  # read once, sent twice
        assert snap2 == snap1 and snap2["revision"] < int(created["metadata"]["resourceVersion"])
        caught_up = await next_events(second)
        assert [e["object"]["metadata"]["name"] for e in caught_up["events"]] == ["web"]
        assert caught_up["revision"] == int(created["metadata"]["resourceVersion"])
    finally:
        await first.disconnect()
        await second.disconnect()
