"""Protobuf request bodies (``kubectl create deployment|service|namespace|job`` in 1.32).

The body is ``k8s\\x00`` followed by a ``runtime.Unknown`` whose ``typeMeta`` names the kind and
whose ``raw`` holds the object. Descriptors are built at first use from the field table in
:mod:`cluster.api.proto.messages` (the ``protobuf`` library parses the wire format); the
decoded message becomes the JSON object a JSON client would have sent."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
from dataclasses import dataclass
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, unknown_fields
from google.protobuf.message import DecodeError, Message

from cluster import errors
from cluster.api.proto.messages import MESSAGES, TOP_LEVEL

MAGIC = b"k8s\x00"
PACKAGE = "portolan.k8s"
SCALARS = {
    "string": descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
    "int32": descriptor_pb2.FieldDescriptorProto.TYPE_INT32,
    "int64": descriptor_pb2.FieldDescriptorProto.TYPE_INT64,
    "bool": descriptor_pb2.FieldDescriptorProto.TYPE_BOOL,
    "bytes": descriptor_pb2.FieldDescriptorProto.TYPE_BYTES,
}
ZERO_TIME_SECONDS = -62135596800  # Go's time.Time{}.Unix()


@dataclass(frozen=True)
class Spec:
    number: int
    name: str
    type: str  # scalar name or message name; for maps the value type
    repeated: bool = False
    map_key: str = ""
    pointer: bool = False


def parse_field(text: str) -> Spec:
    number, name, kind = text.split()
    pointer = kind.endswith("?")
    kind = kind.rstrip("?")
    if kind.startswith("[]"):
        return Spec(int(number), name, kind[2:], repeated=True, pointer=pointer)
    if kind.startswith("map["):
        key, value = kind[4:].split("]", 1)
        return Spec(int(number), name, value, map_key=key, pointer=pointer)
    return Spec(int(number), name, kind, pointer=pointer)


@functools.cache
def table() -> dict[str, dict[str, Spec]]:
    return {msg: {s.name: s for s in map(parse_field, fields)} for msg, fields in MESSAGES.items()}


def _entry_name(spec: Spec) -> str:
    return spec.name[:1].upper() + spec.name[1:] + "Entry"


def _set_type(field: Any, type_name: str) -> None:
    if type_name in SCALARS:
        field.type = SCALARS[type_name]
    else:
        field.type = descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE
        field.type_name = f".{PACKAGE}.{type_name}"


@functools.cache
def _pool() -> descriptor_pool.DescriptorPool:
    """One proto2 file holding every message of the table; maps become map entries."""
    fdp = descriptor_pb2.FileDescriptorProto(
        name="portolan_k8s.proto", package=PACKAGE, syntax="proto2"
    )
    label = descriptor_pb2.FieldDescriptorProto
    for msg, specs in table().items():
        mdp = fdp.message_type.add(name=msg)
        for spec in specs.values():
            f = mdp.field.add(name=spec.name, number=spec.number)
            if spec.map_key:
                entry = mdp.nested_type.add(name=_entry_name(spec))
                entry.options.map_entry = True
                k = entry.field.add(name="key", number=1, label=label.LABEL_OPTIONAL)
                _set_type(k, spec.map_key)
                v = entry.field.add(name="value", number=2, label=label.LABEL_OPTIONAL)
                _set_type(v, spec.type)
                f.label = label.LABEL_REPEATED
                f.type = label.TYPE_MESSAGE
                f.type_name = f".{PACKAGE}.{msg}.{_entry_name(spec)}"
            else:
                f.label = label.LABEL_REPEATED if spec.repeated else label.LABEL_OPTIONAL
                _set_type(f, spec.type)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    return pool


def message_class(name: str) -> type[Message]:
    """The generated class of one table message (also used by tests to build bodies)."""
    return message_factory.GetMessageClass(_pool().FindMessageTypeByName(f"{PACKAGE}.{name}"))


# --- decoding ---------------------------------------------------------------------------------


class _Refused(Exception):
    pass


def decode_protobuf(data: bytes) -> dict[str, Any]:
    if not data.startswith(MAGIC):
        raise errors.bad_request(
            "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"
        )
    envelope = message_class("Unknown")()
    try:
        envelope.ParseFromString(data[len(MAGIC) :])
    except DecodeError as e:
        raise errors.bad_request(f"unable to decode the protobuf envelope: {e}") from e
    api_version = envelope.typeMeta.apiVersion  # type: ignore[attr-defined]
    kind = envelope.typeMeta.kind  # type: ignore[attr-defined]
    name = TOP_LEVEL.get((api_version, kind))
    if name is None:
        known = ", ".join(f"{v}/{k}" if "/" not in v else f"{v} {k}" for v, k in TOP_LEVEL)
        raise errors.StatusError(
            415,
            "UnsupportedMediaType",
            f"the body of the request was in an unknown format - protobuf bodies are decoded "
            f"for {known}; no decoder for {kind!r} in version {api_version!r}: send "
            f"application/json",
            {"kind": kind} if kind else {},
        )
    version = api_version.rsplit("/", 1)[-1]
    obj = message_class(name)()
    try:
        obj.ParseFromString(envelope.raw)  # type: ignore[attr-defined]
        body = _to_json(obj, name)
    except (DecodeError, _Refused) as e:
        raise errors.bad_request(
            f'{kind} in version "{version}" cannot be handled as a {kind}: {e}'
        ) from e
    return {"kind": kind, "apiVersion": api_version, **(body or {})}


def _to_json(msg: Message, name: str) -> Any:
    """A message as JSON; ``None`` for what Go's JSON encoding would leave out."""
    extra = sorted({u.field_number for u in unknown_fields.UnknownFieldSet(msg)})
    if extra:
        raise _Refused(
            f"protobuf field{'s' if len(extra) > 1 else ''} {', '.join(map(str, extra))} of "
            f"{name} {'are' if len(extra) > 1 else 'is'} not supported by this "
            f"server; send application/json"
        )
    if name == "Time":
        return _time(msg)
    if name == "IntOrString":
        return _int_or_string(msg)
    if name == "Quantity":
        return msg.string or None
    if name == "FieldsV1":
        raw = msg.Raw
        return json.loads(raw) if raw else None
    specs = table()[name]
    out: dict[str, Any] = {}
    for fd, value in msg.ListFields():
        spec = specs[fd.name]
        converted = _value(spec, value)
        if converted is not None:
            out[spec.name] = converted
    return out


