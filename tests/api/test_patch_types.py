"""PATCH with each content type kubectl and the Python client send (kubectl.md §5)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.api.kubectl_live import Kubectl, start_kubectl

SVC = "/api/v1/namespaces/default/services"
DEP = "/apis/apps/v1/namespaces/default/deployments"
MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
SMP = "application/strategic-merge-patch+json"
APPLY = "application/apply-patch+yaml"


@pytest.fixture
def web(api: Any) -> dict[str, Any]:
    body = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "selector": {"app": "web"},
            "ports": [
                {"name": "http", "port": 80, "targetPort": 8080},
                {"name": "https", "port": 443, "targetPort": 8443},
            ],
        },
    }
    r = api.post(SVC, body)
    assert r.status == 201, r
    return r.body


@pytest.fixture
def deploy(api: Any) -> dict[str, Any]:
    body = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "app"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "app"}},
            "template": {
                "metadata": {"labels": {"app": "app"}},
                "spec": {
                    "containers": [
                        {"name": "a", "image": "nginx:1", "ports": [{"containerPort": 80}]},
                        {"name": "b", "image": "busybox:1"},
                    ]
                },
            },
        },
    }
    r = api.post(DEP, body)
    assert r.status == 201, r
    return r.body


def ports(obj: dict[str, Any]) -> list[tuple[int, Any]]:
    return [(p["port"], p.get("targetPort")) for p in obj["spec"]["ports"]]


def test_merge_patch_replaces_lists_whole(api: Any, web: Any) -> None:
    r = api.patch(
        f"{SVC}/web",
        {
            "metadata": {"labels": {"tier": "fe"}},
            "spec": {"ports": [{"port": 81, "targetPort": 81}]},
        },
        MERGE,
    )
    assert r.status == 200, r
    assert r.body["metadata"]["labels"] == {"app": "web", "tier": "fe"}
    assert ports(r.body) == [(81, 81)]


def test_json_patch(api: Any, web: Any) -> None:
    ops = [
        {"op": "replace", "path": "/spec/ports/1/targetPort", "value": 9443},
        {"op": "add", "path": "/metadata/labels/tier", "value": "fe"},
    ]
    r = api.patch(f"{SVC}/web", ops, JSON_PATCH)
    assert r.status == 200, r
    assert ports(r.body) == [(80, 8080), (443, 9443)]
    assert r.body["metadata"]["labels"]["tier"] == "fe"


def test_strategic_merge_patch_as_kubectl_apply_sends_it(api: Any, web: Any) -> None:
    patch = {
        "spec": {
            "$setElementOrder/ports": [{"port": 443}, {"port": 80}],
            "ports": [{"port": 80, "targetPort": 8081}],
        }
    }
    r = api.patch(f"{SVC}/web", patch, SMP)
    assert r.status == 200, r
    assert ports(r.body) == [(443, 8443), (80, 8081)]
    stored = api.get(f"{SVC}/web").body
    assert ports(stored) == [(443, 8443), (80, 8081)]
    assert "$setElementOrder" not in json.dumps(stored)


def test_strategic_merge_patch_on_deployment_containers(api: Any, deploy: Any) -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "a"}],
                    "containers": [
                        {"name": "a", "image": "nginx:2"},
                        {"$patch": "delete", "name": "b"},
                    ],
                }
            }
        }
    }
    r = api.patch(f"{DEP}/app", patch, SMP)
    assert r.status == 200, r
    (container,) = r.body["spec"]["template"]["spec"]["containers"]
    assert container["name"] == "a" and container["image"] == "nginx:2"
    assert container["ports"][0]["containerPort"] == 80  # merged, not replaced
    assert r.body["metadata"]["generation"] == 2


def test_server_side_apply_merges_and_creates(api: Any, web: Any) -> None:
    intended = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"ports": [{"port": 80, "targetPort": 9090}]},
    }
    r = api.patch(f"{SVC}/web?fieldManager=kubectl&force=false", json.dumps(intended), APPLY)
    assert r.status == 200, r
    assert ports(r.body) == [(80, 9090), (443, 8443)]
    assert r.body["spec"]["clusterIP"] == web["spec"]["clusterIP"]

    fresh = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "api"},
        "spec": {"ports": [{"port": 8080}]},
    }
    yaml_body = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  ports:\n  - port: 8080\n"
    )
    r = api.patch(f"{SVC}/api?fieldManager=kubectl", yaml_body, APPLY)
    assert r.status == 201, r
    assert r.body["metadata"]["name"] == fresh["metadata"]["name"]
    assert ports(r.body)[0][0] == 8080


def test_server_side_apply_on_deployment(api: Any, deploy: Any) -> None:
    intended = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "app"},
        "spec": {
            "replicas": 3,
            "template": {"spec": {"containers": [{"name": "b", "image": "busybox:2"}]}},
        },
    }
    r = api.patch(f"{DEP}/app", json.dumps(intended), APPLY)
    assert r.status == 200, r
    assert r.body["spec"]["replicas"] == 3
    images = {c["name"]: c["image"] for c in r.body["spec"]["template"]["spec"]["containers"]}
    assert images == {"a": "nginx:1", "b": "busybox:2"}


def test_unknown_patch_type_is_415(api: Any, web: Any) -> None:
    r = api.patch(f"{SVC}/web", {"spec": {}}, "application/x-made-up-patch")
    assert r.status == 415
    assert r.body["kind"] == "Status" and r.body["reason"] == "UnsupportedMediaType"


@pytest.mark.parametrize(
    ("content_type", "body", "code"),
    [
        (MERGE, "{not json", 400),
        (SMP, "{not json", 400),
        (JSON_PATCH, "{not json", 400),
        (APPLY, "a: [unclosed", 400),
        (JSON_PATCH, json.dumps([{"op": "remove", "path": "/spec/nothing/here"}]), 400),
        (JSON_PATCH, json.dumps({"op": "add"}), 400),
        (MERGE, json.dumps(["not", "an", "object"]), 400),
        # the merge key is missing from an element of a merging list
        (SMP, json.dumps({"spec": {"ports": [{"targetPort": 1}]}}), 400),
        (SMP, json.dumps({"spec": {"$retainKeys": ["type"], "selector": {"x": "y"}}}), 400),
        (SMP, json.dumps({"spec": {"ports": [[80]]}}), 422),
        (APPLY, json.dumps({"spec": {"$patch": "replace"}}), 400),
    ],
)
def test_bad_patches_are_status_errors_and_write_nothing(
    api: Any, web: Any, content_type: str, body: str, code: int
) -> None:
    before = api.get(f"{SVC}/web").body
    r = api.patch(f"{SVC}/web", body, content_type)
    assert r.status == code, r
    assert r.body["kind"] == "Status" and r.body["code"] == code
    after = api.get(f"{SVC}/web").body
    assert after == before


def test_patch_that_fails_validation_writes_nothing(api: Any, web: Any) -> None:
    before = api.get(f"{SVC}/web").body
    r = api.patch(
        f"{SVC}/web",
        {"spec": {"ports": [{"port": 80, "targetPort": 8080, "protocol": "BOGUS"}]}},
        SMP,
    )
    assert r.status == 422, r
    assert api.get(f"{SVC}/web").body == before


# --- the real kubectl: client-side apply (SMP with directives) and server-side apply -----------


@pytest.fixture
def kubectl(live_server: Any, settings: Any, tmp_path: Path, transactional_db: Any) -> Kubectl:
    return start_kubectl(live_server, settings, tmp_path)


MANIFEST_V1 = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 1
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
  selector:
    matchLabels: {app: shop}
  template:
    metadata:
      labels: {app: shop}
    spec:
      containers:
      - name: a
        image: nginx:1
        ports:
        - containerPort: 80
        - containerPort: 443
      - name: b
        image: busybox:1
"""
# strategy to Recreate, container b removed, port 443 of container a removed (kubectl.md §5)
MANIFEST_V2 = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  replicas: 1
  strategy:
    type: Recreate
  selector:
    matchLabels: {app: shop}
  template:
    metadata:
      labels: {app: shop}
    spec:
      containers:
      - name: a
        image: nginx:2
        ports:
        - containerPort: 80
