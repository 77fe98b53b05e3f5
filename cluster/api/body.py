"""Request bodies, read like the apiserver reads them: a 3 MiB limit (413), a missing
Content-Type taken as JSON, YAML accepted, protobuf decoded for the kinds kubectl sends it
for, and the patch types told apart by Content-Type."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig

from cluster import errors, gotypes, gotypes_v1, yamlio
from cluster.patch import PATCH_TYPES

PROTOBUF = "application/vnd.kubernetes.protobuf"
OBJECT_TYPES = ("application/json", "application/yaml", PROTOBUF)


def content_type(request: Any) -> str:
    return (request.META.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()


def raw_body(request: Any) -> bytes:
    limit = settings.PORTOLAN_MAX_BODY_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > limit:
        raise errors.too_large(limit)
    try:
        body = request.body
    except RequestDataTooBig:
        raise errors.too_large(limit) from None
    if len(body) > limit:
        raise errors.too_large(limit)
    return bytes(body)


def _json(data: bytes) -> Any:
    try:
        return json.loads(data or b"null")
    except (ValueError, UnicodeDecodeError) as e:
        raise errors.bad_request(f"couldn't get version/kind; json parse error: {e}") from e


def _yaml(data: bytes) -> Any:
    try:
        return yamlio.load(data)
    except Exception as e:  # noqa: BLE001 - any YAML error is the client's
        raise errors.bad_request(f"error converting YAML to JSON: {e}") from e


def decode_object(request: Any) -> Any:
    """A POST/PUT body as a JSON value."""
    ctype = content_type(request)
    data = raw_body(request)
    if ctype in ("", "application/json", "text/plain"):
        return _json(data)
    if ctype in ("application/yaml", "application/x-yaml", "text/yaml"):
        return _yaml(data)
    if ctype == PROTOBUF:
        from cluster.api.protobuf import decode_protobuf

        return decode_protobuf(data)
    raise errors.unsupported_media_type(ctype, OBJECT_TYPES)


def decode_patch(request: Any) -> tuple[str, Any]:
    ctype = content_type(request)
    if ctype not in PATCH_TYPES:
        raise errors.unsupported_media_type(ctype, PATCH_TYPES)
    data = raw_body(request)
    if ctype.endswith("yaml"):
        return ctype, _yaml(data)
    return ctype, _json(data)


def decode_options(request: Any) -> dict[str, Any]:
    """DeleteOptions from the body (kubectl sends JSON) merged with the query string."""
    data = raw_body(request)
    opts: dict[str, Any] = {}
    if data.strip():
        parsed = _json(data)
        if parsed is not None:
            try:
                gotypes.check(parsed, gotypes_v1.DELETE_OPTIONS)
            except gotypes.DecodeError as e:
                raise errors.bad_request(str(e)) from None
        opts = parsed or {}
    q = request.GET
    if q.get("propagationPolicy"):
        opts["propagationPolicy"] = q["propagationPolicy"]
    if q.get("orphanDependents") in ("true", "1") and "propagationPolicy" not in opts:
        opts["propagationPolicy"] = "Orphan"
    if opts.get("orphanDependents") is True and "propagationPolicy" not in opts:
        opts["propagationPolicy"] = "Orphan"
    return opts
