"""The ``paths`` of the OpenAPI v3 documents: one operation per path and verb the API
serves, generated from the kind registry so the document describes exactly what
``cluster.api.views`` answers.

Every PATCH operation carries ``x-kubernetes-group-version-kind`` and the
``fieldValidation`` query parameter: that is what lets ``kubectl create -f``/``apply -f`` skip
client-side validation (``cli-runtime``'s ``query_param_verifier_v3``). The PATCH request
body deliberately omits ``application/strategic-merge-patch+json`` so client-side ``apply``
computes its patch from kubectl's compiled-in types rather than from these schemas."""

from __future__ import annotations

from typing import Any

from cluster.api.schemas import schema_for
from cluster.api.schemas._dsl import AUTOSCALING, META, ref_path
from cluster.kinds import Kind

Obj = dict[str, Any]

PATCH_CONTENT_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
)
JSON = "application/json"


# --- parameters -------------------------------------------------------------------------------
def _param(name: str, where: str, description: str, schema: Obj, **extra: Any) -> Obj:
    out = {"name": name, "in": where, "description": description, "schema": schema}
    if where == "path":
        out["required"] = True
    out.update(extra)
    return out


STRING = {"type": "string"}
BOOL = {"type": "boolean"}
INT = {"type": "integer"}

NAMESPACE = _param("namespace", "path", "object name and auth scope", STRING)
NAME = _param("name", "path", "name of the object", STRING)
PROXY_PATH = _param("path", "path", "path to the resource behind the proxy", STRING)
DRY_RUN = _param("dryRun", "query", "All: process the request without persisting it", STRING)
FIELD_MANAGER = _param("fieldManager", "query", "name of the actor making the change", STRING)
FIELD_VALIDATION = _param(
    "fieldValidation",
    "query",
    "how to treat unknown or duplicate fields in the body: Ignore, Warn or Strict",
    STRING,
)
FORCE = _param("force", "query", "force an apply request to take conflicting fields", BOOL)
LIST_PARAMS = [
    _param("labelSelector", "query", "restrict the list by the objects' labels", STRING),
    _param("fieldSelector", "query", "restrict the list by the objects' fields", STRING),
    _param("limit", "query", "the most items to return; continue fetches the rest", INT),
    _param("continue", "query", "the token of a previous page's metadata.continue", STRING),
    _param(
        "resourceVersion",
        "query",
        "for a watch, send only changes after this revision",
        STRING,
    ),
    _param("watch", "query", "stream ADDED, MODIFIED and DELETED events", BOOL),
    _param("allowWatchBookmarks", "query", "the client accepts BOOKMARK events", BOOL),
    _param("timeoutSeconds", "query", "end a watch after this many seconds", INT),
]
DELETE_PARAMS = [
    DRY_RUN,
    _param("gracePeriodSeconds", "query", "seconds before the object is deleted", INT),
    _param(
        "propagationPolicy",
        "query",
        "what happens to dependents: Orphan, Background or Foreground",
        STRING,
    ),
]


# --- operation building blocks ----------------------------------------------------------------
def _content(schema_name: str) -> Obj:
    return {JSON: {"schema": {"$ref": ref_path(schema_name)}}}


def _responses(schema_name: str, *codes: str) -> Obj:
    text = {"200": "OK", "201": "Created", "202": "Accepted"}
    out: Obj = {
        code: {"description": text[code], "content": _content(schema_name)} for code in codes
    }
    out["401"] = {"description": "Unauthorized"}
    return out


def _gvk(group: str, version: str, kind: str) -> Obj:
    return {"group": group, "version": version, "kind": kind}


def group_tag(kind: Kind) -> str:
    """``core_v1``, ``apps_v1``, ``discovery_v1``… (the apiserver's operation tags)."""
    return f"{(kind.group.split('.')[0] or 'core')}_{kind.version}"


def _op_prefix(kind: Kind) -> str:
    return (kind.group.split(".")[0] or "core").capitalize() + kind.version.capitalize()


