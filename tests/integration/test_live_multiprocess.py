"""Issue 4's live feed in the distributed mode, with real processes: two web processes
(``manage.py serve`` on Postgres and Redis, the channel layer being channels_redis's pub/sub
layer, no controllers of their own) and a Celery worker. A change made through web process A
and reconciled by the worker reaches a WebSocket client of web process B, every revision once
and in order; after web process B is killed and started again, the client resumes from its
last revision and gets what changed meanwhile replayed, not a snapshot."""

from __future__ import annotations

import asyncio
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from cluster import live
from cluster.actions.bootstrap import ensure_cluster
from cluster.liveview import in_view
from cluster.models import ChangeEvent
from tests.integration.conftest import REDIS_URL, attach_log
from tests.integration.processes import Process, start_web

pytestmark = pytest.mark.slow

Obj = dict[str, Any]
NS = "default"
APP = "feed-web"
DEPLOYMENT: Obj = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": APP},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": APP}},
        "template": {
            "metadata": {"labels": {"app": APP}},
            "spec": {
                "containers": [
                    {
                        "name": "web",
                        "image": "nginx:1.27",
                        "ports": [{"name": "http", "containerPort": 8080}],
                    }
                ]
            },
        },
    },
}
SERVICE: Obj = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": APP},
    "spec": {"selector": {"app": APP}, "ports": [{"port": 80, "targetPort": "http"}]},
}


