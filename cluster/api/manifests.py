"""``POST /portolan/v1/apply``: multi-document YAML or JSON, applied like ``manage.py apply``."""

from __future__ import annotations

from typing import Any

from rest_framework.views import APIView

from cluster import errors


class ApplyView(APIView):
    parser_classes: list[Any] = []

    def post(self, request: Any) -> Any:
        raise errors.method_not_allowed("manifest import is not implemented yet")
