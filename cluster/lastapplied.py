"""kubectl apply's client-side bookkeeping, as pure functions: the
``last-applied-configuration`` annotation and the three-way merge of live object, previous
manifest and new manifest."""

from __future__ import annotations

import copy
import json
from typing import Any

Obj = dict[str, Any]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def with_last_applied(body: Obj, namespace: str) -> Obj:
    """The manifest as kubectl sends it: namespace filled in and the
    ``last-applied-configuration`` annotation holding the manifest itself."""
    modified = copy.deepcopy(body)
    meta = modified.get("metadata")
    if not isinstance(meta, dict):
        meta = modified["metadata"] = {}
    if namespace:
        meta["namespace"] = namespace
    annotations = meta.get("annotations")
    annotations = dict(annotations) if isinstance(annotations, dict) else {}
    annotations.pop(LAST_APPLIED, None)
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    recorded = json.dumps(modified, sort_keys=True, separators=(",", ":")) + "\n"
    meta["annotations"] = {**annotations, LAST_APPLIED: recorded}
    return modified


def last_applied(live: Obj) -> Obj | None:
    text = ((live.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def three_way_merge(live: Any, original: Any, modified: Any) -> Any:
    """kubectl apply's merge: the manifest's values win; a field the previous manifest set and
    this one drops is removed; a field only the live object has (server defaults, allocations,
    other writers' annotations) is kept. Lists are taken whole from the manifest; the strategy
    hooks re-apply defaults and allocated values on the PUT that follows."""
    if not isinstance(modified, dict) or not isinstance(live, dict):
        return copy.deepcopy(modified)
    before = original if isinstance(original, dict) else {}
    result = dict(live)
    for key in before:
        if key not in modified:
            result.pop(key, None)
    for key, value in modified.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = three_way_merge(live.get(key), before.get(key), value)
    return result
