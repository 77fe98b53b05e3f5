"""Protobuf request bodies (``kubectl create deployment|service|namespace`` in 1.32)."""

from __future__ import annotations

from typing import Any

from cluster import errors


def decode_protobuf(data: bytes) -> Any:
    raise errors.unsupported_media_type(
        "application/vnd.kubernetes.protobuf", ["application/json", "application/yaml"]
    )
