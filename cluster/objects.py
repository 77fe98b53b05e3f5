"""Conversion between stored rows and the Kubernetes JSON that is the one representation of an
object (API answer, change-log payload, snapshot row, export)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cluster.models import KubeObject


def format_time(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: Any) -> dt.datetime | None:
    if not value:
        return None
    if isinstance(value, dt.datetime):
        return value
    text = str(value).replace("Z", "+00:00")
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def metadata_of(obj: KubeObject, *, with_generation: bool) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": obj.name}
    if obj.generate_name:
        meta["generateName"] = obj.generate_name
    if obj.NAMESPACED:
        meta["namespace"] = obj.namespace
    meta["uid"] = str(obj.uid)
    meta["resourceVersion"] = str(obj.resource_version)
    if with_generation:
        meta["generation"] = obj.generation
    meta["creationTimestamp"] = format_time(obj.creation_timestamp)
    if obj.deletion_timestamp is not None:
        meta["deletionTimestamp"] = format_time(obj.deletion_timestamp)
        meta["deletionGracePeriodSeconds"] = 0
    if obj.labels:
        meta["labels"] = obj.labels
    if obj.annotations:
        meta["annotations"] = obj.annotations
    if obj.owner_references:
        meta["ownerReferences"] = obj.owner_references
    if obj.finalizers:
        meta["finalizers"] = obj.finalizers
    return meta


def to_k8s(obj: KubeObject, *, with_generation: bool = False) -> dict[str, Any]:
    """The object's Kubernetes JSON. Shares nested dicts with the row: copy before mutating."""
    out: dict[str, Any] = {
        "kind": obj.KIND,
        "apiVersion": obj.API_VERSION,
        "metadata": metadata_of(obj, with_generation=with_generation),
    }
    out.update(obj.body())
    return out


def controlling_owner_uid(refs: list[Any]) -> str | None:
    chosen = None
    for ref in refs:
        if isinstance(ref, dict) and ref.get("uid"):
            if ref.get("controller"):
                return str(ref["uid"])
            chosen = chosen or str(ref["uid"])
    return chosen


def load_into(obj: KubeObject, data: dict[str, Any]) -> None:
    """Load a (defaulted, validated) Kubernetes object into a row. The row takes ownership of
    ``data``'s nested values (no copy): callers pass a private object and stop changing it. Identity fields that the
    server owns (uid, creationTimestamp, resourceVersion) are set by the write layer."""
    meta = data.get("metadata") or {}
    obj.name = meta.get("name") or ""
    obj.generate_name = meta.get("generateName") or ""
    if obj.NAMESPACED:
        obj.namespace = meta.get("namespace") or ""
    obj.labels = dict(meta.get("labels") or {})
    obj.annotations = dict(meta.get("annotations") or {})
    obj.finalizers = list(meta.get("finalizers") or [])
    obj.owner_references = list(meta.get("ownerReferences") or [])
    obj.owner_uid = controlling_owner_uid(obj.owner_references)
    obj.deletion_timestamp = parse_time(meta.get("deletionTimestamp"))
    if "generation" in meta and meta["generation"]:
        obj.generation = int(meta["generation"])
    for k8s_name, field_name in obj.BODY_FIELDS.items():
        value = data.get(k8s_name)
        field = obj._meta.get_field(field_name)
        if value is None and not field.null:
            value = field.get_default()
        setattr(obj, field_name, value)
    obj.derive_columns()
