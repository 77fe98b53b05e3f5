"""Service validation: ``ValidateService`` (without ObjectMeta, which the write layer checks)
from ``pkg/apis/core/validation/validation.go``, in upstream order, with upstream paths and
messages. Update, status and warnings live in ``service_update``; the cluster-IP fields in
``service_ips``.

Objects are the Kubernetes JSON after v1 defaulting and the decode normalisation in
``cluster.kinds.service_defaults`` (empty non-pointer fields are absent, pointer fields keep
``""``).
"""

from __future__ import annotations

from typing import Any

from cluster.errors import FieldError, duplicate, forbidden, invalid, not_supported, required
from cluster.validation.meta import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_port_name,
    is_valid_port_num,
    validate_labels,
)
from cluster.validation.net import validate_cidr, validate_ip, validate_non_special_ip
from cluster.validation.service_common import (
    AFFINITIES,
    CLUSTER_IP,
    EXTERNAL_NAME,
    LOAD_BALANCER,
    MAX_AFFINITY_SECONDS,
    NODE_PORT,
    NONE,
    PROTOCOLS,
    SERVICE_TYPES,
    SOURCE_RANGES_ANNOTATION,
    TOPOLOGY_HINTS,
    TOPOLOGY_MODE,
    TRAFFIC_DISTRIBUTIONS,
    TRAFFIC_POLICIES,
    Obj,
    externally_accessible,
    is_headless,
    needs_health_check,
    ports_of,
    spec_of,
)
from cluster.validation.service_ips import validate_cluster_ips_related_fields

# --- ValidateService --------------------------------------------------------------------------


def validate_service(obj: Obj) -> list[FieldError]:
    spec = spec_of(obj)
    meta = obj.get("metadata") or {}
    annotations = meta.get("annotations") or {}
    errs: list[FieldError] = []

    if TOPOLOGY_MODE in annotations and TOPOLOGY_HINTS in annotations:
        if annotations[TOPOLOGY_MODE] != annotations[TOPOLOGY_HINTS]:
            errs.append(
                invalid(
                    f"metadata.annotations[{TOPOLOGY_MODE}]",
                    annotations[TOPOLOGY_MODE],
                    f"must match annotations[{TOPOLOGY_HINTS}] when both are specified",
                )
            )

    kind = spec.get("type") or ""
    ports = ports_of(obj)
    headless = is_headless(obj)
    if not ports and not headless and kind != EXTERNAL_NAME:
        errs.append(required("spec.ports"))
    if kind in (LOAD_BALANCER, NODE_PORT) and headless:
        errs.append(
            invalid("spec.clusterIPs[0]", NONE, f"may not be set to 'None' for {kind} services")
        )
    elif kind == EXTERNAL_NAME:
        errs.extend(_validate_external_name(spec))

    names: set[str] = set()
    for i, port in enumerate(ports):
        errs.extend(_validate_port(port, len(ports) > 1, names, f"spec.ports[{i}]"))

    if spec.get("selector") is not None:
        errs.extend(validate_labels(spec["selector"], "spec.selector"))

    errs.extend(_validate_affinity(spec))
    errs.extend(validate_cluster_ips_related_fields(obj))

    for i, ip in enumerate(spec.get("externalIPs") or []):
        path = f"spec.externalIPs[{i}]"
        bad = validate_ip(path, ip)
        errs.extend(bad or validate_non_special_ip(ip, path))

    if not kind:
        errs.append(required("spec.type"))
    elif kind not in SERVICE_TYPES:
        errs.append(not_supported("spec.type", kind, SERVICE_TYPES))

    if kind == CLUSTER_IP:
        for i, port in enumerate(ports):
            if port.get("nodePort"):
                errs.append(
                    forbidden(
                        f"spec.ports[{i}].nodePort", "may not be used when `type` is 'ClusterIP'"
                    )
                )

    seen_node_ports: set[tuple[Any, Any]] = set()
    for i, port in enumerate(ports):
        if not port.get("nodePort"):
            continue
        key = (port.get("protocol"), port["nodePort"])
        if key in seen_node_ports:
            errs.append(duplicate(f"spec.ports[{i}].nodePort", port["nodePort"]))
        seen_node_ports.add(key)

    seen_ports: set[tuple[Any, Any]] = set()
    for i, port in enumerate(ports):
        key = (port.get("protocol", ""), port.get("port", 0))
        if key in seen_ports:
            errs.append(duplicate(f"spec.ports[{i}]", {"protocol": key[0], "port": key[1]}))
        seen_ports.add(key)

    errs.extend(_validate_source_ranges(spec, annotations))

    if "allocateLoadBalancerNodePorts" in spec and kind != LOAD_BALANCER:
        errs.append(
            forbidden(
                "spec.allocateLoadBalancerNodePorts",
                "may only be used when `type` is 'LoadBalancer'",
            )
        )
    if kind == LOAD_BALANCER and "allocateLoadBalancerNodePorts" not in spec:
        # Upstream builds this path without the "spec." prefix.
        errs.append(required("allocateLoadBalancerNodePorts"))

    errs.extend(validate_load_balancer_class(None, obj))
    errs.extend(_validate_external_traffic_policy(obj))
    errs.extend(_validate_internal_traffic_policy(spec))
    if "trafficDistribution" in spec and spec["trafficDistribution"] not in TRAFFIC_DISTRIBUTIONS:
        errs.append(
            not_supported(
                "spec.trafficDistribution", spec["trafficDistribution"], TRAFFIC_DISTRIBUTIONS
            )
        )
    return errs


