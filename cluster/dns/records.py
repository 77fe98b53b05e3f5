"""Questions → answers for the cluster zone, as CoreDNS's ``kubernetes`` plugin gives them
(discovery.md §3; kubernetes/dns ``docs/specification.md`` is the minimum CoreDNS extends).

Pure: an :class:`~cluster.dns.index.Index` and a :class:`ZoneConfig` in, an :class:`Answer`
out. The structure follows CoreDNS so that its quirks come along: ``parseRequest`` splits the
name, ``Records`` finds the backend entries (``findServices``/``findPods``), and one function
per query type turns entries into records (``plugin.A``, ``SRV``, ``PTR``…) or into the name
error / NODATA decision (``ServeDNS``: an unsupported type does a fake A lookup).

Served zones: the cluster zone and, as kubeadm's Corefile lists them, ``in-addr.arpa`` and
``ip6.arpa``. A name outside them is REFUSED: CoreDNS answers REFUSED for a zone none of its
server blocks serves, and Portolan has no ``forward`` plugin to send it to. Wildcard queries
are gone from CoreDNS (1.9) and from the spec: ``*`` is an ordinary (missing) label here.
"""

from __future__ import annotations

from dataclasses import dataclass

import dns.exception
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from dns.rdtypes.ANY.CNAME import CNAME
from dns.rdtypes.ANY.NS import NS
from dns.rdtypes.ANY.PTR import PTR
from dns.rdtypes.ANY.SOA import SOA
from dns.rdtypes.ANY.TXT import TXT
from dns.rdtypes.IN.SRV import SRV

from cluster.dns.index import Address, Index, Port, ServiceRecord, canonical_ip
from cluster.dns.zone import (
    DEFAULT_TTL,
    IN,
    Answer,
    Record,
    ZoneConfig,
    address_rdata,
    extract_address_from_reverse,
    host_type,
    rrsets,
)

SCHEMA_VERSION = "1.1.0"  # kubernetes/dns specification.md schema, CoreDNS DNSSchemaVersion
SCHEMA_TTL = 28800
MAX_CNAME_CHAIN = 7  # plugin.A stops following after 8 CNAMEs


class _NotFound(Exception):
    """CoreDNS ``errNoItems`` / ``errInvalidRequest`` / ``errNsNotExposed``: a name error."""


@dataclass(slots=True)
class _Entry:
    """A backend entry (CoreDNS ``msg.Service``): an address or a name, and the owner name
    the entry stands for (``msg.Domain(Key)``, an SRV target)."""

    host: str = ""
    port: int = 0
    target: str = ""
    ttl: int = DEFAULT_TTL
    text: str = ""


@dataclass(slots=True)
class _Request:
    """``parseRequest``: ``[endpoint | _port._proto].service.namespace.(svc|pod)``."""

    kind: str = ""  # "svc", "pod" or "" (the zone apex, ``svc`` and ``pod`` themselves)
    namespace: str = ""
    service: str = ""
    endpoint: str = ""
    port: str = ""
    protocol: str = ""


def parse(labels: tuple[str, ...]) -> _Request:
    """Split a name relative to the zone (lower-case labels, leftmost first)."""
    r = _Request()
    if labels in ((), ("svc",), ("pod",)):
        return r
    if labels[-1] not in ("svc", "pod"):
        raise _NotFound
    r.kind = labels[-1]
    rest = labels[:-1]
    r.namespace = rest[-1]
    rest = rest[:-1]
    if not rest:
        return r
    r.service = rest[-1]
    rest = rest[:-1]
    if len(rest) == 1:
        r.endpoint = rest[0]
    elif len(rest) == 2:
        # Two labels left: port and protocol, underscores optional.
        r.port, r.protocol = rest[0].removeprefix("_"), rest[1].removeprefix("_")
    elif rest:
        raise _NotFound  # too long to answer
    return r


def _port_matches(r: _Request, p: Port) -> bool:
    """``matchPortAndProtocol``: an empty request field matches anything."""
    return (not r.port or r.port == p.name) and (not r.protocol or r.protocol == p.protocol)


def _fqdn(text: str) -> str:
    return text if text.endswith(".") else text + "."


