"""Field selectors (pure): ``fields.ParseSelector`` for the ``=``, ``==`` and ``!=`` terms a
kind supports (``metadata.name``, ``metadata.namespace`` and a few per kind)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cluster import errors


@dataclass(frozen=True)
class FieldRequirement:
    field: str
    operator: str  # "=" or "!="
    value: str


def parse_fields(
    text: str | None, supported: Mapping[str, Callable[[dict[str, Any]], str]]
) -> list[FieldRequirement]:
    if not text:
        return []
    reqs = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        for op in ("!=", "==", "="):
            if op in part:
                name, value = part.split(op, 1)
                break
        else:
            raise errors.bad_request(f"invalid selector: '{text}'; can't understand '{part}'")
        name = name.strip()
        if name not in supported:
            raise errors.bad_request(f"field label not supported: {name}")
        reqs.append(FieldRequirement(name, "!=" if op == "!=" else "=", value.strip()))
    return reqs


def fields_match(
    reqs: list[FieldRequirement],
    obj: dict[str, Any],
    supported: Mapping[str, Callable[[dict[str, Any]], str]],
) -> bool:
    for r in reqs:
        have = supported[r.field](obj)
        if (have == r.value) != (r.operator == "="):
            return False
    return True
