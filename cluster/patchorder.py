"""Helpers of :mod:`cluster.strategic`: element identity, the order of merged lists
(``normalizeElementOrder``, ``mergeSortedSlice``, ``validatePatchWithSetOrderList``) and
error messages shaped like Go's ``%v``."""

from __future__ import annotations

from typing import Any

DIRECTIVE = "$patch"
SET_ORDER = "$setElementOrder"


class PatchError(ValueError):
    """A malformed strategic merge patch (400), or lists of lists (422)."""

    def __init__(self, message: str, code: int = 400) -> None:
        super().__init__(message)
        self.code = code


def same(a: Any, b: Any) -> bool:
    """Go's ``==`` on decoded JSON: numbers compare by value, but never with bool or str."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


def index_of(items: list[Any], value: Any, key: str) -> int:
    probe = value.get(key) if key and isinstance(value, dict) else value
    for i, item in enumerate(items):
        other = item.get(key) if key and isinstance(item, dict) else item
        if same(probe, other):
            return i
    return -1


def partition(merged: list[Any], by: list[Any], key: str) -> tuple[list[Any], list[Any]]:
    ours: list[Any] = []
    server_only: list[Any] = []
    for item in merged:
        if key and (not isinstance(item, dict) or key not in item):
            raise PatchError(no_merge_key(item if isinstance(item, dict) else {}, key))
        (ours if index_of(by, item, key) >= 0 else server_only).append(item)
    return ours, server_only


def sort_by(items: list[Any], order: list[Any], key: str) -> list[Any]:
    if key:
        for item in list(items) + list(order):
            if not isinstance(item, dict) or key not in item:
                raise PatchError(no_merge_key(item if isinstance(item, dict) else {}, key))
    positions = [(index_of(order, item, key), n) for n, item in enumerate(items)]
    found = sorted(p for p in positions if p[0] >= 0)
    missing = [p for p in positions if p[0] < 0]
    return [items[n] for _, n in found + missing]


def normalize_order(
    ours: list[Any], server_only: list[Any], our_order: list[Any], server_order: list[Any], key: str
) -> list[Any]:
    """``normalizeElementOrder`` + ``mergeSortedSlice``: the patch's items in the patch's order,
    server-only items in the live order, interleaved where the live order relates them."""
    right = sort_by(ours, our_order, key)
    left = sort_by(server_only, server_order, key)
    out: list[Any] = []
    i = j = 0
    while i < len(left) or j < len(right):
        if i >= len(left):
            out.append(right[j])
            j += 1
        elif j >= len(right):
            out.append(left[i])
            i += 1
        else:
            li, ri = index_of(server_order, left[i], key), index_of(server_order, right[j], key)
            if li >= 0 and ri >= 0 and li < ri:
                out.append(left[i])
                i += 1
            else:
                out.append(right[j])
                j += 1
    return out


def check_order(patch_list: list[Any], order: list[Any], key: str) -> None:
    """``validatePatchWithSetOrderList``: the patch list is a subsequence of the order list
    (deletions aside)."""
    if not order or not patch_list:
        return
    items = patch_list
    if key:
        items = [i for i in patch_list if not (isinstance(i, dict) and DIRECTIVE in i)]
    p = s = 0
    while p < len(items) and s < len(order):
        left, right = items[p], order[s]
        if key:
            if not isinstance(left, dict) or key not in left:
                raise PatchError(no_merge_key(left if isinstance(left, dict) else {}, key))
            if not isinstance(right, dict) or key not in right:
                raise PatchError(no_merge_key(right if isinstance(right, dict) else {}, key))
            equal = same(left[key], right[key])
        else:
            equal = same(left, right)
        if equal:
            p += 1
        s += 1
    if p < len(items) and s >= len(order):
        raise PatchError(
            f"The order in patch list:\n{go(patch_list)}\n doesn't match {SET_ORDER} list:\n"
            f"{go(order)}\n"
        )


# --- messages in Go's ``%v`` shape ---------------------------------------------------------------


def no_merge_key(item: dict[str, Any], key: str) -> str:
    return f"map: {go(item)} does not contain declared merge key: {key}"


def go(value: Any) -> str:
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go(v) for v in value) + "]"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def go_type(value: Any) -> str:
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "float64"
    if value is None:
        return "<nil>"
    return "string"
