"""Patch formats the API accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902),
strategic merge patch and server-side apply (``application/apply-patch+yaml``)."""

from __future__ import annotations

import copy
from typing import Any

import jsonpatch

from cluster.errors import bad_request

MERGE = "application/merge-patch+json"
JSON = "application/json-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
APPLY = "application/apply-patch+yaml"
PATCH_TYPES = (JSON, MERGE, STRATEGIC, APPLY)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, ``null`` deletes a key, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def json_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, list):
        raise bad_request("json patch must be a list of operations")
    try:
        return jsonpatch.apply_patch(target, patch, in_place=False)
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException, TypeError, KeyError) as e:
        raise bad_request(
            f"the server rejected our request due to an error in our request: {e}"
        ) from e


def apply_patch(patch_type: str, target: dict[str, Any], patch: Any) -> dict[str, Any]:
    if patch_type == MERGE:
        if not isinstance(patch, dict):
            raise bad_request("merge patch must be a JSON object")
        result = merge_patch(target, patch)
    elif patch_type == JSON:
        result = json_patch(target, patch)
    elif patch_type == STRATEGIC:
        from cluster.strategic import strategic_merge_patch

        if not isinstance(patch, dict):
            raise bad_request("strategic merge patch must be a JSON object")
        result = strategic_merge_patch(target, patch)
    elif patch_type == APPLY:
        from cluster.strategic import server_side_apply

        if not isinstance(patch, dict):
            raise bad_request("apply patch must be a YAML or JSON object")
        result = server_side_apply(target, patch)
    else:  # pragma: no cover - the API layer rejects other types first
        raise bad_request(f"unsupported patch type {patch_type}")
    if not isinstance(result, dict):
        raise bad_request("the patched object is not a JSON object")
    return result
