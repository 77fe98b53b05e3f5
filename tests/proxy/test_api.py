"""The data-path API against the database, on the demo cluster run by the controllers (two
``hello-world`` pods behind ``example-service:8080``): the kube-proxy rules view, simulated
traffic (through the real cluster DNS for names), the service environment views, and the
``services|pods/NAME:PORT/proxy/`` subresources reaching the simulated containers."""

from __future__ import annotations

import pytest

from cluster.actions.demo import load_demo
from cluster.actions.objects import create_object
from cluster.actions.pods import set_pod_readiness
from cluster.kinds import by_kind
from cluster.models import Pod, Service
from tests.cluster.controllers.settle import ControlPlane
from tests.conftest import Api, make_token

NS = "default"
TRAFFIC = "/portolan/v1/traffic"
RULES = "/portolan/v1/namespaces/default/services/example-service/proxyrules"
SVC_PROXY = "/api/v1/namespaces/default/services/example-service:8080/proxy/"


@pytest.fixture
def plane(cluster, settings, django_capture_on_commit_callbacks, control_plane):
    settings.PORTOLAN_READY_DELAY = 0
    return ControlPlane(django_capture_on_commit_callbacks, control_plane)


@pytest.fixture
def demo(plane) -> dict:
    """The demo, settled: pod name → pod IP."""
    plane.write(load_demo)
    plane.settle()
    pods = dict(
        Pod.objects.filter(namespace=NS, labels__run="load-balancer-example").values_list(
            "name", "pod_ip"
        )
    )
    assert len(pods) == 2 and all(pods.values())
    return pods


def cluster_ip(name: str = "example-service") -> str:
    return Service.objects.get(namespace=NS, name=name).cluster_ip


# --- the rules view ------------------------------------------------------------------------


def test_the_rules_view_of_the_demo_service(api, demo):
    answer = api.get(RULES)
    assert answer.status == 200, answer
    view = answer.body
    assert view["kind"] == "ServiceProxyRules" and view["programmed"] is True
    (port,) = view["ports"]
    assert (port["servicePortName"], port["port"], port["targetPort"]) == (
        "default/example-service",
        8080,
        8080,
    )
    assert {e["pod"] for e in port["endpoints"]} == {f"default/{p}" for p in demo}
    (entry,) = port["entries"]
    assert (entry["type"], entry["address"], entry["port"]) == ("ClusterIP", cluster_ip(), 8080)
    (everywhere,) = entry["perNode"]
    assert everywhere["nodes"] == ["node-1", "node-2", "node-3"]
    assert [e["probability"] for e in everywhere["endpoints"]] == [0.5, 0.5]


def test_the_rules_view_of_a_headless_service_says_why_there_are_none(api, plane):
    body = {
        "metadata": {"name": "db"},
        "spec": {"clusterIP": "None", "selector": {"a": "b"}, "ports": [{"port": 5432}]},
    }
    plane.write(create_object, by_kind("Service"), namespace=NS, body=body)
    view = api.get("/portolan/v1/namespaces/default/services/db/proxyrules").body
    assert view["programmed"] is False and "headless" in view["reason"]


def test_the_views_need_access_to_the_namespace(api, demo):
    assert api.get("/portolan/v1/namespaces/default/services/nope/proxyrules").status == 404
    assert Api().get(RULES).status == 401
    other = Api(make_token("eve", namespace="team-a", role="viewer"))
    forbidden = other.get(RULES)
    assert forbidden.status == 403 and forbidden.body["reason"] == "Forbidden"
    pod = next(iter(demo))
    assert other.get(f"/portolan/v1/namespaces/default/pods/{pod}/environment").status == 403
    assert (
        other.post(
            TRAFFIC, {"source": f"default/{pod}", "destination": f"{cluster_ip()}:8080"}
        ).status
        == 403
    )


# --- traffic -----------------------------------------------------------------------------


def test_traffic_from_a_pod_through_the_cluster_ip(api, demo):
    source = sorted(demo)[0]
    answer = api.post(
        TRAFFIC,
        {
            "source": f"default/{source}",
            "destination": f"{cluster_ip()}:8080",
            "count": 400,
            "seed": 5,
        },
    )
    assert answer.status == 200, answer
    result = answer.body
    assert result["delivered"] == 400 and result["failures"] == []
    counts = {e["pod"]: e["count"] for e in result["endpoints"]}
    assert set(counts) == {f"default/{p}" for p in demo}
    assert min(counts.values()) > 150
    assert result["services"][0]["name"] == "example-service"
    assert len(result["sequence"]) == 400 and result["seed"] == 5


