"""OpenAPI v3: the index with content hashes, per-group-version documents that describe every
path and verb the API serves, the PATCH operations kubectl's validation looks for
(``cli-runtime`` ``query_param_verifier_v3``), and schemas good enough for ``explain``."""

from __future__ import annotations

import copy
import json
import re

import pytest

from cluster import kinds
from cluster.api import openapi
from cluster.api.schemas import SCHEMAS

GROUP_VERSIONS = ["api/v1", "apis/apps/v1", "apis/discovery.k8s.io/v1", "apis/batch/v1"]


def fetch(api, path: str) -> dict:
    index = api.get("/openapi/v3").body
    url = index["paths"][path]["serverRelativeURL"]
    answer = api.get(url)
    assert answer.status == 200, answer
    return answer.body


@pytest.fixture
def docs(api) -> dict[str, dict]:
    return {gv: fetch(api, gv) for gv in GROUP_VERSIONS}


def test_index_lists_every_document_with_a_hash(api):
    answer = api.get("/openapi/v3")
    assert answer.status == 200
    paths = answer.body["paths"]
    assert set(GROUP_VERSIONS) <= set(paths)
    assert {"api", "apis", "apis/apps", "version"} <= set(paths)
    for path, entry in paths.items():
        assert re.fullmatch(
            rf"/openapi/v3/{re.escape(path)}\?hash=[0-9A-F]{{128}}", entry["serverRelativeURL"]
        )


def test_the_hash_is_the_content_hash(api):
    index = api.get("/openapi/v3").body
    for gv in GROUP_VERSIONS:
        url = index["paths"][gv]["serverRelativeURL"]
        body = api.get(url).body
        assert url.endswith("hash=" + openapi.content_hash(body))


def test_hash_changes_exactly_when_the_document_changes():
    before = openapi.build_documents(kinds.all_kinds(), SCHEMAS)
    again = openapi.build_documents(kinds.all_kinds(), SCHEMAS)
    changed_schemas = copy.deepcopy(SCHEMAS)
    changed_schemas["io.k8s.api.core.v1.ServicePort"]["description"] = "changed"
    after = openapi.build_documents(kinds.all_kinds(), changed_schemas)
    for path in before:
        assert openapi.content_hash(before[path]) == openapi.content_hash(again[path])
    assert openapi.content_hash(before["api/v1"]) != openapi.content_hash(after["api/v1"])
    # apps/v1 does not reach ServicePort, so its document (and hash) is unchanged.
    assert openapi.content_hash(before["apis/apps/v1"]) == openapi.content_hash(
        after["apis/apps/v1"]
    )
    fewer = [k for k in kinds.all_kinds() if k.kind != "Job"]
    assert "apis/batch/v1" not in openapi.build_documents(fewer, SCHEMAS)


def test_a_stale_hash_redirects_to_the_current_document(api):
    answer = api.get("/openapi/v3/api/v1?hash=ABC123")
    assert answer.status == 301
    current = api.get("/openapi/v3").body["paths"]["api/v1"]["serverRelativeURL"]
    assert answer.headers["Location"] == current


def test_caching_headers(api):
    url = api.get("/openapi/v3").body["paths"]["api/v1"]["serverRelativeURL"]
    assert "immutable" in api.get(url).headers["Cache-Control"]
    assert "no-cache" in api.get("/openapi/v3/api/v1").headers["Cache-Control"]


def test_unknown_document_is_a_status_404(api):
    answer = api.get("/openapi/v3/apis/nope/v1")
    assert answer.status == 404
    assert answer.body["kind"] == "Status"


def test_documents_are_openapi_3_with_resolvable_refs(docs):
    for gv, doc in docs.items():
        assert doc["openapi"].startswith("3.")
        refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(doc)))
        assert refs <= set(doc["components"]["schemas"]), gv


# --- what kubectl's validation looks for --------------------------------------------------------
def patch_ops(doc: dict) -> dict[tuple[str, str, str], dict]:
    out = {}
    for item in doc["paths"].values():
        op = item.get("patch")
        if op:
            gvk = op["x-kubernetes-group-version-kind"]
            out[(gvk["group"], gvk["version"], gvk["kind"])] = op
    return out


def test_every_kind_has_a_patch_op_with_field_validation_and_no_smp(docs):
    for k in kinds.all_kinds():
        gv = f"apis/{k.group}/{k.version}" if k.group else f"api/{k.version}"
        ops = patch_ops(docs[gv])
        op = ops[(k.group, k.version, k.kind)]
        assert "fieldValidation" in {p["name"] for p in op["parameters"]}
        content = op["requestBody"]["content"]
        assert "application/strategic-merge-patch+json" not in content
        assert "application/merge-patch+json" in content
        assert "application/apply-patch+yaml" in content


