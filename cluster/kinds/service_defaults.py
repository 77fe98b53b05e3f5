"""Decoding and v1 defaulting of Services: what happens to a body before any strategy runs.

``decode_service`` does what Go's JSON decoder does with a ``v1.Service``: a value of the wrong
JSON type is a 400 (``cannot unmarshal … into Go struct field …``), ``null`` and unknown fields
vanish, empty ``omitempty`` values are the same as absent (pointer fields keep ``""``/``false``),
and fields come out in the Go struct's order. ``set_defaults`` is ``SetDefaults_Service``
(``pkg/apis/core/v1/defaults.go``), rules D1–D10 of the spec.
"""

from __future__ import annotations

from typing import Any

from cluster import errors
from cluster.validation.service import (
    CLUSTER_IP,
    LOAD_BALANCER,
    NODE_PORT,
    externally_accessible,
)

Obj = dict[str, Any]

DEFAULT_CLIENT_IP_TIMEOUT = 10800  # v1.DefaultClientIPServiceAffinitySeconds
INT32 = (-(2**31), 2**31 - 1)

# field → (Go type, omitempty-and-not-a-pointer). Order is the Go struct's (JSON output order).
_STR, _PSTR, _I32, _BOOL, _PBOOL, _STRS, _MAP = (
    "string",
    "*string",
    "int32",
    "bool",
    "*bool",
    "[]string",
    "map[string]string",
)
SPEC_FIELDS: dict[str, str] = {
    "ports": "[]v1.ServicePort",
    "selector": _MAP,
    "clusterIP": _STR,
    "clusterIPs": _STRS,
    "type": _STR,
    "externalIPs": _STRS,
    "sessionAffinity": _STR,
    "loadBalancerIP": _STR,
    "loadBalancerSourceRanges": _STRS,
    "externalName": _STR,
    "externalTrafficPolicy": _STR,
    "healthCheckNodePort": _I32,
    "publishNotReadyAddresses": _BOOL,
    "sessionAffinityConfig": "v1.SessionAffinityConfig",
    "ipFamilies": _STRS,
    "ipFamilyPolicy": _PSTR,
    "allocateLoadBalancerNodePorts": _PBOOL,
    "loadBalancerClass": _PSTR,
    "internalTrafficPolicy": _PSTR,
    "trafficDistribution": _PSTR,
}
PORT_FIELDS: dict[str, str] = {
    "name": _STR,
    "protocol": _STR,
    "appProtocol": _PSTR,
    "port": "int32!",  # not omitempty: always present
    "targetPort": "intstr.IntOrString",
    "nodePort": _I32,
}
INGRESS_FIELDS: dict[str, str] = {
    "ip": _STR,
    "hostname": _STR,
    "ipMode": _PSTR,
    "ports": "[]v1.PortStatus",
}
PORT_STATUS_FIELDS: dict[str, str] = {"port": "int32!", "protocol": _STR, "error": _PSTR}


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return f"number {value}" if isinstance(value, float) or not _fits(value) else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _fits(value: int) -> bool:
    return INT32[0] <= value <= INT32[1]


def _bad(struct: str, path: str, value: Any, go_type: str) -> errors.StatusError:
    return errors.bad_request(
        'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal '
        f"{_json_kind(value)} into Go struct field {struct}.{path} of type {go_type.rstrip('!')}"
    )


