"""The cluster zone's configuration and the shape of an answer (the records a question
gets, as dnspython RRsets), shared by the records, the server and the resolver."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from dns.rdtypes.IN.A import A
from dns.rdtypes.IN.AAAA import AAAA

from cluster.dns.index import canonical_ip

IN = dns.rdataclass.IN
DEFAULT_TTL = 5  # CoreDNS defaultTTL; kubeadm's Corefile sets 30
MAX_TTL = 3600
POD_MODES = ("disabled", "insecure", "verified")
REVERSE_ZONES = ("in-addr.arpa", "ip6.arpa")


@dataclass(frozen=True)
class ZoneConfig:
    """What a Corefile says: ``kubernetes <zone> in-addr.arpa ip6.arpa { pods …; ttl … }``.
    ``nameservers`` are the DNS Service's IPs (``ns.dns.<zone>`` and the apex NS)."""

    zone: str = "cluster.local"
    ttl: int = DEFAULT_TTL
    pods: str = "insecure"
    endpoint_pod_names: bool = False
    nameservers: tuple[str, ...] = ("10.96.0.10",)
    reverse_zones: tuple[str, ...] = REVERSE_ZONES

    def __post_init__(self) -> None:
        if not 0 <= self.ttl <= MAX_TTL:
            raise ValueError(f"ttl must be in 0..{MAX_TTL} (CoreDNS), not {self.ttl}")
        if self.pods not in POD_MODES:
            raise ValueError(f"pods must be one of {', '.join(POD_MODES)}, not {self.pods!r}")

    @cached_property
    def cluster_zone(self) -> dns.name.Name:
        return dns.name.from_text(self.zone).canonicalize()

    @cached_property
    def zones(self) -> list[tuple[dns.name.Name, bool]]:
        """Served zones, longest first (CoreDNS ``Zones.Matches``), each with is-reverse."""
        zones = [(self.cluster_zone, False)] + [
            (dns.name.from_text(z).canonicalize(), True) for z in self.reverse_zones
        ]
        return sorted(zones, key=lambda z: len(z[0]), reverse=True)

    @cached_property
    def zone_text(self) -> str:
        return self.cluster_zone.to_text()

    def match(self, qname: dns.name.Name) -> tuple[dns.name.Name, bool] | None:
        for zone, reverse in self.zones:
            if qname.is_subdomain(zone):
                return zone, reverse
        return None


Record = tuple[dns.name.Name, dns.rdata.Rdata, int]


@dataclass
class Answer:
    rcode: int
    answer: list[dns.rrset.RRset] = field(default_factory=list)
    authority: list[dns.rrset.RRset] = field(default_factory=list)
    additional: list[dns.rrset.RRset] = field(default_factory=list)

    @property
    def rcode_text(self) -> str:
        return dns.rcode.to_text(self.rcode)

    @staticmethod
    def lines(section: list[dns.rrset.RRset]) -> list[str]:
        return [line for rrset in section for line in rrset.to_text().splitlines()]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rcode": self.rcode_text,
            "answer": self.lines(self.answer),
            "authority": self.lines(self.authority),
            "additional": self.lines(self.additional),
        }


def host_type(host: str) -> tuple[int, str | None]:
    """``msg.Service.HostType``: an A or AAAA address, or a name (CNAME)."""
    ip = canonical_ip(host)
    if ip is None:
        return dns.rdatatype.CNAME, None
    return (dns.rdatatype.AAAA if ":" in ip else dns.rdatatype.A), ip


def extract_address_from_reverse(name: str) -> str:
    """``dnsutil.ExtractAddressFromReverse``: the IP a full reverse name spells, else ""."""
    for suffix, v6 in ((".in-addr.arpa.", False), (".ip6.arpa.", True)):
        if not name.endswith(suffix):
            continue
        labels = name[: -len(suffix)].split(".")
        labels.reverse()
        try:
            if not v6:
                return str(ipaddress.IPv4Address(".".join(labels)))
            groups = ["".join(labels[i * 4 : i * 4 + 4]) for i in range(len(labels) // 4)]
            return canonical_ip(str(ipaddress.IPv6Address(":".join(groups)))) or ""
        except ValueError:
            return ""
    return ""


def address_rdata(ip: str) -> dns.rdata.Rdata:
    if ":" in ip:
        return AAAA(IN, dns.rdatatype.AAAA, ip)
    return A(IN, dns.rdatatype.A, ip)


def rrsets(records: list[Record]) -> list[dns.rrset.RRset]:
    """Records grouped into RRsets by (owner, type), in first-seen order."""
    out: dict[tuple[dns.name.Name, int], dns.rrset.RRset] = {}
    for owner, rdata, ttl in records:
        key = (owner, rdata.rdtype)
        rrset = out.get(key)
        if rrset is None:
            rrset = out[key] = dns.rrset.RRset(owner, IN, rdata.rdtype)
            rrset.update_ttl(ttl)
        rrset.add(rdata, ttl)
    return list(out.values())
