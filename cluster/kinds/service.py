"""Services: defaulting, validation and allocation per ../shared/spec/service-api.md.

The hooks follow the apiserver: ``default`` is decoding plus ``SetDefaults_Service``;
``allocate_create``/``allocate_update`` are ``beginCreate``/``beginUpdate`` (they run before
validation, so allocation errors hide validation errors); ``prepare_update`` adds
``dropTypeDependentFields``; ``release`` is ``afterDelete``.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from cluster.errors import FieldError
from cluster.models import Endpoints, KubeObject, Service
from cluster.validation.meta import is_dns1035_label
from cluster.validation.service import EXTERNAL_NAME, validate_service
from cluster.validation.service_update import (
    service_warnings,
    validate_service_status_update,
    validate_service_update,
)

from . import register, service_alloc
from .base import Kind, Obj
from .service_defaults import decode_service, reorder, set_defaults

if TYPE_CHECKING:
    from cluster.actions.base import Writer


class ServiceKind(Kind):
    def to_k8s(self, instance: KubeObject) -> Obj:
        """Adds ``defaultOnReadService``: D19 (no internalTrafficPolicy on ExternalName) and
        D20 (``clusterIPs`` for rows that only have ``clusterIP``)."""
        out = super().to_k8s(instance)
        spec = out.get("spec") or {}
        if spec.get("type") == EXTERNAL_NAME and "internalTrafficPolicy" in spec:
            out["spec"] = {k: v for k, v in spec.items() if k != "internalTrafficPolicy"}
        elif spec.get("clusterIP") and not spec.get("clusterIPs"):
            out["spec"] = dict(spec, clusterIPs=[spec["clusterIP"]])
            reorder(out)
        return out

    def empty_status(self) -> Obj:
        return {"loadBalancer": {}}

    def default(self, obj: Obj) -> None:
        decode_service(obj)
        set_defaults(obj)

    def allocate_create(self, obj: Obj, writer: Writer) -> None:
        # Allocations name their owner, so the Service's uid is fixed here (the write layer
        # keeps a uid set by the strategy; a client's uid was dropped before this runs).
        owner = str(uuid.uuid4())
        obj["metadata"]["uid"] = owner
        service_alloc.allocate_create(obj, owner)
        reorder(obj)

    def validate(self, obj: Obj) -> list[FieldError]:
        return validate_service(obj)

    def allocate_update(self, new: Obj, old: Obj, writer: Writer) -> None:
        service_alloc.allocate_update(new, old, str(old["metadata"]["uid"]))

    def prepare_update(self, new: Obj, old: Obj) -> None:
        super().prepare_update(new, old)
        service_alloc.drop_type_dependent_fields(new, old)
        reorder(new)

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return validate_service_update(new, old)

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return validate_service_status_update(new)

    def release(self, obj: Obj, writer: Writer) -> None:
        service_alloc.release_all(obj, str(obj["metadata"]["uid"]))

    def warnings(self, obj: Obj, old: Obj | None = None) -> list[str]:
        """``GetWarningsForService``: texts for ``Warning: 299 - "<text>"`` headers."""
        return service_warnings(obj, old)

    def dependents(self, obj: Obj) -> list[tuple[Kind, KubeObject]]:
        from .endpoints import ENDPOINTS

        ns = obj["metadata"]["namespace"]
        name = obj["metadata"]["name"]
        # afterDelete removes the Endpoints of the same name; EndpointSlices go with their
        # owner reference (the generic cascade).
        return [(ENDPOINTS, ep) for ep in Endpoints.objects.filter(namespace=ns, name=name)]


SERVICES = register(
    ServiceKind(
        kind="Service",
        plural="services",
        model=Service,
        child_kinds=("EndpointSlice",),
        short_names=("svc",),
        categories=("all",),
        subresources=("status", "proxy"),
        name_validator=is_dns1035_label,
    )
)
