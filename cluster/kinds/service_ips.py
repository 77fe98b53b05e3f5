"""Cluster IPs of Services: ``normalizeClusterIPs``, ``initIPFamilyFields`` (D11–D13, V36),
``allocClusterIPs`` (D14) and their release (``pkg/registry/core/service/storage/alloc.go``).
The cluster is single-stack: it serves the family of ``settings.PORTOLAN_SERVICE_CIDR``."""

from __future__ import annotations

from typing import Any

from cluster import allocators, errors
from cluster.errors import FieldError, StatusError, invalid
from cluster.validation.net import IPV4, IPV6, family_of
from cluster.validation.service import EXTERNAL_NAME, NONE, is_headless
from cluster.validation.service_ips import validate_cluster_ips_related_fields

Obj = dict[str, Any]


def spec_obj(obj: Obj) -> Obj:
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = obj["spec"] = {}
    return spec


def invalid_service(obj: Obj, errs: list[FieldError]) -> StatusError:
    return errors.invalid_object("Service", (obj.get("metadata") or {}).get("name") or "", errs)


def served_families() -> list[str]:
    return [allocators.service_ip_range().family]


def needs_cluster_ip(obj: Obj) -> bool:
    return spec_obj(obj).get("type") != EXTERNAL_NAME


def same_cluster_ips(a: Obj, b: Obj) -> bool:
    sa, sb = spec_obj(a), spec_obj(b)
    return (sa.get("clusterIP") or "") == (sb.get("clusterIP") or "") and list(
        sa.get("clusterIPs") or []
    ) == list(sb.get("clusterIPs") or [])


def same_families(a: Obj, b: Obj) -> bool:
    return list(spec_obj(a).get("ipFamilies") or []) == list(spec_obj(b).get("ipFamilies") or [])


# --- beginCreate / beginUpdate prelude --------------------------------------------------------


def normalize_cluster_ips(new: Obj, old: Obj | None) -> None:
    """``normalizeClusterIPs``: keep ``clusterIP`` and ``clusterIPs`` in step."""
    spec = spec_obj(new)
    ip = spec.get("clusterIP") or ""
    ips = list(spec.get("clusterIPs") or [])
    if old is None:
        if ip and not ips:
            spec["clusterIPs"] = [ip]
        return
    old_spec = spec_obj(old)
    old_ip = old_spec.get("clusterIP") or ""
    old_ips = list(old_spec.get("clusterIPs") or [])
    if old_ips and not ips and old_ip == ip:
        spec["clusterIPs"] = ips = list(old_ips)
    if old_ip != ip:
        same = old_ips == ips
        if old_ip and not ip:
            if same:
                spec.pop("clusterIPs", None)
        elif same:
            spec["clusterIPs"] = [ip]


# --- IP families ------------------------------------------------------------------------------


def matching_prefer_dual_stack(new: Obj, old: Obj | None) -> bool:
    """``isMatchingPreferDualStackClusterIPFields``."""
    if old is None:
        return False
    spec, old_spec = spec_obj(new), spec_obj(old)
    if "ipFamilyPolicy" not in spec or spec.get("type") != old_spec.get("type"):
        return False
    if spec.get("type") == EXTERNAL_NAME:
        return False
    prefer = "PreferDualStack"
    if spec.get("ipFamilyPolicy") != prefer:
        return False
    if "ipFamilyPolicy" in old_spec and old_spec["ipFamilyPolicy"] != prefer:
        return False
    return same_cluster_ips(old, new) and same_families(old, new)


