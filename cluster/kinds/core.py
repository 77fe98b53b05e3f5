"""Namespaces and Nodes."""

from __future__ import annotations

from cluster.models import Namespace, Node
from cluster.validation.meta import is_dns1123_label

from . import register
from .base import Kind, Obj

PROTECTED_NAMESPACES = ("default", "kube-system", "kube-public")


class NamespaceKind(Kind):
    def prepare_create(self, obj: Obj) -> None:
        obj["status"] = {"phase": "Active"}
        obj["spec"] = {"finalizers": ["kubernetes"]}

    def empty_status(self) -> Obj:
        return {"phase": "Active"}


class NodeKind(Kind):
    pass


NAMESPACES = register(
    NamespaceKind(
        kind="Namespace",
        plural="namespaces",
        model=Namespace,
        namespaced=False,
        short_names=("ns",),
        subresources=("status",),
        name_validator=is_dns1123_label,
    )
)
NODES = register(
    NodeKind(
        kind="Node",
        plural="nodes",
        model=Node,
        namespaced=False,
        short_names=("no",),
        subresources=("status",),
    )
)
