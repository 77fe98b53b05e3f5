"""Strategic merge patch and server-side apply for the simulated kinds.

Follows ``apimachinery/pkg/util/strategicpatch`` (the apply half): objects merge like RFC 7386,
lists whose field declares a patch merge key merge element by element, lists of primitives
declared ``merge`` are unioned, and every other list is replaced whole. Directives: ``$patch``
(``delete``/``replace`` in maps and lists; ``merge`` in a map is the default and accepted),
``$retainKeys``, ``$setElementOrder/<field>`` and ``$deleteFromPrimitiveList/<field>``. No
directive is ever stored. Merge keys depend on where a list sits; the table is
:mod:`cluster.patchmeta`.
"""

from __future__ import annotations

from typing import Any

from cluster import errors
from cluster.jsoncopy import json_copy
from cluster.patchmeta import MERGE, REPLACE, Field, Struct, struct_for_kind
from cluster.patchorder import (
    PatchError,
    check_order,
    go,
    go_type,
    no_merge_key,
    normalize_order,
    partition,
    same,
)

DIRECTIVE = "$patch"
RETAIN_KEYS = "$retainKeys"
SET_ORDER = "$setElementOrder"
DELETE_PRIMITIVES = "$deleteFromPrimitiveList"
_DROP = object()  # "this key/element must not be kept"


# --- public entry points ----------------------------------------------------------------------


def strategic_merge_patch(
    target: dict[str, Any], patch: dict[str, Any], *, struct: Struct | None = None
) -> dict[str, Any]:
    """``StrategicMergeMapPatch``: ``target`` and ``patch`` are left untouched."""
    root = struct if struct is not None else struct_for_kind(str(target.get("kind") or ""))
    try:
        result = _merge_map(json_copy(target), json_copy(patch), root)
    except PatchError as e:
        if e.code == 422:
            raise errors.StatusError(422, "Invalid", str(e), {}) from e
        raise errors.bad_request(str(e)) from e
    return result


