"""The service environment views (discovery.md §2), pure: what a pod got when it started and
what it lacks, and what a Service gives pods starting now (``FromServices``)."""

from __future__ import annotations

import json

from cluster.controllers.envvars import ANNOTATION, pod_service_environment
from cluster.proxy.environment import pod_environment, service_environment


def svc(
    name: str, ip: str, *, ns: str = "default", created: str = "2024-01-01T00:00:00Z", **spec
) -> dict:
    return {
        "metadata": {"name": name, "namespace": ns, "creationTimestamp": created},
        "spec": {"clusterIP": ip, "ports": [{"port": 80, "protocol": "TCP"}], **spec},
    }


KUBERNETES = svc(
    "kubernetes", "10.96.0.1", ports=[{"name": "https", "port": 443, "protocol": "TCP"}]
)
WEB = svc("web-db", "10.96.0.20")


def started(pod: dict, services: list[dict], at: str = "2024-01-02T00:00:00Z") -> dict:
    """What the simulated kubelet does: the variables from the Services that exist now."""
    env = pod_service_environment(pod, services)
    pod["metadata"]["annotations"] = {ANNOTATION: json.dumps(env)}
    pod["status"] = {"phase": "Running", "startTime": at}
    return pod


def new_pod(**spec) -> dict:
    return {
        "metadata": {"name": "app", "namespace": "default"},
        "spec": {"containers": [{"name": "c"}], **spec},
    }


def names(view: dict) -> list[str]:
    return [v["name"] for v in view["containers"][0]["variables"]]


def test_a_pod_shows_the_variables_it_started_with():
    pod = started(new_pod(), [KUBERNETES, WEB])
    view = pod_environment(pod, [KUBERNETES, WEB])
    assert view["started"] is True and view["warnings"] == []
    assert "WEB_DB_SERVICE_HOST" in names(view)
    assert "KUBERNETES_PORT_443_TCP_ADDR" in names(view)


def test_services_created_after_the_pod_started_are_named_in_a_warning():
    pod = started(new_pod(), [KUBERNETES])
    late = svc("late-cache", "10.96.0.30", created="2024-01-03T00:00:00Z")
    view = pod_environment(pod, [KUBERNETES, late])
    (missing,) = view["missingServices"]
    assert missing["service"] == "default/late-cache" and missing["createdAfterStart"]
    assert missing["variables"][0] == {"name": "LATE_CACHE_SERVICE_HOST", "value": "10.96.0.30"}
    (warning,) = view["warnings"]
    assert "default/late-cache" in warning and "created after the pod started" in warning
    assert "LATE_CACHE_SERVICE_HOST" not in names(view)


def test_re_created_and_deleted_services_are_stale():
    pod = started(new_pod(), [KUBERNETES, WEB])
    recreated = svc("web-db", "10.96.0.99", created="2024-01-05T00:00:00Z")
    view = pod_environment(pod, [KUBERNETES, recreated])
    assert view["staleServices"] == [
        {"service": "default/web-db", "stored": "10.96.0.20", "current": "10.96.0.99"}
    ]
    gone = pod_environment(pod, [KUBERNETES])
    assert gone["goneServices"] == ["WEB_DB"]
    assert any("no longer exist" in w for w in gone["warnings"])


def test_service_links_off_only_expects_the_master_service():
    pod = started(new_pod(enableServiceLinks=False), [KUBERNETES, WEB])
    view = pod_environment(pod, [KUBERNETES, WEB])
    assert view["enableServiceLinks"] is False and view["missingServices"] == []
    assert not [n for n in names(view) if n.startswith("WEB_DB")]


def test_a_pod_that_has_not_started_has_no_environment_yet():
    view = pod_environment(new_pod(), [KUBERNETES])
    assert view["started"] is False and view["containers"] == []
    assert "has not started" in view["warnings"][0]


def test_what_a_service_gives_pods_starting_now():
    """ENV-02's shape for one service: the service port, never targetPort."""
    view = service_environment(
        svc(
            "foo-bar",
            "10.96.0.5",
            ports=[{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}],
        )
    )
    assert view["prefix"] == "FOO_BAR"
    assert {v["name"]: v["value"] for v in view["variables"]} == {
        "FOO_BAR_SERVICE_HOST": "10.96.0.5",
        "FOO_BAR_SERVICE_PORT": "80",
        "FOO_BAR_SERVICE_PORT_HTTP": "80",
        "FOO_BAR_PORT": "tcp://10.96.0.5:80",
        "FOO_BAR_PORT_80_TCP": "tcp://10.96.0.5:80",
        "FOO_BAR_PORT_80_TCP_PROTO": "tcp",
        "FOO_BAR_PORT_80_TCP_PORT": "80",
        "FOO_BAR_PORT_80_TCP_ADDR": "10.96.0.5",
    }
    assert "namespace default" in view["appliesTo"]
    assert "every namespace" in service_environment(KUBERNETES)["appliesTo"]
    headless = service_environment(svc("h", "None"))
    assert headless["variables"] == [] and "headless" in headless["appliesTo"]
