"""Pods."""

from __future__ import annotations

from cluster.models import Pod

from . import register
from .base import Kind, Obj


class PodKind(Kind):
    def empty_status(self) -> Obj:
        return {"phase": "Pending", "qosClass": "BestEffort"}


PODS = register(
    PodKind(
        kind="Pod",
        plural="pods",
        model=Pod,
        short_names=("po",),
        categories=("all",),
        subresources=("status",),
    )
)
