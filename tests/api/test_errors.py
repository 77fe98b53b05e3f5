"""Every failure is a ``metav1.Status`` with the HTTP code equal to ``code`` and the reason
the apiserver uses (``apimachinery/pkg/api/errors``); bad input is never a 500, never HTML, and
leaves nothing written."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from cluster.models import ChangeEvent
from cluster.selectors import current_revision
from tests.conftest import make_token

SVC = "/api/v1/namespaces/default/services"
DEPLOY = "/apis/apps/v1/namespaces/default/deployments"
SVC_BODY = {"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}


def assert_status(answer, code: int, reason: str) -> dict:
    assert answer.status == code, answer
    body = answer.body
    assert isinstance(body, dict), answer
    assert body["kind"] == "Status" and body["apiVersion"] == "v1", body
    assert body["status"] == "Failure"
    assert body["code"] == code
    assert body["reason"] == reason
    assert answer.headers["Content-Type"].startswith("application/json")
    return body


def raw(api, method: str, path: str, data: bytes | str, content_type: str | None):
    """A request with an exact body and Content-Type (None: no header at all)."""
    extra = {"HTTP_AUTHORIZATION": f"Bearer {api.token}"}
    kwargs = {"data": data, **extra}
    if content_type is not None:
        kwargs["content_type"] = content_type
    else:
        kwargs["content_type"] = ""
    return api._answer(getattr(api.client, method)(path, **kwargs))


# --- 404 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nope",
        "/api/v2/services",
        "/apis/apps/v2/deployments",
        "/apis/nope.example.com/v1/things",
        "/apis/apps/v1/namespaces/default/services",  # services are core, not apps
        "/api/v1/namespaces/default/services/kubernetes/nope",  # unknown subresource
        "/api/v1/services/kubernetes",  # a namespaced object needs its namespace
    ],
)
def test_unknown_paths_are_a_not_found_status_not_html(api, path):
    body = assert_status(api.get(path), 404, "NotFound")
    assert body["message"] == "the server could not find the requested resource"


def test_a_missing_object_names_resource_and_group(api):
    # errors.NewNotFound(qualifiedResource, name)
    body = assert_status(api.get(f"{DEPLOY}/nope"), 404, "NotFound")
    assert body["message"] == 'deployments.apps "nope" not found'
    assert body["details"] == {"name": "nope", "group": "apps", "kind": "deployments"}
    body = assert_status(api.get(f"{SVC}/nope"), 404, "NotFound")
    assert body["message"] == 'services "nope" not found'
    assert body["details"] == {"name": "nope", "kind": "services"}


def test_create_in_a_missing_namespace_is_404_for_the_namespace(api):
    # NamespaceLifecycle admission: errors.NewNotFound(namespaces, name)
    answer = api.post("/api/v1/namespaces/ghost/services", SVC_BODY)
    body = assert_status(answer, 404, "NotFound")
    assert body["message"] == 'namespaces "ghost" not found'
    assert api.get("/api/v1/namespaces/ghost/services/web").status == 404


def test_a_non_api_path_is_not_an_api_status(api):
    # The UI keeps Django's pages; only API prefixes answer Status JSON.
    assert api.get("/api-not-really").status == 404


# --- 405 / 415 / 413 --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", f"{SVC}/kubernetes"),  # POST to an object
        ("put", SVC),  # PUT to a collection
        ("patch", SVC),  # PATCH to a collection
        ("post", "/api/v1/services"),  # create needs a namespace
    ],
)
def test_a_verb_the_path_does_not_serve_is_405(api, method, path):
    answer = getattr(api, method)(path, SVC_BODY)
    body = assert_status(answer, 405, "MethodNotAllowed")
    assert body["message"]


def test_unsupported_http_methods_are_405(api):
    answer = api._answer(api.client.options(SVC, HTTP_AUTHORIZATION=f"Bearer {api.token}"))
    assert_status(answer, 405, "MethodNotAllowed")
    answer = api._answer(api.client.generic("TRACE", SVC, HTTP_AUTHORIZATION=f"Bearer {api.token}"))
    assert_status(answer, 405, "MethodNotAllowed")


def test_unsupported_media_types_are_415(api):
    answer = raw(api, "post", SVC, json.dumps(SVC_BODY), "application/xml")
    body = assert_status(answer, 415, "UnsupportedMediaType")
    assert "application/json" in body["message"]
    answer = raw(api, "patch", f"{SVC}/kubernetes", "{}", "application/json")
    body = assert_status(answer, 415, "UnsupportedMediaType")
    assert "application/merge-patch+json" in body["message"]


def test_bodies_over_three_mebibytes_are_413(api):
    big = {
        "metadata": {"name": "big", "annotations": {"a": "x" * (3 * 1024 * 1024)}},
        "spec": {"ports": [{"port": 80}]},
    }
    rev0 = current_revision()
    body = assert_status(api.post(SVC, big), 413, "RequestEntityTooLarge")
    assert "limit is 3145728" in body["message"]
    assert current_revision() == rev0


def test_a_body_just_under_the_limit_is_read(api):
    # The limit is on the body, not on what validation thinks of it: 422 (annotations too
    # large), not 413.
    big = {
        "metadata": {"name": "big", "annotations": {"a": "x" * (3 * 1024 * 1024 - 200)}},
        "spec": {"ports": [{"port": 80}]},
    }
    assert api.post(SVC, big).status == 422


# --- 400: the body --------------------------------------------------------------------------


def test_malformed_json_is_400(api):
    body = assert_status(
        raw(api, "post", SVC, '{"metadata": ', "application/json"), 400, "BadRequest"
    )
    assert body["message"]
    assert_status(
        raw(api, "put", f"{SVC}/kubernetes", "{nope", "application/json"), 400, "BadRequest"
    )
    assert_status(
        raw(api, "patch", f"{SVC}/kubernetes", "{nope", "application/merge-patch+json"),
        400,
        "BadRequest",
    )


def test_a_missing_content_type_is_read_as_json(api):
    # The Python client (v37) POSTs without a Content-Type.
    answer = raw(api, "post", SVC, json.dumps(SVC_BODY), None)
    assert answer.status == 201, answer
    assert answer.body["kind"] == "Service" and answer.body["apiVersion"] == "v1"


def test_kind_and_api_version_come_from_the_url_when_absent(api):
    answer = api.post(DEPLOY, deployment_body("d1"))
    assert answer.status == 201, answer
    assert (answer.body["kind"], answer.body["apiVersion"]) == ("Deployment", "apps/v1")


def test_a_null_creation_timestamp_is_accepted(api):
    # kubectl sends "creationTimestamp": null.
    body = {
        "metadata": {"name": "web", "creationTimestamp": None},
        "spec": {"ports": [{"port": 80}]},
    }
    answer = api.post(SVC, body)
    assert answer.status == 201, answer
    assert answer.body["metadata"]["creationTimestamp"].endswith("Z")


@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        ("kind", "Pod", "kind"),
        ("apiVersion", "apps/v1", "version"),
        ("apiVersion", "v2", "version"),
    ],
)
def test_a_wrong_kind_or_api_version_is_400(api, field, value, fragment):
    answer = api.post(SVC, {**SVC_BODY, field: value})
    body = assert_status(answer, 400, "BadRequest")
    assert fragment in body["message"]
    assert api.get(f"{SVC}/web").status == 404


def test_a_namespace_mismatch_is_400(api):
    # rest.BeforeCreate: "the namespace of the provided object does not match the namespace
    # sent on the request"
    body = {
        "metadata": {"name": "web", "namespace": "kube-system"},
        "spec": {"ports": [{"port": 80}]},
    }
    answer = api.post(SVC, body)
    body = assert_status(answer, 400, "BadRequest")
    assert body["message"] == (
        "the namespace of the provided object does not match the namespace sent on the request"
    )


def test_a_name_mismatch_on_put_is_400(api):
    current = api.get(f"{SVC}/kubernetes").body
    current["metadata"]["name"] = "other"
    body = assert_status(api.put(f"{SVC}/kubernetes", current), 400, "BadRequest")
    assert "does not match" in body["message"]


def deployment_body(name: str, **spec) -> dict:
    labels = {"app": name}
    return {
        "metadata": {"name": name},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
            **spec,
        },
    }


# Bodies of the wrong shape: the decoder (or validation) rejects them; never a 500, never a
# half-written object.
WRONG_SHAPES = [
    ("a list", [SVC_BODY]),
    ("a string", "service"),
    ("a number", 5),
    ("null", None),
    ("metadata a list", {"metadata": [], "spec": {"ports": [{"port": 80}]}}),
    ("metadata a string", {"metadata": "web", "spec": {"ports": [{"port": 80}]}}),
    (
        "labels a list",
        {"metadata": {"name": "web", "labels": []}, "spec": {"ports": [{"port": 80}]}},
    ),
    (
        "labels a string",
        {"metadata": {"name": "web", "labels": "a=b"}, "spec": {"ports": [{"port": 80}]}},
    ),
    (
        "label value a number",
        {"metadata": {"name": "web", "labels": {"a": 1}}, "spec": {"ports": [{"port": 80}]}},
    ),
    (
        "annotations a list",
        {"metadata": {"name": "web", "annotations": ["x"]}, "spec": {"ports": [{"port": 80}]}},
    ),
    ("name a number", {"metadata": {"name": 5}, "spec": {"ports": [{"port": 80}]}}),
    ("name a dict", {"metadata": {"name": {"a": 1}}, "spec": {"ports": [{"port": 80}]}}),
    (
        "finalizers a string",
        {"metadata": {"name": "web", "finalizers": "x"}, "spec": {"ports": [{"port": 80}]}},
    ),
    (
        "ownerReferences a dict",
        {
            "metadata": {"name": "web", "ownerReferences": {"a": 1}},
            "spec": {"ports": [{"port": 80}]},
        },
    ),
    (
        "ownerReferences of strings",
        {"metadata": {"name": "web", "ownerReferences": ["x"]}, "spec": {"ports": [{"port": 80}]}},
    ),
    ("generateName a number", {"metadata": {"generateName": 5}, "spec": {"ports": [{"port": 80}]}}),
    ("spec a number", {"metadata": {"name": "web"}, "spec": 5}),
    ("spec a list", {"metadata": {"name": "web"}, "spec": [1]}),
    ("spec a string", {"metadata": {"name": "web"}, "spec": "x"}),
    ("ports a string", {"metadata": {"name": "web"}, "spec": {"ports": "x"}}),
    ("ports of strings", {"metadata": {"name": "web"}, "spec": {"ports": ["x"]}}),
    ("port a string", {"metadata": {"name": "web"}, "spec": {"ports": [{"port": "x"}]}}),
    ("type a number", {"metadata": {"name": "web"}, "spec": {"type": 5, "ports": [{"port": 80}]}}),
    (
        "selector a list",
        {"metadata": {"name": "web"}, "spec": {"selector": [], "ports": [{"port": 80}]}},
    ),
    (
        "clusterIP a number",
        {"metadata": {"name": "web"}, "spec": {"clusterIP": 5, "ports": [{"port": 80}]}},
    ),
    (
        "status a number",
        {"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}, "status": 5},
    ),
    ("kind a number", {"kind": 5, "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}),
    (
        "apiVersion a list",
        {"apiVersion": [], "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}},
    ),
    (
        "resourceVersion a dict",
        {"metadata": {"name": "web", "resourceVersion": {}}, "spec": {"ports": [{"port": 80}]}},
    ),
]


@pytest.mark.parametrize(("what", "body"), WRONG_SHAPES, ids=[w for w, _ in WRONG_SHAPES])
def test_a_service_body_of_the_wrong_shape_is_a_client_error(api, what, body):
    rev0 = current_revision()
    answer = api.post(SVC, json.dumps(body))
    assert answer.status in (400, 422), answer
    assert_status(answer, answer.status, "BadRequest" if answer.status == 400 else "Invalid")
    assert current_revision() == rev0
    assert not ChangeEvent.objects.filter(revision__gt=rev0).exists()


WRONG_DEPLOYMENTS = [
    ("spec a number", {"metadata": {"name": "d"}, "spec": 5}),
    ("replicas a string", deployment_body("d", replicas="x")),
    ("selector a string", deployment_body("d", selector="app=d")),
    ("template a list", deployment_body("d", template=[])),
    (
        "containers a dict",
        deployment_body("d", template={"metadata": {}, "spec": {"containers": {}}}),
    ),
    ("strategy a number", deployment_body("d", strategy=5)),
]


@pytest.mark.parametrize(("what", "body"), WRONG_DEPLOYMENTS, ids=[w for w, _ in WRONG_DEPLOYMENTS])
def test_a_deployment_body_of_the_wrong_shape_is_a_client_error(api, what, body):
    rev0 = current_revision()
    answer = api.post(DEPLOY, body)
    assert answer.status in (400, 422), answer
    assert current_revision() == rev0


@pytest.mark.parametrize(
    ("what", "patch", "ctype"),
    [
        ("merge patch a list", [1], "application/merge-patch+json"),
        ("merge patch a string", "x", "application/merge-patch+json"),
        ("json patch an object", {"op": "add"}, "application/json-patch+json"),
        ("json patch bad op", [{"op": "nope", "path": "/spec"}], "application/json-patch+json"),
        (
            "json patch missing path",
            [{"op": "remove", "path": "/spec/nope"}],
            "application/json-patch+json",
        ),
        (
            "json patch test fails",
            [{"op": "test", "path": "/spec/type", "value": "NodePort"}],
            "application/json-patch+json",
        ),
        ("merge patch spec a number", {"spec": 5}, "application/merge-patch+json"),
        ("merge patch ports a string", {"spec": {"ports": "x"}}, "application/merge-patch+json"),
        ("merge patch labels a list", {"metadata": {"labels": []}}, "application/merge-patch+json"),
        ("merge patch metadata a string", {"metadata": "x"}, "application/merge-patch+json"),
        ("merge patch kind", {"kind": "Pod"}, "application/merge-patch+json"),
    ],
)
def test_a_bad_patch_is_a_client_error(api, what, patch, ctype):
    rev0 = current_revision()
    answer = api.patch(f"{SVC}/kubernetes", json.dumps(patch), content_type=ctype)
    assert answer.status in (400, 422), answer
    assert_status(answer, answer.status, "BadRequest" if answer.status == 400 else "Invalid")
    assert current_revision() == rev0


@pytest.mark.parametrize(
    "body",
    [[1], "x", {"propagationPolicy": 5}, {"preconditions": "x"}, {"gracePeriodSeconds": "x"}],
)
def test_bad_delete_options_are_a_client_error(api, body):
    rev0 = current_revision()
    answer = api.delete(f"{SVC}/kubernetes", body)
    assert answer.status in (400, 422), answer
    assert current_revision() == rev0
    assert api.get(f"{SVC}/kubernetes").status == 200


def test_an_unsupported_propagation_policy_is_invalid(api):
    # DeleteOptions validation: field.NotSupported(propagationPolicy, …)
    answer = api.delete(f"{SVC}/kubernetes", {"propagationPolicy": "Sometimes"})
    body = assert_status(answer, 422, "Invalid")
    assert body["details"]["causes"][0]["field"] == "propagationPolicy"


@pytest.mark.parametrize(
    "query",
    [
        "labelSelector=a%20in%20(b",
        "labelSelector=!",
        "labelSelector=a%3D%3D%3Db",
        "fieldSelector=spec.nope%3Dx",
        "fieldSelector=metadata.name",
        "limit=abc",
        "continue=not-a-token",
        "watch=true&resourceVersion=abc",
        "resourceVersion=abc",
    ],
)
def test_bad_query_parameters_are_400(api, query):
    assert_status(api.get(f"{SVC}?{query}"), 400, "BadRequest")


def test_dry_run_must_be_all(api):
    body = assert_status(api.post(f"{SVC}?dryRun=Some", SVC_BODY), 400, "BadRequest")
    assert 'Unsupported value: "Some"' in body["message"]


# --- 409 --------------------------------------------------------------------------------------


def test_creating_twice_is_already_exists(api):
    assert api.post(SVC, SVC_BODY).status == 201
    body = assert_status(api.post(SVC, SVC_BODY), 409, "AlreadyExists")
    assert body["message"] == 'services "web" already exists'
    assert body["details"] == {"name": "web", "kind": "services"}
    api.post(DEPLOY, deployment_body("d1"))
    body = assert_status(api.post(DEPLOY, deployment_body("d1")), 409, "AlreadyExists")
    assert body["message"] == 'deployments.apps "d1" already exists'


def test_put_with_a_stale_resource_version_is_conflict(api):
    current = api.get(f"{SVC}/kubernetes").body
    assert api.patch(f"{SVC}/kubernetes", {"metadata": {"labels": {"x": "1"}}}).status == 200
    current["metadata"]["labels"] = {"x": "2"}
    body = assert_status(api.put(f"{SVC}/kubernetes", current), 409, "Conflict")
    assert body["message"] == (
        'Operation cannot be fulfilled on services "kubernetes": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )
    assert api.get(f"{SVC}/kubernetes").body["metadata"]["labels"]["x"] == "1"


def test_a_merge_patch_with_a_stale_resource_version_is_conflict(api):
    current = api.get(f"{SVC}/kubernetes").body
    api.patch(f"{SVC}/kubernetes", {"metadata": {"labels": {"x": "1"}}})
    stale = {"metadata": {"resourceVersion": current["metadata"]["resourceVersion"]}}
    assert_status(api.patch(f"{SVC}/kubernetes", stale), 409, "Conflict")


def test_delete_preconditions_are_conflicts(api):
    current = api.get(f"{SVC}/kubernetes").body
    answer = api.delete(f"{SVC}/kubernetes", {"preconditions": {"uid": "not-the-uid"}})
    body = assert_status(answer, 409, "Conflict")
    assert "Precondition failed: UID in precondition: not-the-uid" in body["message"]
    answer = api.delete(f"{SVC}/kubernetes", {"preconditions": {"resourceVersion": "1"}})
    assert_status(answer, 409, "Conflict")
    assert api.get(f"{SVC}/kubernetes").body["metadata"]["uid"] == current["metadata"]["uid"]


# --- 422 --------------------------------------------------------------------------------------


def test_invalid_metadata_is_422_with_causes(api):
    answer = api.post(SVC, {"metadata": {"name": "Not_Valid"}, "spec": {"ports": [{"port": 80}]}})
    body = assert_status(answer, 422, "Invalid")
    assert body["details"]["kind"] == "Service"
    assert body["details"]["name"] == "Not_Valid"
    assert body["details"]["causes"][0]["field"] == "metadata.name"
    assert body["message"].startswith(
        'Service "Not_Valid" is invalid: metadata.name: Invalid value'
    )


def test_a_missing_name_is_required(api):
    # ValidateObjectMeta: "name or generateName is required"
    answer = api.post(SVC, {"metadata": {}, "spec": {"ports": [{"port": 80}]}})
    body = assert_status(answer, 422, "Invalid")
    assert body["details"]["causes"][0] == {
        "reason": "FieldValueRequired",
        "message": "Required value: name or generateName is required",
        "field": "metadata.name",
    }


# --- 401 / 403 keep the Status shape -----------------------------------------------------------


def test_unauthenticated_is_a_401_status(anon, cluster):
    assert_status(anon.get(SVC), 401, "Unauthorized")


def test_forbidden_is_a_403_status(cluster):
    from tests.conftest import Api

    viewer = Api(make_token("v", "default", "viewer"))
    body = assert_status(viewer.post(SVC, SVC_BODY), 403, "Forbidden")
    assert (
        body["details"] == {"name": "", "kind": "services"} or body["details"]["kind"] == "services"
    )


def test_no_api_path_answers_html(api):
    for path in ("/api/v1/namespaces/default/nothing", "/apis/x/y/z", "/api/v1/x/y/z/w/v"):
        answer = api.get(path)
        assert answer.headers["Content-Type"].startswith("application/json"), path


def test_a_server_error_is_an_internal_error_status(api, monkeypatch):
    from cluster import selectors

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(selectors, "get_object", boom)
    body = assert_status(api.get(f"{SVC}/kubernetes"), 500, "InternalError")
    assert "disk on fire" in body["message"]


def test_client_side_raw_client_is_not_needed_for_errors():
    # A bare Django client with no auth still gets Status JSON for unknown API paths.
    response = Client().get("/apis/nope/v1/things")
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        (
            SVC,
            {"metadata": {"name": "web"}, "spec": {"ports": "x"}},
            'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal '
            "string into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort",
        ),
        (
            SVC,
            {"metadata": {"name": "web"}, "spec": {"ports": [{"port": "x"}]}},
            'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal '
            "string into Go struct field ServicePort.spec.ports.port of type int32",
        ),
        (
            SVC,
            {"metadata": {"name": "web", "labels": []}},
            'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal '
            "array into Go struct field ObjectMeta.metadata.labels of type map[string]string",
        ),
        (
            SVC,
            {"metadata": {"name": "web"}, "spec": 5},
            'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal '
            "number into Go struct field Service.spec of type v1.ServiceSpec",
        ),
        (
            DEPLOY,
            deployment_body("d", replicas="x"),
            'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal '
            "string into Go struct field DeploymentSpec.spec.replicas of type int32",
        ),
    ],
)
def test_decoder_messages_name_the_go_field(api, path, body, message):
    # The apiserver's decoder (encoding/json) phrasing, wrapped by runtime.NewStrictDecodingError's
    # caller as '<Kind> in version "<v>" cannot be handled as a <Kind>: …'.
    answer = api.post(path, body)
    assert assert_status(answer, 400, "BadRequest")["message"] == message


def test_create_in_a_terminating_namespace_is_forbidden(api):
    # NamespaceLifecycle admission: errors.NewForbidden(resource, name, "unable to create new
    # content in namespace … because it is being terminated")
    api.post("/api/v1/namespaces", {"metadata": {"name": "going", "finalizers": ["x.io/hold"]}})
    assert api.delete("/api/v1/namespaces/going").status == 200
    answer = api.post("/api/v1/namespaces/going/services", SVC_BODY)
    body = assert_status(answer, 403, "Forbidden")
    assert body["message"] == (
        'services "web" is forbidden: unable to create new content in namespace going because '
        "it is being terminated"
    )
