"""OpenAPI v3 component schemas for the kinds Portolan serves, written as data (field
names, types, enums and our own descriptions). ``SCHEMAS`` maps a component name such as
``io.k8s.api.core.v1.Service`` to its schema; ``schema_for(group, version, kind)`` finds the
component of a kind."""

from __future__ import annotations

from . import cluster, meta, pods, services, workloads  # noqa: F401  (they register)
from ._dsl import SCHEMAS, Schema

_BY_GVK: dict[tuple[str, str, str], str] = {}
for _name, _schema in SCHEMAS.items():
    for _gvk in _schema.get("x-kubernetes-group-version-kind", []):
        _BY_GVK[(_gvk["group"], _gvk["version"], _gvk["kind"])] = _name


def schema_for(group: str, version: str, kind: str) -> str | None:
    return _BY_GVK.get((group, version, kind))


__all__ = ["SCHEMAS", "Schema", "schema_for"]
