"""Issue 5 in the browser: resolving a name from a pod (the search path tried step by step)
and sending simulated traffic from a pod to a Service, whose distribution is reported and whose
path is marked on the graph."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.support import Api

pytestmark = pytest.mark.slow


def by_testid(page: Any, testid: str) -> Any:
    return page.locator(f'[data-testid="{testid}"]')


def first_demo_pod(api: Api) -> str:
    pods = api.ok(
        "get", "/api/v1/namespaces/default/pods?labelSelector=run%3Dload-balancer-example"
    )
    return sorted(p["metadata"]["name"] for p in pods["items"])[0]


def test_resolve_a_name_from_a_pod_shows_the_search_path(page: Any, api: Api) -> None:
    pod = first_demo_pod(api)
    page.evaluate("(id) => window.portolan.select(id)", f"pod:default/{pod}")
    section = by_testid(page, "pod-dns")
    section.wait_for(state="attached")
    if section.get_attribute("open") is None:
        section.locator("summary").click()
    resolv = by_testid(page, "pod-resolv-conf")
    resolv.wait_for(state="visible")
    text = resolv.inner_text()
    assert "nameserver 10.96.0.10" in text
    assert "search default.svc.cluster.local svc.cluster.local cluster.local" in text
    assert "ndots:5" in text

    by_testid(page, "dns-name").fill("kube-dns.kube-system")
    by_testid(page, "dns-resolve").click()
    answer = by_testid(page, "dns-answer")
    answer.wait_for(state="visible")
    assert answer.get_attribute("data-resolved") == "true"
    tries = by_testid(page, "dns-try")
    tried = [
        (tries.nth(i).get_attribute("data-name"), tries.nth(i).get_attribute("data-rcode"))
        for i in range(tries.count())
    ]
    # One dot < ndots:5, so the search list comes first: the pod's namespace misses.
    assert tried[:2] == [
        ("kube-dns.kube-system.default.svc.cluster.local.", "NXDOMAIN"),
        ("kube-dns.kube-system.svc.cluster.local.", "NOERROR"),
    ]
    assert "10.96.0.10" in answer.inner_text()


def test_traffic_from_a_pod_to_a_service_spreads_over_its_endpoints(page: Any, api: Api) -> None:
    pod = first_demo_pod(api)
    page.evaluate("(id) => window.portolan.select(id)", f"pod:default/{pod}")
    by_testid(page, "send-traffic-from").click()
    by_testid(page, "traffic-dialog").wait_for(state="visible")
    assert by_testid(page, "traffic-source-pod").input_value() == f"default/{pod}"
    by_testid(page, "traffic-destination").fill("example-service:8080")
    by_testid(page, "traffic-count").fill("200")
    by_testid(page, "traffic-seed").fill("7")
    by_testid(page, "traffic-run").click()
    by_testid(page, "traffic-result").wait_for(state="visible")
    rows = by_testid(page, "traffic-endpoint")
    rows.first.wait_for(state="attached")
    counts = {
        rows.nth(i).get_attribute("data-pod"): int(rows.nth(i).get_attribute("data-count"))
        for i in range(rows.count())
    }
    pods = api.ok(
        "get", "/api/v1/namespaces/default/pods?labelSelector=run%3Dload-balancer-example"
    )
    names = sorted(p["metadata"]["name"] for p in pods["items"])
    assert sorted(counts) == [f"default/{n}" for n in names]
    assert sum(counts.values()) == 200
    assert all(60 <= c <= 140 for c in counts.values()), counts  # uniform, seed 7
    assert by_testid(page, "traffic-failure").count() == 0  # nothing rejected or dropped
    # The path is marked on the graph: the service and the pods that answered.
    page.wait_for_function(
        "() => ['running', 'shown'].includes(document.querySelector('[data-testid=graph]').dataset.trace)",
        timeout=10000,
    )
    marked = page.evaluate("() => window.portolan.graph.cy.$('.trace-node').map(n => n.id())")
    assert "svc:default/example-service" in marked