def _is_int32(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and _fits(value)


def _scalar(struct: str, path: str, value: Any, go_type: str) -> Any:
    """Check one scalar; return the value to keep, or ``None`` to drop it (empty omitempty)."""
    base = go_type.lstrip("*").rstrip("!")
    ok = {
        "string": isinstance(value, str),
        "int32": _is_int32(value),
        "bool": isinstance(value, bool),
    }[base]
    if not ok:
        raise _bad(struct, path, value, go_type)
    if go_type.startswith("*") or go_type.endswith("!"):
        return value
    return value or None


def _string_list(struct: str, path: str, value: Any) -> list[str] | None:
    if not isinstance(value, list):
        raise _bad(struct, path, value, _STRS)
    for item in value:
        if not isinstance(item, str):
            raise _bad(struct, path, item, "string")
    return list(value) or None


def _decode_struct(
    struct: str, path: str, value: Any, fields: dict[str, str], decode_field: Any
) -> Obj:
    if not isinstance(value, dict):
        raise _bad(struct, path, value, f"v1.{struct}")
    out: Obj = {}
    for name, go_type in fields.items():
        if value.get(name) is None:
            continue
        decoded = decode_field(name, go_type, value[name])
        if decoded is not None:
            out[name] = decoded
    return out


def _decode_port(value: Any, path: str) -> Obj:
    def field(name: str, go_type: str, v: Any) -> Any:
        if name == "targetPort":
            if isinstance(v, str) or _is_int32(v):
                return v
            raise _bad("ServicePort", f"{path}.targetPort", v, "int32")
        return _scalar("ServicePort", f"{path}.{name}", v, go_type)

    out = _decode_struct("ServicePort", path, value, PORT_FIELDS, field)
    out.setdefault("port", 0)
    return {k: out[k] for k in PORT_FIELDS if k in out}


def _decode_spec(spec: Any) -> Obj:
    path = "spec"

    def field(name: str, go_type: str, v: Any) -> Any:
        at = f"{path}.{name}"
        if name == "ports":
            if not isinstance(v, list):
                raise _bad("ServiceSpec", at, v, go_type)
            return [_decode_port(p, at) for p in v] or None
        if name == "selector":
            if not isinstance(v, dict):
                raise _bad("ServiceSpec", at, v, go_type)
            for item in v.values():
                if not isinstance(item, str):
                    raise _bad("ServiceSpec", at, item, "string")
            return dict(v) or None
        if go_type == _STRS:
            return _string_list("ServiceSpec", at, v)
        if name == "sessionAffinityConfig":
            return _decode_affinity(v, at)
        return _scalar("ServiceSpec", at, v, go_type)

    return _decode_struct("ServiceSpec", path, spec, SPEC_FIELDS, field)


def _decode_affinity(value: Any, path: str) -> Obj:
    if not isinstance(value, dict):
        raise _bad("ServiceSpec", path, value, "v1.SessionAffinityConfig")
    out: Obj = {}
    client = value.get("clientIP")
    if client is not None:
        if not isinstance(client, dict):
            raise _bad("SessionAffinityConfig", f"{path}.clientIP", client, "v1.ClientIPConfig")
        out["clientIP"] = {}
        timeout = client.get("timeoutSeconds")
        if timeout is not None:
            at = f"{path}.clientIP.timeoutSeconds"
            out["clientIP"]["timeoutSeconds"] = _scalar("ClientIPConfig", at, timeout, "*int32")
    return out


def _decode_status(status: Any) -> Obj:
    if not isinstance(status, dict):
        raise _bad("Service", "status", status, "v1.ServiceStatus")
    out: Obj = {}
    lb = status.get("loadBalancer")
    if lb is not None:
        if not isinstance(lb, dict):
            raise _bad("ServiceStatus", "status.loadBalancer", lb, "v1.LoadBalancerStatus")
        out["loadBalancer"] = {}
        ingress = lb.get("ingress")
        if ingress is not None:
            at = "status.loadBalancer.ingress"
            if not isinstance(ingress, list):
                raise _bad("LoadBalancerStatus", at, ingress, "[]v1.LoadBalancerIngress")
            items = [_decode_ingress(item, at) for item in ingress]
            if items:
                out["loadBalancer"]["ingress"] = items
    conditions = status.get("conditions")
    if conditions is not None:
        if not isinstance(conditions, list):
            raise _bad("ServiceStatus", "status.conditions", conditions, "[]v1.Condition")
        if conditions:
            out["conditions"] = conditions
    return out


def _decode_ingress(value: Any, path: str) -> Obj:
    def field(name: str, go_type: str, v: Any) -> Any:
        if name == "ports":
            if not isinstance(v, list):
                raise _bad("LoadBalancerIngress", f"{path}.ports", v, go_type)
            return [
                _decode_struct(
                    "PortStatus",
                    f"{path}.ports",
                    p,
                    PORT_STATUS_FIELDS,
                    lambda n, t, x: _scalar("PortStatus", f"{path}.ports.{n}", x, t),
                )
                for p in v
            ] or None
        return _scalar("LoadBalancerIngress", f"{path}.{name}", v, go_type)

    return _decode_struct("LoadBalancerIngress", path, value, INGRESS_FIELDS, field)


def decode_service(obj: Obj) -> None:
    """Shape ``obj`` (in place) as Go would decode and re-encode it; 400 on a wrong type."""
    spec = obj.get("spec")
    obj["spec"] = {} if spec is None else _decode_spec(spec)
    status = obj.get("status")
    if status is None:
        obj.pop("status", None)
    else:
        obj["status"] = _decode_status(status)


def set_defaults(obj: Obj) -> None:
    """``SetDefaults_Service``."""
    spec = obj.setdefault("spec", {})
    spec.setdefault("sessionAffinity", "None")  # D2
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)  # D3
    if spec["sessionAffinity"] == "ClientIP":  # D4
        config = spec.get("sessionAffinityConfig") or {}
        if (config.get("clientIP") or {}).get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {
                "clientIP": {"timeoutSeconds": DEFAULT_CLIENT_IP_TIMEOUT}
            }
    spec.setdefault("type", CLUSTER_IP)  # D1
    for port in spec.get("ports") or []:
        port.setdefault("protocol", "TCP")  # D5
        if port.get("targetPort") in (None, 0, ""):  # D6
            port["targetPort"] = port.get("port", 0)
    if externally_accessible(obj) and not spec.get("externalTrafficPolicy"):  # D7
        spec["externalTrafficPolicy"] = "Cluster"
    if "internalTrafficPolicy" not in spec and spec["type"] in (
        NODE_PORT,
        LOAD_BALANCER,
        CLUSTER_IP,
    ):
        spec["internalTrafficPolicy"] = "Cluster"  # D8
    if spec["type"] == LOAD_BALANCER:
        spec.setdefault("allocateLoadBalancerNodePorts", True)  # D9
        for ingress in ((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []:
            if ingress.get("ip") and "ipMode" not in ingress:
                ingress["ipMode"] = "VIP"  # D10
    reorder(obj)


def reorder(obj: Obj) -> None:
    """Put spec and port fields in the Go struct's order (the apiserver's JSON order)."""
    spec = obj.get("spec") or {}
    for port in spec.get("ports") or []:
        ordered = {k: port[k] for k in PORT_FIELDS if k in port}
        port.clear()
        port.update(ordered)
    ordered = {k: spec[k] for k in SPEC_FIELDS if k in spec}
    spec.clear()
    spec.update(ordered)
