"""Endpoints the browser app uses beside the Kubernetes API (``/portolan/v1/…``).

``POST namespaces/{ns}/servicepreview`` — a Service body as the form would send it. The body
goes through the real create (or, when it names an existing Service, update) action as a dry
run, so it is defaulted, allocated and validated exactly as a write would be, and nothing is
written. The answer (200) is a ``ServicePreview``:

* ``service``: the Service the write would store, or null; ``status``: null, or the
  ``Status`` the write would fail with (422 Invalid with ``details.causes``, 409, 404 …);
* ``pods``: the pods the selector matches (the endpoints controller's own read), each with
  phase, readiness, node, IP and whether and how it would be an endpoint;
* ``endpoints``: the Endpoints object the endpoints controller would write for this Service
  (its pure planner, ``cluster.controllers.endpoints``), or null with ``endpointsReason``;
* ``ports``: per service port, per matched pod, the container port ``targetPort`` resolves to
  (``FindPort``) or why it does not.

Pods and endpoints are computed even when the body is invalid (from the decoded, defaulted
body), so the form shows what the selector matches while the user is still typing.
``?operation=create|update`` forces the operation (a create of an existing name is then the
409 a POST would get). Needs ``get`` on services and ``list`` on pods: viewers may preview.

``POST namespaces/{ns}/pods/{name}/readiness`` with ``{"ready": true|false}`` — what a passing
or failing readiness probe does (``cluster.actions.pods.set_pod_readiness``); needs
``update`` on ``pods/status``; answers the Pod.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cluster import errors, topology
from cluster.actions import objects as actions
from cluster.actions.pods import set_pod_readiness
from cluster.api import body as bodies
from cluster.api.auth import authorize
from cluster.controllers import discovery_reads as reads
from cluster.controllers.endpoints import desired_endpoints, endpoint_address, manages_endpoints
from cluster.controllers.podutil import find_port, is_pod_ready, should_pod_be_in_endpoints
from cluster.errors import StatusError
from cluster.jsoncopy import json_copy
from cluster.kinds import Kind, known

Obj = dict[str, Any]
MAX_PODS_LISTED = 200  # the endpoints are computed from every matched pod; the list is capped


# --- the preview (pure over the service and its pods) -------------------------------------------


def pod_exclusion(pod: Obj, service: Obj) -> str | None:
    """Why the endpoints controller leaves a matched pod out, or None when it includes it."""
    spec = service.get("spec") or {}
    tolerate = bool(spec.get("publishNotReadyAddresses"))
    status = pod.get("status") or {}
    if should_pod_be_in_endpoints(pod, include_terminating=tolerate):
        if endpoint_address(pod, service) is None:
            return "the pod has no IP of the service's IP family"
        return None
    if status.get("phase") in ("Succeeded", "Failed"):
        return f"the pod has finished (phase {status['phase']})"
    if not status.get("podIP") and not status.get("podIPs"):
        return "the pod has no IP yet"
    return "the pod is terminating"


def endpoint_state(pod: Obj, service: Obj) -> str | None:
    """``ready`` / ``notReady`` as the pod's address would be listed, None when left out."""
    if pod_exclusion(pod, service) is not None:
        return None
    tolerate = bool((service.get("spec") or {}).get("publishNotReadyAddresses"))
    return "ready" if tolerate or is_pod_ready(pod) else "notReady"


def pod_row(pod: Obj, service: Obj) -> Obj:
    meta, spec, status = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    return {
        "name": meta["name"],
        "phase": status.get("phase") or "Pending",
        "ready": is_pod_ready(pod),
        "nodeName": spec.get("nodeName") or None,
        "podIP": status.get("podIP") or None,
        "terminating": bool(meta.get("deletionTimestamp")),
        "endpoint": endpoint_state(pod, service),
        "reason": pod_exclusion(pod, service),
    }


def port_resolution(service_port: Obj, pod: Obj, service: Obj) -> Obj:
    """One service port in one pod: ``FindPort``'s answer, the container that declares it,
    and why the pod gets no endpoint for this port when it does not."""
    number = find_port(pod, service_port)
    hop = topology.port_hop(service_port, pod)
    out: Obj = {
        "pod": pod["metadata"]["name"],
        "endpoint": endpoint_state(pod, service) if number is not None else None,
        "containerPort": number,
        "container": hop.get("container") if number is not None else None,
        "reason": None,
    }
    if number is None:
        protocol = service_port.get("protocol") or "TCP"
        target = service_port.get("targetPort", service_port.get("port"))
        out["reason"] = f'no container port named "{target}" with protocol {protocol}'
    else:
        out["reason"] = pod_exclusion(pod, service)
        if hop.get("undeclared"):
            out["note"] = f"port {number} is not declared by any container (used as it is)"
    return out


