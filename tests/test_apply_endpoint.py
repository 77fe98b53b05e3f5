"""``POST /portolan/v1/apply``: the manifest import over HTTP, with the API's auth."""

from __future__ import annotations

from cluster.models import Revision
from tests.conftest import Api, make_token
from tests.paths import MANIFESTS

URL = "/portolan/v1/apply"


def revision() -> int:
    row = Revision.objects.filter(id=1).first()
    return row.value if row else 0


def test_yaml_stream_is_applied_and_reported(api):
    text = (MANIFESTS / "sock-shop.yaml").read_text()
    r = api.post(URL, text, content_type="application/yaml")
    assert r.status == 200, r
    assert r.body["kind"] == "ApplyReport"
    assert r.body["dryRun"] is False
    assert r.body["summary"] == {
        "created": 29,
        "configured": 0,
        "unchanged": 0,
        "skipped": 0,
        "invalid": 0,
    }
    first = r.body["items"][0]
    assert first["message"] == "namespace/sock-shop created"
    assert first["simulated"] is True
    assert first["resourceVersion"]
    got = api.get("/api/v1/namespaces/sock-shop/services/front-end")
    assert got.status == 200
    assert got.body["spec"]["ports"][0]["nodePort"] == 30001
    again = api.post(URL, text, content_type="application/yaml")
    assert again.body["summary"]["unchanged"] == 29


def test_json_list_and_query_namespace(api):
    api.post("/api/v1/namespaces", {"metadata": {"name": "team"}})
    body = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "web"},
                "spec": {"ports": [{"port": 80}]},
            },
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "Role",
                "metadata": {"name": "r"},
            },
        ],
    }
    r = api.post(URL + "?namespace=team", body)
    assert r.status == 200, r
    assert [i["message"] for i in r.body["items"]] == [
        "service/web created",
        "role.rbac.authorization.k8s.io/r skipped: Role/r (kind not supported by Portolan)",
    ]
    assert api.get("/api/v1/namespaces/team/services/web").status == 200


def test_invalid_documents_carry_their_status(api):
    docs = [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "ok"},
            "spec": {"ports": [{"port": 80}]},
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "x", "namespace": "absent"},
            "spec": {"ports": [{"port": 80}]},
        },
    ]
    r = api.post(URL, docs)
    assert r.status == 200
    assert r.body["summary"]["invalid"] == 1
    bad = r.body["items"][1]
    assert bad["result"] == "invalid"
    assert bad["status"]["kind"] == "Status"
    assert bad["status"]["code"] == 404
    assert bad["status"]["message"] == 'namespaces "absent" not found'


def test_dry_run_all(api):
    before = revision()
    text = (MANIFESTS / "guestbook-all-in-one.yaml").read_text()
    r = api.post(URL + "?dryRun=All", text, content_type="application/yaml")
    assert r.status == 200
    assert r.body["dryRun"] is True
    assert r.body["summary"]["created"] == 6
    assert revision() == before
    assert api.get("/api/v1/namespaces/default/services/redis-master").status == 404
    bad = api.post(URL + "?dryRun=Some", text, content_type="application/yaml")
    assert bad.status == 400
    assert bad.body["message"] == 'dryRun: Unsupported value: "Some": supported values: "All"'


def test_bad_bodies_are_status_errors(api):
    r = api.post(URL, "a: [1, 2", content_type="application/yaml")
    assert r.status == 400
    assert r.body["kind"] == "Status"
    assert r.body["message"].startswith("error parsing request body: ")
    r = api.post(URL, "{nope", content_type="application/json")
    assert r.status == 400
    r = api.post(URL, b"\x00\x01", content_type="application/octet-stream")
    assert r.status == 415
    assert r.body["reason"] == "UnsupportedMediaType"


def test_anonymous_is_unauthorized(cluster, anon):
    text = (MANIFESTS / "bookinfo.yaml").read_text()
    r = anon.post(URL, text, content_type="application/yaml")
    assert r.status == 401
    assert r.body["reason"] == "Unauthorized"


def test_viewer_may_not_write(cluster):
    viewer = Api(make_token("viewer", "", "viewer"))
    before = revision()
    r = viewer.post(URL, (MANIFESTS / "bookinfo.yaml").read_text(), content_type="application/yaml")
    assert r.status == 403
    assert r.body["reason"] == "Forbidden"
    assert 'User "viewer" cannot create resource' in r.body["message"]
    assert revision() == before


def test_editor_writes_only_in_its_namespace(api):
    api.post("/api/v1/namespaces", {"metadata": {"name": "team"}})
    editor = Api(make_token("ed", "team", "editor"))
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"ports": [{"port": 80}]},
    }
    r = editor.post(URL + "?namespace=team", [svc])
    assert r.status == 200
    assert r.body["items"][0]["message"] == "service/web created"
    before = revision()
    elsewhere = dict(svc, metadata={"name": "web", "namespace": "default"})
    r = editor.post(URL + "?namespace=team", [dict(svc, spec={"ports": [{"port": 81}]}), elsewhere])
    assert r.status == 403
    assert r.body["message"] == (
        'services "web" is forbidden: User "ed" cannot create resource "services" in API group "" '
        'in the namespace "default"'
    )
    assert revision() == before
    assert api.get("/api/v1/namespaces/team/services/web").body["spec"]["ports"][0]["port"] == 80
