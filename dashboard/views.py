"""HTML pages. They read through cluster selectors only."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cluster import kinds, selectors
from cluster.api.auth import principal_for


def index(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request)
    services = []
    if principal.grants:
        kind = kinds.by_kind("Service")
        assert kind is not None
        page = selectors.list_objects(kind, namespaces=principal.visible_namespaces())
        services = page.items
    return render(
        request,
        "index.html",
        {
            "principal": principal,
            "services": services,
            "anonymous_mode": settings.PORTOLAN_ANONYMOUS,
        },
    )
