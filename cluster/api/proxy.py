"""``services|pods/NAME[:PORT]/proxy/…``: reaching the simulated containers."""

from __future__ import annotations

from typing import Any

from cluster import errors


def proxy(request: Any, target: Any) -> Any:
    raise errors.StatusError(
        503,
        "ServiceUnavailable",
        f'no endpoints available for {target.kind.singular} "{target.name}"',
        {},
    )
