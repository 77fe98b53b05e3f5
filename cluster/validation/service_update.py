"""``ValidateServiceUpdate`` (U1–U6), ``ValidateServiceStatusUpdate`` (S1–S6) and
``GetWarningsForService`` (pkg/api/service/warnings.go, v1.32)."""

from __future__ import annotations

from cluster.errors import FieldError, forbidden, invalid, not_supported, required
from cluster.validation.meta import is_dns1123_subdomain
from cluster.validation.net import ip_warnings, parse_ip_sloppy, validate_ip
from cluster.validation.service import validate_load_balancer_class, validate_service
from cluster.validation.service_common import (
    CLUSTER_IP,
    EXTERNAL_NAME,
    LB_IP_MODES,
    LOAD_BALANCER,
    NONE,
    TOPOLOGY_HINTS,
    TOPOLOGY_MODE,
    Obj,
    is_headless,
    needs_health_check,
    spec_of,
)


def validate_service_update(new: Obj, old: Obj) -> list[FieldError]:
    """``ValidateServiceUpdate`` without ObjectMeta (the write layer checks it)."""
    errs = _upgrade_downgrade_cluster_ips(old, new)
    errs += _upgrade_downgrade_ip_families(old, new)
    errs += validate_load_balancer_class(old, new)
    if needs_health_check(old) and needs_health_check(new):
        if spec_of(new).get("healthCheckNodePort") != spec_of(old).get("healthCheckNodePort"):
            errs.append(forbidden("spec.healthCheckNodePort", "field is immutable"))
    # Upstream then runs ValidateService, which checks loadBalancerClass again: a bad class is
    # reported twice on update, as the apiserver does.
    return errs + validate_service(new)


def _upgrade_downgrade_cluster_ips(old: Obj, new: Obj) -> list[FieldError]:
    if EXTERNAL_NAME in (spec_of(new).get("type"), spec_of(old).get("type")):
        return []
    if is_headless(old) and is_headless(new):
        return []
    before = list(spec_of(old).get("clusterIPs") or [])
    after = list(spec_of(new).get("clusterIPs") or [])
    errs: list[FieldError] = []
    if len(before) == len(after):
        for i, ip in enumerate(before):
            if ip != after[i]:
                errs.append(invalid(f"spec.clusterIPs[{i}]", after, "may not change once set"))
    elif len(before) > len(after):
        if not after:
            errs.append(invalid("spec.clusterIPs[0]", after, "primary clusterIP can not be unset"))
        if before and after and after[0] != before[0]:
            errs.append(invalid("spec.clusterIPs[0]", after, "may not change once set"))
        if len(after) == 1 and spec_of(new).get("ipFamilyPolicy") != "SingleStack":
            errs.append(
                invalid(
                    "spec.ipFamilyPolicy",
                    spec_of(new).get("ipFamilyPolicy"),
                    "must be set to 'SingleStack' when releasing the secondary clusterIP",
                )
            )
    elif before and after[0] != before[0]:
        errs.append(invalid("spec.clusterIPs[0]", after, "may not change once set"))
    return errs


def _upgrade_downgrade_ip_families(old: Obj, new: Obj) -> list[FieldError]:
    if EXTERNAL_NAME in (spec_of(new).get("type"), spec_of(old).get("type")):
        return []
    if is_headless(old) or is_headless(new):
        return []
    before = list(spec_of(old).get("ipFamilies") or [])
    after = list(spec_of(new).get("ipFamilies") or [])
    cluster_ips = list(spec_of(new).get("clusterIPs") or [])
    errs: list[FieldError] = []
    if len(before) == len(after):
        for i, family in enumerate(before):
            if family != after[i]:
                errs.append(invalid("spec.ipFamilies[0]", after, "may not change once set"))
    elif len(before) > len(after):
        if not cluster_ips:
            errs.append(invalid("spec.ipFamilies[0]", after, "primary ipFamily can not be unset"))
        if after and after[0] != before[0]:
            errs.append(invalid("spec.ipFamilies[0]", cluster_ips, "may not change once set"))
        if len(after) == 1 and spec_of(new).get("ipFamilyPolicy") != "SingleStack":
            errs.append(
                invalid(
                    "spec.ipFamilyPolicy",
                    spec_of(new).get("ipFamilyPolicy"),
                    "must be set to 'SingleStack' when releasing the secondary ipFamily",
                )
            )
    elif before and after and after[0] != before[0]:
        errs.append(invalid("spec.ipFamilies[0]", cluster_ips, "may not change once set"))
    return errs