class _Ops:
    """Operations of one kind, named like the apiserver's (``readCoreV1NamespacedService``)."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.schema = schema_for(kind.group, kind.version, kind.kind) or (META + "Status")
        self.list_schema = schema_for(kind.group, kind.version, kind.kind + "List") or self.schema
        self.scope = "Namespaced" if kind.namespaced else ""
        self.gvk = _gvk(kind.group, kind.version, kind.kind)

    def op(
        self,
        verb: str,
        action: str,
        description: str,
        *,
        suffix: str = "",
        params: list[Obj],
        responses: Obj,
        gvk: Obj | None = None,
        body: Obj | None = None,
        all_namespaces: bool = False,
    ) -> Obj:
        scope = "" if all_namespaces else self.scope
        tail = "ForAllNamespaces" if all_namespaces else ""
        out: Obj = {
            "tags": [group_tag(self.kind)],
            "description": description,
            "operationId": f"{verb}{_op_prefix(self.kind)}{scope}{self.kind.kind}{suffix}{tail}",
            "parameters": params,
            "responses": responses,
            "x-kubernetes-action": action,
            "x-kubernetes-group-version-kind": gvk or self.gvk,
        }
        if body is not None:
            out["requestBody"] = body
        return out

    def body(self, schema_name: str) -> Obj:
        return {"content": {JSON: {"schema": {"$ref": ref_path(schema_name)}}}, "required": True}

    def patch_body(self) -> Obj:
        schema = {"$ref": ref_path(META + "Patch")}
        return {"content": {ct: {"schema": schema} for ct in PATCH_CONTENT_TYPES}, "required": True}


def kind_paths(kind: Kind, prefix: str) -> dict[str, Obj]:
    """Every path and verb ``cluster.api.views`` serves for ``kind`` under ``prefix``
    (``/api/v1`` or ``/apis/{group}/{version}``)."""
    o = _Ops(kind)
    k = kind.kind
    ns = [NAMESPACE] if kind.namespaced else []
    base = (
        f"{prefix}/namespaces/{{namespace}}/{kind.plural}"
        if kind.namespaced
        else (f"{prefix}/{kind.plural}")
    )
    item = f"{base}/{{name}}"
    write = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION]
    paths: dict[str, Obj] = {
        base: {
            "get": o.op(
                "list",
                "list",
                f"list or watch objects of kind {k}",
                params=[*ns, *LIST_PARAMS],
                responses=_responses(o.list_schema, "200"),
            ),
            "post": o.op(
                "create",
                "post",
                f"create a {k}",
                params=[*ns, *write],
                responses=_responses(o.schema, "200", "201", "202"),
                body=o.body(o.schema),
            ),
        },
        item: {
            "get": o.op(
                "read",
                "get",
                f"read the specified {k}",
                params=[*ns, NAME],
                responses=_responses(o.schema, "200"),
            ),
            "put": o.op(
                "replace",
                "put",
                f"replace the specified {k}",
                params=[*ns, NAME, *write],
                responses=_responses(o.schema, "200", "201"),
                body=o.body(o.schema),
            ),
            "patch": o.op(
                "patch",
                "patch",
                f"partially update the specified {k}",
                params=[*ns, NAME, *write, FORCE],
                responses=_responses(o.schema, "200", "201"),
                body=o.patch_body(),
            ),
            "delete": o.op(
                "delete",
                "delete",
                f"delete a {k}",
                params=[*ns, NAME, *DELETE_PARAMS],
                responses=_responses(o.schema, "200", "202"),
                body=o.body(META + "DeleteOptions"),
            ),
        },
    }
    if kind.namespaced:
        paths[f"{prefix}/{kind.plural}"] = {
            "get": o.op(
                "list",
                "list",
                f"list or watch objects of kind {k}",
                params=list(LIST_PARAMS),
                responses=_responses(o.list_schema, "200"),
                all_namespaces=True,
            )
        }
    for sub in kind.subresources:
        paths.update(_subresource_paths(o, sub, item, ns, write))
    return paths


def _subresource_paths(o: _Ops, sub: str, item: str, ns: list[Obj], write: list[Obj]) -> dict:
    k = o.kind.kind
    if sub in ("status", "scale"):
        if sub == "status":
            schema, gvk, what, suffix = o.schema, o.gvk, "status of", "Status"
        else:
            schema = AUTOSCALING + "Scale"
            gvk, what, suffix = _gvk("autoscaling", "v1", "Scale"), "scale of", "Scale"
        return {
            f"{item}/{sub}": {
                "get": o.op(
                    "read",
                    "get",
                    f"read {what} the specified {k}",
                    suffix=suffix,
                    params=[*ns, NAME],
                    responses=_responses(schema, "200"),
                    gvk=gvk,
                ),
                "put": o.op(
                    "replace",
                    "put",
                    f"replace {what} the specified {k}",
                    suffix=suffix,
                    params=[*ns, NAME, *write],
                    responses=_responses(schema, "200", "201"),
                    gvk=gvk,
                    body=o.body(schema),
                ),
                "patch": o.op(
                    "patch",
                    "patch",
                    f"partially update {what} the specified {k}",
                    suffix=suffix,
                    params=[*ns, NAME, *write, FORCE],
                    responses=_responses(schema, "200", "201"),
                    gvk=gvk,
                    body=o.patch_body(),
                ),
            }
        }
    if sub == "proxy":
        return _proxy_paths(o, item, ns)
    return {}


def _proxy_paths(o: _Ops, item: str, ns: list[Obj]) -> dict[str, Obj]:
    """``{kind}/{name}/proxy[/{path}]``: GET and POST are relayed (``cluster.api.proxy``)."""
    k = o.kind.kind
    gvk = _gvk("", "v1", f"{k}ProxyOptions")
    ok = {"200": {"description": "OK", "content": {"*/*": {"schema": STRING}}}}
    out: dict[str, Obj] = {}
    for path, extra, suffix in (
        (f"{item}/proxy", [], ""),
        (f"{item}/proxy/{{path}}", [PROXY_PATH], "WithPath"),
    ):
        out[path] = {}
        for method in ("get", "post"):
            op = o.op(
                "connect",
                "connect",
                f"connect {method.upper()} requests to proxy of {k}",
                params=[*ns, NAME, *extra],
                responses=ok,
                gvk=gvk,
            )
            op["operationId"] = (
                f"connect{_op_prefix(o.kind)}{method.capitalize()}{o.scope}{k}Proxy{suffix}"
            )
            out[path][method] = op
    return out
