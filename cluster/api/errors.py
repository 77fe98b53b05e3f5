"""Every API failure is a ``metav1.Status`` with the HTTP code equal to ``code``: never an
HTML page, never a 500 for bad input."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

from cluster import errors
from cluster.errors import StatusError

log = logging.getLogger("portolan.api")


def status_response(err: StatusError) -> Response:
    return Response(err.status(), status=err.code, headers=err.headers or None)


def exception_handler(exc: Exception, context: Any) -> Response:
    if isinstance(exc, StatusError):
        return status_response(exc)
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        return status_response(errors.unauthorized())
    if isinstance(exc, drf.PermissionDenied):
        return status_response(errors.forbidden_request(str(exc.detail)))
    if isinstance(exc, drf.MethodNotAllowed):
        return status_response(errors.method_not_allowed())
    if isinstance(exc, drf.UnsupportedMediaType):
        return status_response(errors.unsupported_media_type("", ["application/json"]))
    if isinstance(exc, drf.ParseError):
        return status_response(errors.bad_request(str(exc.detail)))
    if isinstance(exc, drf.NotFound):
        return status_response(errors.path_not_found())
    if isinstance(exc, drf.APIException):
        return status_response(StatusError(exc.status_code, "InternalError", str(exc.detail), {}))
    log.exception("unhandled error in the API")
    return status_response(errors.internal_error(f"{type(exc).__name__}: {exc}"))


def status_json(err: StatusError) -> JsonResponse:
    return JsonResponse(err.status(), status=err.code)


def handler404(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return status_json(errors.path_not_found())


def handler500(request: HttpRequest) -> JsonResponse:
    return status_json(errors.internal_error("an error on the server prevented the request"))
