"""The Kubernetes-compatible REST API: one DRF view resolves a Kubernetes path to (kind,
namespace, name, subresource) and calls one action or selector. Thin by design: decoding,
authorization and formatting only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cluster import errors, kinds, selectors
from cluster.actions import objects as actions
from cluster.api import body as bodies
from cluster.api.auth import Principal, authorize
from cluster.api.negotiation import wants_table
from cluster.kinds import Kind


@dataclass(frozen=True)
class Target:
    kind: Kind
    namespace: str  # "" for cluster-scoped kinds and all-namespace lists
    name: str
    subresource: str
    subpath: str


def resolve(group: str, version: str, rest: str) -> Target:
    segs = [s for s in rest.split("/")]
    if segs and segs[-1] == "":
        segs = segs[:-1]
    if not segs:
        raise errors.path_not_found()
    namespace = ""
    if segs[0] == "namespaces" and len(segs) >= 3:
        candidate = kinds.by_resource(group, segs[2])
        if candidate is not None and candidate.namespaced and candidate.version == version:
            namespace = segs[1]
            segs = segs[2:]
    kind = kinds.by_resource(group, segs[0])
    if kind is None or kind.version != version:
        raise errors.path_not_found()
    name = segs[1] if len(segs) > 1 else ""
    sub = segs[2] if len(segs) > 2 else ""
    subpath = "/".join(segs[3:])
    if kind.namespaced and name and not namespace:
        raise errors.path_not_found()
    if sub and sub not in kind.subresources:
        raise errors.path_not_found()
    return Target(kind, namespace, name, sub, subpath)


def _dry_run(request: Request) -> bool:
    values = request.query_params.getlist("dryRun")
    for v in values:
        if v != "All":
            raise errors.bad_request(f'dryRun: Unsupported value: "{v}": supported values: "All"')
    return bool(values)


def _is_true(value: str | None) -> bool:
    return value in ("true", "1", "True")


def _check_resource_version(text: str | None) -> None:
    """A LIST is served from the current state; a given resourceVersion must still parse."""
    if text and not text.isdigit():
        raise errors.bad_request(f"invalid resource version: {text!r}")


def written(kind: Kind, obj: dict[str, Any], status: int) -> Response:
    """A write's answer, with the kind's warnings as ``Warning`` headers (kubectl prints them
    as ``Warning: …``; several go comma-separated in one header, as RFC 7234 allows)."""
    response = Response(obj, status=status)
    texts = kind.warnings(obj)
    if texts:
        response["Warning"] = ", ".join(
            '299 - "{}"'.format(t.replace("\\", "\\\\").replace('"', '\\"')) for t in texts
        )
    return response


class ResourceView(APIView):
    """``/api/v1/…`` and ``/apis/{group}/{version}/…``."""

    parser_classes: list[Any] = []

    def target(self, kwargs: dict[str, Any]) -> Target:
        return resolve(kwargs.get("group", ""), kwargs.get("version", "v1"), kwargs.get("rest", ""))

    def options(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        raise errors.method_not_allowed()

    # --- reads --------------------------------------------------------------------------------
    def get(self, request: Request, **kwargs: Any) -> Any:
        t = self.target(kwargs)
        if t.subresource == "proxy":
            from cluster.api.proxy import proxy

            authorize(request, "get", t.kind, t.namespace, t.name)
            return proxy(request, t)
        if not t.name:
            watching = _is_true(request.query_params.get("watch"))
            p = authorize(request, "watch" if watching else "list", t.kind, t.namespace)
            if watching:
                from cluster.api.watch import watch_response

                return watch_response(request, t.kind, t.namespace, p)
            return self.list(request, t, p)
        authorize(request, "get", t.kind, t.namespace, t.name, t.subresource)
        if t.subresource == "scale":
            inst = actions.fetch_or_404(t.kind, t.namespace, t.name)
            return Response(actions.scale_of(t.kind, inst))
        obj = selectors.get_object(t.kind, t.namespace, t.name)
        if wants_table(request) and not t.subresource:
            from cluster.api.tables import table_for

            return Response(table_for(t.kind, [obj], obj["metadata"]["resourceVersion"], request))
        return Response(obj)

    def list(self, request: Request, t: Target, p: Principal) -> Response:
        q = request.query_params
        _check_resource_version(q.get("resourceVersion"))
        limit_text = q.get("limit")
        try:
            limit = int(limit_text) if limit_text else None
        except ValueError:
            raise errors.bad_request(f"invalid limit: {limit_text!r}") from None
        namespaces = None if t.namespace else p.visible_namespaces()
        page = selectors.list_objects(
            t.kind,
            namespace=t.namespace or None,
            label_selector=q.get("labelSelector"),
            field_selector=q.get("fieldSelector"),
            namespaces=namespaces,
            limit=limit if limit and limit > 0 else None,
            continue_token=q.get("continue") or None,
        )
        if wants_table(request):
            from cluster.api.tables import table_for

            table = table_for(t.kind, page.items, page.resource_version, request)
            if page.continue_token:
                table["metadata"]["continue"] = page.continue_token
            return Response(table)
        meta: dict[str, Any] = {"resourceVersion": page.resource_version}
        if page.continue_token:
            meta["continue"] = page.continue_token
        return Response(
            {
                "kind": f"{t.kind.kind}List",
                "apiVersion": t.kind.api_version,
                "metadata": meta,
                "items": page.items,
            }
        )

    # --- writes -------------------------------------------------------------------------------
    def post(self, request: Request, **kwargs: Any) -> Any:
        t = self.target(kwargs)
        if t.subresource == "proxy":
            from cluster.api.proxy import proxy

            authorize(request, "create", t.kind, t.namespace, t.name)
            return proxy(request, t)
        if t.name:
            raise errors.method_not_allowed()
        if t.kind.namespaced and not t.namespace:
            raise errors.method_not_allowed()
        # Authorization precedes reading the body, as in the apiserver's filter chain.
        authorize(request, "create", t.kind, t.namespace)
        body = bodies.decode_object(request)
        obj = actions.create_object(
            t.kind, namespace=t.namespace, body=body, dry_run=_dry_run(request)
        )
        return written(t.kind, obj, 201)

    def put(self, request: Request, **kwargs: Any) -> Any:
        t = self.target(kwargs)
        if not t.name or t.subresource == "proxy":
            raise errors.method_not_allowed()
        authorize(request, "update", t.kind, t.namespace, t.name, t.subresource)
        body = bodies.decode_object(request)
        if t.subresource == "scale":
            return Response(
                actions.replace_scale(
                    t.kind, namespace=t.namespace, name=t.name, body=body, dry_run=_dry_run(request)
                )
            )
        obj, created = actions.replace_object(
            t.kind,
            namespace=t.namespace,
            name=t.name,
            body=body,
            subresource=t.subresource or None,
            dry_run=_dry_run(request),
        )
        return written(t.kind, obj, 201 if created else 200)

    def patch(self, request: Request, **kwargs: Any) -> Any:
        t = self.target(kwargs)
        if not t.name or t.subresource == "proxy":
            raise errors.method_not_allowed()
        authorize(request, "patch", t.kind, t.namespace, t.name, t.subresource)
        patch_type, patch = bodies.decode_patch(request)
        if t.subresource == "scale":
            return Response(
                actions.patch_scale(
                    t.kind,
                    namespace=t.namespace,
                    name=t.name,
                    patch_type=patch_type,
                    patch=patch,
                    dry_run=_dry_run(request),
                )
            )
        obj, created = actions.patch_object(
            t.kind,
            namespace=t.namespace,
            name=t.name,
            patch_type=patch_type,
            patch=patch,
            subresource=t.subresource or None,
            dry_run=_dry_run(request),
        )
        return written(t.kind, obj, 201 if created else 200)

    def delete(self, request: Request, **kwargs: Any) -> Any:
        t = self.target(kwargs)
        if not t.name or t.subresource:
            raise errors.method_not_allowed()
        authorize(request, "delete", t.kind, t.namespace, t.name)
        options = bodies.decode_options(request)
        obj = actions.delete_object(
            t.kind, namespace=t.namespace, name=t.name, options=options, dry_run=_dry_run(request)
        )
        return Response(obj, status=200)
