"""``services|pods/NAME[:PORT]/proxy/…``: reaching the simulated containers.

The apiserver's ``ResourceLocation`` for each (``pkg/registry/core/service/storage``,
``pkg/registry/core/pod/strategy.go``), then the container's answer
(:mod:`cluster.proxy.podhttp`) instead of a dialled connection:

* a Service: ``name``, ``name:port`` or ``scheme:name:port`` (``SplitSchemeNamePort``); a port
  number is turned into that service port's name (``no service port N found for service``
  otherwise); the Endpoints subsets are searched from a random one for a port of that name
  and a random ready address whose target is a pod that still has that IP; none: 503
  ``no endpoints available for service``;
* a Pod: ``name[:port]``, the port defaulting to the first declared container port; a pod
  without an IP: 400 ``address not allowed``.

A container that does not listen on the port answers as a refused dial does: 503 ``error
trying to reach service: dial tcp IP:PORT: connect: connection refused``. A path ending in
``/proxy`` is redirected (301) to ``/proxy/``, as the upgrade-aware handler does."""

from __future__ import annotations

import random
import socket
from typing import Any

from django.http import HttpResponse, HttpResponseRedirect

from cluster import errors
from cluster.errors import StatusError
from cluster.proxy import podhttp, reads
from cluster.validation.net import join_host_port

Obj = dict[str, Any]
VALID_SCHEMES = ("", "http", "https")


class _Permanent(HttpResponseRedirect):
    status_code = 301


def split_scheme_name_port(text: str) -> tuple[str, str, str] | None:
    """``utilnet.SplitSchemeNamePort``."""
    parts = text.split(":")
    if len(parts) == 1:
        scheme, name, port = "", parts[0], ""
    elif len(parts) == 2:
        scheme, name, port = "", parts[0], parts[1]
    elif len(parts) == 3:
        scheme, name, port = parts
    else:
        return None
    if not name or scheme not in VALID_SCHEMES:
        return None
    return scheme, name, port


def unavailable(message: str) -> StatusError:
    return StatusError(503, "ServiceUnavailable", message, {})


def _go_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _parse_int(text: str) -> int | None:
    """``strconv.ParseInt(s, 10, 64)``."""
    body = text[1:] if text[:1] in "+-" else text
    if not body.isdigit():
        return None
    return int(text)


def _valid_address(address: Obj, namespace: str) -> Obj | None:
    """``isValidAddress``: the address targets a pod of this namespace that has its IP."""
    ref = address.get("targetRef") or {}
    if not ref or ref.get("namespace", namespace) != namespace or not ref.get("name"):
        return None
    pod = reads.get_pod(namespace, ref["name"])
    if pod is None:
        return None
    status = pod.get("status") or {}
    ips = [p.get("ip") for p in status.get("podIPs") or []] or [status.get("podIP")]
    return pod if address.get("ip") in ips else None


def service_location(namespace: str, text: str) -> tuple[str, Obj, int, str]:
    """(scheme, pod, port) the service proxy sends to, or the apiserver's error."""
    parsed = split_scheme_name_port(text)
    if parsed is None:
        raise errors.bad_request(f"invalid service request {_go_quote(text)}")
    scheme, name, port = parsed
    number = _parse_int(port)
    if number is not None:
        service = reads.get_service(namespace, name)
        if service is None:
            raise errors.not_found("services", name)
        for sp in (service.get("spec") or {}).get("ports") or []:
            if sp.get("port") == number:
                port = sp.get("name") or ""
                break
        else:
            raise unavailable(f"no service port {number} found for service {_go_quote(name)}")
    endpoints = reads.get_endpoints(namespace, name)
    if endpoints is None:
        raise errors.not_found("endpoints", name)
    subsets = endpoints.get("subsets") or []
    if not subsets:
        raise unavailable(f"no endpoints available for service {_go_quote(name)}")
    rng = random.SystemRandom()
    start = rng.randrange(len(subsets))
    for i in range(len(subsets)):
        subset = subsets[(start + i) % len(subsets)]
        addresses = subset.get("addresses") or []
        if not addresses:
            continue
        for p in subset.get("ports") or []:
            if (p.get("name") or "") != port:
                continue
            first = rng.randrange(len(addresses))
            for attempt in range(len(addresses)):
                address = addresses[(first + attempt) % len(addresses)]
                pod = _valid_address(address, namespace)
                if pod is not None:
                    return scheme, pod, int(p["port"]), str(address["ip"])
    raise unavailable(f"no endpoints available for service {_go_quote(text)}")


def pod_location(namespace: str, text: str) -> tuple[str, Obj, int, str]:
    parsed = split_scheme_name_port(text)
    if parsed is None:
        raise errors.bad_request(f"invalid pod request {_go_quote(text)}")
    scheme, name, port = parsed
    pod = reads.get_pod(namespace, name)
    if pod is None:
        raise errors.not_found("pods", name)
    if port == "":
        for c in (pod.get("spec") or {}).get("containers") or []:
            if c.get("ports"):
                port = str(c["ports"][0].get("containerPort"))
                break
    ip = podhttp.pod_ip(pod)
    if not ip:
        raise errors.bad_request("address not allowed")
    if port == "":
        number = 443 if scheme == "https" else 80
    elif port.isdigit():
        number = int(port)
    else:
        try:
            number = socket.getservbyname(port, "tcp")
        except OSError:
            raise unavailable(
                f"error trying to reach service: dial tcp: lookup tcp/{port}: unknown port"
            ) from None
    return scheme, pod, number, ip


def _remainder(request: Any, target: Any) -> str | None:
    """The path after ``…/NAME/proxy`` (None: nothing after it, not even ``/``)."""
    path = request.path
    marker = f"/{target.name}/proxy"
    index = path.find(marker)
    rest = path[index + len(marker) :] if index >= 0 else "/" + target.subpath
    return rest or None


def proxy(request: Any, target: Any) -> Any:
    if target.kind.kind == "Service":
        locate = service_location
    elif target.kind.kind == "Pod":
        locate = pod_location
    else:
        raise errors.path_not_found()
    scheme, pod, port, ip = locate(target.namespace, target.name)
    query = request.META.get("QUERY_STRING", "")
    rest = _remainder(request, target)
    if rest is None:
        return _Permanent(request.path + "/" + (f"?{query}" if query else ""))
    if scheme == "https":
        raise unavailable(
            "error trying to reach service: tls: first record does not look like a TLS handshake"
        )
    try:
        answer = podhttp.answer(
            pod, port, method=request.method, path=rest + (f"?{query}" if query else "")
        )
    except podhttp.NotListening:
        raise unavailable(
            "error trying to reach service: dial tcp "
            f"{join_host_port(ip, port)}: connect: connection refused"
        ) from None
    response = HttpResponse(answer.data, status=answer.status, content_type=answer.content_type)
    for key, value in answer.headers.items():
        response[key] = value
    return response