def test_traffic_to_a_name_resolves_it_as_the_pod_would(api, demo):
    """The cluster DNS helper answers ``example-service`` from a pod of ``default`` through
    the search path (``example-service.default.svc.cluster.local``)."""
    source = sorted(demo)[0]
    result = api.post(
        TRAFFIC, {"source": f"default/{source}", "destination": "example-service:8080", "count": 20}
    ).body
    assert result.get("dns"), result
    assert result["dns"]["addresses"] == [cluster_ip()]
    assert result["delivered"] == 20
    unknown = api.post(
        TRAFFIC, {"source": f"default/{source}", "destination": "no-such-service:80", "count": 2}
    ).body
    assert unknown["failures"][0]["outcome"] == "unresolved"


def test_traffic_with_no_endpoints_is_rejected(api, demo, plane):
    for pod in demo:
        plane.write(set_pod_readiness, namespace=NS, name=pod, ready=False)
    plane.settle()
    result = api.post(
        TRAFFIC, {"source": "node-1", "destination": cluster_ip(), "port": 8080, "count": 3}
    ).body
    (failure,) = result["failures"]
    assert failure["outcome"] == "rejected" and failure["attempts"] == [0, 1, 2]
    assert failure["reason"].startswith("default/example-service has no endpoints")


def test_traffic_from_outside_through_a_node_port_and_a_load_balancer(api, demo, plane):
    body = {
        "metadata": {"name": "example-lb"},
        "spec": {
            "type": "LoadBalancer",
            "externalTrafficPolicy": "Local",
            "selector": {"run": "load-balancer-example"},
            "ports": [{"port": 80, "targetPort": 8080}],
        },
    }
    plane.write(create_object, by_kind("Service"), namespace=NS, body=body)
    plane.settle()
    svc = api.get("/api/v1/namespaces/default/services/example-lb").body
    node_port = svc["spec"]["ports"][0]["nodePort"]
    vip = svc["status"]["loadBalancer"]["ingress"][0]["ip"]
    nodes_with_pods = set(
        Pod.objects.filter(labels__run="load-balancer-example").values_list("node_name", flat=True)
    )
    empty_node = ({"node-1", "node-2", "node-3"} - nodes_with_pods).pop()
    node_ips = {
        n["metadata"]["name"]: n["status"]["addresses"][0]["address"]
        for n in api.get("/api/v1/nodes").body["items"]
    }
    client = "203.0.113.9"
    dropped = api.post(
        TRAFFIC,
        {"source": client, "count": 5, "destination": f"{node_ips[empty_node]}:{node_port}"},
    ).body
    assert dropped["failures"][0]["outcome"] == "dropped"
    assert "default/example-lb has no local endpoints" in dropped["failures"][0]["reason"]
    through_lb = api.post(
        TRAFFIC, {"source": client, "destination": f"{vip}:80", "count": 200, "seed": 2}
    ).body
    assert through_lb["delivered"] == 200
    assert {e["pod"] for e in through_lb["endpoints"]} == {f"default/{p}" for p in demo}
    assert {p["hops"][-1]["sourceSeen"] for p in through_lb["paths"]} == {client}


@pytest.mark.parametrize(
    "body,status,fields",
    [
        ([1, 2], 400, None),
        ({}, 422, ["source", "destination"]),
        ({"source": "node-1", "destination": "10.96.0.1:443", "count": 0}, 422, ["count"]),
        ({"source": "default/ghost", "destination": "10.96.0.1:443"}, 422, ["source"]),
        ({"source": "node-1", "destination": "10.96.0.1"}, 422, ["port"]),
        ({"source": "node-1", "destination": "10.96.0.1:443", "colour": "red"}, 422, ["colour"]),
    ],
    ids=["not an object", "missing", "count", "unknown pod", "no port", "unknown field"],
)
def test_bad_traffic_requests_are_statuses_with_causes(api, demo, body, status, fields):
    answer = api.post(TRAFFIC, body)
    assert answer.status == status, answer
    assert answer.body["kind"] == "Status" and answer.body["code"] == status
    if fields:
        assert answer.body["reason"] == "Invalid"
        assert [c["field"] for c in answer.body["details"]["causes"]] == fields


