"""Pods through the API: create fills the admission defaults and status, /status keeps what is
written (ValidatePodStatusUpdate), and the spec is immutable but for the upstream exceptions."""

from __future__ import annotations

import pytest

PODS = "/api/v1/namespaces/default/pods"


@pytest.fixture
def web(api):
    created = api.post(
        PODS,
        {"metadata": {"name": "web"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}},
    )
    assert created.status == 201, created
    return created.body


def test_create_answers_a_pending_best_effort_pod_with_admission_defaults(web):
    assert web["status"] == {"phase": "Pending", "qosClass": "BestEffort"}
    spec = web["spec"]
    assert (spec["serviceAccountName"], spec["priority"], spec["enableServiceLinks"]) == (
        "default",
        0,
        True,
    )
    assert {t["key"] for t in spec["tolerations"]} == {
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    }


def test_status_written_through_the_subresource_round_trips(api, web):
    status = {
        "phase": "Running",
        "qosClass": "BestEffort",
        "podIP": "10.244.1.7",
        "podIPs": [{"ip": "10.244.1.7"}],
        "conditions": [{"type": "Ready", "status": "True"}],
    }
    put = api.put(f"{PODS}/web/status", {**web, "status": status})
    assert put.status == 200, put
    assert put.body["status"] == status
    assert api.get(f"{PODS}/web").body["status"] == status


def test_status_pod_ip_fills_pod_ips_as_the_v1_conversion_does(api, web):
    patched = api.patch(
        f"{PODS}/web/status", {"status": {"phase": "Running", "podIP": "10.244.1.8"}}
    )
    assert patched.status == 200, patched
    assert patched.body["status"]["podIPs"] == [{"ip": "10.244.1.8"}]
    assert patched.body["status"]["qosClass"] == "BestEffort"


@pytest.mark.parametrize(
    ("status", "field", "message"),
    [
        ({"podIP": "10.0.0.300"}, "status.podIPs[0]", "must be a valid IP address"),
        ({"phase": "Runing"}, "status.phase", 'Unsupported value: "Runing"'),
        ({"qosClass": "Guaranteed"}, "status.qosClass", "field is immutable"),
        (
            {"conditions": [{"type": "bad type!", "status": "True"}]},
            "metadata.conditions[0].Type",
            "Invalid value",
        ),
    ],
)
def test_bad_status_is_invalid_and_changes_nothing(api, web, status, field, message):
    answer = api.patch(f"{PODS}/web/status", {"status": status})
    assert answer.status == 422, answer
    causes = answer.body["details"]["causes"]
    assert [c["field"] for c in causes] == [field]
    assert message in causes[0]["message"]
    assert (
        api.get(f"{PODS}/web").body["metadata"]["resourceVersion"]
        == web["metadata"]["resourceVersion"]
    )


def test_spec_updates_other_than_image_are_forbidden(api, web):
    answer = api.patch(f"{PODS}/web", {"spec": {"restartPolicy": "Never"}})
    assert answer.status == 422
    assert answer.body["details"]["causes"][0]["field"] == "spec"
    assert "pod updates may not change fields other than" in answer.body["message"]
    image = api.patch(
        f"{PODS}/web",
        {"spec": {"containers": [{"name": "c", "image": "nginx:1.28"}]}},
        "application/strategic-merge-patch+json",
    )
    assert image.status == 200, image
    assert image.body["spec"]["containers"][0]["image"] == "nginx:1.28"
