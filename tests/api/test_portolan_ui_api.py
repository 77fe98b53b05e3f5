"""The browser app's endpoints (``cluster/api/portolan.py``): the service preview the form shows
while the user types, the pod readiness switch, and the Kubernetes API calls the browser makes
with its session (cordon, scale, delete) under CSRF protection."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from cluster.controllers.endpoints import canonical_subsets
from cluster.models import AccessGrant, Endpoints, Service
from cluster.selectors import current_revision
from tests.cluster.controllers.discovery_setup import make_pod
from tests.cluster.controllers.settle import ControlPlane
from tests.conftest import Api, make_token

NS = "default"
PREVIEW = f"/portolan/v1/namespaces/{NS}/servicepreview"
SVC = f"/api/v1/namespaces/{NS}/services"
NAMED = [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]


def readiness_url(pod: str, ns: str = NS) -> str:
    return f"/portolan/v1/namespaces/{ns}/pods/{pod}/readiness"


def service_body(name: str = "web", **spec: object) -> dict:
    base = {
        "selector": {"app": "web"},
        "ports": [
            {"name": "http", "port": 80, "targetPort": "http"},
            {"name": "metrics", "port": 9090},
        ],
    }
    base.update(spec)
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": base}


@pytest.fixture
def staged(cluster):
    """Pods as a user would stage them through ``/status`` (the simulated kubelet leaves pods
    of other schedulers alone): ready, not ready, without an IP, one without the named port,
    and one that the selector does not match."""
    make_pod("web-a", "10.244.1.10", ports=NAMED)
    make_pod("web-b", "10.244.1.11", ports=NAMED, ready=False)
    make_pod("web-c", "", ports=NAMED, ready=False, phase="Pending")
    make_pod("web-d", "10.244.1.12", ports=[{"name": "web", "containerPort": 80}])
    make_pod("db-0", "10.244.1.20", labels={"app": "db"}, ports=NAMED)


@pytest.fixture
def plane(cluster, settings, django_capture_on_commit_callbacks, control_plane):
    settings.PORTOLAN_READY_DELAY = 0
    return ControlPlane(django_capture_on_commit_callbacks, control_plane)


def by_pod(rows: list[dict]) -> dict[str, dict]:
    return {r["pod"]: r for r in rows}


def login(username: str, *, enforce_csrf: bool = True, superuser: bool = False) -> Client:
    user = get_user_model().objects.create_user(username=username, password="pw")
    user.is_superuser = superuser
    user.save()
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


def csrf_token(client: Client) -> str:
    client.get("/login")  # any page that renders the token sets the cookie
    return client.cookies["csrftoken"].value


# --- the preview ---------------------------------------------------------------------------------


def test_preview_shows_matched_pods_endpoints_and_port_resolution_without_writing(api, staged):
    before = current_revision()
    answer = api.post(PREVIEW, service_body())
    assert answer.status == 200, answer
    preview = answer.body
    assert preview["kind"] == "ServicePreview"
    assert preview["operation"] == "create" and preview["valid"] is True
    assert preview["status"] is None
    # The defaulted Service a POST would store: type, protocol, a cluster IP from the range.
    service = preview["service"]
    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["ports"][1] == {
        "name": "metrics",
        "port": 9090,
        "protocol": "TCP",
        "targetPort": 9090,
    }
    assert service["spec"]["clusterIP"].startswith("10.")

    pods = {p["name"]: p for p in preview["pods"]}
    assert sorted(pods) == ["web-a", "web-b", "web-c", "web-d"]  # db-0 is not selected
    assert preview["podsTotal"] == 4
    assert pods["web-a"] == {
        "name": "web-a",
        "phase": "Running",
        "ready": True,
        "nodeName": "node-1",
        "podIP": "10.244.1.10",
        "terminating": False,
        "endpoint": "ready",
        "reason": None,
    }
    assert (pods["web-b"]["ready"], pods["web-b"]["endpoint"]) == (False, "notReady")
    assert pods["web-c"]["endpoint"] is None
    assert pods["web-c"]["reason"] == "the pod has no IP yet"

    http, metrics = preview["ports"]
    assert (http["name"], http["port"], http["targetPort"]) == ("http", 80, "http")
    rows = by_pod(http["pods"])
    assert rows["web-a"] == {
        "pod": "web-a",
        "endpoint": "ready",
        "containerPort": 8080,
        "container": "c",
        "reason": None,
    }
    assert (rows["web-b"]["containerPort"], rows["web-b"]["endpoint"]) == (8080, "notReady")
    assert rows["web-c"]["endpoint"] is None and rows["web-c"]["reason"] == "the pod has no IP yet"
    assert rows["web-d"]["containerPort"] is None and rows["web-d"]["endpoint"] is None
    assert rows["web-d"]["reason"] == 'no container port named "http" with protocol TCP'
    # A number is used as it is (FindPort), declared or not.
    rows = by_pod(metrics["pods"])
    assert rows["web-d"]["containerPort"] == 9090 and rows["web-d"]["endpoint"] == "ready"
    assert "not declared" in rows["web-d"]["note"]

    # The Endpoints the controller would write: web-d only for metrics, web-c not at all.
    subsets = preview["endpoints"]["subsets"]
    by_ports = {tuple(p["name"] for p in s["ports"]): s for s in subsets}
    assert [a["ip"] for a in by_ports[("http",)]["addresses"]] == ["10.244.1.10"]
    assert [a["ip"] for a in by_ports[("http",)]["notReadyAddresses"]] == ["10.244.1.11"]
    assert [a["ip"] for a in by_ports[("metrics",)]["addresses"]] == [
        "10.244.1.10",
        "10.244.1.12",
    ]
    # Nothing was written: no revision taken, no Service, no Endpoints.
    assert current_revision() == before
    assert not Service.objects.filter(name="web").exists()
    assert not Endpoints.objects.filter(name="web").exists()


def test_preview_endpoints_equal_what_the_controller_writes(api, staged):
    preview = api.post(PREVIEW, service_body()).body
    from cluster.controllers.sync_endpoints import sync_endpoints

    assert api.post(SVC, service_body()).status == 201
    sync_endpoints(f"{NS}/web")
    stored = api.get(f"/api/v1/namespaces/{NS}/endpoints/web").body
    assert canonical_subsets(stored["subsets"]) == canonical_subsets(
        preview["endpoints"]["subsets"]
    )
    assert stored["subsets"]  # the comparison is not between two empty lists
    # Each listed pod's own verdict agrees with where the controller put it.
    placed = {
        a["targetRef"]["name"]: state
        for subset in stored["subsets"]
        for state, field in (("ready", "addresses"), ("notReady", "notReadyAddresses"))
        for a in subset.get(field, [])
    }
    assert placed
    for pod in preview["pods"]:
        assert pod["endpoint"] == placed.get(pod["name"]), pod


def test_preview_of_an_existing_service_is_an_update_dry_run(api, staged):
    created = api.post(SVC, service_body()).body
    before = current_revision()
    body = service_body(selector={"app": "db"})
    answer = api.post(PREVIEW, body)
    assert answer.status == 200, answer
    assert answer.body["operation"] == "update" and answer.body["valid"] is True
    # The update keeps the allocated cluster IP, and the new selector matches only db-0.
    assert answer.body["service"]["spec"]["clusterIP"] == created["spec"]["clusterIP"]
    assert [p["name"] for p in answer.body["pods"]] == ["db-0"]
    assert current_revision() == before
    assert api.get(f"{SVC}/web").body["spec"]["selector"] == {"app": "web"}


def test_an_update_that_changes_an_immutable_field_is_invalid(api, staged):
    api.post(SVC, service_body())
    answer = api.post(PREVIEW, service_body(clusterIP="10.96.200.200"))
    assert answer.status == 200
    causes = answer.body["status"]["details"]["causes"]
    assert {c["field"] for c in causes} >= {"spec.clusterIPs[0]"}


def test_an_invalid_body_gives_the_422_status_with_field_causes_and_writes_nothing(api, staged):
    before = current_revision()
    body = service_body(
        name="Web_1",
        type="ClusterIP",
        ports=[{"name": "http", "port": 0, "targetPort": "http"}, {"port": 81, "nodePort": 30080}],
    )
    answer = api.post(PREVIEW, body)
    assert answer.status == 200, answer
    preview = answer.body
    assert preview["valid"] is False and preview["service"] is None
    status = preview["status"]
    assert status["kind"] == "Status" and status["code"] == 422 and status["reason"] == "Invalid"
    fields = {c["field"] for c in status["details"]["causes"]}
    assert fields >= {
        "metadata.name",
        "spec.ports[0].port",
        "spec.ports[1].name",
        "spec.ports[1].nodePort",
    }
    # The selector is still previewed from the decoded body, so the form can show the pods.
    assert sorted(p["name"] for p in preview["pods"]) == ["web-a", "web-b", "web-c", "web-d"]
    assert current_revision() == before
    assert not Service.objects.filter(name="Web_1").exists()


def test_preview_of_a_create_that_names_an_existing_service_is_a_conflict(api, staged):
    api.post(SVC, service_body())
    answer = api.post(PREVIEW + "?operation=create", service_body())
    assert answer.status == 200
    assert answer.body["operation"] == "create"
    assert answer.body["status"]["reason"] == "AlreadyExists"
    assert answer.body["status"]["code"] == 409


def test_preview_of_an_update_of_a_missing_service_is_not_found(api, staged):
    answer = api.post(PREVIEW + "?operation=update", service_body(name="nope"))
    assert answer.body["status"]["code"] == 404
    assert api.post(PREVIEW + "?operation=sideways", service_body()).status == 400


def test_external_name_and_selectorless_services_have_no_managed_endpoints(api, staged):
    body = {
        "metadata": {"name": "ext"},
        "spec": {"type": "ExternalName", "externalName": "db.example.com"},
    }
    preview = api.post(PREVIEW, body).body
    assert preview["valid"] is True
    assert preview["endpoints"] is None and preview["pods"] == []
    assert "ExternalName" in preview["endpointsReason"]
    selectorless = service_body(selector=None)
    preview = api.post(PREVIEW, selectorless).body
    assert preview["endpoints"] is None and "selector" in preview["endpointsReason"]


def test_publish_not_ready_addresses_makes_every_address_ready(api, staged):
    preview = api.post(PREVIEW, service_body(publishNotReadyAddresses=True)).body
    rows = by_pod(preview["ports"][0]["pods"])
    assert rows["web-b"]["endpoint"] == "ready"


def test_a_body_that_is_not_an_object_is_a_bad_request(api, staged):
    answer = api.post(PREVIEW, [1, 2])
    assert answer.status == 400 and answer.body["reason"] == "BadRequest"


# --- access --------------------------------------------------------------------------------------


def test_anonymous_callers_get_401_when_anonymous_mode_is_off(anon, cluster):
    with override_settings(PORTOLAN_ANONYMOUS=False):
        answer = anon.post(PREVIEW, service_body())
        assert answer.status == 401 and answer.body["reason"] == "Unauthorized"
        answer = anon.post(readiness_url("web-a"), {"ready": False})
        assert answer.status == 401
    with override_settings(PORTOLAN_ANONYMOUS=True):
        assert anon.post(PREVIEW, service_body()).status == 200


def test_a_viewer_may_preview_but_not_flip_readiness(staged):
    viewer = Api(make_token("viewer", NS, "viewer"))
    assert viewer.post(PREVIEW, service_body()).status == 200
    answer = viewer.post(readiness_url("web-a"), {"ready": False})
    assert answer.status == 403
    assert answer.body["message"] == (
        'pods "web-a" is forbidden: User "viewer" cannot update resource "pods/status" in API '
        'group "" in the namespace "default"'
    )
    other = Api(make_token("elsewhere", "kube-system", "admin"))
    assert other.post(PREVIEW, service_body()).status == 403


# --- readiness -----------------------------------------------------------------------------------


def test_readiness_flip_is_reflected_in_endpoints_after_the_controllers_run(api, plane):
    pod = {
        "metadata": {"name": "p", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "nginx", "ports": NAMED}]},
    }
    assert plane.write(api.post, f"/api/v1/namespaces/{NS}/pods", pod).status == 201
    assert plane.write(api.post, SVC, service_body()).status == 201
    plane.settle()

    def subset() -> dict:
        [s] = [
            s
            for s in api.get(f"/api/v1/namespaces/{NS}/endpoints/web").body["subsets"]
            if s["ports"][0]["name"] == "http"
        ]
        return s

    assert [a["targetRef"]["name"] for a in subset()["addresses"]] == ["p"]

    answer = plane.write(api.post, readiness_url("p"), {"ready": False})
    assert answer.status == 200, answer
    ready = next(c for c in answer.body["status"]["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("False", "ReadinessProbeFailed")
    plane.settle()
    assert "addresses" not in subset()
    assert [a["targetRef"]["name"] for a in subset()["notReadyAddresses"]] == ["p"]
    # The preview agrees with the controller.
    rows = by_pod(api.post(PREVIEW, service_body()).body["ports"][0]["pods"])
    assert rows["p"]["endpoint"] == "notReady"

    assert plane.write(api.post, readiness_url("p"), {"ready": True}).status == 200
    plane.settle()
    assert [a["targetRef"]["name"] for a in subset()["addresses"]] == ["p"]


@pytest.mark.parametrize("body", [{}, {"ready": "false"}, {"ready": 1}, [True]])
def test_readiness_needs_a_boolean(api, staged, body):
    answer = api.post(readiness_url("web-a"), body)
    assert answer.status == 400 and answer.body["reason"] == "BadRequest"


def test_readiness_of_a_missing_pod_is_not_found(api, cluster):
    answer = api.post(readiness_url("ghost"), {"ready": True})
    assert answer.status == 404 and answer.body["reason"] == "NotFound"


# --- session writes and CSRF ---------------------------------------------------------------------


def test_session_writes_to_the_ui_endpoints_need_the_csrf_token(staged):
    client = login("root", superuser=True)
    for path, body in ((PREVIEW, service_body()), (readiness_url("web-a"), {"ready": False})):
        response = client.post(path, json.dumps(body), content_type="application/json")
        assert response.status_code == 403, path
        assert response.json()["reason"] == "Forbidden" and "CSRF" in response.json()["message"]
    token = csrf_token(client)
    for path, body in ((PREVIEW, service_body()), (readiness_url("web-a"), {"ready": False})):
        response = client.post(
            path, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token
        )
        assert response.status_code == 200, (path, response.content)


def test_the_browsers_cordon_scale_and_delete_calls_work_with_session_and_csrf(api, plane):
    deployment = {
        "metadata": {"name": "hello"},
        "spec": {
            "replicas": 0,  # every pod comes after the cordon
            "selector": {"matchLabels": {"app": "hello"}},
            "template": {
                "metadata": {"labels": {"app": "hello"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }
    deployments = f"/apis/apps/v1/namespaces/{NS}/deployments"
    assert plane.write(api.post, deployments, deployment).status == 201
    plane.settle()

    client = login("alice")
    AccessGrant.objects.create(
        user=get_user_model().objects.get(username="alice"), namespace="", role="admin"
    )
    merge = "application/merge-patch+json"
    cordon = json.dumps({"spec": {"unschedulable": True}})
    scale = json.dumps({"spec": {"replicas": 3}})
    calls = [
        ("patch", "/api/v1/nodes/node-1", cordon, merge),
        ("patch", f"{deployments}/hello/scale", scale, merge),
    ]
    for method, path, data, ctype in calls:
        response = getattr(client, method)(path, data, content_type=ctype)
        assert response.status_code == 403 and "CSRF" in response.json()["message"], path
    token = csrf_token(client)
    for method, path, data, ctype in calls:
        response = plane.write(
            getattr(client, method), path, data, content_type=ctype, HTTP_X_CSRFTOKEN=token
        )
        assert response.status_code == 200, (path, response.content)
    plane.settle()
    assert api.get("/api/v1/nodes/node-1").body["spec"]["unschedulable"] is True
    assert api.get(f"{deployments}/hello/scale").body["spec"]["replicas"] == 3
    pods = api.get(f"/api/v1/namespaces/{NS}/pods?labelSelector=app%3Dhello").body["items"]
    assert len(pods) == 3
    assert {p["spec"].get("nodeName") for p in pods} == {"node-2", "node-3"}  # not cordoned one

    victim = pods[0]["metadata"]["name"]
    response = client.delete(f"/api/v1/namespaces/{NS}/pods/{victim}")
    assert response.status_code == 403
    response = plane.write(
        client.delete, f"/api/v1/namespaces/{NS}/pods/{victim}", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200, response.content
    assert api.get(f"/api/v1/namespaces/{NS}/pods/{victim}").status == 404