def server_side_apply(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """``application/apply-patch+yaml`` on an existing object: the body is the whole intended
    object, merged into the live one with the same list keys as a strategic merge patch.
    managedFields and field-manager conflicts are not tracked, so fields the applier dropped
    since its last apply are kept rather than removed."""
    _refuse_directives(patch, "")
    return strategic_merge_patch(target, patch)


def _refuse_directives(value: Any, path: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            if isinstance(key, str) and key.startswith("$"):
                raise errors.bad_request(f'strict decoding error: unknown field "{where}"')
            _refuse_directives(item, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _refuse_directives(item, f"{path}[{i}]")


# --- maps ---------------------------------------------------------------------------------------


def _merge_map(original: dict[str, Any] | None, patch: dict[str, Any], struct: Struct) -> Any:
    if DIRECTIVE in patch:
        directive = patch.pop(DIRECTIVE)
        if directive == "replace":
            return _merge_map({}, patch, struct)
        if directive == "delete":
            return {}
        if directive != "merge":
            raise PatchError(f"unknown patch type: {go(directive)} in map: {go(patch)}")
    result: dict[str, Any] = dict(original) if original else {}
    _apply_retain_keys(result, patch)
    _apply_set_element_order(result, patch, struct)
    for key, value in patch.items():
        delete_list = False
        if key.startswith(DELETE_PRIMITIVES):
            key = _extract_key(key, DELETE_PRIMITIVES)
            delete_list = True
        if value is None:
            result.pop(key, None)
            continue
        field = struct.field(key)
        current = result.get(key, _DROP)
        if isinstance(current, dict) and isinstance(value, dict):
            if field.strategy == REPLACE:
                result[key] = _fresh(value, field)
            else:
                result[key] = _merge_map(current, value, field.struct)
        elif isinstance(current, list) and isinstance(value, list):
            result[key] = _merge_list_field(current, value, field, delete_list)
        elif delete_list:
            continue  # nothing to delete from
        else:
            kept = _fresh(value, field)
            if kept is _DROP:
                result.pop(key, None)
            else:
                result[key] = kept
    return result


def _fresh(value: Any, field: Field) -> Any:
    """A patch value with nothing to merge into: directives applied to nothing, nulls dropped
    (``removeDirectives`` + ``discardNullValuesFromPatch``)."""
    if isinstance(value, dict):
        if value.get(DIRECTIVE) == "delete":
            return _DROP
        return _merge_map({}, value, field.struct)
    if isinstance(value, list):
        out = []
        for item in value:
            if isinstance(item, dict) and DIRECTIVE in item:
                continue
            kept = _fresh(item, Field(struct=field.struct))
            if kept is not _DROP and kept is not None:
                out.append(kept)
        return out
    return value


def _apply_retain_keys(original: dict[str, Any], patch: dict[str, Any]) -> None:
    if RETAIN_KEYS not in patch:
        return
    keep = patch.pop(RETAIN_KEYS)
    if not isinstance(keep, list):
        raise PatchError("invalid patch format of retainKeys")
    allowed = {k for k in keep if isinstance(k, str)}
    for key, value in patch.items():
        if value is None or key.startswith((DELETE_PRIMITIVES, SET_ORDER)):
            continue
        if key not in allowed:
            raise PatchError("invalid patch format of retainKeys")
    for key in list(original):
        if key not in allowed:
            del original[key]


def _extract_key(key: str, prefix: str) -> str:
    head, sep, rest = key.partition("/")
    if not sep or head != prefix:
        if prefix == DELETE_PRIMITIVES:
            raise PatchError("invalid patch format of primitive list")
        raise PatchError("invalid patch format of setElementOrder list")
    return rest


# --- lists --------------------------------------------------------------------------------------


def _merge_list_field(
    original: list[Any], patch: list[Any], field: Field, delete_list: bool
) -> list[Any]:
    if field.strategy != MERGE:
        if delete_list:
            return _delete_from(original, patch)
        kept = _fresh(patch, field)
        return kept if isinstance(kept, list) else []
    return _merge_list(original, patch, field, delete_list)


def _element_kind(*lists: list[Any]) -> str:
    """``sliceElementType``: every element has one JSON type, never a list."""
    kind = ""
    for items in lists:
        for item in items:
            if isinstance(item, list):
                raise PatchError("lists of lists are not supported", 422)
            this = "map" if isinstance(item, dict) else "scalar"
            if kind and kind != this:
                raise PatchError(f"list element types are not identical: {go(list(lists))}")
            kind = this
    return kind


def _merge_list(
    original: list[Any], patch: list[Any], field: Field, delete_list: bool
) -> list[Any]:
    if not original and not patch:
        return list(original)
    kind = _element_kind(original, patch)
    key = field.merge_key
    if kind != "map":
        if delete_list:
            return _delete_from(original, patch)
        merged = _dedupe(original + patch)
        order_by: list[Any] = patch
    else:
        if not key:
            raise PatchError("cannot merge lists without merge key for type map")
        original, rest = _special_elements(original, patch, key, field.struct)
        merged = _merge_by_key(original, rest, key, field.struct)
        order_by = rest
    ours, server_only = partition(merged, order_by, key if kind == "map" else "")
    return normalize_order(ours, server_only, order_by, original, key if kind == "map" else "")


def _special_elements(
    original: list[Any], patch: list[Any], key: str, struct: Struct
) -> tuple[list[Any], list[Any]]:
    """``mergeSliceWithSpecialElements``: ``$patch`` elements delete or replace."""
    rest: list[Any] = []
    replace = False
    for item in patch:
        if not isinstance(item, dict):
            raise PatchError(f"expected a map, but received a {go_type(item)}")
        if DIRECTIVE not in item:
            rest.append(item)
            continue
        directive = item[DIRECTIVE]
        if directive == "delete":
            if key not in item:
                raise PatchError(no_merge_key(item, key))
            original = [
                o for o in original if not (isinstance(o, dict) and same(o.get(key), item[key]))
            ]
        elif directive == "replace":
            replace = True
        elif directive == "merge":
            raise PatchError("merging lists cannot yet be specified in the patch")
        else:
            raise PatchError(f"unknown patch type: {go(directive)} in map: {go(item)}")
    if replace:
        return [_fresh(item, Field(struct=struct)) for item in rest], []
    return original, rest


def _merge_by_key(original: list[Any], patch: list[Any], key: str, struct: Struct) -> list[Any]:
    merged = list(original)
    for item in patch:
        if key not in item:
            raise PatchError(no_merge_key(item, key))
        at = _find(merged, key, item[key])
        if at is None:
            kept = _fresh(item, Field(struct=struct))
            if kept is not _DROP:
                merged.append(kept)
        else:
            merged[at] = _merge_map(merged[at], item, struct)
    return merged


def _find(items: list[Any], key: str, value: Any) -> int | None:
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise PatchError(f"value for key {i} is not a map.")
        if key in item and same(item[key], value):
            return i
    return None


def _delete_from(current: list[Any], to_delete: list[Any]) -> list[Any]:
    return [v for v in current if not any(same(v, d) for d in to_delete)]


def _dedupe(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if not any(same(item, seen) for seen in out):
            out.append(item)
    return out


def _apply_set_element_order(
    original: dict[str, Any], patch: dict[str, Any], struct: Struct
) -> None:
    """``mergePatchIntoOriginal``: merge each list named by a ``$setElementOrder/<field>``
    directive and order it: directive order, then patch order, then live order."""
    for directive_key in [k for k in patch if k.startswith(SET_ORDER)]:
        order = patch.pop(directive_key)
        if not isinstance(order, list):
            raise PatchError(f"expected a []interface {{}}, but received a {go_type(order)}")
        field_key = _extract_key(directive_key, SET_ORDER)
        field = struct.field(field_key)
        key = field.merge_key
        in_original = field_key in original and original[field_key] is not None
        in_patch = field_key in patch and patch[field_key] is not None
        live = original.get(field_key) if in_original else []
        ours = patch.get(field_key) if in_patch else []
        if not isinstance(live, list) or not isinstance(ours, list):
            raise PatchError(
                f"expected a []interface {{}}, but received a {go_type(live if not isinstance(live, list) else ours)}"
            )
        if not in_original and not in_patch:
            continue
        check_order(ours, order, key)
        if in_patch:
            merged = _merge_list_field(live, ours, field, False)
        else:
            merged = list(live)
        kind = _element_kind(live, ours) or _element_kind(order)
        item_key = key if kind == "map" else ""
        if kind == "map" and not key:
            original[field_key] = merged  # a replaced list of maps has no order to set
        else:
            first, server_only = partition(merged, order, item_key)
            original[field_key] = normalize_order(first, server_only, order, live, item_key)
        patch.pop(field_key, None)
