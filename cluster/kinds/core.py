"""Namespaces and Nodes."""

from __future__ import annotations

from collections.abc import Iterator

from cluster import errors
from cluster.defaults import default_namespace, default_node
from cluster.errors import FieldError
from cluster.models import KubeObject, Namespace, Node
from cluster.validation.core import (
    validate_namespace,
    validate_namespace_status,
    validate_node,
    validate_node_update,
)
from cluster.validation.meta import is_dns1123_label

from . import register
from .base import Kind, Obj

# The NamespaceLifecycle admission plugin's immortal namespaces.
PROTECTED_NAMESPACES = ("default", "kube-system", "kube-public")


class NamespaceKind(Kind):
    def default(self, obj: Obj) -> None:
        default_namespace(obj)

    def prepare_create(self, obj: Obj) -> None:
        obj["status"] = {"phase": "Active"}
        obj["spec"] = {"finalizers": ["kubernetes"]}

    def empty_status(self) -> Obj:
        return {"phase": "Active"}

    def validate(self, obj: Obj) -> list[FieldError]:
        return validate_namespace(obj)

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        """``ValidateNamespaceUpdate`` checks only metadata (done by the write layer)."""
        return []

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return validate_namespace_status(new)

    def before_delete(self, obj: Obj) -> None:
        """NamespaceLifecycle admission: the system namespaces cannot be deleted."""
        name = obj["metadata"]["name"]
        if name in PROTECTED_NAMESPACES:
            raise errors.forbidden_request(
                f'namespaces "{name}" is forbidden: this namespace may not be deleted',
                "namespaces",
                name,
            )

    def dependents(self, obj: Obj) -> Iterator[tuple[Kind, KubeObject]]:  # type: ignore[override]
        """Everything in the namespace goes with it, in the same transaction (the namespace
        controller's work, done at once). Objects without an owner come first, so the owner
        cascade deletes their children; whatever is left (children of owners of other kinds or
        of owners already gone) is read afresh afterwards. Lazy on purpose: the write layer
        deletes each one before asking for the next."""
        from cluster.kinds import all_kinds

        name = obj["metadata"]["name"]
        kinds = [k for k in all_kinds() if k.namespaced]
        seen: dict[str, set[int]] = {k.kind: set() for k in kinds}
        for kind in kinds:
            top_level = kind.model.objects.filter(namespace=name, owner_uid__isnull=True)
            for pk in list(top_level.values_list("pk", flat=True)):
                row = kind.model.objects.filter(pk=pk).first()  # a cascade may have taken it
                if row is not None:
                    seen[kind.kind].add(pk)
                    yield kind, row
        for kind in kinds:
            rest = kind.model.objects.filter(namespace=name)
            while (row := rest.exclude(pk__in=seen[kind.kind]).first()) is not None:
                seen[kind.kind].add(row.pk)  # rows kept by finalizers are asked for once
                yield kind, row


class NodeKind(Kind):
    def default(self, obj: Obj) -> None:
        default_node(obj)

    def validate(self, obj: Obj) -> list[FieldError]:
        return validate_node(obj)

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return validate_node_update(new, old)

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return validate_node_update(new, old)


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