def test_scale_patch_is_an_autoscaling_scale(docs):
    op = docs["apis/apps/v1"]["paths"][
        "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"
    ]["patch"]
    assert op["x-kubernetes-group-version-kind"] == {
        "group": "autoscaling",
        "version": "v1",
        "kind": "Scale",
    }


# --- an honest description of the endpoints -----------------------------------------------------
VERB_METHODS = {
    "list": ("collection", "get"),
    "watch": ("collection", "get"),
    "create": ("collection", "post"),
    "get": ("item", "get"),
    "update": ("item", "put"),
    "patch": ("item", "patch"),
    "delete": ("item", "delete"),
}


def test_every_served_kind_and_verb_is_documented(api, docs):
    discovery = {}
    for root in ("/api/v1", "/apis/apps/v1", "/apis/discovery.k8s.io/v1", "/apis/batch/v1"):
        for res in api.get(root).body["resources"]:
            discovery[(root, res["name"])] = res
    for k in kinds.all_kinds():
        prefix = f"/apis/{k.group}/{k.version}" if k.group else f"/api/{k.version}"
        paths = docs[prefix.lstrip("/")]["paths"]
        base = (
            f"{prefix}/namespaces/{{namespace}}/{k.plural}"
            if k.namespaced
            else f"{prefix}/{k.plural}"
        )
        where = {"collection": base, "item": base + "/{name}"}
        for verb in discovery[(prefix, k.plural)]["verbs"]:
            place, method = VERB_METHODS[verb]
            assert method in paths[where[place]], (k.kind, verb)
        if k.namespaced:
            assert "get" in paths[f"{prefix}/{k.plural}"]
        for sub in k.subresources:
            sub_path = f"{base}/{{name}}/{sub}"
            assert sub_path in paths, (k.kind, sub)
            if sub in ("status", "scale"):
                assert {"get", "put", "patch"} <= set(paths[sub_path])


def valid_body(kind: str, name: str) -> dict:
    labels = {"app": name}
    template = {
        "metadata": {"labels": labels},
        "spec": {
            "containers": [{"name": "c", "image": "nginx"}],
            "restartPolicy": "Never" if kind == "Job" else "Always",
        },
    }
    specs = {
        "Pod": {"spec": {"containers": [{"name": "c", "image": "nginx"}]}},
        "Service": {"spec": {"ports": [{"port": 80}], "selector": labels}},
        "Endpoints": {"subsets": [{"addresses": [{"ip": "10.1.2.3"}], "ports": [{"port": 80}]}]},
        "EndpointSlice": {"addressType": "IPv4", "endpoints": [{"addresses": ["10.1.2.3"]}]},
        "Namespace": {},
        "Node": {},
        "Job": {"spec": {"template": template}},
        "StatefulSet": {
            "spec": {"selector": {"matchLabels": labels}, "template": template, "serviceName": name}
        },
    }
    body = specs.get(kind, {"spec": {"selector": {"matchLabels": labels}, "template": template}})
    return {"metadata": {"name": name, "labels": labels}, **copy.deepcopy(body)}


def _is_path_not_found(answer) -> bool:
    """A 404 for the path itself, as opposed to a named object that does not exist."""
    return answer.status == 404 and not (answer.body or {}).get("details")


def test_every_documented_operation_is_answered(api, docs):
    """Each documented path and verb reaches a handler: no 405, no 404 for the path."""
    for k in kinds.all_kinds():
        ns = "default" if k.namespaced else ""
        prefix = f"/apis/{k.group}/{k.version}" if k.group else f"/api/{k.version}"
        collection = f"{prefix}/namespaces/{ns}/{k.plural}" if ns else f"{prefix}/{k.plural}"
        answer = api.post(collection, valid_body(k.kind, "doc-probe"))
        assert answer.status == 201, (k.kind, answer)
    for doc in docs.values():
        for template, item in doc["paths"].items():
            path = (
                template.replace("{namespace}", "default")
                .replace("{name}", "doc-probe")
                .replace("{path}", "healthz")
            )
            for method in item:
                if method == "delete":
                    continue  # exercised last, below
                body = {} if method in ("post", "put") else {"metadata": {}}
                answer = getattr(api, method)(path, body) if method != "get" else api.get(path)
                assert answer.status != 405, (method, template, answer)
                assert not _is_path_not_found(answer), (method, template, answer)
    for doc in docs.values():
        for template, item in doc["paths"].items():
            if "delete" in item:
                path = template.replace("{namespace}", "default").replace("{name}", "doc-probe")
                answer = api.delete(path)
                assert answer.status in (200, 202), (template, answer)


