"""The registry of resource types served by the API and written by the actions."""

from __future__ import annotations

import threading

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


def known(kind: str) -> Kind:
    """A kind Portolan models (``by_kind`` for names the code itself spells)."""
    found = by_kind(kind)
    if found is None:
        raise LookupError(f"no kind {kind!r} is registered")
    return found


def kind_for_model(model: type[KubeObject]) -> Kind:
    _load()
    return _by_model[model]


def all_kinds() -> list[Kind]:
    _load()
    return list(_by_resource.values())


_loaded = False
_loading = False
_load_lock = threading.RLock()


def _load() -> None:
    """Import the kind modules once. Other threads wait until every kind is registered (a
    Celery worker's threads, the embedded server's controller thread); a lookup made while the
    modules import (same thread) sees what is registered so far."""
    global _loaded, _loading
    if _loaded:
        return
    with _load_lock:
        if _loaded or _loading:
            return
        _loading = True
        try:
            from . import core, endpoints, pods, service, workloads  # noqa: F401  (they register)
        finally:
            _loading = False
        _loaded = True


__all__ = ["Kind", "all_kinds", "by_kind", "by_resource", "kind_for_model", "register"]
