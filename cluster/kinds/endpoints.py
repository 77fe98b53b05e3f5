"""Endpoints and EndpointSlices."""

from __future__ import annotations

from cluster.defaults import default_endpoint_slice, default_endpoints
from cluster.errors import FieldError
from cluster.models import Endpoints, EndpointSlice
from cluster.validation.endpoints import (
    validate_endpoint_slice,
    validate_endpoint_slice_update,
    validate_endpoints,
)

from . import register
from .base import Kind, Obj


class EndpointsKind(Kind):
    def default(self, obj: Obj) -> None:
        default_endpoints(obj)

    def validate(self, obj: Obj) -> list[FieldError]:
        return validate_endpoints(obj)


class EndpointSliceKind(Kind):
    """No status: an EndpointSlice is its addressType, endpoints and ports."""

    def default(self, obj: Obj) -> None:
        default_endpoint_slice(obj)

    def validate(self, obj: Obj) -> list[FieldError]:
        return validate_endpoint_slice(obj)

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return validate_endpoint_slice_update(new, old)


ENDPOINTS = register(
    EndpointsKind(
        kind="Endpoints",
        plural="endpoints",
        model=Endpoints,
        short_names=("ep",),
        allow_create_on_update=True,
    )
)
ENDPOINTSLICES = register(
    EndpointSliceKind(
        kind="EndpointSlice",
        plural="endpointslices",
        model=EndpointSlice,
        group="discovery.k8s.io",
        tracks_generation=True,
    )
)
