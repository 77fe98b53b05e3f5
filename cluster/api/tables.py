"""Server-side ``meta.k8s.io/v1`` Tables for ``kubectl get``.

The apiserver builds a Table from the kind's printer (``cluster.api.printers``, after
``pkg/printers/internalversion/printers.go``). It always generates the wide form (the
``priority: 1`` columns are filled in; kubectl hides them without ``-o wide``), and each row
carries the object as ``PartialObjectMetadata`` unless ``includeObject`` says otherwise
(``pkg/printers/storage``, ``endpoints/handlers/response.go``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cluster import errors
from cluster.kinds import Kind
from cluster.objects import parse_time

Obj = dict[str, Any]

INCLUDE_OBJECT = ("None", "Metadata", "Object")


def human_duration(seconds: float) -> str:
    """``k8s.io/apimachinery/pkg/util/duration.HumanDuration``."""
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 60 * 2:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        rem = s % 60
        return f"{minutes}m{rem}s" if rem else f"{minutes}m"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        rem = minutes % 60
        return f"{hours}h{rem}m" if rem else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rem = hours % 24
        return f"{hours // 24}d{rem}h" if rem else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        return f"{hours // 24 // 365}y{days}d" if days else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"


def since(value: Any, now: dt.datetime | None = None) -> str:
    """``translateTimestampSince``: ``<unknown>`` for a missing time."""
    try:
        when = parse_time(value)
    except (TypeError, ValueError):
        when = None
    if when is None:
        return "<unknown>"
    now = now or dt.datetime.now(dt.UTC)
    return human_duration((now - when).total_seconds())


def age(obj: Obj) -> str:
    return since((obj.get("metadata") or {}).get("creationTimestamp"))


def column(
    name: str, type_: str = "string", fmt: str = "", priority: int = 0, description: str = ""
) -> Obj:
    return {
        "name": name,
        "type": type_,
        "format": fmt,
        "description": description or name,
        "priority": priority,
    }


NAME_DOC = "The object's name, unique within its namespace (metadata.name)."
AGE_DOC = "Time since the object was created (metadata.creationTimestamp)."


def name_column() -> Obj:
    return column("Name", fmt="name", description=NAME_DOC)


def age_column() -> Obj:
    return column("Age", description=AGE_DOC)


def partial_metadata(obj: Obj) -> Obj:
    meta = {k: v for k, v in (obj.get("metadata") or {}).items() if k != "managedFields"}
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta}


def default_columns() -> list[Obj]:
    return [name_column(), age_column()]


def default_cells(obj: Obj) -> list[Any]:
    return [obj["metadata"]["name"], age(obj)]


def include_object(request: Any) -> str:
    """The ``includeObject`` query parameter (``metav1.TableOptions``): Metadata by default."""
    params = getattr(request, "query_params", None)
    if params is None:
        params = getattr(request, "GET", None)
    value = (params.get("includeObject") if params is not None else None) or "Metadata"
    if value not in INCLUDE_OBJECT:
        raise errors.bad_request(
            f'includeObject: Unsupported value: "{value}": supported values: '
            + ", ".join(f'"{v}"' for v in INCLUDE_OBJECT)
        )
    return value


def _row_object(obj: Obj, include: str) -> Obj | None:
    if include == "None":
        return None
    if include == "Object":
        return obj
    return partial_metadata(obj)


def row_for(kind: Kind, obj: Obj, include: str = "Metadata") -> Obj:
    from cluster.api import printers

    printer = printers.for_kind(kind.kind)
    row: Obj = {"cells": printer.cells(obj)}
    conditions = printer.conditions(obj) if printer.conditions else None
    if conditions:
        row["conditions"] = conditions
    embedded = _row_object(obj, include)
    if embedded is not None:
        row["object"] = embedded
    return row


def table_for(kind: Kind, items: list[Obj], resource_version: str, request: Any = None) -> Obj:
    from cluster.api import printers

    include = include_object(request) if request is not None else "Metadata"
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": printers.for_kind(kind.kind).columns,
        "rows": [row_for(kind, obj, include) for obj in items],
    }
