"""``/version`` and API discovery: aggregated v2 (with its exact Content-Type) and legacy, as
kubectl 1.32 and client-go read them."""

from __future__ import annotations

import pytest

AGGREGATED_ACCEPT = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
    "application/json"
)
AGGREGATED_CT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"]


def test_version_selects_kubectl_1_32(anon, db):
    answer = anon.get("/version")
    assert answer.status == 200
    assert (answer.body["major"], answer.body["minor"]) == ("1", "32")
    assert answer.body["gitVersion"].startswith("v1.32.")
    assert answer.body["platform"] == "linux/amd64"


def resources_by_name(group_item: dict) -> dict[str, dict]:
    (version,) = group_item["versions"]
    assert version["version"] == "v1" and version["freshness"] == "Current"
    return {r["resource"]: r for r in version["resources"]}


def test_aggregated_core_discovery(anon, db):
    answer = anon.get("/api", headers={"Accept": AGGREGATED_ACCEPT})
    assert answer.status == 200
    assert answer.headers["Content-Type"] == AGGREGATED_CT
    assert (answer.body["kind"], answer.body["apiVersion"]) == (
        "APIGroupDiscoveryList",
        "apidiscovery.k8s.io/v2",
    )
    (core,) = answer.body["items"]
    assert core["metadata"]["name"] == ""
    res = resources_by_name(core)
    assert {"namespaces", "nodes", "pods", "services", "endpoints"} <= set(res)
    svc = res["services"]
    assert svc["singularResource"] == "service"
    assert svc["scope"] == "Namespaced"
    assert svc["responseKind"] == {"group": "", "version": "v1", "kind": "Service"}
    assert svc["shortNames"] == ["svc"] and svc["categories"] == ["all"]
    assert sorted(svc["verbs"]) == VERBS
    subs = {s["subresource"]: s for s in svc["subresources"]}
    assert subs["status"]["responseKind"] == {"group": "", "version": "v1", "kind": "Service"}
    assert res["namespaces"]["scope"] == "Cluster" and res["nodes"]["scope"] == "Cluster"
    assert res["pods"]["shortNames"] == ["po"]
    assert res["endpoints"]["shortNames"] == ["ep"]


def test_aggregated_group_discovery_advertises_scale_as_autoscaling(anon, db):
    answer = anon.get("/apis", headers={"Accept": AGGREGATED_ACCEPT})
    assert answer.headers["Content-Type"] == AGGREGATED_CT
    groups = {g["metadata"]["name"]: g for g in answer.body["items"]}
    assert {"apps", "batch", "discovery.k8s.io"} <= set(groups)
    assert "" not in groups
    apps = resources_by_name(groups["apps"])
    assert {"deployments", "replicasets", "statefulsets", "daemonsets"} <= set(apps)
    scale = {s["subresource"]: s for s in apps["deployments"]["subresources"]}["scale"]
    assert scale["responseKind"] == {"group": "autoscaling", "version": "v1", "kind": "Scale"}
    assert sorted(scale["verbs"]) == ["get", "patch", "update"]
    assert apps["deployments"]["shortNames"] == ["deploy"]
    assert "endpointslices" in resources_by_name(groups["discovery.k8s.io"])
    assert "jobs" in resources_by_name(groups["batch"])


@pytest.mark.parametrize("path", ["/api", "/apis"])
def test_plain_json_accept_gets_legacy_discovery(anon, db, path):
    answer = anon.get(path, headers={"Accept": "application/json, */*"})
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.body["kind"] in ("APIVersions", "APIGroupList")


def test_legacy_api_versions(anon, db):
    body = anon.get("/api").body
    assert body["kind"] == "APIVersions" and body["versions"] == ["v1"]
    assert body["serverAddressByClientCIDRs"][0]["clientCIDR"] == "0.0.0.0/0"


def test_legacy_group_list(anon, db):
    body = anon.get("/apis").body
    assert (body["kind"], body["apiVersion"]) == ("APIGroupList", "v1")
    groups = {g["name"]: g for g in body["groups"]}
    assert groups["apps"]["versions"] == [{"groupVersion": "apps/v1", "version": "v1"}]
    assert groups["apps"]["preferredVersion"] == {"groupVersion": "apps/v1", "version": "v1"}
    assert "" not in groups


def test_core_v1_resource_list(anon, db):
    body = anon.get("/api/v1").body
    assert (body["kind"], body["groupVersion"]) == ("APIResourceList", "v1")
    res = {r["name"]: r for r in body["resources"]}
    assert res["pods"] == {
        "name": "pods",
        "singularName": "pod",
        "namespaced": True,
        "kind": "Pod",
        "verbs": VERBS,
        "shortNames": ["po"],
        "categories": ["all"],
    }
    assert res["pods/status"]["kind"] == "Pod"
    assert res["namespaces"]["namespaced"] is False


def test_group_version_resource_list(anon, db):
    body = anon.get("/apis/apps/v1").body
    assert body["groupVersion"] == "apps/v1"
    res = {r["name"]: r for r in body["resources"]}
    assert res["deployments/scale"]["group"] == "autoscaling"
    assert res["deployments/scale"]["version"] == "v1"
    assert res["deployments/scale"]["kind"] == "Scale"
    assert res["deployments"]["kind"] == "Deployment"
    assert anon.get("/apis/discovery.k8s.io/v1").body["resources"][0]["name"] == "endpointslices"


def test_group_root(anon, db):
    body = anon.get("/apis/apps").body
    assert (body["kind"], body["name"]) == ("APIGroup", "apps")
    assert body["preferredVersion"]["groupVersion"] == "apps/v1"


@pytest.mark.parametrize(
    "path", ["/apis/nope", "/apis/nope/v1", "/apis/apps/v2", "/apis/apps/v1beta1"]
)
def test_unknown_groups_and_versions_are_404_statuses(anon, db, path):
    answer = anon.get(path)
    assert answer.status == 404
    assert answer.body["kind"] == "Status" and answer.body["reason"] == "NotFound"


def test_every_discovered_resource_is_served(api):
    """What discovery promises, the API serves: each listed resource answers a LIST."""
    core = anon_resources(api, "/api/v1", "")
    apps = anon_resources(api, "/apis/apps/v1", "apps")
    others = anon_resources(api, "/apis/batch/v1", "batch") + anon_resources(
        api, "/apis/discovery.k8s.io/v1", "discovery.k8s.io"
    )
    for prefix, name in core + apps + others:
        answer = api.get(f"{prefix}/{name}")
        assert answer.status == 200, (prefix, name, answer)
        assert answer.body["metadata"]["resourceVersion"]


def anon_resources(api, path: str, group: str) -> list[tuple[str, str]]:
    body = api.get(path).body
    return [(path, r["name"]) for r in body["resources"] if "/" not in r["name"]]
