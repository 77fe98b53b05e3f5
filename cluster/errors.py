"""Kubernetes API errors: field errors (``field/errors.go``) and ``metav1.Status`` failures
(``apimachinery/pkg/api/errors/errors.go``).

Every failure a client can see is a :class:`StatusError`; the API layer renders ``status()``
with ``code`` as the HTTP status.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

_TYPE_TEXT = {
    "FieldValueInvalid": "Invalid value",
    "FieldValueRequired": "Required value",
    "FieldValueDuplicate": "Duplicate value",
    "FieldValueNotSupported": "Unsupported value",
    "FieldValueForbidden": "Forbidden",
    "FieldValueTooLong": "Too long",
    "FieldValueTooMany": "Too many",
    "FieldValueNotFound": "Not found",
    "InternalError": "Internal error",
}
_OMIT = object()


def format_value(value: Any) -> str:
    """How ``field.Error`` prints a bad value: strings quoted, numbers and bools bare."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    return json.dumps(value, separators=(",", ":"), sort_keys=False)


@dataclass(frozen=True)
class FieldError:
    reason: str  # FieldValueInvalid, FieldValueRequired, …
    field: str
    value: Any = None
    detail: str = ""

    def body(self) -> str:
        text = _TYPE_TEXT.get(self.reason, self.reason)
        if self.reason in {
            "FieldValueRequired",
            "FieldValueForbidden",
            "FieldValueTooLong",
            "InternalError",
        }:
            s = text
        else:
            s = f"{text}: {format_value(self.value)}"
        if self.detail:
            s += f": {self.detail}"
        return s

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}" if self.field else self.body()

    def cause(self) -> dict[str, str]:
        return {"reason": self.reason, "message": self.body(), "field": self.field}


def invalid(path: str, value: Any, detail: str) -> FieldError:
    return FieldError("FieldValueInvalid", path, value, detail)


def required(path: str, detail: str = "") -> FieldError:
    return FieldError("FieldValueRequired", path, "", detail)


def duplicate(path: str, value: Any) -> FieldError:
    return FieldError("FieldValueDuplicate", path, value)


def not_supported(path: str, value: Any, supported: Sequence[str]) -> FieldError:
    detail = "supported values: " + ", ".join(json.dumps(s) for s in supported)
    return FieldError("FieldValueNotSupported", path, value, detail)


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError("FieldValueForbidden", path, "", detail)


def too_long(path: str, limit: int) -> FieldError:
    return FieldError("FieldValueTooLong", path, "", f"must have at most {limit} bytes")


@dataclass
class StatusError(Exception):
    """A failed request, rendered as a ``metav1.Status``."""

    code: int
    reason: str
    message: str
    details: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def status(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
        }
        if self.details is not None:
            out["details"] = self.details
        out["code"] = self.code
        return out


def _qualified(resource: str, group: str) -> str:
    return f"{resource}.{group}" if group else resource


def _details(name: str, group: str, kind: str, **extra: Any) -> dict[str, Any]:
    d: dict[str, Any] = {}
    if name:
        d["name"] = name
    if group:
        d["group"] = group
    if kind:
        d["kind"] = kind
    d.update(extra)
    return d


def not_found(resource: str, name: str, group: str = "") -> StatusError:
    return StatusError(
        404,
        "NotFound",
        f'{_qualified(resource, group)} "{name}" not found',
        _details(name, group, resource),
    )


def path_not_found() -> StatusError:
    return StatusError(404, "NotFound", "the server could not find the requested resource", {})


def already_exists(resource: str, name: str, group: str = "") -> StatusError:
    return StatusError(
        409,
        "AlreadyExists",
        f'{_qualified(resource, group)} "{name}" already exists',
        _details(name, group, resource),
    )


def conflict(resource: str, name: str, group: str = "", why: str = "") -> StatusError:
    why = why or (
        "the object has been modified; please apply your changes to the latest version and try again"
    )
    return StatusError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {_qualified(resource, group)} "{name}": {why}',
        _details(name, group, resource),
    )


def _listed(errs: list[FieldError]) -> str:
    """The apiserver's aggregate: one error as it is, several in brackets."""
    listed = ", ".join(str(e) for e in errs)
    return f"[{listed}]" if len(errs) > 1 else listed


def invalid_object(
    kind: str, name: str, errors: Iterable[FieldError], group: str = ""
) -> StatusError:
    errs = list(errors)
    listed = _listed(errs)
    return StatusError(
        422,
        "Invalid",
        f'{kind}{"." + group if group else ""} "{name}" is invalid: {listed}',
        _details(name, group, kind, causes=[e.cause() for e in errs]),
    )


def invalid_request(kind: str, errors: Iterable[FieldError]) -> StatusError:
    """422 for a request body that is not a stored object (``TrafficSimulation is invalid:
    …``): the same message and causes as :func:`invalid_object`, without a name."""
    errs = list(errors)
    return StatusError(
        422,
        "Invalid",
        f"{kind} is invalid: {_listed(errs)}",
        {"kind": kind, "causes": [e.cause() for e in errs]},
    )


def bad_request(message: str) -> StatusError:
    return StatusError(400, "BadRequest", message, {})


def forbidden_request(
    message: str, resource: str = "", name: str = "", group: str = ""
) -> StatusError:
    return StatusError(403, "Forbidden", message, _details(name, group, resource))


def unauthorized(message: str = "Unauthorized") -> StatusError:
    return StatusError(401, "Unauthorized", message, {})


def method_not_allowed(message: str = "") -> StatusError:
    return StatusError(
        405,
        "MethodNotAllowed",
        message or "the server does not allow this method on the requested resource",
        {},
    )


def unsupported_media_type(content_type: str, accepted: Sequence[str]) -> StatusError:
    return StatusError(
        415,
        "UnsupportedMediaType",
        f"the body of the request was in an unknown format - accepted media types include: "
        f"{', '.join(accepted)}",
        {},
    )


def too_large(limit: int) -> StatusError:
    return StatusError(
        413, "RequestEntityTooLarge", f"Request entity too large: limit is {limit}", {}
    )


def internal_error(message: str) -> StatusError:
    return StatusError(
        500,
        "InternalError",
        f"Internal error occurred: {message}",
        {"causes": [{"message": message}]},
    )


def not_acceptable(message: str) -> StatusError:
    return StatusError(406, "NotAcceptable", message, {})


def gone(message: str) -> StatusError:
    return StatusError(410, "Expired", message, {})
