"""The REST surface: every verb on every served resource, lists with selectors and paging,
optimistic concurrency, patches, cascading delete and dry-run."""

from __future__ import annotations

import pytest

from cluster.selectors import current_revision

NS = "/api/v1/namespaces"
SVC = "/api/v1/namespaces/default/services"
PODS = "/api/v1/namespaces/default/pods"
DEPLOY = "/apis/apps/v1/namespaces/default/deployments"
RS = "/apis/apps/v1/namespaces/default/replicasets"
SLICES = "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices"


def template(labels: dict) -> dict:
    return {
        "metadata": {"labels": labels},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }


def workload(name: str, **spec) -> dict:
    labels = {"app": name}
    return {
        "metadata": {"name": name, "labels": labels},
        "spec": {"selector": {"matchLabels": labels}, "template": template(labels), **spec},
    }


def pod(name: str, labels: dict | None = None, owner: dict | None = None) -> dict:
    meta: dict = {"name": name, "labels": labels or {}}
    if owner:
        meta["ownerReferences"] = [owner]
    return {"metadata": meta, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}


def owner_ref(obj: dict) -> dict:
    return {
        "apiVersion": obj["apiVersion"],
        "kind": obj["kind"],
        "name": obj["metadata"]["name"],
        "uid": obj["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


# Every served resource: its collection in default (or cluster), a minimal body, a field the
# test changes with a merge patch.
RESOURCES = [
    ("namespaces", "/api/v1/namespaces", {"metadata": {"name": "team-a"}}),
    (
        "nodes",
        "/api/v1/nodes",
        {"metadata": {"name": "node-9"}, "spec": {"podCIDR": "10.244.9.0/24"}},
    ),
    ("pods", PODS, pod("p1")),
    ("services", SVC, {"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}),
    (
        "endpoints",
        "/api/v1/namespaces/default/endpoints",
        {
            "metadata": {"name": "manual"},
            "subsets": [{"addresses": [{"ip": "10.1.2.3"}], "ports": [{"port": 80}]}],
        },
    ),
    ("deployments", DEPLOY, workload("d1", replicas=2)),
    ("replicasets", RS, workload("rs1", replicas=1)),
    (
        "statefulsets",
        "/apis/apps/v1/namespaces/default/statefulsets",
        workload("db", replicas=1, serviceName="db"),
    ),
    ("daemonsets", "/apis/apps/v1/namespaces/default/daemonsets", workload("agent")),
    (
        "jobs",
        "/apis/batch/v1/namespaces/default/jobs",
        {
            "metadata": {"name": "once"},
            "spec": {
                "template": {
                    "spec": {
                        "restartPolicy": "Never",
                        "containers": [{"name": "c", "image": "busybox"}],
                    }
                }
            },
        },
    ),
    (
        "endpointslices",
        SLICES,
        {
            "metadata": {"name": "manual-abc", "labels": {"kubernetes.io/service-name": "manual"}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": ["10.1.2.3"], "conditions": {"ready": True}}],
            "ports": [{"name": "", "port": 80, "protocol": "TCP"}],
        },
    ),
]


@pytest.mark.parametrize(
    ("resource", "collection", "body"), RESOURCES, ids=[r[0] for r in RESOURCES]
)
def test_create_get_list_patch_put_delete(api, resource, collection, body):
    name = body["metadata"]["name"]
    created = api.post(collection, body)
    assert created.status == 201, created
    meta = created.body["metadata"]
    assert meta["uid"] and meta["resourceVersion"] and meta["creationTimestamp"].endswith("Z")
    item = f"{collection}/{name}"

    got = api.get(item)
    assert got.status == 200 and got.body == created.body

    listed = api.get(collection)
    assert listed.status == 200
    assert listed.body["kind"] == created.body["kind"] + "List"
    assert listed.body["apiVersion"] == created.body["apiVersion"]
    assert int(listed.body["metadata"]["resourceVersion"]) >= int(meta["resourceVersion"])
    assert name in [i["metadata"]["name"] for i in listed.body["items"]]

    patched = api.patch(item, {"metadata": {"labels": {"patched": "yes"}}})
    assert patched.status == 200, patched
    assert patched.body["metadata"]["labels"]["patched"] == "yes"
    assert int(patched.body["metadata"]["resourceVersion"]) > int(meta["resourceVersion"])

    replaced_body = patched.body
    replaced_body["metadata"]["annotations"] = {"replaced": "yes"}
    replaced = api.put(item, replaced_body)
    assert replaced.status == 200, replaced
    assert replaced.body["metadata"]["annotations"] == {"replaced": "yes"}
    assert replaced.body["metadata"]["uid"] == meta["uid"]

    deleted = api.delete(item)
    assert deleted.status == 200, deleted
    if resource == "namespaces":
        # The namespace lifecycle may keep it Terminating; it is at least marked.
        gone = api.get(item)
        assert gone.status == 404 or gone.body["metadata"].get("deletionTimestamp")
    else:
        assert api.get(item).status == 404


@pytest.mark.parametrize(
    ("collection", "kind"),
    [
        ("/api/v1/pods", "PodList"),
        ("/api/v1/services", "ServiceList"),
        ("/api/v1/endpoints", "EndpointsList"),
        ("/apis/apps/v1/deployments", "DeploymentList"),
        ("/apis/apps/v1/replicasets", "ReplicaSetList"),
        ("/apis/discovery.k8s.io/v1/endpointslices", "EndpointSliceList"),
        ("/apis/apps/v1/statefulsets", "StatefulSetList"),
        ("/apis/apps/v1/daemonsets", "DaemonSetList"),
        ("/apis/batch/v1/jobs", "JobList"),
    ],
)
def test_all_namespace_lists(api, collection, kind):
    answer = api.get(collection)
    assert answer.status == 200, answer
    assert answer.body["kind"] == kind
    assert answer.body["metadata"]["resourceVersion"] == str(current_revision())


def test_all_namespace_list_spans_namespaces_and_namespaced_list_does_not(api):
    api.post(NS, {"metadata": {"name": "team-a"}})
    api.post(
        "/api/v1/namespaces/team-a/services",
        {"metadata": {"name": "a"}, "spec": {"ports": [{"port": 80}]}},
    )
    api.post(SVC, {"metadata": {"name": "b"}, "spec": {"ports": [{"port": 80}]}})
    everywhere = {
        (i["metadata"]["namespace"], i["metadata"]["name"])
        for i in api.get("/api/v1/services").body["items"]
    }
    assert {("team-a", "a"), ("default", "b"), ("default", "kubernetes")} <= everywhere
    here = {
        i["metadata"]["name"] for i in api.get("/api/v1/namespaces/team-a/services").body["items"]
    }
    assert here == {"a"}


# --- status subresources ------------------------------------------------------------------------


def test_pod_status_is_written_only_through_status(api):
    created = api.post(PODS, pod("p1")).body
    assert created["status"]["phase"] == "Pending"
    # The main resource ignores status changes (PrepareForUpdate keeps the old status).
    main = api.patch(
        f"{PODS}/p1", {"status": {"phase": "Running"}, "metadata": {"labels": {"a": "b"}}}
    )
    assert main.body["status"]["phase"] == "Pending"
    assert main.body["metadata"]["labels"] == {"a": "b"}
    # /status changes status only.
    status = api.patch(
        f"{PODS}/p1/status", {"status": {"phase": "Running"}, "metadata": {"labels": {"a": "c"}}}
    )
    assert status.status == 200, status
    assert status.body["status"]["phase"] == "Running"
    assert status.body["metadata"]["labels"] == {"a": "b"}
    got = api.get(f"{PODS}/p1/status")
    assert got.status == 200 and got.body["status"]["phase"] == "Running"
    body = got.body
    body["status"]["podIP"] = "10.244.0.9"
    put = api.put(f"{PODS}/p1/status", body)
    assert put.status == 200 and put.body["status"]["podIP"] == "10.244.0.9"


def test_service_status_subresource(api):
    lb = {"metadata": {"name": "lb"}, "spec": {"type": "LoadBalancer", "ports": [{"port": 80}]}}
    assert api.post(SVC, lb).status == 201
    ingress = {"status": {"loadBalancer": {"ingress": [{"ip": "192.0.2.10"}]}}}
    assert api.patch(f"{SVC}/lb", ingress).body["status"] == {"loadBalancer": {}}
    answer = api.patch(f"{SVC}/lb/status", ingress)
    assert answer.status == 200, answer
    assert answer.body["status"]["loadBalancer"]["ingress"][0]["ip"] == "192.0.2.10"


def test_status_of_a_missing_object_is_404(api):
    assert api.get(f"{PODS}/nope/status").status == 404
    assert api.put(f"{PODS}/nope/status", pod("nope")).status == 404


# --- scale ----------------------------------------------------------------------------------


def test_deployment_scale_get_put_patch(api):
    api.post(DEPLOY, workload("d1", replicas=2))
    scale = api.get(f"{DEPLOY}/d1/scale")
    assert scale.status == 200
    assert (scale.body["kind"], scale.body["apiVersion"]) == ("Scale", "autoscaling/v1")
    assert scale.body["spec"] == {"replicas": 2}
    assert scale.body["status"]["selector"] == "app=d1"
    assert scale.body["metadata"]["name"] == "d1"

    body = scale.body
    body["spec"]["replicas"] = 3
    put = api.put(f"{DEPLOY}/d1/scale", body)
    assert put.status == 200, put
    assert put.body["spec"]["replicas"] == 3
    assert api.get(f"{DEPLOY}/d1").body["spec"]["replicas"] == 3

    patched = api.patch(f"{DEPLOY}/d1/scale", {"spec": {"replicas": 5}})
    assert patched.status == 200 and patched.body["spec"]["replicas"] == 5
    deployment = api.get(f"{DEPLOY}/d1").body
    assert deployment["spec"]["replicas"] == 5
    assert deployment["metadata"]["generation"] == 3

    jp = api.patch(
        f"{DEPLOY}/d1/scale",
        [{"op": "replace", "path": "/spec/replicas", "value": 1}],
        content_type="application/json-patch+json",
    )
    assert jp.status == 200 and jp.body["spec"]["replicas"] == 1


def test_scale_with_a_stale_resource_version_is_conflict(api):
    api.post(DEPLOY, workload("d1", replicas=2))
    stale = api.get(f"{DEPLOY}/d1/scale").body
    api.patch(f"{DEPLOY}/d1/scale", {"spec": {"replicas": 4}})
    stale["spec"]["replicas"] = 9
    answer = api.put(f"{DEPLOY}/d1/scale", stale)
    assert answer.status == 409 and answer.body["reason"] == "Conflict"
    assert api.get(f"{DEPLOY}/d1").body["spec"]["replicas"] == 4


def test_negative_scale_is_invalid(api):
    api.post(DEPLOY, workload("d1", replicas=2))
    answer = api.patch(f"{DEPLOY}/d1/scale", {"spec": {"replicas": -1}})
    assert answer.status == 422, answer
    assert answer.body["details"]["causes"][0]["field"] == "spec.replicas"


def test_scale_of_a_missing_deployment_is_404(api):
    assert api.get(f"{DEPLOY}/nope/scale").status == 404
    assert api.patch(f"{DEPLOY}/nope/scale", {"spec": {"replicas": 1}}).status == 404


def test_replicaset_scale(api):
    api.post(RS, workload("rs1", replicas=1))
    answer = api.patch(f"{RS}/rs1/scale", {"spec": {"replicas": 2}})
    assert answer.status == 200 and answer.body["spec"]["replicas"] == 2


# --- selectors and paging ---------------------------------------------------------------------


@pytest.fixture
def labelled(api):
    pods = {
        "a": {"app": "web", "tier": "front", "rank": "1"},
        "b": {"app": "web", "tier": "back", "rank": "5"},
        "c": {"app": "db", "rank": "10"},
        "d": {},
    }
    for name, labels in pods.items():
        assert api.post(PODS, pod(name, labels)).status == 201
    return pods


def names(answer) -> list[str]:
    assert answer.status == 200, answer
    return [i["metadata"]["name"] for i in answer.body["items"]]


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("app=web", ["a", "b"]),
        ("app==web", ["a", "b"]),
        ("app!=web", ["c", "d"]),
        ("app in (web,db)", ["a", "b", "c"]),
        ("app in (web, db),tier", ["a", "b"]),
        ("tier notin (front)", ["b", "c", "d"]),
        ("tier", ["a", "b"]),
        ("!tier", ["c", "d"]),
        ("rank>4", ["b", "c"]),
        ("rank<5", ["a"]),
        ("app=web,tier=back", ["b"]),
        ("app in (web),tier notin (back, middle),!missing", ["a"]),
        ("", ["a", "b", "c", "d"]),
    ],
)
def test_label_selector_on_lists(api, labelled, selector, expected):
    from urllib.parse import quote

    assert names(api.get(f"{PODS}?labelSelector={quote(selector)}")) == expected


def test_field_selectors(api, labelled):
    assert names(api.get(f"{PODS}?fieldSelector=metadata.name%3Db")) == ["b"]
    assert names(api.get(f"{PODS}?fieldSelector=metadata.name!%3Db")) == ["a", "c", "d"]
    assert names(api.get(f"{PODS}?fieldSelector=metadata.name%3D%3Dc")) == ["c"]
    everywhere = api.get("/api/v1/services?fieldSelector=metadata.namespace%3Ddefault")
    assert names(everywhere) == ["kubernetes"]
    assert names(api.get("/api/v1/services?fieldSelector=metadata.namespace%3Dkube-system")) == []
    both = api.get(f"{PODS}?fieldSelector=metadata.name!%3Da&labelSelector=app%3Dweb")
    assert names(both) == ["b"]


def test_field_selector_on_cluster_scoped_namespaces(api):
    assert names(api.get(f"{NS}?fieldSelector=metadata.name%3Ddefault")) == ["default"]


def test_limit_and_continue_page_through_everything_once(api, labelled):
    seen: list[str] = []
    url = f"{PODS}?limit=3"
    first = api.get(url)
    assert names(first) == ["a", "b", "c"]
    token = first.body["metadata"]["continue"]
    rv = first.body["metadata"]["resourceVersion"]
    api.post(PODS, pod("e"))  # written between pages: appears on a later page
    second = api.get(f"{PODS}?limit=3&continue={token}")
    seen = names(first) + names(second)
    assert seen == ["a", "b", "c", "d", "e"]
    assert "continue" not in second.body["metadata"]
    assert int(second.body["metadata"]["resourceVersion"]) >= int(rv)


def test_limit_with_a_selector_fills_pages_with_matches(api, labelled):
    first = api.get(f"{PODS}?limit=1&labelSelector=app%3Dweb")
    assert names(first) == ["a"]
    second = api.get(
        f"{PODS}?limit=1&labelSelector=app%3Dweb&continue={first.body['metadata']['continue']}"
    )
    assert names(second) == ["b"]


def test_a_limit_of_zero_means_no_limit(api, labelled):
    answer = api.get(f"{PODS}?limit=0")
    assert names(answer) == ["a", "b", "c", "d"]
    assert "continue" not in answer.body["metadata"]


# --- writes -----------------------------------------------------------------------------------


def test_generate_name(api):
    answer = api.post(PODS, {"metadata": {"generateName": "web-"}, "spec": pod("x")["spec"]})
    assert answer.status == 201, answer
    name = answer.body["metadata"]["name"]
    assert name.startswith("web-") and len(name) == len("web-") + 5
    assert answer.body["metadata"]["generateName"] == "web-"


def test_server_owned_metadata_is_ignored_on_create(api):
    body = pod("p1")
    body["metadata"].update(uid="00000000-0000-0000-0000-000000000000", resourceVersion="999999")
    answer = api.post(PODS, body)
    assert answer.body["metadata"]["uid"] != "00000000-0000-0000-0000-000000000000"
    assert answer.body["metadata"]["resourceVersion"] != "999999"


def test_put_without_resource_version_is_an_unconditional_update(api):
    body = api.get(f"{SVC}/kubernetes").body
    api.patch(f"{SVC}/kubernetes", {"metadata": {"labels": {"x": "1"}}})
    del body["metadata"]["resourceVersion"]
    body["metadata"]["labels"] = {"x": "2"}
    answer = api.put(f"{SVC}/kubernetes", body)
    assert answer.status == 200 and answer.body["metadata"]["labels"] == {"x": "2"}


def test_put_of_a_missing_object_is_404_except_for_endpoints(api):
    assert api.put(f"{SVC}/nope", {"metadata": {"name": "nope"}, "spec": {}}).status == 404
    created = api.put(
        "/api/v1/namespaces/default/endpoints/manual",
        {"metadata": {"name": "manual"}, "subsets": []},
    )
    assert created.status == 201, created


def test_merge_patch_removes_with_null(api):
    api.patch(f"{SVC}/kubernetes", {"metadata": {"labels": {"x": "1"}}})
    answer = api.patch(f"{SVC}/kubernetes", {"metadata": {"labels": {"x": None}}})
    assert "x" not in answer.body["metadata"].get("labels", {})


def test_json_patch(api):
    ops = [
        {"op": "add", "path": "/metadata/labels/added", "value": "yes"},
        {"op": "test", "path": "/spec/type", "value": "ClusterIP"},
    ]
    answer = api.patch(f"{SVC}/kubernetes", ops, content_type="application/json-patch+json")
    assert answer.status == 200, answer
    assert answer.body["metadata"]["labels"]["added"] == "yes"


def test_a_patch_cannot_rename_or_move(api):
    answer = api.patch(f"{SVC}/kubernetes", {"metadata": {"name": "other"}})
    assert answer.status == 400
    answer = api.patch(f"{SVC}/kubernetes", {"metadata": {"namespace": "kube-system"}})
    assert answer.status == 400


def test_patch_of_a_missing_object_is_404(api):
    assert api.patch(f"{SVC}/nope", {"metadata": {"labels": {"a": "b"}}}).status == 404


def test_a_no_op_patch_keeps_the_resource_version(api):
    before = api.get(f"{SVC}/kubernetes").body["metadata"]["resourceVersion"]
    answer = api.patch(f"{SVC}/kubernetes", {})
    assert answer.status == 200
    assert answer.body["metadata"]["resourceVersion"] == before


def test_generation_follows_spec_changes_only(api):
    created = api.post(DEPLOY, workload("d1", replicas=1)).body
    assert created["metadata"]["generation"] == 1
    labelled = api.patch(f"{DEPLOY}/d1", {"metadata": {"labels": {"a": "b"}}}).body
    assert labelled["metadata"]["generation"] == 1
    scaled = api.patch(f"{DEPLOY}/d1", {"spec": {"replicas": 2}}).body
    assert scaled["metadata"]["generation"] == 2


# --- dry run ----------------------------------------------------------------------------------


def test_dry_run_writes_nothing_but_answers_as_if_it_did(api):
    rev0 = current_revision()
    created = api.post(
        f"{SVC}?dryRun=All", {"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}
    )
    assert created.status == 201 and created.body["metadata"]["name"] == "web"
    assert api.get(f"{SVC}/web").status == 404
    patched = api.patch(f"{SVC}/kubernetes?dryRun=All", {"metadata": {"labels": {"x": "y"}}})
    assert patched.status == 200 and patched.body["metadata"]["labels"]["x"] == "y"
    assert "x" not in api.get(f"{SVC}/kubernetes").body["metadata"].get("labels", {})
    body = api.get(f"{SVC}/kubernetes").body
    body["metadata"]["labels"] = {"z": "1"}
    assert api.put(f"{SVC}/kubernetes?dryRun=All", body).status == 200
    assert api.delete(f"{SVC}/kubernetes?dryRun=All").status == 200
    assert api.get(f"{SVC}/kubernetes").body["metadata"].get("labels") != {"z": "1"}
    assert api.patch(f"{DEPLOY}/nope/scale?dryRun=All", {"spec": {"replicas": 1}}).status == 404
    assert current_revision() == rev0


def test_dry_run_still_validates(api):
    answer = api.post(f"{SVC}?dryRun=All", {"metadata": {"name": "Bad_Name"}, "spec": {}})
    assert answer.status == 422


# --- cascading delete -------------------------------------------------------------------------


@pytest.fixture
def deployment_tree(api):
    """A Deployment owning a ReplicaSet owning two Pods, as the controllers would build it."""
    deployment = api.post(DEPLOY, workload("d1", replicas=2)).body
    rs_body = workload("d1-abc", replicas=2)
    rs_body["metadata"]["ownerReferences"] = [owner_ref(deployment)]
    replicaset = api.post(RS, rs_body).body
    for name in ("d1-abc-1", "d1-abc-2"):
        assert api.post(PODS, pod(name, {"app": "d1"}, owner_ref(replicaset))).status == 201
    api.post(PODS, pod("bystander", {"app": "d1"}))
    return deployment, replicaset


def test_delete_deployment_cascades_to_replicasets_and_pods(api, deployment_tree):
    rev0 = current_revision()
    answer = api.delete(f"{DEPLOY}/d1", {"propagationPolicy": "Background"})
    assert answer.status == 200
    assert api.get(f"{RS}/d1-abc").status == 404
    assert names(api.get(PODS)) == ["bystander"]
    from cluster.models import ChangeEvent

    deleted = list(
        ChangeEvent.objects.filter(revision__gt=rev0, type="DELETED").values_list("kind", "name")
    )
    assert set(deleted) == {
        ("Deployment", "d1"),
        ("ReplicaSet", "d1-abc"),
        ("Pod", "d1-abc-1"),
        ("Pod", "d1-abc-2"),
    }


def test_foreground_deletion_removes_dependents_too(api, deployment_tree):
    assert api.delete(f"{DEPLOY}/d1", {"propagationPolicy": "Foreground"}).status == 200
    assert api.get(f"{RS}/d1-abc").status == 404
    assert names(api.get(PODS)) == ["bystander"]


@pytest.mark.parametrize(
    "how",
    [
        {"body": {"propagationPolicy": "Orphan"}},
        {"body": {"orphanDependents": True}},
        {"query": "?propagationPolicy=Orphan"},
    ],
    ids=["policy", "orphanDependents", "query"],
)
def test_orphan_leaves_dependents_without_the_owner_reference(api, deployment_tree, how):
    deployment, _ = deployment_tree
    answer = api.delete(f"{DEPLOY}/d1{how.get('query', '')}", how.get("body"))
    assert answer.status == 200
    assert api.get(f"{DEPLOY}/d1").status == 404
    rs = api.get(f"{RS}/d1-abc")
    assert rs.status == 200
    refs = rs.body["metadata"].get("ownerReferences") or []
    assert deployment["metadata"]["uid"] not in [r["uid"] for r in refs]
    # Orphaning is one level: the ReplicaSet still owns its Pods.
    assert sorted(names(api.get(PODS))) == ["bystander", "d1-abc-1", "d1-abc-2"]


def test_delete_service_removes_its_endpoints_and_owned_slices(api):
    svc = api.post(SVC, {"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}).body
    api.put(
        "/api/v1/namespaces/default/endpoints/web",
        {"metadata": {"name": "web"}, "subsets": []},
    )
    owned = {
        "metadata": {
            "name": "web-x1",
            "labels": {"kubernetes.io/service-name": "web"},
            "ownerReferences": [owner_ref(svc)],
        },
        "addressType": "IPv4",
        "endpoints": [],
    }
    foreign = {
        "metadata": {"name": "other-x1", "labels": {"kubernetes.io/service-name": "other"}},
        "addressType": "IPv4",
        "endpoints": [],
    }
    assert api.post(SLICES, owned).status == 201
    assert api.post(SLICES, foreign).status == 201
    assert api.delete(f"{SVC}/web").status == 200
    assert api.get("/api/v1/namespaces/default/endpoints/web").status == 404
    assert api.get(f"{SLICES}/web-x1").status == 404
    assert api.get(f"{SLICES}/other-x1").status == 200


def test_delete_answers_the_last_state(api):
    answer = api.delete(f"{SVC}/kubernetes")
    assert answer.body["kind"] == "Service"
    assert answer.body["metadata"]["name"] == "kubernetes"


def test_delete_of_a_missing_object_is_404(api):
    answer = api.delete(f"{SVC}/nope")
    assert answer.status == 404 and answer.body["reason"] == "NotFound"


def test_delete_options_from_the_query_string(api, deployment_tree):
    answer = api.delete(f"{DEPLOY}/d1?propagationPolicy=Orphan")
    assert answer.status == 200
    assert api.get(f"{RS}/d1-abc").status == 200
