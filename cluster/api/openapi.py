"""The OpenAPI v3 documents kubectl reads: ``/openapi/v3`` (an index of documents, each with
a ``serverRelativeURL`` carrying a content hash) and one document per group-version plus the
discovery endpoints, as the apiserver's kube-openapi v3 handler serves them.

kubectl caches each document by its URL, hash included, so the hash is derived from the
document's content: it changes exactly when the document does. A request with a stale hash
is redirected to the current one; a matching hash may be cached for good."""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from cluster import errors, kinds
from cluster.api.errors import status_json
from cluster.api.openapi_paths import group_tag, kind_paths
from cluster.api.schemas import SCHEMAS
from cluster.api.schemas._dsl import META, VERSION_INFO, ref_path
from cluster.kinds import Kind

Obj = dict[str, Any]
OPENAPI = "3.0.0"
REF = re.compile(r'"\$ref":\s*"#/components/schemas/([^"]+)"')


def _get(op_id: str, tag: str, description: str, schema: str) -> Obj:
    return {
        "get": {
            "tags": [tag],
            "description": description,
            "operationId": op_id,
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {"application/json": {"schema": {"$ref": ref_path(schema)}}},
                },
                "401": {"description": "Unauthorized"},
            },
        }
    }


def _document(paths: Obj, schemas: dict[str, Obj], version: str) -> Obj:
    """A document with the components its paths reach (transitively)."""
    wanted: set[str] = set()
    todo = set(REF.findall(json.dumps(paths)))
    while todo:
        name = todo.pop()
        if name in wanted or name not in schemas:
            continue
        wanted.add(name)
        todo |= set(REF.findall(json.dumps(schemas[name])))
    return {
        "openapi": OPENAPI,
        "info": {"title": "Kubernetes", "version": version},
        "paths": paths,
        "components": {"schemas": {n: schemas[n] for n in sorted(wanted)}},
    }


def _gv_path(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


def build_documents(
    kind_list: list[Kind], schemas: dict[str, Obj], version: str = "v1.32.0"
) -> dict[str, Obj]:
    """Every document, keyed by its path under ``/openapi/v3/``."""
    by_gv: dict[tuple[str, str], list[Kind]] = {}
    for k in sorted(kind_list, key=lambda k: (k.group, k.version, k.plural)):
        by_gv.setdefault((k.group, k.version), []).append(k)
    docs: dict[str, Obj] = {
        "api": _document(
            {"/api/": _get("getCoreAPIVersions", "core", "get versions", META + "APIVersions")},
            schemas,
            version,
        ),
        "apis": _document(
            {"/apis/": _get("getAPIVersions", "apis", "get groups", META + "APIGroupList")},
            schemas,
            version,
        ),
        "version": _document(
            {"/version/": _get("getCodeVersion", "version", "get the code version", VERSION_INFO)},
            schemas,
            version,
        ),
    }
    for (group, ver), ks in by_gv.items():
        prefix = "/" + _gv_path(group, ver)
        tag = group_tag(ks[0])
        op_group = (group.split(".")[0] or "core").capitalize() + ver.capitalize()
        paths: Obj = {
            f"{prefix}/": _get(
                f"get{op_group}APIResources",
                tag,
                "get available resources",
                META + "APIResourceList",
            )
        }
        for k in ks:
            paths.update(kind_paths(k, prefix))
        docs[_gv_path(group, ver)] = _document(paths, schemas, version)
        if group:
            group_tag_name = group.split(".")[0]
            docs[f"apis/{group}"] = _document(
                {
                    f"/apis/{group}/": _get(
                        f"get{group_tag_name.capitalize()}APIGroup",
                        group_tag_name,
                        "get information of a group",
                        META + "APIGroup",
                    )
                },
                schemas,
                version,
            )
    return docs


def content_hash(doc: Obj) -> str:
    """The upper-case hex SHA-512 of the document's canonical JSON (as kube-openapi)."""
    data = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha512(data).hexdigest().upper()


def _fingerprint() -> tuple:
    return tuple(
        sorted(
            (k.group, k.version, k.plural, k.kind, k.namespaced, tuple(k.subresources))
            for k in kinds.all_kinds()
        )
    )


@lru_cache(maxsize=4)
def _served(fingerprint: tuple) -> tuple[dict[str, bytes], dict[str, str]]:
    from cluster.api.discovery import VERSION

    docs = build_documents(kinds.all_kinds(), SCHEMAS, VERSION["gitVersion"])
    encoded = {p: json.dumps(d, separators=(",", ":")).encode() for p, d in docs.items()}
    hashes = {p: content_hash(d) for p, d in docs.items()}
    return encoded, hashes


def served() -> tuple[dict[str, bytes], dict[str, str]]:
    """The serialized documents and their hashes, rebuilt when the kind registry changes."""
    return _served(_fingerprint())


def index() -> Obj:
    _, hashes = served()
    return {
        "paths": {
            path: {"serverRelativeURL": f"/openapi/v3/{path}?hash={hashes[path]}"}
            for path in sorted(hashes)
        }
    }


def root(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        json.dumps(index(), separators=(",", ":")), content_type="application/json"
    )
    response["Cache-Control"] = "no-cache, private"
    return response


def group_version_doc(request: HttpRequest, path: str) -> HttpResponse:
    encoded, hashes = served()
    path = path.rstrip("/")
    if path not in encoded:
        return status_json(errors.path_not_found())
    wanted = request.GET.get("hash")
    if wanted and wanted != hashes[path]:
        return HttpResponsePermanentRedirect(f"/openapi/v3/{path}?hash={hashes[path]}")
    response = HttpResponse(encoded[path], content_type="application/json")
    response["ETag"] = f'"{hashes[path]}"'
    if wanted:
        response["Cache-Control"] = "public, immutable"
        response["Expires"] = "Thu, 31 Dec 2099 23:59:59 GMT"
    else:
        response["Cache-Control"] = "no-cache, private"
    return response