def _value(spec: Spec, value: Any) -> Any:
    if spec.map_key:
        mapped = {str(k): _single(spec, v) for k, v in value.items()}
        return {k: v for k, v in mapped.items() if v is not None} or None
    if spec.repeated:
        items = [_single(spec, v) for v in value]
        return [i if i is not None else _empty(spec) for i in items] or None
    return _single(spec, value)


def _empty(spec: Spec) -> Any:
    return {} if spec.type not in SCALARS else ""


def _single(spec: Spec, value: Any) -> Any:
    if spec.type in SCALARS:
        if spec.type == "bytes":
            value = base64.b64encode(value).decode()
        if not spec.pointer and not spec.repeated and not spec.map_key and not value:
            return None  # gogo's zero value for an unset non-pointer field
        return value
    if spec.type == "IntOrString" and spec.pointer:
        return _int_or_string(value, keep_zero=True)
    converted = _to_json(value, spec.type)
    if converted in (None, {}) and not spec.pointer:
        return None
    return {} if converted is None and spec.type not in ("Time", "IntOrString") else converted


def _time(msg: Message) -> str | None:
    seconds = msg.seconds
    nanos = msg.nanos
    if (seconds == 0 and nanos == 0) or seconds == ZERO_TIME_SECONDS:
        return None
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _int_or_string(msg: Message, *, keep_zero: bool = False) -> int | str | None:
    if msg.type == 1:
        return msg.strVal or (None if not keep_zero else "")
    value = int(msg.intVal)
    return value if value or keep_zero else None
