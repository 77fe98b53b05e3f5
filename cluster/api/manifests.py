"""``POST /portolan/v1/apply``: multi-document YAML or JSON, applied like ``manage.py apply``.

The body is a YAML stream (``application/yaml``, or no Content-Type) or JSON
(``application/json``: an object, an array of objects, or a ``List``). ``?dryRun=All``
validates without writing; ``?namespace=`` sets the namespace for documents that name none.
The answer is 200 with an ``ApplyReport`` (one item per document: created, configured,
unchanged, skipped or invalid with its Status) whenever the stream was processed; 401 without
credentials; 403 with the Forbidden Status, and nothing written, when any document's
create/update is not allowed for the caller; 400 for a stream that does not parse.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cluster import errors
from cluster.api import body as bodies
from cluster.api.auth import authorize, principal_for
from cluster.kinds import Kind
from cluster.manifests import apply_documents, parse_stream

YAML_TYPES = ("", "text/plain", "application/yaml", "application/x-yaml", "text/yaml")
ACCEPTED = ("application/yaml", "application/json")


def _dry_run(request: Request) -> bool:
    values = request.query_params.getlist("dryRun")
    for v in values:
        if v != "All":
            raise errors.bad_request(f'dryRun: Unsupported value: "{v}": supported values: "All"')
    return bool(values)


class ApplyView(APIView):
    parser_classes: list[Any] = []

    def post(self, request: Request) -> Response:
        p = principal_for(request)
        if not p.grants and not p.authenticated:
            raise errors.unauthorized()
        dry_run = _dry_run(request)
        ctype = bodies.content_type(request)
        if ctype != "application/json" and ctype not in YAML_TYPES:
            raise errors.unsupported_media_type(ctype, ACCEPTED)
        documents = parse_stream(
            bodies.raw_body(request),
            source="request body",
            json_only=ctype == "application/json",
        )

        def check(verb: str, kind: Kind, namespace: str, name: str) -> None:
            authorize(request, verb, kind, namespace, name)

        report = apply_documents(
            documents=documents,
            default_namespace=request.query_params.get("namespace") or "default",
            dry_run=dry_run,
            authorize=check,
        )
        return Response(report.as_dict())
