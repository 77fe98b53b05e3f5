"""Server-side ``meta.k8s.io/v1`` Tables for ``kubectl get``; columns as the apiserver's
printers (``pkg/printers/internalversion/printers.go``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cluster.kinds import Kind
from cluster.objects import parse_time

Obj = dict[str, Any]


def human_duration(seconds: float) -> str:
    """``duration.HumanDuration``."""
    s = int(seconds)
    if s < 0:
        s = 0
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
        years = hours // (24 * 365)
        days = (hours // 24) % 365
        return f"{years}y{days}d" if days else f"{years}y"
    return f"{hours // (24 * 365)}y"


def age(obj: Obj) -> str:
    created = parse_time(obj["metadata"].get("creationTimestamp"))
    if created is None:
        return "<unknown>"
    return human_duration((dt.datetime.now(dt.UTC) - created).total_seconds())


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


def partial_metadata(obj: Obj) -> Obj:
    meta = {k: v for k, v in obj["metadata"].items() if k != "managedFields"}
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": meta}


def default_columns() -> list[Obj]:
    return [column("Name", fmt="name"), column("Age")]


def default_cells(obj: Obj) -> list[Any]:
    return [obj["metadata"]["name"], age(obj)]


def table_for(kind: Kind, items: list[Obj], resource_version: str, request: Any = None) -> Obj:
    from cluster.api import printers

    columns, cells = printers.for_kind(kind.kind)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": columns,
        "rows": [{"cells": cells(obj), "object": partial_metadata(obj)} for obj in items],
    }
