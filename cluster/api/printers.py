"""Per-kind table columns. Kinds without printers get Name and Age."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cluster.api.tables import default_cells, default_columns

Obj = dict[str, Any]
Printer = tuple[list[Obj], Callable[[Obj], list[Any]]]


def for_kind(kind: str) -> Printer:
    return PRINTERS.get(kind, (default_columns(), default_cells))


PRINTERS: dict[str, Printer] = {}