"""


@pytest.mark.kubectl
def test_kubectl_apply_twice_with_a_change(kubectl: Kubectl) -> None:
    from cluster.kinds import by_kind
    from cluster.selectors import get_object

    r = kubectl("apply", "--validate=false", "-f", "-", stdin=MANIFEST_V1)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "deployment.apps/shop created"
    r = kubectl("apply", "--validate=false", "-f", "-", stdin=MANIFEST_V2)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "deployment.apps/shop configured"

    dep = get_object(by_kind("Deployment"), "default", "shop")
    assert dep["spec"]["strategy"] == {"type": "Recreate"}
    containers = dep["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["a"]
    assert containers[0]["image"] == "nginx:2"
    assert [p["containerPort"] for p in containers[0]["ports"]] == [80]
    assert "$" not in repr(dep)
    r = kubectl("apply", "--validate=false", "-f", "-", stdin=MANIFEST_V2)
    assert r.stdout.strip() == "deployment.apps/shop unchanged"


@pytest.mark.kubectl
def test_kubectl_apply_server_side(kubectl: Kubectl) -> None:
    from cluster.kinds import by_kind
    from cluster.selectors import get_object

    svc = (
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: edge\nspec:\n"
        "  selector: {app: edge}\n  ports:\n  - port: 80\n    targetPort: {target}\n"
    )
    r = kubectl(
        "apply",
        "--server-side",
        "--validate=false",
        "-f",
        "-",
        stdin=svc.replace("{target}", "8080"),
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "service/edge serverside-applied"
    first = get_object(by_kind("Service"), "default", "edge")
    r = kubectl(
        "apply",
        "--server-side",
        "--validate=false",
        "-f",
        "-",
        stdin=svc.replace("{target}", "9090"),
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "service/edge serverside-applied"
    second = get_object(by_kind("Service"), "default", "edge")
    assert second["spec"]["ports"][0]["targetPort"] == 9090
    assert second["spec"]["clusterIP"] == first["spec"]["clusterIP"]
    assert second["metadata"]["uid"] == first["metadata"]["uid"]