class Feed:
    """A WebSocket client of ``/ws/topology`` as the browser opens it (subprotocol
    ``portolan.v1``, an Origin of the server's own host), reading in a thread; every message
    is kept in ``messages`` in arrival order."""

    def __init__(self, base_url: str, *, view: str, since: int | None = None) -> None:
        self.view = view
        ws_url = base_url.replace("http://", "ws://") + f"/ws/topology?view={view}"
        if since is not None:
            ws_url += f"&since={since}"
        self.conn: ClientConnection = connect(
            ws_url,
            subprotocols=["portolan.v1"],  # type: ignore[list-item]
            origin=base_url,  # type: ignore[arg-type]
            max_size=None,
            open_timeout=20,
            legacy=True,  # a connection, closed by close()
        )
        assert self.conn.subprotocol == "portolan.v1"
        self.messages: list[Obj] = []
        self._arrived: queue.Queue[Obj | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            for raw in self.conn:
                self._arrived.put(json.loads(raw))
        except ConnectionClosed:
            pass
        finally:
            self._arrived.put(None)

    def next(self, timeout: float = 20) -> Obj:
        try:
            msg = self._arrived.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no message within {timeout:.0f} s") from None
        if msg is None:
            raise AssertionError(f"the feed closed after {len(self.messages)} message(s)")
        self.messages.append(msg)
        return msg

    def wait_for(self, what: str, found: Callable[[Obj], bool], timeout: float = 60) -> Obj:
        """Read messages until an event's object satisfies ``found``; returns that event."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"not within {timeout:.0f} s: {what}")
            msg = self.next(timeout=left)
            assert msg["type"] == "events", msg
            for event in msg["events"]:
                if found(event):
                    return event

    def events(self) -> list[Obj]:
        return [e for m in self.messages if m["type"] == "events" for e in m["events"]]

    def close(self) -> None:
        self.conn.close()
        self._reader.join(timeout=10)


class LayerListener:
    """A member of the live group on the Redis pub/sub channel layer (as a web process's
    consumer is): records the revision range of every broadcast that crosses Redis."""

    def __init__(self) -> None:
        self.ranges: list[tuple[int, int]] = []
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)
        self._thread.start()
        assert self._ready.wait(10), "could not join the live group on Redis"

    async def _run(self) -> None:
        from channels_redis.pubsub import RedisPubSubChannelLayer
        from django.conf import settings

        # The web processes' prefix (they inherit PORTOLAN_CHANNEL_PREFIX from this process).
        prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"].get("prefix", "asgi")
        layer = RedisPubSubChannelLayer(hosts=[REDIS_URL], prefix=prefix)
        channel = await layer.new_channel()
        await layer.group_add(live.GROUP, channel)
        self._ready.set()
        try:
            while not self._stop.is_set():
                try:
                    msg = await asyncio.wait_for(layer.receive(channel), timeout=0.2)
                except TimeoutError:
                    continue
                self.ranges.append((msg["after"], msg["last"]))
        finally:
            await layer.group_discard(live.GROUP, channel)
            await layer.flush()

    def carried(self, revision: int) -> bool:
        return any(after < revision <= last for after, last in self.ranges)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)


def change_log(after: int, upto: int, view: str = "full") -> list[tuple[int, str, str, str]]:
    """(revision, type, kind, name) of every change in (after, upto] that ``view`` shows, from
    the source of truth."""
    rows = (
        ChangeEvent.objects.filter(revision__gt=after, revision__lte=upto)
        .order_by("revision")
        .values_list("revision", "type", "kind", "name")
    )
    return [row for row in rows if in_view(row[2], view)]


def explain(feed: Feed, start: int, upto: int) -> str:
    """The messages received (revision: event revisions) and the change log, for a failure."""
    lines = [f"messages after {start} ({feed.view} view):"]
    lines += [f"  {m['revision']}: {[e['revision'] for e in m['events']]}" for m in feed.messages]
    lines += ["change log:"] + [f"  {row}" for row in change_log(start, upto)]
    return "\n".join(lines)


def assert_complete(feed: Feed, start: int) -> int:
    """The feed's event messages, from revision ``start`` on, carry exactly the change log's
    events that the feed's view shows: each once, in order, every message standing at or past
    its last event and each next message starting after it. Returns where the feed stands."""
    upto = feed.messages[-1]["revision"]
    stood = start
    for msg in feed.messages:
        assert msg["type"] == "events" and msg["events"], explain(feed, start, upto)
        revisions = [e["revision"] for e in msg["events"]]
        assert stood < revisions[0] and revisions == sorted(set(revisions)), explain(
            feed, start, upto
        )
        assert revisions[-1] <= msg["revision"], explain(feed, start, upto)
        stood = msg["revision"]
    got = [
        (e["revision"], e["type"], e["object"]["kind"], e["object"]["metadata"]["name"])
        for e in feed.events()
    ]
    assert got == change_log(start, upto, feed.view), explain(feed, start, upto)
    return upto


def ready_ips(endpoints: Obj) -> list[str]:
    return sorted(a["ip"] for s in endpoints.get("subsets") or [] for a in s.get("addresses") or [])


def is_endpoints_with(count: int) -> Callable[[Obj], bool]:
    def found(event: Obj) -> bool:
        obj = event["object"]
        return (
            obj["kind"] == "Endpoints"
            and obj["metadata"]["name"] == APP
            and len(ready_ips(obj)) == count
        )

    return found


class Api:
    """The REST API of one web process (anonymous: the operator opened it)."""

    def __init__(self, base_url: str) -> None:
        self.base = base_url
        self.http = requests.Session()

    def post(self, path: str, body: Obj) -> Obj:
        answer = self.http.post(self.base + path, json=body, timeout=30)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def patch(self, path: str, body: Obj) -> Obj:
        answer = self.http.patch(
            self.base + path,
            data=json.dumps(body),
            headers={"Content-Type": "application/merge-patch+json"},
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    def get(self, path: str) -> Obj:
        answer = self.http.get(self.base + path, timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture
def webs(celery_cluster, request) -> Iterator[dict[str, Any]]:
    """A Celery worker and web processes A and B on the test database and Redis."""
    celery_cluster.worker("w1")
    ensure_cluster()
    env = dict(celery_cluster.env, PORTOLAN_ANONYMOUS="1")
    started: list[Process] = []

    def web(name: str, port: int | None = None) -> str:
        process, url = start_web(name, env, celery_cluster.dir, port=port)
        started.append(process)
        attach_log(request, name, process.log)
        return url

    try:
        yield {"web": web, "processes": started}
    finally:
        for process in reversed(started):
            process.stop()


def test_a_change_through_web_a_reconciled_by_a_worker_reaches_a_client_of_web_b(webs):
    # Given web processes A and B, and a client of B holding a snapshot
    url_a = webs["web"]("web-a")
    url_b = webs["web"]("web-b")
    listener = LayerListener()
    feed = Feed(url_b, view="topology")
    try:
        snapshot = feed.next()
        assert snapshot["type"] == "snapshot"
        start = snapshot["revision"]
        assert 0 < start <= ChangeEvent.objects.order_by("-revision")[0].revision
        names = {(o["kind"], o["metadata"]["name"]) for o in snapshot["objects"]}
        assert ("Service", "kubernetes") in names and ("Node", "node-1") in names
        assert "EndpointSlice" not in {kind for kind, _ in names}  # not in the topology view
        feed.messages.clear()

        # When a Deployment and a Service are created through A's REST API
        api_a = Api(url_a)
        api_a.post(f"/apis/apps/v1/namespaces/{NS}/deployments", DEPLOYMENT)
        service = api_a.post(f"/api/v1/namespaces/{NS}/services", SERVICE)

        # Then B's client receives the Service as A wrote it
        added = feed.wait_for(
            "the Service event",
            lambda e: e["object"]["kind"] == "Service" and e["object"]["metadata"]["name"] == APP,
        )
        assert added["type"] == "ADDED"
        assert added["revision"] == int(service["metadata"]["resourceVersion"])
        assert added["object"]["spec"]["clusterIP"] == service["spec"]["clusterIP"]

        # and the Endpoints the worker wrote once both pods were Ready (the web processes
        # run no controllers: only the worker writes Endpoints)
        endpoints = feed.wait_for("Endpoints with 2 ready addresses", is_endpoints_with(2))
        pods = api_a.get(f"/api/v1/namespaces/{NS}/pods?labelSelector=app%3D{APP}")["items"]
        assert ready_ips(endpoints["object"]) == sorted(p["status"]["podIP"] for p in pods)
        assert {p["port"] for s in endpoints["object"]["subsets"] for p in s["ports"]} == {8080}

        # with every revision since the snapshot exactly once, in order, as the change log has it
        last = assert_complete(feed, start)

        # and both the API write (web A) and the reconcile (the worker) crossed Redis
        assert listener.carried(added["revision"]), listener.ranges
        assert listener.carried(endpoints["revision"]), listener.ranges
    finally:
        feed.close()
        listener.stop()
    print(f"\n{len(feed.events())} events from revision {start} to {last}")


def test_a_client_of_a_restarted_web_process_gets_the_missed_changes_replayed(webs):
    # Given a client of web process B that has seen the demo-like Deployment come alive
    url_a = webs["web"]("web-a")
    url_b = webs["web"]("web-b")
    port_b = int(url_b.rsplit(":", 1)[1])
    web_b = webs["processes"][-1]
    api_a = Api(url_a)
    feed = Feed(url_b, view="full")
    try:
        start = feed.next()["revision"]
        feed.messages.clear()  # the snapshot
        api_a.post(f"/apis/apps/v1/namespaces/{NS}/deployments", DEPLOYMENT)
        api_a.post(f"/api/v1/namespaces/{NS}/services", SERVICE)
        feed.wait_for("Endpoints with 2 ready addresses", is_endpoints_with(2))
        last = assert_complete(feed, start)
    finally:
        feed.close()

    # When B is killed (no shutdown code runs) and the cluster changes meanwhile through A
    web_b.kill9()
    api_a.patch(f"/apis/apps/v1/namespaces/{NS}/deployments/{APP}", {"spec": {"replicas": 3}})
    deadline = time.monotonic() + 60
    while len(ready_ips(api_a.get(f"/api/v1/namespaces/{NS}/endpoints/{APP}"))) != 3:
        assert time.monotonic() < deadline, "the third endpoint did not appear within 60 s"
        time.sleep(0.2)
    missed_upto = ChangeEvent.objects.order_by("-revision").values_list("revision", flat=True)[0]
    assert missed_upto > last

    # and B is started again (same port), the client reconnecting from its last revision
    webs["web"]("web-b", port=port_b)
    resumed = Feed(url_b, view="full", since=last)
    try:
        # Then what changed in between is replayed as events (not a snapshot)
        first = resumed.next()
        assert first["type"] == "events", first["type"]
        while resumed.messages[-1]["revision"] < missed_upto:
            resumed.next()
        upto = assert_complete(resumed, last)
        replayed = resumed.events()
        kinds = {(e["object"]["kind"], e["type"]) for e in replayed}
        assert ("Deployment", "MODIFIED") in kinds and ("Pod", "ADDED") in kinds
        scaled = [e for e in replayed if e["object"]["kind"] == "Deployment"]
        assert any(e["object"]["spec"]["replicas"] == 3 for e in scaled)
        assert any(is_endpoints_with(3)(e) for e in replayed)

        # and the feed stays live after the replay: a change made through A arrives too
        api_a.patch(
            f"/api/v1/namespaces/{NS}/services/{APP}",
            {"metadata": {"labels": {"resumed": "yes"}}},
        )
        relabelled = resumed.wait_for(
            "the relabelled Service",
            lambda e: (
                e["object"]["kind"] == "Service"
                and (e["object"]["metadata"].get("labels") or {}).get("resumed") == "yes"
            ),
        )
        assert relabelled["revision"] > upto
        assert_complete(resumed, last)
    finally:
        resumed.close()
