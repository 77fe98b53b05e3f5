"""What a user does on the dashboard, in Debian's Chromium: create a NodePort Service through
the form (a validation error first, shown next to its field; the live preview of matched pods),
see its edges, port chain and entry point appear; scale the Deployment and see a pod join; mark
a pod not ready and see its endpoint turn not ready; and the README's screenshot of the demo."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.e2e.support import ROOT, Api, screenshot, wait_store, wait_until

pytestmark = pytest.mark.slow

Obj = dict[str, Any]
README_SCREENSHOT = ROOT / "docs" / "demo-topology.png"


def by_testid(page: Any, testid: str) -> Any:
    return page.locator(f'[data-testid="{testid}"]')


def view_edges(page: Any, source: str) -> list[Obj]:
    return page.evaluate("(s) => window.portolan.view().edges.filter(e => e.source === s)", source)


def view_node(page: Any, node_id: str) -> Obj | None:
    return page.evaluate(
        "(id) => window.portolan.view().nodes.find(n => n.id === id) ?? null", node_id
    )


def demo_pod_names(api: Api) -> list[str]:
    pods = api.ok(
        "get", "/api/v1/namespaces/default/pods?labelSelector=run%3Dload-balancer-example"
    )
    return sorted(
        p["metadata"]["name"] for p in pods["items"] if not p["metadata"].get("deletionTimestamp")
    )


def test_create_a_nodeport_service_through_the_form(page: Any, api: Api) -> None:
    pods = demo_pod_names(api)
    by_testid(page, "toolbar-action-new-service").click()
    form = by_testid(page, "service-form")
    form.wait_for(state="visible")
    by_testid(page, "svc-name").fill("web-np")
    by_testid(page, "svc-type").select_option("NodePort")
    by_testid(page, "svc-selector-key-0").fill("run")
    by_testid(page, "svc-selector-value-0").fill("load-balancer-example")
    by_testid(page, "svc-port-port-0").fill("80")
    by_testid(page, "svc-port-target-0").fill("8080")
    by_testid(page, "svc-port-nodeport-0").fill("80")  # outside 30000-32767

    # While typing, the preview shows which pods the selector matches and how the port resolves.
    for pod in pods:
        cell = by_testid(page, f"svc-preview-port-0-pod-{pod}")
        cell.wait_for(state="attached")
        wait_until(
            lambda c=cell: c.get_attribute("data-state") == "ready",
            timeout=15,
            what=f"the preview to show {pod}'s port 8080 as a ready endpoint",
        )

    # The server's validation error appears next to the nodePort field; nothing is written.
    by_testid(page, "svc-save").click()
    error = by_testid(page, "svc-port-nodeport-0-error")
    error.wait_for(state="visible")
    assert "30000-32767" in error.inner_text()
    assert by_testid(page, "svc-port-nodeport-0").get_attribute("aria-invalid") == "true"
    assert api.get("/api/v1/namespaces/default/services/web-np")[0] == 404

    by_testid(page, "svc-port-nodeport-0").fill("30080")
    by_testid(page, "svc-save").click()
    form.wait_for(state="hidden")
    created = api.ok("get", "/api/v1/namespaces/default/services/web-np")
    assert created["spec"]["type"] == "NodePort"
    assert created["spec"]["ports"][0]["nodePort"] == 30080

    # The graph draws the service, its edges to both pods with the port chain, and its entry.
    wait_store(page, "(s) => !!s.get('Service', 'default', 'web-np')")
    page.wait_for_function(
        """() => window.portolan.view().edges.filter(
             e => e.source === 'svc:default/web-np' && e.type === 'selects' && e.ready === true
           ).length === 2""",
        timeout=15000,
    )
    edges = view_edges(page, "svc:default/web-np")
    assert sorted(e["target"] for e in edges if e["type"] == "selects") == [
        f"pod:default/{p}" for p in pods
    ]
    chain = next(e for e in edges if e["type"] == "selects")["chains"][0]
    assert (chain["servicePort"], chain["targetPort"], chain["containerPort"]) == (80, 8080, 8080)
    assert chain["resolved"] is True and chain["nodePort"] == 30080
    entry = view_node(page, "entry:nodeport:default/web-np:30080")
    assert entry is not None
    assert "172.18.0.2:30080" in entry["data"]["addresses"]
    # The drawn graph (not only the model) has the new elements.
    drawn = page.evaluate(
        "() => window.portolan.graph.cy.$id('svc:default/web-np').length"
        " + window.portolan.graph.cy.$id('entry:nodeport:default/web-np:30080').length"
    )
    assert drawn == 2


def test_scaling_the_deployment_adds_a_pod_to_the_graph(page: Any, api: Api) -> None:
    page.evaluate("() => window.portolan.select('wl:default/Deployment/hello-world')")
    by_testid(page, "object-action-scale").click()
    by_testid(page, "scale-dialog").wait_for(state="visible")
    by_testid(page, "scale-replicas").fill("3")
    by_testid(page, "scale-ok").click()
    by_testid(page, "scale-dialog").wait_for(state="hidden")

    page.wait_for_function(
        """() => { const n = window.portolan.view().nodes.find(
                     n => n.id === 'wl:default/Deployment/hello-world');
                   return n && n.data.total === 3 && n.data.ready === 3; }""",
        timeout=30000,
    )
    assert (
        api.ok("get", "/apis/apps/v1/namespaces/default/deployments/hello-world")["spec"][
            "replicas"
        ]
        == 3
    )
    pods = demo_pod_names(api)
    assert len(pods) == 3
    page.wait_for_function(
        """(n) => window.portolan.view().edges.filter(
             e => e.source === 'svc:default/example-service' && e.type === 'selects'
                  && e.ready === true).length === n""",
        arg=3,
        timeout=15000,
    )


def test_marking_a_pod_not_ready_turns_its_endpoint_not_ready(page: Any, api: Api) -> None:
    pod = demo_pod_names(api)[0]
    page.evaluate("(id) => window.portolan.select(id)", f"pod:default/{pod}")
    by_testid(page, "object-action-mark-not-ready").click()

    page.wait_for_function(
        """(id) => { const e = window.portolan.view().edges.find(
                       e => e.source === 'svc:default/example-service' && e.target === id);
                     return e && e.ready === false && e.endpoint === 'notReady'; }""",
        arg=f"pod:default/{pod}",
        timeout=15000,
    )
    endpoints = api.ok("get", "/api/v1/namespaces/default/endpoints/example-service")
    not_ready = [
        a["targetRef"]["name"] for s in endpoints["subsets"] for a in s.get("notReadyAddresses", [])
    ]
    assert not_ready == [pod]
    # The pod is drawn as not ready (its own class), and the service names the problem.
    classes = page.evaluate(
        "(id) => window.portolan.graph.cy.$id(id).classes()", f"pod:default/{pod}"
    )
    assert "not-ready" in classes
    service = page.evaluate(
        "() => window.portolan.view().nodes.find(n => n.id === 'svc:default/example-service')"
    )
    assert service["data"]["endpoints"] == {"ready": 1, "notReady": 1, "total": 2}


def test_the_readme_screenshot_of_the_demo(page: Any) -> None:
    """Writes the demo topology's picture (``var/e2e/demo-topology.png``; with
    ``PORTOLAN_UPDATE_SCREENSHOTS=1`` — ``make screenshots`` — also the README's copy)."""
    page.wait_for_function("() => window.portolan.stats().layout !== 'pending'", timeout=15000)
    page.wait_for_timeout(1200)  # the layout's one animation, and the arrival flashes
    path = screenshot(page, "demo-topology")
    assert path.stat().st_size > 10_000
    if os.environ.get("PORTOLAN_UPDATE_SCREENSHOTS") == "1" or not README_SCREENSHOT.exists():
        README_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        README_SCREENSHOT.write_bytes(path.read_bytes())
