"""Deleting a namespace deletes everything in it in the same transaction; the system
namespaces cannot be deleted (NamespaceLifecycle admission)."""

from __future__ import annotations

import pytest

from cluster.models import ChangeEvent, Deployment, Endpoints, Pod, ReplicaSet, Service
from cluster.selectors import current_revision


def make_team(api):
    assert api.post("/api/v1/namespaces", {"metadata": {"name": "team"}}).status == 201
    base = "/api/v1/namespaces/team"
    dep = {
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }
    assert api.post("/apis/apps/v1/namespaces/team/deployments", dep).status == 201
    owner = api.get("/apis/apps/v1/namespaces/team/deployments/web").body
    rs = {
        "metadata": {
            "name": "web-1",
            "labels": {"app": "web"},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": "web",
                    "uid": owner["metadata"]["uid"],
                    "controller": True,
                }
            ],
        },
        "spec": dep["spec"],
    }
    assert api.post("/apis/apps/v1/namespaces/team/replicasets", rs).status == 201
    svc = {"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}
    assert api.post(f"{base}/services", svc).status == 201
    pod = {"metadata": {"name": "solo"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    assert api.post(f"{base}/pods", pod).status == 201


def test_deleting_a_namespace_deletes_its_content_once_each(api):
    make_team(api)
    before = current_revision()
    answer = api.delete("/api/v1/namespaces/team")
    assert answer.status == 200, answer
    for model in (Deployment, ReplicaSet, Service, Pod, Endpoints):
        assert not model.objects.filter(namespace="team").exists()
    events = list(
        ChangeEvent.objects.filter(revision__gt=before).values_list("type", "kind", "name")
    )
    assert all(kind_type == "DELETED" for kind_type, _, _ in events)
    names = [(kind, name) for _, kind, name in events]
    assert len(names) == len(set(names)), "every object is deleted exactly once"
    assert names[-1] == ("Namespace", "team")
    assert {
        ("Deployment", "web"),
        ("ReplicaSet", "web-1"),
        ("Service", "web"),
        ("Pod", "solo"),
    } <= set(names)
    assert api.get("/api/v1/namespaces/team").status == 404


@pytest.mark.parametrize("name", ["default", "kube-system", "kube-public"])
def test_system_namespaces_may_not_be_deleted(api, name):
    answer = api.delete(f"/api/v1/namespaces/{name}")
    assert answer.status == 403
    assert answer.body["reason"] == "Forbidden"
    assert (
        answer.body["message"]
        == f'namespaces "{name}" is forbidden: this namespace may not be deleted'
    )
    assert api.get(f"/api/v1/namespaces/{name}").status == 200


def test_namespace_gets_its_metadata_name_label(api):
    created = api.post("/api/v1/namespaces", {"metadata": {"name": "labelled"}})
    assert created.body["metadata"]["labels"] == {"kubernetes.io/metadata.name": "labelled"}


def test_validate_namespace_finalizer_names():
    from cluster.validation.core import validate_namespace

    # TestValidateNamespaceFinalizeUpdate: "foo/bar" is fine, "foo" is not standard
    assert validate_namespace({"spec": {"finalizers": ["kubernetes", "example.com/x"]}}) == []
    (err,) = validate_namespace({"spec": {"finalizers": ["foo"]}})
    assert str(err) == (
        'spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is '
        "it fully qualified"
    )
