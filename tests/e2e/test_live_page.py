"""The dashboard in Debian's Chromium, through its test hooks (``window.portolan``): the demo's
first frame, a change made elsewhere reaching the page and being drawn, and the page resuming
after the web process is killed and started again without missing a change."""

from __future__ import annotations

import time
from typing import Any

import pytest

from cluster.liveview import project
from tests.e2e.support import (
    DEMO_LABELS,
    Api,
    LiveServer,
    batches,
    drawn_view,
    record_batches,
    stats,
    store_get,
    store_objects,
    store_revision,
    store_status,
    wait_rendered,
    wait_store,
    wait_until,
)

pytestmark = pytest.mark.slow

Obj = dict[str, Any]
# What the topology view carries, with the API path that lists it.
KINDS = {
    "Namespace": "/api/v1/namespaces",
    "Node": "/api/v1/nodes",
    "Pod": "/api/v1/pods",
    "Service": "/api/v1/services",
    "Endpoints": "/api/v1/endpoints",
    "Deployment": "/apis/apps/v1/deployments",
    "ReplicaSet": "/apis/apps/v1/replicasets",
}
EXTRA_SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: while-down
  namespace: default
spec:
  selector:
    run: load-balancer-example
  ports:
  - name: http
    port: 9090
    targetPort: 8080
"""


def demo_pods(page: Any) -> list[Obj]:
    key, value = DEMO_LABELS.split("=")
    return [
        p for p in store_objects(page, "Pod") if p["metadata"].get("labels", {}).get(key) == value
    ]


def by_name(objects: list[Obj]) -> dict[tuple[str, str], Obj]:
    return {(o["metadata"].get("namespace", ""), o["metadata"]["name"]): o for o in objects}


def assert_store_matches_cluster(page: Any, api: Api, timeout: float = 20) -> int:
    """Once the page stands at the cluster's revision, it holds exactly the cluster's objects
    of every kind in the view, each as the topology view shows the API's current JSON.
    Returns that revision."""
    revision = wait_until(
        lambda: (r := api.revision()) == store_revision(page) and r,
        timeout=timeout,
        what="the page at the cluster's revision",
    )
    for kind, path in KINDS.items():
        listed = api.ok("get", path)
        assert int(listed["metadata"]["resourceVersion"]) == revision, "the cluster moved on"
        expected = by_name([project(kind, o, "topology") for o in listed["items"]])
        held = by_name(store_objects(page, kind))
        assert held.keys() == expected.keys(), kind
        for key, obj in expected.items():
            assert held[key] == obj, (kind, key)
    return revision


def test_the_demo_opens_with_its_service_and_both_pods_drawn(page, api):
    # Given the demo alive, the page's first frame has been drawn
    first = page.evaluate("window.portolan.firstFrame")
    assert first["elements"] > 0 and first["ms"] > 0

    # Then the page holds example-service and the two hello-world pods the API lists
    demo = api.demo_state()
    service = store_get(page, "Service", "default", "example-service")
    assert service is not None
    assert [(p["port"], p["targetPort"]) for p in service["spec"]["ports"]] == [(8080, 8080)]
    assert sorted(p["metadata"]["name"] for p in demo_pods(page)) == sorted(demo["pods"])
    assert store_status(page) == "live"

    # and the frame drawn covers what it holds: example-service with a "selects" edge to
    # each pod, every element of the view drawn
    revision = assert_store_matches_cluster(page, api)
    assert wait_rendered(page, revision) >= revision
    view = drawn_view(page)
    service_id = "svc:default/example-service"
    assert service_id in view["nodes"]
    for name in demo["pods"]:
        assert f"pod:default/{name}" in view["nodes"]
        assert [service_id, f"pod:default/{name}", "selects"] in view["edges"]
    drawn = stats(page)
    assert drawn["renderedRevision"] >= revision
    # (default/kubernetes, example-service, kube-system/kube-dns; the two demo pods and coredns')
    listed = {k: len(api.ok("get", f"/api/v1/{k}")["items"]) for k in ("services", "pods")}
    assert (drawn["services"], drawn["pods"]) == (listed["services"], listed["pods"]) == (3, 4)
    assert (drawn["drawnNodes"], drawn["drawnEdges"]) == (len(view["nodes"]), len(view["edges"]))


def test_a_pod_added_through_the_api_reaches_the_page_and_is_drawn(page, api):
    # Given the demo drawn
    before = stats(page)

    # When the Deployment is scaled through the API (not the page)
    api.ok(
        "patch",
        "/apis/apps/v1/namespaces/default/deployments/hello-world",
        {"spec": {"replicas": 3}},
    )
    api.wait_demo_alive(replicas=3)

    # Then the third pod arrives in the page as a change (no reload), Ready, and is drawn
    wait_store(
        page,
        "(s, label) => [...s.all('Pod')].filter(p => (p.metadata.labels || {}).run === label"
        " && (p.status.conditions || []).some(c => c.type === 'Ready' && c.status === 'True'))"
        ".length === 3",
        "load-balancer-example",
    )
    revision = assert_store_matches_cluster(page, api)
    wait_rendered(page, revision)
    after = stats(page)
    assert after["drawnNodes"] > before["drawnNodes"], (before, after)


def test_the_page_resumes_without_a_missed_change_after_the_server_is_killed_and_restarted(
    page, server: LiveServer, api
):
    # Given the page live on the demo, recording every batch its store applies
    record_batches(page)
    stood = store_revision(page)
    failing = sorted(p["metadata"]["name"] for p in demo_pods(page))[0]

    # When the web process is killed, the page loses its feed
    server.kill()
    wait_until(
        lambda: store_status(page) in ("reconnecting", "connecting"),
        timeout=15,
        what="the page noticing the server is gone",
    )

    # and the cluster changes while it is down (an operator's commands on its database)
    server.manage("readiness", failing, "--fail")
    server.manage("apply", "-f", "-", stdin=EXTRA_SERVICE)
    time.sleep(1)  # the page keeps retrying against a closed port

    # and the server is started again
    server.start()

    # Then the page resumes from where it stood: the missed changes arrive as events (no
    # snapshot replaces its state), including the start-up reconcile's Endpoints
    wait_store(
        page,
        "(s, pod) => { const e = s.get('Endpoints', 'default', 'example-service');"
        " return !!e && (e.subsets || []).some(x => (x.notReadyAddresses || [])"
        ".some(a => a.targetRef && a.targetRef.name === pod)); }",
        failing,
        timeout=30,
    )
    assert store_get(page, "Service", "default", "while-down") is not None
    assert store_status(page) == "live"
    applied = batches(page)
    assert applied and not any(b["reset"] for b in applied), applied
    assert applied[0]["revision"] > stood

    # and nothing was missed: it holds exactly the cluster's objects at their versions,
    # and draws them
    revision = assert_store_matches_cluster(page, api)
    wait_rendered(page, revision)
