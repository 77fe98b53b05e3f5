"""Finalizers: a delete marks the object (deletionTimestamp) and it stays until an update
removes the last finalizer; then it is gone, with its cascade. (``registry/generic/registry``
``Store.Delete`` / ``deletionFinalizersForGarbageCollection`` and ObjectMeta update rules.)"""

from __future__ import annotations

import pytest

from cluster.models import ChangeEvent
from cluster.selectors import current_revision

SVC = "/api/v1/namespaces/default/services"
PODS = "/api/v1/namespaces/default/pods"
DEPLOY = "/apis/apps/v1/namespaces/default/deployments"
RS = "/apis/apps/v1/namespaces/default/replicasets"


def service(name: str, *finalizers: str) -> dict:
    return {
        "metadata": {"name": name, "finalizers": list(finalizers)},
        "spec": {"ports": [{"port": 80}]},
    }


def pod(name: str, owner: dict | None = None, finalizers: tuple[str, ...] = ()) -> dict:
    meta: dict = {"name": name, "finalizers": list(finalizers)}
    if owner is not None:
        meta["ownerReferences"] = [
            {
                "apiVersion": owner["apiVersion"],
                "kind": owner["kind"],
                "name": owner["metadata"]["name"],
                "uid": owner["metadata"]["uid"],
                "controller": True,
            }
        ]
    return {"metadata": meta, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}


def replicaset(name: str, *finalizers: str) -> dict:
    labels = {"app": name}
    return {
        "metadata": {"name": name, "finalizers": list(finalizers)},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }


def test_delete_marks_an_object_with_finalizers_and_keeps_it(api):
    created = api.post(SVC, service("web", "example.com/hold")).body
    answer = api.delete(f"{SVC}/web")
    assert answer.status == 200
    meta = answer.body["metadata"]
    assert meta["deletionTimestamp"].endswith("Z")
    assert meta["deletionGracePeriodSeconds"] == 0
    assert int(meta["resourceVersion"]) > int(created["metadata"]["resourceVersion"])
    got = api.get(f"{SVC}/web")
    assert (
        got.status == 200 and got.body["metadata"]["deletionTimestamp"] == meta["deletionTimestamp"]
    )
    assert "web" in [i["metadata"]["name"] for i in api.get(SVC).body["items"]]
    event = ChangeEvent.objects.get(revision=int(meta["resourceVersion"]))
    assert (event.type, event.name) == ("MODIFIED", "web")


def test_deleting_again_changes_nothing(api):
    api.post(SVC, service("web", "example.com/hold"))
    first = api.delete(f"{SVC}/web").body
    rev = current_revision()
    second = api.delete(f"{SVC}/web")
    assert second.status == 200
    assert second.body["metadata"]["deletionTimestamp"] == first["metadata"]["deletionTimestamp"]
    assert current_revision() == rev


@pytest.mark.parametrize(
    ("patch", "content_type"),
    [
        ({"metadata": {"finalizers": None}}, "application/merge-patch+json"),
        ({"metadata": {"finalizers": []}}, "application/merge-patch+json"),
        ([{"op": "remove", "path": "/metadata/finalizers"}], "application/json-patch+json"),
    ],
    ids=["merge-null", "merge-empty", "json-patch"],
)
def test_removing_the_last_finalizer_deletes_the_object(api, patch, content_type):
    api.post(SVC, service("web", "example.com/hold"))
    api.delete(f"{SVC}/web")
    rev0 = current_revision()
    answer = api.patch(f"{SVC}/web", patch, content_type=content_type)
    assert answer.status == 200, answer
    assert api.get(f"{SVC}/web").status == 404
    kinds = list(ChangeEvent.objects.filter(revision__gt=rev0).values_list("type", "kind", "name"))
    assert ("DELETED", "Service", "web") in kinds


def test_removing_one_of_two_finalizers_keeps_the_object(api):
    api.post(SVC, service("web", "a.example.com/one", "b.example.com/two"))
    api.delete(f"{SVC}/web")
    answer = api.patch(f"{SVC}/web", {"metadata": {"finalizers": ["b.example.com/two"]}})
    assert answer.status == 200
    got = api.get(f"{SVC}/web").body
    assert got["metadata"]["finalizers"] == ["b.example.com/two"]
    assert got["metadata"]["deletionTimestamp"]


