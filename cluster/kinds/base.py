"""A Kind describes one resource type: its API names and its strategy (the apiserver's
``rest.RESTCreateStrategy`` / ``RESTUpdateStrategy`` plus allocation and cascade hooks).

Strategies work on Kubernetes JSON dicts, exactly as the apiserver works on decoded objects;
the write layer (``cluster.actions.objects``) calls the hooks in the apiserver's order:

create: default → namespace admission → generateName → prepare_create → allocate_create →
        validate → store.
update: default → patch_allocated/prepare_update → allocate_update → validate_update → store.
delete: cascade → release → remove (or mark deleting while finalizers remain).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cluster.errors import FieldError
from cluster.jsoncopy import json_copy
from cluster.models import KubeObject
from cluster.objects import to_k8s
from cluster.validation.meta import NameValidator, is_dns1123_subdomain

if TYPE_CHECKING:
    from cluster.actions.base import Writer

Obj = dict[str, Any]


@dataclass
class Kind:
    kind: str
    plural: str
    model: type[KubeObject]
    group: str = ""
    version: str = "v1"
    namespaced: bool = True
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[str, ...] = ()
    # Whether the simulator runs objects of this kind (False: stored and reported only).
    simulated: bool = True
    tracks_generation: bool = False
    allow_create_on_update: bool = False
    name_validator: NameValidator = field(default=is_dns1123_subdomain)
    # Kinds whose objects may name this kind as controlling owner (cascading delete).
    child_kinds: tuple[str, ...] = ()

    # --- names ---------------------------------------------------------------------------
    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified_plural(self) -> str:
        return f"{self.plural}.{self.group}" if self.group else self.plural

    def __hash__(self) -> int:
        return hash((self.group, self.plural))

    # --- representation ------------------------------------------------------------------
    def to_k8s(self, instance: KubeObject) -> Obj:
        return to_k8s(instance, with_generation=self.tracks_generation)

    # --- strategy hooks (override per kind) ----------------------------------------------
    def default(self, obj: Obj) -> None:
        """v1 defaulting (``SetDefaults_<Kind>``), run on every decoded body."""

    def prepare_create(self, obj: Obj) -> None:
        """``PrepareForCreate``: wipe what a client may not set on create (usually status)."""
        if "status" in self.subresources:
            obj["status"] = self.empty_status()

    def empty_status(self) -> Any:
        return {}

    def allocate_create(self, obj: Obj, writer: Writer) -> None:
        """``BeginCreate``: allocate resources; errors here hide validation errors."""

    def validate(self, obj: Obj) -> list[FieldError]:
        """``Validate<Kind>`` without ObjectMeta (the write layer validates metadata)."""
        return []

    def prepare_update(self, new: Obj, old: Obj) -> None:
        """``PrepareForUpdate``: status is owned by ``/status``; generation follows spec."""
        if "status" in self.subresources:
            if "status" in old:
                new["status"] = json_copy(old["status"])
            else:
                new.pop("status", None)
        if self.tracks_generation and new.get("spec") != old.get("spec"):
            new["metadata"]["generation"] = int(old["metadata"].get("generation") or 1) + 1

    def allocate_update(self, new: Obj, old: Obj, writer: Writer) -> None:
        """``BeginUpdate``: patch allocated values, allocate and release."""

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return self.validate(new)

    def prepare_status_update(self, new: Obj, old: Obj) -> None:
        """Status strategy: everything but status comes from the stored object."""
        status = new.get("status")
        new.clear()
        new.update(json_copy(old))
        if status is None:
            new.pop("status", None)
        else:
            new["status"] = status

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return []

    def warnings(self, obj: Obj, old: Obj | None = None) -> list[str]:
        """Texts the API sends as ``Warning: 299 - "…"`` headers after a write."""
        return []

    def release(self, obj: Obj, writer: Writer) -> None:
        """``afterDelete``: give back allocated resources."""

    def dependents(self, obj: Obj) -> list[tuple[Kind, KubeObject]]:
        """Objects deleted with this one (cascading delete), besides owner-reference children."""
        return []

    def table_columns(self) -> list[dict[str, Any]]:
        """Server-side printing columns (``kubectl get``). See ``cluster.api.tables``."""
        return []
