"""IP and CIDR checks as ``k8s.io/utils/net`` (``ParseIPSloppy``, ``ParseCIDRSloppy``) and
``apimachinery/pkg/util/validation/ip.go`` do them, plus ``ValidateNonSpecialIP`` from
``pkg/apis/core/validation``. Messages are Kubernetes' own."""

from __future__ import annotations

import ipaddress
from typing import Any

from cluster.errors import FieldError, invalid

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"


def parse_ip_sloppy(value: Any) -> IPAddress | None:
    """Go's ``net.ParseIP`` plus the legacy leniency of ``ParseIPSloppy``: IPv4 octets with
    leading zeros are read as decimal. Zones (``fe80::1%eth0``) are not IPs."""
    if not isinstance(value, str) or not value or "%" in value:
        return None
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        pass
    parts = value.split(".")
    if len(parts) == 4 and all(p.isdigit() and p.isascii() and len(p) <= 3 for p in parts):
        octets = [int(p) for p in parts]
        if all(o <= 255 for o in octets):
            return ipaddress.IPv4Address(".".join(str(o) for o in octets))
    return None


def _as_v4(ip: IPAddress) -> IPAddress:
    """Go treats IPv4-mapped IPv6 addresses (``::ffff:a.b.c.d``) as IPv4."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_ipv4(ip: IPAddress) -> bool:
    return _as_v4(ip).version == 4


def validate_ip(path: str, value: Any) -> list[FieldError]:
    """``validation.IsValidIP``."""
    if parse_ip_sloppy(value) is None:
        return [invalid(path, value, IP_MSG)]
    return []


def validate_ipv4(path: str, value: Any) -> list[FieldError]:
    ip = parse_ip_sloppy(value)
    if ip is None or not is_ipv4(ip):
        return [invalid(path, value, "must be a valid IPv4 address")]
    return []


def validate_ipv6(path: str, value: Any) -> list[FieldError]:
    ip = parse_ip_sloppy(value)
    if ip is None or is_ipv4(ip):
        return [invalid(path, value, "must be a valid IPv6 address")]
    return []


def validate_non_special_ip(path: str, value: Any) -> list[FieldError]:
    """``ValidateNonSpecialIP``: no unspecified, loopback or link-local addresses."""
    parsed = parse_ip_sloppy(value)
    if parsed is None:
        return [invalid(path, value, "must be a valid IP address")]
    ip = _as_v4(parsed)
    errs: list[FieldError] = []
    if ip.is_unspecified:
        errs.append(invalid(path, value, f"may not be unspecified ({value})"))
    if ip.is_loopback:
        errs.append(invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    if ip.is_link_local:
        errs.append(
            invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)")
        )
    packed = ip.packed
    link_local_multicast = (
        packed[:3] == b"\xe0\x00\x00"
        if ip.version == 4
        else packed[0] == 0xFF and packed[1] & 0x0F == 0x02
    )
    if link_local_multicast:
        errs.append(
            invalid(
                path,
                value,
                "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
            )
        )
    return errs


def parse_cidr_sloppy(value: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if not isinstance(value, str) or value.count("/") != 1:
        return None
    addr, _, bits = value.partition("/")
    ip = parse_ip_sloppy(addr)
    if ip is None or not bits.isdigit() or not bits.isascii():
        return None
    try:
        return ipaddress.ip_network(f"{ip}/{int(bits)}", strict=False)
    except ValueError:
        return None


def validate_cidr(path: str, value: Any) -> list[FieldError]:
    """``validation.IsValidCIDR``."""
    if parse_cidr_sloppy(value) is None:
        return [invalid(path, value, CIDR_MSG)]
    return []


def is_dual_stack(families: list[int]) -> bool:
    """``IsDualStackIPs``/``IsDualStackCIDRs``: exactly one IPv4 and one IPv6 entry."""
    return len(families) == 2 and sorted(families) == [4, 6]
