"""``/version`` and API discovery (aggregated v2 and legacy), generated from the kind registry."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from cluster import errors, kinds
from cluster.api.errors import status_json
from cluster.api.negotiation import wants_aggregated_discovery
from cluster.kinds import Kind

AGGREGATED_CT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
VERBS = ["create", "delete", "get", "list", "patch", "update", "watch"]
SUBRESOURCE_KINDS = {
    "status": lambda k: (k.group, k.version, k.kind, ["get", "patch", "update"]),
    "scale": lambda k: ("autoscaling", "v1", "Scale", ["get", "patch", "update"]),
    "proxy": lambda k: (
        "",
        "v1",
        f"{k.kind}ProxyOptions",
        ["create", "delete", "get", "patch", "update"],
    ),
}
VERSION = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.0-portolan",
    "gitCommit": "portolan",
    "gitTreeState": "clean",
    "buildDate": "2026-11-26T00:00:00Z",
    "goVersion": "python",
    "compiler": "portolan",
    "platform": "linux/amd64",
}


def version(request: HttpRequest) -> JsonResponse:
    return JsonResponse(VERSION)


def groups() -> dict[str, list[Kind]]:
    out: dict[str, list[Kind]] = {}
    for k in sorted(kinds.all_kinds(), key=lambda k: (k.group, k.plural)):
        out.setdefault(k.group, []).append(k)
    return out


def _aggregated_resource(k: Kind) -> dict[str, Any]:
    res: dict[str, Any] = {
        "resource": k.plural,
        "responseKind": {"group": k.group, "version": k.version, "kind": k.kind},
        "scope": "Namespaced" if k.namespaced else "Cluster",
        "singularResource": k.singular,
        "verbs": VERBS,
    }
    if k.short_names:
        res["shortNames"] = list(k.short_names)
    if k.categories:
        res["categories"] = list(k.categories)
    subs = []
    for sub in k.subresources:
        g, v, kind, verbs = SUBRESOURCE_KINDS[sub](k)
        subs.append(
            {
                "subresource": sub,
                "responseKind": {"group": g, "version": v, "kind": kind},
                "verbs": verbs,
            }
        )
    if subs:
        res["subresources"] = subs
    return res


def aggregated(core: bool) -> dict[str, Any]:
    items = []
    for group, ks in groups().items():
        if (group == "") != core:
            continue
        items.append(
            {
                "metadata": {"name": group, "creationTimestamp": None},
                "versions": [
                    {
                        "version": "v1",
                        "resources": [_aggregated_resource(k) for k in ks],
                        "freshness": "Current",
                    }
                ],
            }
        )
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    }


def _json(data: Any, content_type: str = "application/json") -> HttpResponse:
    return HttpResponse(json.dumps(data, separators=(",", ":")), content_type=content_type)


def api_root(request: HttpRequest) -> HttpResponse:
    if wants_aggregated_discovery(request):
        return _json(aggregated(core=True), AGGREGATED_CT)
    host = request.get_host()
    return _json(
        {
            "kind": "APIVersions",
            "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": host}],
        }
    )


def apis_root(request: HttpRequest) -> HttpResponse:
    if wants_aggregated_discovery(request):
        return _json(aggregated(core=False), AGGREGATED_CT)
    out = []
    for group in groups():
        if not group:
            continue
        gv = {"groupVersion": f"{group}/v1", "version": "v1"}
        out.append({"name": group, "versions": [gv], "preferredVersion": gv})
    return _json({"kind": "APIGroupList", "apiVersion": "v1", "groups": out})


def _resource_list(group: str) -> dict[str, Any]:
    ks = groups().get(group)
    if ks is None:
        raise errors.path_not_found()
    resources: list[dict[str, Any]] = []
    for k in ks:
        entry: dict[str, Any] = {
            "name": k.plural,
            "singularName": k.singular,
            "namespaced": k.namespaced,
            "kind": k.kind,
            "verbs": VERBS,
        }
        if k.short_names:
            entry["shortNames"] = list(k.short_names)
        if k.categories:
            entry["categories"] = list(k.categories)
        resources.append(entry)
        for sub in k.subresources:
            g, v, kind, verbs = SUBRESOURCE_KINDS[sub](k)
            sub_entry: dict[str, Any] = {
                "name": f"{k.plural}/{sub}",
                "singularName": "",
                "namespaced": k.namespaced,
                "kind": kind,
                "verbs": verbs,
            }
            if g != k.group:
                sub_entry["group"] = g
                sub_entry["version"] = v
            resources.append(sub_entry)
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/v1" if group else "v1",
        "resources": resources,
    }


def core_v1(request: HttpRequest) -> HttpResponse:
    return _json(_resource_list(""))


def group_version(request: HttpRequest, group: str, version: str) -> HttpResponse:
    if version != "v1":
        return status_json(errors.path_not_found())
    try:
        return _json(_resource_list(group))
    except errors.StatusError as e:
        return status_json(e)


def group_root(request: HttpRequest, group: str) -> HttpResponse:
    if group not in groups() or not group:
        return status_json(errors.path_not_found())
    gv = {"groupVersion": f"{group}/v1", "version": "v1"}
    return _json(
        {
            "kind": "APIGroup",
            "apiVersion": "v1",
            "name": group,
            "versions": [gv],
            "preferredVersion": gv,
        }
    )
