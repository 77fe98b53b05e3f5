"""Endpoints and EndpointSlices."""

from __future__ import annotations

from cluster.models import Endpoints, EndpointSlice

from . import register
from .base import Kind


class EndpointsKind(Kind):
    pass


class EndpointSliceKind(Kind):
    pass


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