def port_rows(service: Obj, pods: list[Obj]) -> list[Obj]:
    rows = []
    for sp in (service.get("spec") or {}).get("ports") or []:
        row: Obj = {
            "name": sp.get("name", ""),
            "protocol": sp.get("protocol") or "TCP",
            "port": sp.get("port"),
            "targetPort": sp.get("targetPort", sp.get("port")),
        }
        if sp.get("nodePort"):
            row["nodePort"] = sp["nodePort"]
        row["pods"] = [port_resolution(sp, pod, service) for pod in pods]
        rows.append(row)
    return rows


def endpoints_reason(service: Obj) -> str:
    spec = service.get("spec") or {}
    if spec.get("type") == "ExternalName":
        return "ExternalName services have no endpoints: DNS answers with the external name"
    return "a service without a selector has no managed endpoints (write Endpoints yourself)"


def describe(service: Obj, pods: list[Obj]) -> Obj:
    """The pods, endpoints and port resolution part of a preview."""
    service = json_copy(service)
    service["metadata"].setdefault("name", "")
    pods = sorted(pods, key=lambda p: p["metadata"]["name"])
    managed = manages_endpoints(service)
    listed = pods[:MAX_PODS_LISTED] if managed else []
    return {
        "podsTotal": len(pods) if managed else 0,
        "pods": [pod_row(p, service) for p in listed],
        "endpoints": desired_endpoints(service, pods) if managed else None,
        "endpointsReason": None if managed else endpoints_reason(service),
        "ports": port_rows(service, listed),
    }


# --- views -------------------------------------------------------------------------------------


def _operation(request: Request, namespace: str, name: str) -> str:
    given = request.query_params.get("operation")
    if given not in (None, "", "create", "update"):
        raise errors.bad_request(
            f'operation: Unsupported value: "{given}": supported values: "create", "update"'
        )
    if given:
        return given
    exists = bool(name) and actions.fetch(known("Service"), namespace, name) is not None
    return "update" if exists else "create"


def _decoded(kind: Kind, body: Obj, namespace: str) -> Obj | None:
    """The body as the action sees it after decoding and defaulting; None when it does not
    decode (the dry run reports why)."""
    try:
        obj = actions.decode(kind, body, namespace)
        actions.run_strategy(kind, kind.default, obj)
    except StatusError:
        return None
    return obj


class ServicePreviewView(APIView):
    parser_classes: list[Any] = []

    def post(self, request: Request, namespace: str) -> Response:
        services, pods = known("Service"), known("Pod")
        authorize(request, "get", services, namespace)
        authorize(request, "list", pods, namespace)
        body = bodies.decode_object(request)
        if not isinstance(body, dict):
            raise errors.bad_request("the body must be a Service object")
        meta = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
        name = str(meta.get("name") or "")
        operation = _operation(request, namespace, name)
        result: Obj | None = None
        failure: StatusError | None = None
        try:
            if operation == "create":
                result = actions.create_object(
                    services, namespace=namespace, body=body, dry_run=True
                )
            else:
                result, _ = actions.replace_object(
                    services, namespace=namespace, name=name, body=body, dry_run=True
                )
        except StatusError as e:
            failure = e
        service = result if result is not None else _decoded(services, body, namespace)
        preview: Obj = {
            "kind": "ServicePreview",
            "apiVersion": "portolan/v1",
            "operation": operation,
            "valid": failure is None,
            "service": result,
            "status": failure.status() if failure is not None else None,
            "warnings": services.warnings(result) if result is not None else [],
        }
        if service is not None:
            preview.update(describe(service, reads.candidate_pods(service)))
        else:
            preview.update(
                {
                    "podsTotal": 0,
                    "pods": [],
                    "endpoints": None,
                    "endpointsReason": None,
                    "ports": [],
                }
            )
        return Response(preview)


class PodReadinessView(APIView):
    parser_classes: list[Any] = []

    def post(self, request: Request, namespace: str, name: str) -> Response:
        authorize(request, "update", known("Pod"), namespace, name, "status")
        body = bodies.decode_object(request)
        ready = body.get("ready") if isinstance(body, dict) else None
        if not isinstance(ready, bool):
            raise errors.bad_request('the body must be {"ready": true} or {"ready": false}')
        return Response(set_pod_readiness(namespace=namespace, name=name, ready=ready))
