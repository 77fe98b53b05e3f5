"""HTML pages. The topology page is a shell: the browser app (static/src, bundled into
static/dist) reads the cluster through the live feed and writes through the REST API."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse

from cluster.api.auth import Principal, Role, principal_for


def boot_data(request: HttpRequest, principal: Principal) -> dict[str, Any]:
    """What the browser app starts from (rendered with ``json_script``): who is looking, at
    which namespaces (``null``: all of them), and whether they may write anything."""
    namespaces = principal.visible_namespaces()
    return {
        "user": principal.username,
        "authenticated": principal.authenticated,
        "anonymousMode": bool(settings.PORTOLAN_ANONYMOUS),
        "mayRead": bool(principal.grants),
        "mayWrite": any(g.role != Role.VIEWER for g in principal.grants),
        "namespaces": sorted(namespaces) if namespaces is not None else None,
        "csrfToken": get_token(request),
        "wsPath": "/ws/topology",
        "loginUrl": reverse("login"),
        "logoutUrl": reverse("logout"),
        "clusterDomain": settings.PORTOLAN_CLUSTER_DOMAIN,
    }


def index(request: HttpRequest) -> HttpResponse:
    principal = principal_for(request)
    return render(
        request,
        "index.html",
        {
            "principal": principal,
            "anonymous_mode": settings.PORTOLAN_ANONYMOUS,
            "boot": boot_data(request, principal),
        },
    )