# --- environment ---------------------------------------------------------------------------


def test_a_pods_environment_and_the_services_it_lacks(api, demo, plane):
    pod = sorted(demo)[0]
    url = f"/portolan/v1/namespaces/default/pods/{pod}/environment"
    view = api.get(url).body
    variables = {v["name"]: v["value"] for v in view["containers"][0]["variables"]}
    assert variables["EXAMPLE_SERVICE_SERVICE_HOST"] == cluster_ip()
    assert variables["KUBERNETES_SERVICE_PORT"] == "443"
    assert view["warnings"] == []
    body = {
        "metadata": {"name": "late-cache"},
        "spec": {"selector": {"a": "b"}, "ports": [{"port": 6379}]},
    }
    plane.write(create_object, by_kind("Service"), namespace=NS, body=body)
    later = api.get(url).body
    assert [m["service"] for m in later["missingServices"]] == ["default/late-cache"]
    assert "default/late-cache" in later["warnings"][0]
    svc_view = api.get("/portolan/v1/namespaces/default/services/late-cache/environment").body
    assert svc_view["variables"][0] == {
        "name": "LATE_CACHE_SERVICE_HOST",
        "value": cluster_ip("late-cache"),
    }


# --- the proxy subresources ----------------------------------------------------------------


def test_the_service_proxy_reaches_a_pod_of_the_service(api, demo):
    seen = set()
    for _ in range(30):
        answer = api.get(SVC_PROXY)
        assert answer.status == 200, answer
        assert answer.body.startswith("Hello Kubernetes!")
        seen.add(answer.headers["X-Portolan-Pod"])
    assert seen == {f"default/{p}" for p in demo}  # a random endpoint each time
    named = api.get("/api/v1/namespaces/default/services/example-service/proxy/some/path?q=1")
    assert named.status == 200 and "GET /some/path?q=1" in named.body


def test_the_service_proxy_errors_are_the_apiservers(api, demo, plane):
    bare = api.client.get(SVC_PROXY.rstrip("/"), HTTP_AUTHORIZATION=f"Bearer {api.token}")
    assert bare.status_code == 301 and bare["Location"] == SVC_PROXY
    wrong = api.get("/api/v1/namespaces/default/services/example-service:9999/proxy/")
    assert (wrong.status, wrong.body["message"]) == (
        503,
        'no service port 9999 found for service "example-service"',
    )
    assert api.get("/api/v1/namespaces/default/services/nope:80/proxy/").status == 404
    # Not-ready pods leave a subset with notReadyAddresses only: no address has the port,
    # and the message names the whole request id.
    for pod in demo:
        plane.write(set_pod_readiness, namespace=NS, name=pod, ready=False)
    plane.settle()
    unready = api.get(SVC_PROXY)
    assert (unready.status, unready.body["reason"], unready.body["message"]) == (
        503,
        "ServiceUnavailable",
        'no endpoints available for service "example-service:8080"',
    )
    # A selector that matches nothing: Endpoints without subsets.
    body = {
        "metadata": {"name": "lonely"},
        "spec": {"selector": {"app": "nobody"}, "ports": [{"port": 80}]},
    }
    plane.write(create_object, by_kind("Service"), namespace=NS, body=body)
    plane.settle()
    empty = api.get("/api/v1/namespaces/default/services/lonely:80/proxy/")
    assert (empty.status, empty.body["message"]) == (
        503,
        'no endpoints available for service "lonely"',
    )


def test_the_pod_proxy_reaches_the_pod(api, demo):
    """Needs ``proxy`` among the Pod kind's subresources (cluster/kinds/pods.py)."""
    if "proxy" not in by_kind("Pod").subresources:
        pytest.fail(
            'the Pod kind does not route pods/NAME/proxy: add "proxy" to its '
            "subresources in cluster/kinds/pods.py"
        )
    pod, ip = sorted(demo.items())[0]
    answer = api.get(f"/api/v1/namespaces/default/pods/{pod}/proxy/")
    assert answer.status == 200, answer
    assert answer.body.startswith("Hello Kubernetes!") and ip in answer.body
    refused = api.get(f"/api/v1/namespaces/default/pods/{pod}:9999/proxy/")
    assert (refused.status, refused.body["message"]) == (
        503,
        f"error trying to reach service: dial tcp {ip}:9999: connect: connection refused",
    )
