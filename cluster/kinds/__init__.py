"""The registry of resource types served by the API and written by the actions."""

from __future__ import annotations

from cluster.models import KubeObject

from .base import Kind

_by_resource: dict[tuple[str, str], Kind] = {}
_by_kind: dict[str, Kind] = {}
_by_model: dict[type[KubeObject], Kind] = {}


def register(kind: Kind) -> Kind:
    _by_resource[(kind.group, kind.plural)] = kind
    _by_kind[kind.kind] = kind
    _by_model[kind.model] = kind
    return kind


def by_resource(group: str, plural: str) -> Kind | None:
    _load()
    return _by_resource.get((group, plural))


def by_kind(kind: str) -> Kind | None:
    _load()
    return _by_kind.get(kind)


def kind_for_model(model: type[KubeObject]) -> Kind:
    _load()
    return _by_model[model]


def all_kinds() -> list[Kind]:
    _load()
    return list(_by_resource.values())


_loaded = False


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from . import core, endpoints, pods, service, workloads  # noqa: F401  (they register)


__all__ = ["Kind", "all_kinds", "by_kind", "by_resource", "kind_for_model", "register"]