def resolve(
    index: Index, config: ZoneConfig, qname: dns.name.Name | str, qtype: int | str
) -> Answer:
    """The answer to one question (class IN)."""
    if isinstance(qname, str):
        qname = dns.name.from_text(qname)
    if isinstance(qtype, str):
        qtype = dns.rdatatype.from_text(qtype)
    matched = config.match(qname)
    if matched is None:
        return Answer(dns.rcode.REFUSED)
    if qtype in (dns.rdatatype.AXFR, dns.rdatatype.IXFR):
        return Answer(dns.rcode.REFUSED)  # no zone transfers
    zone, reverse = matched
    return _Question(index, config, qname, zone, reverse).answer(qtype)


class _Question:
    def __init__(
        self,
        index: Index,
        config: ZoneConfig,
        qname: dns.name.Name,
        zone: dns.name.Name,
        reverse: bool,
    ) -> None:
        self.index = index
        self.config = config
        self.qname = qname  # as asked: answers echo its case
        self.name = qname.to_text().lower()  # CoreDNS ``state.Name()``
        self.zone = zone
        self.zone_text = zone.to_text()
        self.reverse = reverse
        self.labels = tuple(
            label.decode("latin-1").lower() for label in qname.relativize(zone).labels
        )
        self.ttl = config.ttl

    def sub(self, qname: dns.name.Name) -> _Question:
        """The same lookup for another name in the same zone (following a CNAME)."""
        return _Question(self.index, self.config, qname, self.zone, self.reverse)

    # --- ServeDNS ------------------------------------------------------------------------
    def answer(self, qtype: int) -> Answer:
        records: list[Record] = []
        extra: list[Record] = []
        try:
            if qtype == dns.rdatatype.A or qtype == dns.rdatatype.AAAA:
                records = self.addresses(qtype, [])
            elif qtype == dns.rdatatype.TXT:
                records = self.txt()
            elif qtype == dns.rdatatype.CNAME:
                records = self.cname()
            elif qtype == dns.rdatatype.PTR:
                records = self.ptr()
            elif qtype == dns.rdatatype.MX:
                self.services(qtype)  # no entry is ever a mail exchanger: NODATA or a name error
            elif qtype == dns.rdatatype.SRV:
                records, extra = self.srv()
            elif qtype == dns.rdatatype.SOA:
                if self.qname == self.zone:
                    records = [self.soa()]
            elif qtype == dns.rdatatype.NS and self.qname == self.zone:
                records, extra = self.ns()
            else:
                # "Do a fake A lookup, so we can distinguish between NODATA and NXDOMAIN".
                self.addresses(dns.rdatatype.A, [])
        except _NotFound:
            # Before the first full read a missing name may exist: SERVFAIL, not NXDOMAIN.
            rcode = dns.rcode.NXDOMAIN if self.index.synced else dns.rcode.SERVFAIL
            return Answer(rcode, authority=rrsets([self.soa()]))
        if not records:
            return Answer(dns.rcode.NOERROR, authority=rrsets([self.soa()]))
        return Answer(dns.rcode.NOERROR, answer=rrsets(records), additional=rrsets(extra))

    def soa(self) -> Record:
        """``plugin.SOA``: owner the zone, TTL min(ttl, 300), serial the last change."""
        rdata = SOA(
            IN,
            dns.rdatatype.SOA,
            dns.name.from_text("ns.dns." + self.zone_text),
            dns.name.from_text("hostmaster." + self.zone_text),
            self.index.modified & 0xFFFFFFFF,
            7200,
            1800,
            86400,
            self.ttl,
        )
        return self.zone, rdata, min(self.ttl, 300)

    # --- Services: the entries behind a name, per query type -----------------------------
    def services(self, qtype: int) -> list[_Entry]:
        if qtype == dns.rdatatype.TXT:
            if self.labels == ("dns-version",):
                return [_Entry(text=SCHEMA_VERSION, ttl=SCHEMA_TTL)]
            try:
                existing = self.records()
            except _NotFound:
                existing = []
            if existing:
                return []  # the name exists with other types: NODATA
            raise _NotFound
        if self.name == "ns.dns." + self.zone_text:
            return [e for e in self.ns_entries() if host_type(e.host)[0] == qtype]
        entries = self.records()
        if qtype == dns.rdatatype.SRV:
            entries = [e for e in entries if host_type(e.host)[0] != dns.rdatatype.CNAME]
        return entries

    def ns_entries(self) -> list[_Entry]:
        """``nsAddrs``: the DNS Service's IPs, named ``ns.dns.<zone>`` (no CoreDNS pod runs
        here, so the plugin's fallback form)."""
        name = "ns.dns." + self.zone_text
        return [_Entry(host=ip, target=name, ttl=self.ttl) for ip in self.config.nameservers]

    def records(self) -> list[_Entry]:
        """``Records``: parse the name, check the namespace, find pods or services."""
        r = parse(self.labels)
        if not r.kind:
            return []
        if self.reverse:
            raise _NotFound
        if r.namespace not in self.index.namespaces:
            raise _NotFound
        if r.kind == "pod":
            return self.pods(r)
        return self.find_services(r)

    def pods(self, r: _Request) -> list[_Entry]:
        """``findPods``: ``a-b-c-d.<ns>.pod.<zone>``. ``insecure`` parses the IP from the
        label; ``verified`` also needs a pod with that IP in the namespace."""
        mode = self.config.pods
        if mode == "disabled":
            raise _NotFound
        if not r.service:
            return []  # <ns>.pod.<zone>: NODATA
        label = r.service
        if label.count("-") == 3 and "--" not in label:
            ip_text = label.replace("-", ".")
        else:
            ip_text = label.replace("-", ":")
        ip = canonical_ip(ip_text)
        if ip is None:
            raise _NotFound
        if mode == "verified" and r.namespace not in self.index.pod_ips.get(ip, {}):
            raise _NotFound
        target = f"{label}.{r.namespace}.pod.{self.zone_text}"
        return [_Entry(host=ip, target=target, ttl=self.ttl)]

    def find_services(self, r: _Request) -> list[_Entry]:
        """``findServices``: ExternalName → its name; headless service or endpoint query →
        ready endpoint addresses × matching ports; otherwise cluster IPs × matching ports."""
        if not r.service:
            return []  # <ns>.svc.<zone>: NODATA
        svc = self.index.service(r.namespace, r.service)
        if svc is None:
            raise _NotFound
        svc_name = f"{svc.name}.{svc.namespace}.svc.{self.zone_text}"
        if svc.type == "ExternalName":
            if r.endpoint or r.port or r.protocol:
                raise _NotFound
            if host_type(svc.external_name)[0] != dns.rdatatype.CNAME:
                raise _NotFound  # an IP in externalName: no CNAME
            return [_Entry(host=svc.external_name, target=svc_name, ttl=self.ttl)]
        if svc.headless or r.endpoint:
            return self.endpoint_entries(r, svc, svc_name)
        entries = []
        matched = False
        for p in svc.ports:
            if not _port_matches(r, p):
                continue
            matched = True
            entries.extend(
                _Entry(host=ip, port=p.port, target=svc_name, ttl=self.ttl)
                for ip in svc.cluster_ips
            )
        if not matched:
            raise _NotFound
        return entries

    def endpoint_entries(self, r: _Request, svc: ServiceRecord, svc_name: str) -> list[_Entry]:
        pod_names = self.config.endpoint_pod_names
        entries = []
        for slice_ in self.index.slices_of(svc.namespace, svc.name):
            for addr in slice_.addresses:
                label = addr.label(pod_names)
                if r.endpoint and r.endpoint != label:
                    continue
                target = f"{label}.{svc_name}"
                entries.extend(
                    _Entry(host=addr.ip, port=p.port, target=target, ttl=self.ttl)
                    for p in slice_.ports
                    if _port_matches(r, p)
                )
        if not entries:
            raise _NotFound  # includes a headless service with no ready endpoint
        return entries

    # --- one function per query type ------------------------------------------------------
    def addresses(self, qtype: int, previous: list[tuple[str, str]]) -> list[Record]:
        """``plugin.A`` / ``plugin.AAAA``: addresses of the family, de-duplicated; a name is a
        CNAME, followed inside the zone (and, with no upstream here, given alone outside)."""
        entries = self.services(qtype)
        records: list[Record] = []
        seen: set[str] = set()
        for e in entries:
            kind, ip = host_type(e.host)
            if kind == dns.rdatatype.CNAME:
                records.extend(self.follow_cname(e, qtype, previous))
            elif kind == qtype and ip is not None and ip not in seen:
                seen.add(ip)
                records.append((self.qname, address_rdata(ip), e.ttl))
        return records

    def follow_cname(self, e: _Entry, qtype: int, previous: list[tuple[str, str]]) -> list[Record]:
        target_text = _fqdn(e.host).lower()
        if target_text == self.name or target_text.endswith("." + self.name):
            return []  # x CNAME x (or below x): a loop
        link = (self.name, target_text)
        if len(previous) > MAX_CNAME_CHAIN or link in previous:
            return []
        try:
            target = dns.name.from_text(_fqdn(e.host))
        except dns.exception.DNSException:
            return []
        cname = (self.qname, CNAME(IN, dns.rdatatype.CNAME, target), e.ttl)
        if not target.is_subdomain(self.zone):
            # Outside the zone CoreDNS asks its upstream and appends what it gets; Portolan
            # has none (it answers REFUSED for such a name), so the CNAME stands alone.
            return [cname]
        try:
            following = self.sub(target).addresses(qtype, [*previous, link])
        except _NotFound:
            return []
        return [cname, *following] if following else []

    def txt(self) -> list[Record]:
        out: list[Record] = []
        seen: set[str] = set()
        for e in self.services(dns.rdatatype.TXT):
            if e.text and e.text not in seen:
                seen.add(e.text)
                out.append((self.qname, TXT(IN, dns.rdatatype.TXT, [e.text.encode()]), e.ttl))
        return out

    def cname(self) -> list[Record]:
        """``plugin.CNAME``: the first entry, when it is a name."""
        entries = self.services(dns.rdatatype.CNAME)
        if not entries or host_type(entries[0].host)[0] != dns.rdatatype.CNAME:
            return []
        target = dns.name.from_text(_fqdn(entries[0].host))
        return [(self.qname, CNAME(IN, dns.rdatatype.CNAME, target), entries[0].ttl)]

    def ptr(self) -> list[Record]:
        """``Reverse``: a service cluster IP names its service; otherwise every published
        endpoint with that IP names ``<endpoint>.<svc>.<ns>.svc.<zone>``."""
        ip = extract_address_from_reverse(self.name)
        if not ip:
            self.records()  # a name error, or NODATA for a name that exists
            return []
        zone = self.config.zone_text
        hosts: list[str] = []
        for ns, name in self.index.service_ips.get(ip, {}):
            hosts = [f"{name}.{ns}.svc.{zone}"]
            break
        else:
            pod_names = self.config.endpoint_pod_names
            endpoints = self.index.endpoint_ips.get(ip, {})
            for key in sorted(endpoints):
                ns, svc, _ = key
                addrs: tuple[Address, ...] = endpoints[key]
                hosts.extend(f"{a.label(pod_names)}.{svc}.{ns}.svc.{zone}" for a in addrs)
        if not hosts:
            raise _NotFound
        out: list[Record] = []
        for host in dict.fromkeys(hosts):
            out.append((self.qname, PTR(IN, dns.rdatatype.PTR, dns.name.from_text(host)), self.ttl))
        return out

    def srv(self) -> tuple[list[Record], list[Record]]:
        """``plugin.SRV``: priority 0, weight floor(100 / entries) (at least 1), one record per
        (target, port), the targets' addresses in the additional section; the sentinel port
        -1 of a port-less slice gives no SRV."""
        entries = self.services(dns.rdatatype.SRV)
        if not entries:
            return [], []
        weight = max(1, 100 // len(entries))  # CoreDNS: floor(100 / (100 n) * 100), at least 1
        records: list[Record] = []
        extra: list[Record] = []
        seen_srv: set[tuple[str, int]] = set()
        seen_addr: set[tuple[str, str]] = set()
        for e in entries:
            if e.port == -1:
                continue
            kind, ip = host_type(e.host)
            if ip is None:
                continue
            target = dns.name.from_text(e.target)
            if (e.target, e.port) not in seen_srv:
                seen_srv.add((e.target, e.port))
                rdata = SRV(IN, dns.rdatatype.SRV, 0, weight, e.port, target)
                records.append((self.qname, rdata, e.ttl))
            if (e.target, ip) not in seen_addr:
                seen_addr.add((e.target, ip))
                extra.append((target, address_rdata(ip), e.ttl))
        return records, extra

    def ns(self) -> tuple[list[Record], list[Record]]:
        records: list[Record] = []
        extra: list[Record] = []
        for e in self.ns_entries():
            target = dns.name.from_text(e.target)
            if not records:
                records.append((self.qname, NS(IN, dns.rdatatype.NS, target), e.ttl))
            extra.append((target, address_rdata(e.host), e.ttl))
        return records, extra