def init_ip_family_fields(new: Obj, old: Obj | None) -> None:
    """``initIPFamilyFields``: default ``ipFamilyPolicy``/``ipFamilies`` (D12, D13) and refuse
    what this single-stack cluster cannot serve (V36). Errors are a 422 at once."""
    spec = spec_obj(new)
    if spec.get("type") == EXTERNAL_NAME or matching_prefer_dual_stack(new, old):
        return
    selectorless_headless = spec.get("clusterIP") == NONE and not spec.get("selector")
    if "ipFamilyPolicy" not in spec:
        if old is not None and "ipFamilyPolicy" in spec_obj(old):
            spec["ipFamilyPolicy"] = spec_obj(old)["ipFamilyPolicy"]
        elif selectorless_headless:
            spec["ipFamilyPolicy"] = "RequireDualStack"
        else:
            spec["ipFamilyPolicy"] = "SingleStack"
    pre = validate_cluster_ips_related_fields(new)
    if pre:
        raise invalid_service(new, pre)

    policy = spec["ipFamilyPolicy"]
    served = served_families()
    errs: list[FieldError] = []
    ips = list(spec.get("clusterIPs") or [])
    families = list(spec.get("ipFamilies") or [])
    if old is not None:
        old_spec = spec_obj(old)
        if policy == "SingleStack":
            if same_cluster_ips(old, new) and len(ips) > 1:
                spec["clusterIPs"] = ips = ips[:1]
            if same_families(old, new) and len(families) > 1:
                spec["ipFamilies"] = families = families[:1]
        else:
            if ips and len(ips) < len(old_spec.get("clusterIPs") or []):
                errs.append(
                    invalid(
                        "spec.ipFamilyPolicy",
                        policy,
                        "must be 'SingleStack' to release the secondary cluster IP",
                    )
                )
            if families and len(families) < len(old_spec.get("ipFamilies") or []):
                errs.append(
                    invalid(
                        "spec.ipFamilyPolicy",
                        policy,
                        "must be 'SingleStack' to release the secondary IP family",
                    )
                )
    if policy == "SingleStack":
        multiple = "must be 'RequireDualStack' or 'PreferDualStack' when multiple"
        if len(ips) == 2:
            errs.append(
                invalid("spec.ipFamilyPolicy", policy, f"{multiple} cluster IPs are specified")
            )
        if len(families) == 2:
            errs.append(
                invalid("spec.ipFamilyPolicy", policy, f"{multiple} IP families are specified")
            )
    for i, ip in enumerate(ips):
        if ip == NONE:
            break
        family = family_of(ip)
        if i >= len(families):
            if family not in served:
                errs.append(
                    invalid(
                        f"spec.clusterIPs[{i}]", ips, f"{family} is not configured on this cluster"
                    )
                )
            else:
                families.append(family)
    if errs:
        raise invalid_service(new, errs)

    if selectorless_headless:
        families = families or [served[0]]
        if len(families) < 2 and policy != "SingleStack":
            families.append(IPV6 if families[0] == IPV4 else IPV4)
        spec["ipFamilies"] = families
        return

    if policy == "RequireDualStack" and len(served) < 2:
        errs.append(
            invalid(
                "spec.ipFamilyPolicy",
                policy,
                "this cluster is not configured for dual-stack services",
            )
        )
    for i, family in enumerate(families):
        if family not in served:
            errs.append(invalid(f"spec.ipFamilies[{i}]", family, "not configured on this cluster"))
    if errs:
        raise invalid_service(new, errs)
    spec["ipFamilies"] = families or [served[0]]


# --- cluster IPs ------------------------------------------------------------------------------


def alloc_cluster_ips(obj: Obj, owner: str) -> None:
    """``allocClusterIPs``: requested IPs are claimed, empty ones allocated (D14)."""
    spec = spec_obj(obj)
    if spec.get("type") == EXTERNAL_NAME or is_headless(obj):
        return
    ips = list(spec.get("clusterIPs") or [])
    families = list(spec.get("ipFamilies") or [])
    while len(ips) < len(families):
        ips.append("")
    for i, _family in enumerate(families):
        requested = ips[i]
        if not requested:
            try:
                ips[i] = allocators.allocate_next_ip(owner=owner)
            except allocators.AllocationError as e:
                raise errors.internal_error(f"failed to allocate a serviceIP: {e}") from e
        else:
            try:
                allocators.allocate_ip(requested, owner=owner)
            except allocators.AllocationError as e:
                spec_ips = list(spec.get("clusterIPs") or [])
                raise invalid_service(
                    obj,
                    [
                        invalid(
                            "spec.clusterIPs", spec_ips, f"failed to allocate IP {requested}: {e}"
                        )
                    ],
                ) from e
    spec["clusterIPs"] = ips
    if ips:
        spec["clusterIP"] = ips[0]


def release_cluster_ips(obj: Obj, owner: str) -> None:
    if spec_obj(obj).get("type") == EXTERNAL_NAME or is_headless(obj):
        return
    ips = [ip for ip in spec_obj(obj).get("clusterIPs") or [] if ip and ip != NONE]
    allocators.release_ips(ips, owner=owner)
