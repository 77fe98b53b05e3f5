"""The Go types a request body decodes into, reduced to what a type check needs (pure).

The apiserver decodes JSON into typed structs before any strategy runs, so a value of the wrong
JSON type (``"spec": 5``, ``"ports": "x"``, ``"labels": []``) is a 400 BadRequest from the
decoder, phrased by ``encoding/json``::

    Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into
    Go struct field ServiceSpec.spec.ports of type []v1.ServicePort

Unknown fields are dropped by the apiserver (non-strict decoding), so they are not checked;
``null`` decodes to the zero value anywhere. Only the fields the simulator reads or stores are
typed; everything else is left to the kind's validation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from cluster import errors

Schema = Union[str, "Struct", "ListOf", "MapOf"]


@dataclass(frozen=True)
class Struct:
    name: str  # Go type name without package: "ServiceSpec"
    fields: Mapping[str, Schema] = field(default_factory=dict)
    package: str = "v1"


@dataclass(frozen=True)
class ListOf:
    elem: Schema


@dataclass(frozen=True)
class MapOf:
    elem: Schema


SCALARS = {
    "string": "string",
    "bool": "bool",
    "int32": "int32",
    "int64": "int64",
    "intstr": "intstr.IntOrString",
    "quantity": "resource.Quantity",
    "time": "v1.Time",
    "object": "map[string]interface {}",  # a struct the simulator does not look into
    "any": "interface {}",
}


def go_name(s: Schema) -> str:
    if isinstance(s, Struct):
        return f"{s.package}.{s.name}"
    if isinstance(s, ListOf):
        return "[]" + go_name(s.elem)
    if isinstance(s, MapOf):
        return "map[string]" + go_name(s.elem)
    return SCALARS[s]


def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "number"
    if isinstance(value, float):
        return f"number {value!r}"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class DecodeError(Exception):
    def __init__(self, value: Any, struct: str, path: str, schema: Schema) -> None:
        where = f"Go struct field {struct}.{path}" if path else "Go value"
        super().__init__(
            f"json: cannot unmarshal {json_type(value)} into {where} of type {go_name(schema)}"
        )


def _scalar_ok(kind: str, value: Any) -> bool:
    if kind == "any":
        return True
    if kind in ("string", "time"):
        return isinstance(value, str)
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("int32", "int64"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("intstr", "quantity"):
        return isinstance(value, str | int | float) and not isinstance(value, bool)
    if kind == "object":
        return isinstance(value, dict)
    raise ValueError(f"unknown scalar type {kind!r}")


def check(value: Any, schema: Schema, *, struct: str = "", path: str = "") -> None:
    """Raise :class:`DecodeError` where ``value`` cannot decode into ``schema``."""
    if value is None:
        return
    if isinstance(schema, Struct):
        if not isinstance(value, dict):
            raise DecodeError(value, struct, path, schema)
        for key, sub in schema.fields.items():
            if key in value:
                child = f"{path}.{key}" if path else key
                check(value[key], sub, struct=schema.name, path=child)
    elif isinstance(schema, ListOf):
        if not isinstance(value, list):
            raise DecodeError(value, struct, path, schema)
        for item in value:
            if item is None:
                continue
            if isinstance(schema.elem, Struct) and not isinstance(item, dict):
                raise DecodeError(item, struct, path, schema.elem)
            check(item, schema.elem, struct=struct, path=path)
    elif isinstance(schema, MapOf):
        if not isinstance(value, dict):
            raise DecodeError(value, struct, path, schema)
        for item in value.values():
            check(item, schema.elem, struct=struct, path=path)
    elif not _scalar_ok(schema, value):
        raise DecodeError(value, struct, path, schema)


TYPE_META = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'


def check_type_meta(body: Any) -> None:
    """The version/kind sniffing that precedes decoding (``json.SimpleMetaFactory``)."""
    prefix = "couldn't get version/kind; json parse error: "
    if not isinstance(body, dict):
        raise errors.bad_request(
            f"{prefix}json: cannot unmarshal {json_type(body)} into Go value of type {TYPE_META}"
        )
    for key in ("apiVersion", "kind"):
        value = body.get(key)
        if value is not None and not isinstance(value, str):
            raise errors.bad_request(
                f"{prefix}json: cannot unmarshal {json_type(value)} into Go struct field "
                f".{key} of type string"
            )


def check_body(kind: str, version: str, body: Any, schema: Struct | None = None) -> None:
    """A 400 BadRequest if ``body`` cannot decode into ``kind``'s Go type."""
    from cluster.gotypes_v1 import KINDS, kind_type

    check_type_meta(body)
    schema = schema or KINDS.get(kind) or kind_type(kind)
    try:
        check(body, schema, struct=schema.name)
    except DecodeError as e:
        raise errors.bad_request(
            f'{kind} in version "{version}" cannot be handled as a {kind}: {e}'
        ) from None