def test_a_put_without_finalizers_finishes_the_deletion(api):
    api.post(SVC, service("web", "example.com/hold"))
    body = api.delete(f"{SVC}/web").body
    body["metadata"]["finalizers"] = []
    assert api.put(f"{SVC}/web", body).status == 200
    assert api.get(f"{SVC}/web").status == 404


def test_no_new_finalizers_while_deleting(api):
    # ValidateObjectMetaUpdate: "no new finalizers can be added if the object is being deleted"
    api.post(SVC, service("web", "example.com/hold"))
    api.delete(f"{SVC}/web")
    answer = api.patch(
        f"{SVC}/web", {"metadata": {"finalizers": ["example.com/hold", "example.com/more"]}}
    )
    assert answer.status == 422
    cause = answer.body["details"]["causes"][0]
    assert cause["field"] == "metadata.finalizers"
    assert "no new finalizers can be added if the object is being deleted" in cause["message"]


def test_deletion_timestamp_cannot_be_set_or_cleared_by_a_client(api):
    api.post(SVC, service("web", "example.com/hold"))
    patched = api.patch(f"{SVC}/web", {"metadata": {"deletionTimestamp": "2020-01-01T00:00:00Z"}})
    assert "deletionTimestamp" not in patched.body["metadata"]
    marked = api.delete(f"{SVC}/web").body
    cleared = api.patch(f"{SVC}/web", {"metadata": {"deletionTimestamp": None}})
    assert cleared.body["metadata"]["deletionTimestamp"] == marked["metadata"]["deletionTimestamp"]


def test_dry_run_delete_does_not_mark(api):
    api.post(SVC, service("web", "example.com/hold"))
    answer = api.delete(f"{SVC}/web?dryRun=All")
    assert answer.status == 200
    assert "deletionTimestamp" not in api.get(f"{SVC}/web").body["metadata"]


def test_an_owner_with_a_finalizer_cascades_once_it_is_released(api):
    rs = api.post(RS, replicaset("rs1", "example.com/hold")).body
    assert api.post(PODS, pod("child", rs)).status == 201
    api.delete(f"{RS}/rs1")
    assert api.get(f"{PODS}/child").status == 200  # the owner still exists
    api.patch(f"{RS}/rs1", {"metadata": {"finalizers": None}})
    assert api.get(f"{RS}/rs1").status == 404
    assert api.get(f"{PODS}/child").status == 404


def test_a_dependent_with_a_finalizer_is_marked_not_removed(api):
    rs = api.post(RS, replicaset("rs1")).body
    api.post(PODS, pod("held", rs, ("example.com/hold",)))
    api.post(PODS, pod("free", rs))
    assert api.delete(f"{RS}/rs1").status == 200
    assert api.get(f"{RS}/rs1").status == 404
    assert api.get(f"{PODS}/free").status == 404
    held = api.get(f"{PODS}/held")
    assert held.status == 200 and held.body["metadata"]["deletionTimestamp"]
    api.patch(f"{PODS}/held", {"metadata": {"finalizers": None}})
    assert api.get(f"{PODS}/held").status == 404


def test_status_updates_cannot_remove_finalizers(api):
    api.post(PODS, pod("p", finalizers=("example.com/hold",)))
    api.delete(f"{PODS}/p")
    answer = api.patch(f"{PODS}/p/status", {"metadata": {"finalizers": None}, "status": {}})
    assert answer.status == 200
    assert api.get(f"{PODS}/p").body["metadata"]["finalizers"] == ["example.com/hold"]


def test_creating_with_a_name_that_is_being_deleted_conflicts(api):
    api.post(SVC, service("web", "example.com/hold"))
    api.delete(f"{SVC}/web")
    answer = api.post(SVC, service("web"))
    assert answer.status == 409 and answer.body["reason"] == "AlreadyExists"
