"""The data path of Services beside the Kubernetes API (``/portolan/v1/…``).

``POST traffic`` — simulated connections (:mod:`cluster.proxy.traffic`). The body is
``{source, destination, port?, protocol?, count?, seed?, interval?}``: ``source`` a pod
(``namespace/name``), a node's name or an IP; ``destination`` a DNS name (resolved as the
source pod would), ``IP``, ``IP:port`` or ``[IPv6]:port``; ``count`` 1-10000 (default 100);
``seed`` makes the random choices repeatable (the answer always says which seed it used);
``interval`` the simulated seconds between connections (default 1; session affinity times
out on this clock). Needs ``get`` on pods and services in every namespace involved (the
source pod's, the services reached, the pods answering). Invalid input: 400 for a body that
is not an object, 422 ``Invalid`` with one cause per field.

``GET namespaces/{ns}/services/{name}/proxyrules`` — kube-proxy's view of the Service
(:func:`cluster.proxy.view.describe`).

``GET namespaces/{ns}/pods/{name}/environment`` — the pod's service variables as the
kubelet stored them when it started the pod, with warnings for what it lacks.

``GET namespaces/{ns}/services/{name}/environment`` — the variables a pod starting now gets
from this Service."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cluster import errors
from cluster.api import body as bodies
from cluster.api.auth import authorize
from cluster.dns.resolv import resolve_from_pod
from cluster.errors import FieldError, StatusError
from cluster.kinds import known
from cluster.proxy import environment, reads, view
from cluster.proxy.traffic import simulate
from cluster.proxy.traffic_input import BadRequest

Obj = dict[str, Any]
FIELDS = ("source", "destination", "port", "protocol", "count", "seed", "interval")


def invalid(causes: list[FieldError]) -> StatusError:
    return errors.invalid_request("TrafficSimulation", causes)


def _check_body(body: Any) -> list[FieldError]:
    if not isinstance(body, dict):
        raise errors.bad_request(
            "the body must be a JSON object: {source, destination, port?, protocol?, count?, "
            "seed?, interval?}"
        )
    causes = [
        FieldError(
            "FieldValueNotSupported",
            key,
            value,
            f"unknown field: the fields are {', '.join(FIELDS)}",
        )
        for key, value in body.items()
        if key not in FIELDS
    ]
    for key in ("source", "destination"):
        value = body.get(key)
        if value in (None, ""):
            causes.append(errors.required(key))
        elif not isinstance(value, str):
            causes.append(errors.invalid(key, value, "must be a string"))
    return causes


def _namespaces(result: Obj) -> tuple[set[str], set[str]]:
    """(namespaces of services reached, namespaces of pods reached)."""
    services = {s["namespace"] for s in result.get("services") or []}
    pods = set()
    for path in result.get("paths") or []:
        for hop in path["hops"]:
            if hop.get("hop") == "endpoint" and hop.get("pod"):
                pods.add(hop["pod"]["namespace"])
    return services, pods


class TrafficView(APIView):
    parser_classes: list[Any] = []

    def post(self, request: Request) -> Response:
        pods, services = known("Pod"), known("Service")
        authorize(request, "get", known("Node"))
        body = bodies.decode_object(request)
        causes = _check_body(body)
        if causes:
            raise invalid(causes)
        source = body["source"].strip()
        if "/" in source:
            ns, _, name = source.partition("/")
            authorize(request, "get", pods, ns, name)
        try:
            result = simulate(
                reads.DbCluster(),
                source=source,
                destination=body["destination"],
                port=body.get("port"),
                protocol=body.get("protocol"),
                count=body.get("count", 100),
                seed=body.get("seed"),
                interval=body.get("interval", 1.0),
                resolver=resolve_from_pod,
            )
        except BadRequest as e:
            raise invalid([FieldError(r, f, v, d) for f, r, v, d in e.causes]) from None
        src = result["source"]
        if src.get("kind") == "Pod":
            authorize(request, "get", pods, src["namespace"], src["name"])
        svc_ns, pod_ns = _namespaces(result)
        for ns in sorted(svc_ns):
            authorize(request, "get", services, ns)
        for ns in sorted(pod_ns):
            authorize(request, "get", pods, ns)
        return Response(result)


def _service(request: Request, namespace: str, name: str) -> Obj:
    authorize(request, "get", known("Service"), namespace, name)
    service = reads.get_service(namespace, name)
    if service is None:
        raise errors.not_found("services", name)
    return service


class ProxyRulesView(APIView):
    parser_classes: list[Any] = []

    def get(self, request: Request, namespace: str, name: str) -> Response:
        service = _service(request, namespace, name)
        rules = view.describe(
            service,
            reads.service_slices(namespace, name),
            reads.get_endpoints(namespace, name),
            reads.nodes(),
        )
        return Response(rules)


class PodEnvironmentView(APIView):
    parser_classes: list[Any] = []

    def get(self, request: Request, namespace: str, name: str) -> Response:
        authorize(request, "get", known("Pod"), namespace, name)
        pod = reads.get_pod(namespace, name)
        if pod is None:
            raise errors.not_found("pods", name)
        services = reads.environment_services(namespace)
        return Response(environment.pod_environment(pod, services))


class ServiceEnvironmentView(APIView):
    parser_classes: list[Any] = []

    def get(self, request: Request, namespace: str, name: str) -> Response:
        return Response(environment.service_environment(_service(request, namespace, name)))
