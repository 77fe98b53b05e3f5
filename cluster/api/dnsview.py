"""A pod's view of the cluster DNS beside the Kubernetes API (``/portolan/v1/…``).

``GET namespaces/{ns}/pods/{name}/resolvconf`` — the resolv.conf the kubelet writes for the
pod (``GetPodDNS``, :func:`cluster.dns.resolv.pod_resolv_conf`): the file's text and its parts.

``GET namespaces/{ns}/pods/{name}/resolve?name=web.other&type=A`` — what the pod's resolver
does with ``name`` (:func:`cluster.dns.resolv.resolve_from_pod`): every fully qualified name
tried in search-path order with the cluster DNS's rcode and answer records, and the answer the
application gets (``resolvedName`` null when nothing resolved). A name with a trailing dot is
absolute (tried once, as it is). With ``type=PTR`` an IP address stands for its reverse name
(as ``dig -x`` does).

Both need ``get`` on the pod; an answer that names a Service or pod of a namespace needs
``get`` on services there too (as ``POST traffic`` does). Errors are ``Status`` objects: 404
for a missing pod, 422 ``Invalid`` with a cause per bad query parameter."""

from __future__ import annotations

import ipaddress
from typing import Any

import dns.exception
import dns.name
import dns.rdatatype
import dns.reversename
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cluster import errors
from cluster.api.auth import authorize
from cluster.dns.config import zone_config
from cluster.dns.resolv import pod_dns_type, pod_resolv_conf, resolve_from_pod
from cluster.errors import FieldError, StatusError
from cluster.kinds import known
from cluster.proxy import reads

Obj = dict[str, Any]
# The types the cluster DNS answers (discovery.md §3.2-§3.3); others would only say NODATA.
QUERY_TYPES = ("A", "AAAA", "SRV", "CNAME", "PTR", "TXT", "SOA", "NS")
MAX_NAME = 253  # a domain name's text form without the trailing dot
MAX_LABEL = 63


def _pod(request: Request, namespace: str, name: str) -> Obj:
    authorize(request, "get", known("Pod"), namespace, name)
    pod = reads.get_pod(namespace, name)
    if pod is None:
        raise errors.not_found("pods", name)
    return pod


def _invalid(causes: list[FieldError]) -> StatusError:
    return errors.invalid_request("DNSQuery", causes)


def check_query(name: str, qtype: str) -> tuple[str, str]:
    """The name to resolve and the query type, or a 422 with one cause per bad parameter."""
    causes: list[FieldError] = []
    name = name.strip()
    qtype = (qtype.strip() or "A").upper()
    if qtype not in QUERY_TYPES:
        causes.append(errors.not_supported("type", qtype, QUERY_TYPES))
    if not name:
        causes.append(errors.required("name", "the name to resolve, e.g. web.other"))
    elif qtype == "PTR" and _is_ip(name):
        name = dns.reversename.from_address(name).to_text()
    else:
        bare = name.removesuffix(".")
        labels = bare.split(".")
        if len(bare) > MAX_NAME:
            causes.append(errors.too_long("name", MAX_NAME))
        elif name == "." or any(label == "" for label in labels):
            causes.append(errors.invalid("name", name, "a domain name has no empty labels"))
        elif any(len(label) > MAX_LABEL for label in labels):
            causes.append(errors.invalid("name", name, f"labels are at most {MAX_LABEL} bytes"))
        elif any(ch.isspace() for ch in name):
            causes.append(errors.invalid("name", name, "a domain name has no spaces"))
        else:
            try:
                dns.name.from_text(name)
            except dns.exception.DNSException as e:
                causes.append(errors.invalid("name", name, str(e)))
    if causes:
        raise _invalid(causes)
    return name, qtype


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def namespaces_named(lines: list[str], zone: str) -> set[str]:
    """The namespaces whose Services or pods answer records name: the label before ``svc``
    or ``pod`` in ``…<ns>.svc.<zone>.`` owner names and targets (CNAME, PTR, SRV)."""
    suffix = "." + zone.strip(".").lower() + "."
    found: set[str] = set()
    for line in lines:
        fields = line.split()
        for token in (fields[0], fields[-1]) if fields else ():
            token = token.lower()
            if not token.endswith(suffix):
                continue
            labels = token[: -len(suffix)].split(".")
            if len(labels) >= 2 and labels[-1] in ("svc", "pod"):
                found.add(labels[-2])
    return found


class PodResolvConfView(APIView):
    parser_classes: list[Any] = []

    def get(self, request: Request, namespace: str, name: str) -> Response:
        pod = _pod(request, namespace, name)
        conf = pod_resolv_conf(pod)
        spec = pod.get("spec") or {}
        try:
            dns_type = pod_dns_type(pod)
        except ValueError:
            dns_type = "cluster"  # the kubelet falls back to ClusterFirst
        return Response(
            {
                "kind": "PodResolvConf",
                "apiVersion": "portolan/v1",
                "metadata": {"namespace": namespace, "name": name},
                "dnsPolicy": spec.get("dnsPolicy") or "ClusterFirst",
                "hostNetwork": bool(spec.get("hostNetwork")),
                "resolver": dns_type,
                "text": conf.text(),
                "nameservers": list(conf.nameservers),
                "searches": list(conf.searches),
                "options": list(conf.options),
                "ndots": conf.ndots,
                "warnings": list(conf.warnings),
            }
        )


class PodResolveView(APIView):
    parser_classes: list[Any] = []

    def get(self, request: Request, namespace: str, name: str) -> Response:
        pod = _pod(request, namespace, name)
        query, qtype = check_query(
            str(request.query_params.get("name", "")), str(request.query_params.get("type", ""))
        )
        result = resolve_from_pod(pod, query, qtype)
        lines = [line for t in result["fqdn_tried"] for line in t["answers"]]
        services = known("Service")
        for ns in sorted(namespaces_named(lines, zone_config().zone)):
            authorize(request, "get", services, ns)
        return Response(
            {
                "kind": "PodDNSResolution",
                "apiVersion": "portolan/v1",
                "metadata": {"namespace": namespace, "name": name},
                "name": result["name"],
                "qtype": result["qtype"],
                "absolute": query.endswith("."),
                "nameserver": result["nameserver"],
                "clusterDNS": result["cluster_dns"],
                "ndots": result["ndots"],
                "search": result["search"],
                "resolvConf": result["resolv_conf"],
                "warnings": result["warnings"],
                "fqdnTried": result["fqdn_tried"],
                "answer": result["answer"],
                "resolvedName": result["resolved_name"],
            }
        )
