"""Content negotiation: the API always answers JSON; a ``Table`` Accept (kubectl's human
output) or the aggregated-discovery Accept is noted on the request for the view to honour."""

from __future__ import annotations

import json
from typing import Any

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import BaseRenderer


class KubeJSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if data is None:
            return b""
        if isinstance(data, bytes):
            return data
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


class KubeContentNegotiation(BaseContentNegotiation):
    def select_parser(self, request: Any, parsers: Any) -> Any:
        return None

    def select_renderer(self, request: Any, renderers: Any, format_suffix: Any = None) -> Any:
        renderer = renderers[0] if renderers else KubeJSONRenderer()
        return renderer, renderer.media_type


def wants_table(request: Any) -> bool:
    accept = request.META.get("HTTP_ACCEPT", "")
    for part in accept.split(","):
        params = {p.strip() for p in part.split(";")[1:]}
        if "as=Table" in params and "g=meta.k8s.io" in params:
            return True
    return False


def wants_aggregated_discovery(request: Any) -> bool:
    accept = request.META.get("HTTP_ACCEPT", "")
    for part in accept.split(","):
        params = {p.strip() for p in part.split(";")[1:]}
        if (
            "as=APIGroupDiscoveryList" in params
            and "g=apidiscovery.k8s.io" in params
            and "v=v2" in params
        ):
            return True
    return False
