"""Services: defaulting, validation and allocation per ../shared/spec/service-api.md."""

from __future__ import annotations

from cluster.models import Endpoints, KubeObject, Service
from cluster.validation.meta import is_dns1035_label

from . import register
from .base import Kind, Obj


class ServiceKind(Kind):
    def empty_status(self) -> Obj:
        return {"loadBalancer": {}}

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
