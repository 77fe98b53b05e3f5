"""Reading user JSON the way the apiserver's decoder does: a value of the wrong JSON type is a
decode error (400 BadRequest), never a 500. Strategies call these; ``run_strategy`` turns the
``TypeError`` they raise into the Status."""

from __future__ import annotations

from typing import Any

from cluster.errors import FieldError, invalid

Obj = dict[str, Any]

NONNEGATIVE_MSG = "must be greater than or equal to 0"


def as_obj(value: Any, path: str) -> Obj:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise TypeError(f"{path} must be an object")
    return value


def as_list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TypeError(f"{path} must be a list")
    return value


def as_str(value: Any, path: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(f"{path} must be a string")
    return value


def as_int(value: Any, path: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{path} must be an integer")
    return value


def as_bool(value: Any, path: str) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise TypeError(f"{path} must be a boolean")
    return value


def objects(value: Any, path: str) -> list[tuple[str, Obj]]:
    """A list of objects with their indexed paths."""
    return [
        (f"{path}[{i}]", as_obj(item, f"{path}[{i}]"))
        for i, item in enumerate(as_list(value, path))
    ]


def nonnegative(value: Any, path: str) -> list[FieldError]:
    """``ValidateNonnegativeField``."""
    number = as_int(value, path)
    if number is not None and number < 0:
        return [invalid(path, number, NONNEGATIVE_MSG)]
    return []


def immutable(new: Any, old: Any, path: str) -> list[FieldError]:
    """``ValidateImmutableField``."""
    if new != old:
        return [invalid(path, new, "field is immutable")]
    return []