# --- ValidateServiceStatusUpdate --------------------------------------------------------------


def validate_service_status_update(new: Obj) -> list[FieldError]:
    """``ValidateLoadBalancerStatus`` on ``status.loadBalancer`` (spec is the stored one)."""
    status = new.get("status") or {}
    ingress = (status.get("loadBalancer") or {}).get("ingress") or []
    path = "status.loadBalancer.ingress"
    if spec_of(new).get("type") != LOAD_BALANCER and ingress:
        return [forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'")]
    errs: list[FieldError] = []
    for i, item in enumerate(ingress):
        at = f"{path}[{i}]"
        ip = item.get("ip") or ""
        if ip:
            errs.extend(validate_ip(f"{at}.ip", ip))
        if "ipMode" not in item:
            if ip:
                errs.append(required(f"{at}.ipMode", "must be specified when `ip` is set"))
        elif not ip:
            errs.append(forbidden(f"{at}.ipMode", "may not be specified when `ip` is not set"))
        elif item["ipMode"] not in LB_IP_MODES:
            errs.append(not_supported(f"{at}.ipMode", item["ipMode"], LB_IP_MODES))
        hostname = item.get("hostname") or ""
        if hostname:
            errs.extend(
                invalid(f"{at}.hostname", hostname, m) for m in is_dns1123_subdomain(hostname)
            )
            if parse_ip_sloppy(hostname) is not None:
                errs.append(
                    invalid(f"{at}.hostname", hostname, "must be a DNS name, not an IP address")
                )
    return errs


# --- warnings (pkg/api/service/warnings.go, v1.32) --------------------------------------------


def service_warnings(new: Obj, old: Obj | None = None) -> list[str]:
    """``GetWarningsForService``: advice that does not fail the request."""
    spec = spec_of(new)
    annotations = (new.get("metadata") or {}).get("annotations") or {}
    out: list[str] = []
    if TOPOLOGY_HINTS in annotations:
        out.append(f"annotation {TOPOLOGY_HINTS} is deprecated, please use {TOPOLOGY_MODE} instead")
    kind = spec.get("type")
    cluster_ips = list(spec.get("clusterIPs") or [])
    if kind != EXTERNAL_NAME and cluster_ips and cluster_ips[0] != NONE:
        for i, ip in enumerate(cluster_ips):
            out.extend(ip_warnings(f"spec.clusterIPs[{i}]", ip))
    headless = kind == CLUSTER_IP and spec.get("clusterIP") == NONE
    if headless:
        if spec.get("loadBalancerIP"):
            out.append("spec.loadBalancerIP is ignored for headless services")
        if spec.get("externalIPs"):
            out.append("spec.externalIPs is ignored for headless services")
        if spec.get("sessionAffinity") != "None":
            out.append("spec.SessionAffinity is ignored for headless services")
    for i, ip in enumerate(spec.get("externalIPs") or []):
        out.extend(ip_warnings(f"spec.externalIPs[{i}]", ip))
    if spec.get("loadBalancerIP"):
        out.extend(ip_warnings("spec.loadBalancerIP", spec["loadBalancerIP"]))
    if kind == EXTERNAL_NAME and spec.get("externalIPs"):
        out.append('spec.externalIPs is ignored when spec.type is "ExternalName"')
    if kind != EXTERNAL_NAME and spec.get("externalName"):
        out.append('spec.externalName is ignored when spec.type is not "ExternalName"')
    return out
