"""The OpenAPI v3 documents kubectl reads (``/openapi/v3`` and one per group-version)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from cluster import errors
from cluster.api.errors import status_json


def root(request: HttpRequest) -> HttpResponse:
    return status_json(errors.path_not_found())


def group_version_doc(request: HttpRequest, path: str) -> HttpResponse:
    return status_json(errors.path_not_found())