def test_discovery_documents_describe_the_discovery_endpoints(api):
    for doc_path, endpoint in [
        ("api", "/api/"),
        ("apis", "/apis/"),
        ("version", "/version/"),
        ("apis/apps", "/apis/apps/"),
    ]:
        doc = fetch(api, doc_path)
        assert list(doc["paths"]) == [endpoint]
        assert api.get(endpoint).status == 200


# --- schemas for explain ------------------------------------------------------------------------
def resolve(doc: dict, schema: dict) -> dict:
    ref = (schema.get("allOf") or [schema])[0].get("$ref") or schema.get("items", {}).get(
        "allOf", [{}]
    )[0].get("$ref")
    assert ref, schema
    return doc["components"]["schemas"][ref.rsplit("/", 1)[1]]


@pytest.mark.parametrize(
    ("gv", "name", "fields"),
    [
        (
            "api/v1",
            "io.k8s.api.core.v1.Service",
            ["apiVersion", "kind", "metadata", "spec", "status"],
        ),
        (
            "api/v1",
            "io.k8s.api.core.v1.ServiceSpec",
            ["clusterIP", "ports", "selector", "type", "externalIPs", "sessionAffinity"],
        ),
        (
            "api/v1",
            "io.k8s.api.core.v1.ServicePort",
            ["name", "nodePort", "port", "protocol", "targetPort"],
        ),
        (
            "api/v1",
            "io.k8s.api.core.v1.PodSpec",
            ["containers", "nodeName", "restartPolicy", "volumes"],
        ),
        ("api/v1", "io.k8s.api.core.v1.Container", ["name", "image", "ports", "env", "resources"]),
        ("api/v1", "io.k8s.api.core.v1.ContainerPort", ["containerPort", "name", "protocol"]),
        ("api/v1", "io.k8s.api.core.v1.Endpoints", ["subsets"]),
        ("api/v1", "io.k8s.api.core.v1.Namespace", ["spec", "status"]),
        ("api/v1", "io.k8s.api.core.v1.Node", ["spec", "status"]),
        (
            "api/v1",
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
            ["name", "namespace", "labels", "annotations", "uid", "resourceVersion"],
        ),
        (
            "apis/apps/v1",
            "io.k8s.api.apps.v1.DeploymentSpec",
            ["replicas", "selector", "strategy", "template"],
        ),
        (
            "apis/discovery.k8s.io/v1",
            "io.k8s.api.discovery.v1.EndpointSlice",
            ["addressType", "endpoints", "ports"],
        ),
    ],
)
def test_schemas_carry_descriptions_types_and_refs(docs, gv, name, fields):
    schema = docs[gv]["components"]["schemas"][name]
    assert schema["description"]
    for field in fields:
        prop = schema["properties"][field]
        assert prop.get("description"), (name, field)
        assert "type" in prop or "allOf" in prop, (name, field)


def test_explain_paths_resolve(docs):
    core = docs["api/v1"]
    service = core["components"]["schemas"]["io.k8s.api.core.v1.Service"]
    assert service["x-kubernetes-group-version-kind"] == [
        {"group": "", "version": "v1", "kind": "Service"}
    ]
    spec = resolve(core, service["properties"]["spec"])
    port = resolve(core, spec["properties"]["ports"])
    assert port["required"] == ["port"]
    assert port["properties"]["protocol"]["enum"] == ["SCTP", "TCP", "UDP"]
    assert spec["properties"]["type"]["enum"] == [
        "ClusterIP",
        "ExternalName",
        "LoadBalancer",
        "NodePort",
    ]
    pod_spec = resolve(
        core, core["components"]["schemas"]["io.k8s.api.core.v1.Pod"]["properties"]["spec"]
    )
    container = resolve(core, pod_spec["properties"]["containers"])
    assert "containerPort" in resolve(core, container["properties"]["ports"])["properties"]
    apps = docs["apis/apps/v1"]
    deployment = apps["components"]["schemas"]["io.k8s.api.apps.v1.Deployment"]
    template = resolve(
        apps, resolve(apps, deployment["properties"]["spec"])["properties"]["template"]
    )
    assert "containers" in resolve(apps, template["properties"]["spec"])["properties"]
