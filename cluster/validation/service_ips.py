"""``ValidateServiceClusterIPsRelatedFields``: clusterIP/clusterIPs/ipFamilies/ipFamilyPolicy
(V27–V33). Exported because allocation runs it first (``initIPFamilyFields``)."""

from __future__ import annotations

from cluster.errors import FieldError, duplicate, invalid, not_supported, required
from cluster.validation.net import is_ipv6_string, validate_ip
from cluster.validation.service_common import (
    EXTERNAL_NAME,
    IP_FAMILIES,
    IP_FAMILY_POLICIES,
    NONE,
    Obj,
    is_headless,
    spec_of,
)


def validate_cluster_ips_related_fields(obj: Obj) -> list[FieldError]:
    """``ValidateServiceClusterIPsRelatedFields`` (also run by allocation, before anything)."""
    spec = spec_of(obj)
    if spec.get("type") == EXTERNAL_NAME:
        return []
    errs: list[FieldError] = []
    cluster_ip = spec.get("clusterIP") or ""
    cluster_ips = list(spec.get("clusterIPs") or [])
    families = list(spec.get("ipFamilies") or [])
    if cluster_ip:
        if not cluster_ips:
            errs.append(required("spec.clusterIPs"))
        elif cluster_ips[0] != cluster_ip:
            errs.append(
                invalid("spec.clusterIPs", cluster_ips, "first value must match `clusterIP`")
            )
    elif cluster_ips:
        errs.append(
            invalid(
                "spec.clusterIPs", cluster_ips, "must be empty when `clusterIP` is not specified"
            )
        )

    seen: set[str] = set()
    for i, family in enumerate(families):
        if family not in IP_FAMILIES:
            errs.append(not_supported(f"spec.ipFamilies[{i}]", family, IP_FAMILIES))
        if family in seen:
            errs.append(duplicate(f"spec.ipFamilies[{i}]", family))
        seen.add(family)

    if "ipFamilyPolicy" in spec and spec["ipFamilyPolicy"] not in IP_FAMILY_POLICIES:
        errs.append(
            not_supported("spec.ipFamilyPolicy", spec["ipFamilyPolicy"], IP_FAMILY_POLICIES)
        )

    has_invalid = False
    for i, ip in enumerate(cluster_ips):
        if i == 0 and ip == NONE:
            if len(cluster_ips) > 1:
                has_invalid = True
                errs.append(
                    invalid(
                        "spec.clusterIPs", cluster_ips, "'None' must be the first and only value"
                    )
                )
            continue
        bad = validate_ip(f"spec.clusterIPs[{i}]", ip)
        has_invalid = has_invalid or bool(bad)
        errs.extend(bad)
    if len(cluster_ips) > 2:
        errs.append(invalid("spec.clusterIPs", cluster_ips, "may only hold up to 2 values"))
    if has_invalid:
        return errs

    if len(cluster_ips) > 1:
        v6 = [is_ipv6_string(ip) for ip in cluster_ips]
        if len(cluster_ips) != 2 or v6[0] == v6[1]:
            errs.append(
                invalid(
                    "spec.clusterIPs",
                    cluster_ips,
                    "may specify no more than one IP for each IP family",
                )
            )

    if not is_headless(obj) and cluster_ips and families:
        for i, ip in enumerate(cluster_ips[: len(families)]):
            v6 = is_ipv6_string(ip)
            if families[i] == "IPv4" and v6:
                errs.append(
                    invalid(
                        f"spec.clusterIPs[{i}]",
                        ip,
                        f"expected an IPv4 value as indicated by `ipFamilies[{i}]`",
                    )
                )
            if families[i] == "IPv6" and not v6:
                errs.append(
                    invalid(
                        f"spec.clusterIPs[{i}]",
                        ip,
                        f"expected an IPv6 value as indicated by `ipFamilies[{i}]`",
                    )
                )
    return errs
