"""IP and CIDR checks as the apiserver makes them (``k8s.io/utils/net`` sloppy parsing and
``apimachinery/pkg/util/validation/ip.go``).

Kubernetes parses service IPs "sloppily" (``ParseIPSloppy``): IPv4 octets may carry leading zeros,
which Python's :mod:`ipaddress` rejects, and an IPv4-mapped IPv6 address counts as IPv4. Scope
zones (``fe80::1%eth0``) are not IPs at all.
"""

from __future__ import annotations

import ipaddress
import re

from cluster.errors import FieldError, invalid

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

IPV4 = "IPv4"
IPV6 = "IPv6"

_dotted = re.compile(r"^(\d+)\.(\d+)\.(\d+)\.(\d+)$")

INVALID_IP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
INVALID_CIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"


def parse_ip_sloppy(value: object) -> IPAddress | None:
    """``netutils.ParseIPSloppy``: ``None`` when ``value`` is not an IP address."""
    if not isinstance(value, str) or not value or "%" in value:
        return None
    m = _dotted.match(value)
    if m:
        octets = [int(g) for g in m.groups()]
        if any(o > 255 for o in octets):
            return None
        return ipaddress.IPv4Address(bytes(octets))
    if ":" not in value:
        return None
    try:
        return ipaddress.IPv6Address(value)
    except ValueError:
        return None


def unmap(ip: IPAddress) -> IPAddress:
    """Go treats ``::ffff:a.b.c.d`` as the IPv4 address ``a.b.c.d`` (``To4() != nil``)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def family_of(value: str) -> str:
    """``familyOf``: "IPv4", "IPv6" or "unknown"."""
    ip = parse_ip_sloppy(value)
    if ip is None:
        return "unknown"
    return IPV4 if unmap(ip).version == 4 else IPV6


def is_ipv6_string(value: str) -> bool:
    return family_of(value) == IPV6


def canonical_ip(value: str) -> str | None:
    """The address as Go's ``net.IP.String()`` prints it."""
    ip = parse_ip_sloppy(value)
    return None if ip is None else str(unmap(ip))


def parse_cidr_sloppy(value: object) -> tuple[IPAddress, IPNetwork] | None:
    """``netutils.ParseCIDRSloppy``: the address and its network (host bits may be set)."""
    if not isinstance(value, str) or value.count("/") != 1:
        return None
    addr, _, bits = value.partition("/")
    ip = parse_ip_sloppy(addr)
    if ip is None or not bits.isdigit() or (len(bits) > 1 and bits[0] == "0"):
        return None
    try:
        net = ipaddress.ip_network(f"{ip}/{int(bits)}", strict=False)
    except ValueError:
        return None
    return ip, net


def validate_ip(path: str, value: object) -> list[FieldError]:
    """``IsValidIP``."""
    if parse_ip_sloppy(value) is None:
        return [invalid(path, value, INVALID_IP)]
    return []


def validate_ipv4(path: str, value: object) -> list[FieldError]:
    """``IsValidIPv4Address``."""
    ip = parse_ip_sloppy(value)
    if ip is None or unmap(ip).version != 4:
        return [invalid(path, value, "must be a valid IPv4 address")]
    return []


def validate_ipv6(path: str, value: object) -> list[FieldError]:
    """``IsValidIPv6Address``."""
    ip = parse_ip_sloppy(value)
    if ip is None or unmap(ip).version != 6:
        return [invalid(path, value, "must be a valid IPv6 address")]
    return []


def is_dual_stack(families: list[int]) -> bool:
    """``IsDualStackIPs``/``IsDualStackCIDRs``: exactly one IPv4 and one IPv6 entry."""
    return len(families) == 2 and sorted(families) == [4, 6]


def validate_cidr(path: str, value: object) -> list[FieldError]:
    """``IsValidCIDR``."""
    if parse_cidr_sloppy(value) is None:
        return [invalid(path, value, INVALID_CIDR)]
    return []


def validate_non_special_ip(value: str, path: str) -> list[FieldError]:
    """``ValidateNonSpecialIP``: no unspecified, loopback or link-local addresses."""
    parsed = parse_ip_sloppy(value)
    if parsed is None:
        return [invalid(path, value, "must be a valid IP address")]
    ip = unmap(parsed)
    errs: list[FieldError] = []
    if ip.is_unspecified:
        errs.append(invalid(path, value, f"may not be unspecified ({value})"))
    if ip.is_loopback or (ip.version == 4 and ip.packed[0] == 127):
        errs.append(invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"))
    if ip in _LINK_LOCAL_V4 or ip in _LINK_LOCAL_V6:
        errs.append(
            invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)")
        )
    if _is_link_local_multicast(ip):
        errs.append(
            invalid(
                path,
                value,
                "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
            )
        )
    return errs


_LINK_LOCAL_V4 = ipaddress.ip_network("169.254.0.0/16")
_LINK_LOCAL_V6 = ipaddress.ip_network("fe80::/10")
_LINK_LOCAL_MCAST_V4 = ipaddress.ip_network("224.0.0.0/24")


def _is_link_local_multicast(ip: IPAddress) -> bool:
    if ip.version == 4:
        return ip in _LINK_LOCAL_MCAST_V4
    packed = ip.packed
    # Go: ip[0] == 0xff && ip[1]&0x0f == 0x02 (any flags, link-local scope)
    return packed[0] == 0xFF and packed[1] & 0x0F == 0x02


def ip_warnings(path: str, value: str) -> list[str]:
    """``GetWarningsForIP``: non-standard (leading zeros, IPv4-mapped) or non-canonical IPv6."""
    parsed = parse_ip_sloppy(value)
    if parsed is None:
        return []
    strict_ok = _dotted.match(value) is None or all(
        g == "0" or not g.startswith("0") for g in value.split(".")
    )
    if not strict_ok or (parsed.version == 6 and parsed.ipv4_mapped is not None):
        return [
            f'{path}: non-standard IP address "{value}" will be considered invalid in a future '
            f'Kubernetes release: use "{unmap(parsed)}"'
        ]
    if parsed.version == 6 and str(parsed) != value:
        return [
            f'{path}: IPv6 address "{value}" should be in RFC 5952 canonical format ("{parsed}")'
        ]
    return []


def join_host_port(host: str, port: object) -> str:
    """Go's ``net.JoinHostPort``: a host containing ``:`` (IPv6) is bracketed."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