def _validate_external_name(spec: Obj) -> list[FieldError]:
    errs: list[FieldError] = []
    if spec.get("clusterIPs"):
        errs.append(forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
    if spec.get("ipFamilies"):
        errs.append(forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
    if "ipFamilyPolicy" in spec:
        errs.append(forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"))
    name = spec.get("externalName") or ""
    cname = name[:-1] if name.endswith(".") else name
    if cname:
        errs.extend(invalid("spec.externalName", cname, m) for m in is_dns1123_subdomain(cname))
    else:
        errs.append(required("spec.externalName"))
    return errs


def _validate_port(port: Obj, require_name: bool, names: set[str], path: str) -> list[FieldError]:
    """``validateServicePort``. Headless services may use any targetPort (v1 compatibility)."""
    errs: list[FieldError] = []
    name = port.get("name") or ""
    if require_name and not name:
        errs.append(required(f"{path}.name"))
    elif name:
        errs.extend(invalid(f"{path}.name", name, m) for m in is_dns1123_label(name))
        if name in names:
            errs.append(duplicate(f"{path}.name", name))
        else:
            names.add(name)
    number = port.get("port", 0)
    errs.extend(invalid(f"{path}.port", number, m) for m in is_valid_port_num(number))
    protocol = port.get("protocol") or ""
    if not protocol:
        errs.append(required(f"{path}.protocol"))
    elif protocol not in PROTOCOLS:
        errs.append(not_supported(f"{path}.protocol", protocol, PROTOCOLS))
    target = port.get("targetPort", 0)
    if isinstance(target, str):
        errs.extend(invalid(f"{path}.targetPort", target, m) for m in is_valid_port_name(target))
    else:
        errs.extend(invalid(f"{path}.targetPort", target, m) for m in is_valid_port_num(target))
    if "appProtocol" in port:
        value = port["appProtocol"]
        errs.extend(invalid(f"{path}.appProtocol", value, m) for m in is_qualified_name(value))
    return errs


def _validate_affinity(spec: Obj) -> list[FieldError]:
    errs: list[FieldError] = []
    affinity = spec.get("sessionAffinity") or ""
    if not affinity:
        errs.append(required("spec.sessionAffinity"))
    elif affinity not in AFFINITIES:
        errs.append(not_supported("spec.sessionAffinity", affinity, AFFINITIES))
    config = spec.get("sessionAffinityConfig")
    path = "spec.sessionAffinityConfig"
    if affinity == "ClientIP":
        # validateClientIPAffinityConfig / validateAffinityTimeout
        why = "when session affinity type is ClientIP"
        client_ip = (config or {}).get("clientIP")
        if config is None:
            errs.append(required(path, why))
        elif client_ip is None:
            errs.append(required(f"{path}.clientIP", why))
        elif client_ip.get("timeoutSeconds") is None:
            errs.append(required(f"{path}.clientIP.timeoutSeconds", why))
        elif not 0 < client_ip["timeoutSeconds"] <= MAX_AFFINITY_SECONDS:
            errs.append(
                invalid(
                    f"{path}.clientIP.timeoutSeconds",
                    client_ip["timeoutSeconds"],
                    f"must be greater than 0 and less than {MAX_AFFINITY_SECONDS}",
                )
            )
    elif affinity == "None" and config is not None:
        errs.append(forbidden(path, "must not be set when session affinity is None"))
    return errs


def _validate_source_ranges(spec: Obj, annotations: Obj) -> list[FieldError]:
    errs: list[FieldError] = []
    kind = spec.get("type")
    ranges = spec.get("loadBalancerSourceRanges") or []
    lb_only = "may only be used when `type` is 'LoadBalancer'"
    if ranges:
        # The capital L is upstream's (a historical accident kept for compatibility).
        path = "spec.LoadBalancerSourceRanges"
        if kind != LOAD_BALANCER:
            errs.append(forbidden(path, lb_only))
        for i, value in enumerate(ranges):
            errs.extend(validate_cidr(f"{path}[{i}]", value.strip()))
    elif SOURCE_RANGES_ANNOTATION in annotations:
        path = f"metadata.annotations[{SOURCE_RANGES_ANNOTATION}]"
        if kind != LOAD_BALANCER:
            errs.append(forbidden(path, lb_only))
        value = str(annotations[SOURCE_RANGES_ANNOTATION]).strip()
        if value:
            for cidr in value.split(","):
                errs.extend(validate_cidr(path, cidr.strip()))
    return errs


def validate_load_balancer_class(old: Obj | None, obj: Obj) -> list[FieldError]:
    """``validateLoadBalancerClassField``."""
    errs: list[FieldError] = []
    spec = spec_of(obj)
    is_lb = spec.get("type") == LOAD_BALANCER
    if old is not None and is_lb and spec_of(old).get("type") == LOAD_BALANCER:
        before, after = spec_of(old).get("loadBalancerClass"), spec.get("loadBalancerClass")
        if before != after:
            errs.append(invalid("spec.loadBalancerClass", after, "may not change once set"))
    if "loadBalancerClass" in spec:
        value = spec["loadBalancerClass"]
        if is_lb:
            errs.extend(
                invalid("spec.loadBalancerClass", value, m) for m in is_qualified_name(value)
            )
        else:
            errs.append(
                forbidden(
                    "spec.loadBalancerClass", "may only be used when `type` is 'LoadBalancer'"
                )
            )
    return errs


def _validate_external_traffic_policy(obj: Obj) -> list[FieldError]:
    """``validateServiceExternalTrafficPolicy``."""
    errs: list[FieldError] = []
    spec = spec_of(obj)
    policy = spec.get("externalTrafficPolicy") or ""
    if not externally_accessible(obj):
        if policy:
            errs.append(
                invalid(
                    "spec.externalTrafficPolicy",
                    policy,
                    "may only be set for externally-accessible services",
                )
            )
    elif not policy:
        errs.append(required("spec.externalTrafficPolicy"))
    elif policy not in TRAFFIC_POLICIES:
        errs.append(not_supported("spec.externalTrafficPolicy", policy, TRAFFIC_POLICIES))

    hc = spec.get("healthCheckNodePort") or 0
    if not needs_health_check(obj):
        if hc:
            errs.append(
                invalid(
                    "spec.healthCheckNodePort",
                    hc,
                    "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` "
                    "is 'Local'",
                )
            )
    elif not hc:
        errs.append(required("spec.healthCheckNodePort"))
    else:
        errs.extend(invalid("spec.healthCheckNodePort", hc, m) for m in is_valid_port_num(hc))
    return errs


def _validate_internal_traffic_policy(spec: Obj) -> list[FieldError]:
    if "internalTrafficPolicy" not in spec:
        if spec.get("type") in (NODE_PORT, LOAD_BALANCER, CLUSTER_IP):
            return [required("spec.internalTrafficPolicy")]
        return []
    policy = spec["internalTrafficPolicy"]
    if policy not in TRAFFIC_POLICIES:
        return [not_supported("spec.internalTrafficPolicy", policy, TRAFFIC_POLICIES)]
    return []


__all__ = [
    "CLUSTER_IP",
    "EXTERNAL_NAME",
    "LOAD_BALANCER",
    "NODE_PORT",
    "NONE",
    "externally_accessible",
    "is_headless",
    "needs_health_check",
    "ports_of",
    "spec_of",
    "validate_cluster_ips_related_fields",
    "validate_load_balancer_class",
    "validate_service",
]
