"""The cluster zone's answers (discovery.md §3), table-driven. Each case names where it comes
from: CoreDNS ``plugin/kubernetes`` tests (``handler_test.go`` TestServeDNS,
``reverse_test.go`` TestReverse, ``handler_pod_*_test.go``, ``setup_ttl_test.go``) or a section
of kubernetes/dns ``docs/specification.md``; "[derived]" marks what follows from CoreDNS's code
with no upstream test (discovery.md's marker)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cluster.dns.index import Index, dashed
from cluster.dns.records import resolve
from cluster.dns.zone import ZoneConfig, extract_address_from_reverse
from tests.dns.fixtures import (
    SERIAL,
    coredns_cluster,
    coredns_index,
    endpoint,
    endpoint_slice,
    namespace,
    service,
)

Z = "cluster.local."
SOA = f"{Z} 5 IN SOA ns.dns.{Z} hostmaster.{Z} {SERIAL} 7200 1800 86400 5"
SOA_V4 = f"in-addr.arpa. 5 IN SOA ns.dns.in-addr.arpa. hostmaster.in-addr.arpa. {SERIAL} 7200 1800 86400 5"


@dataclass(frozen=True)
class Case:
    source: str
    qname: str
    qtype: str
    rcode: str = "NOERROR"
    answer: tuple[str, ...] = ()
    additional: tuple[str, ...] = ()
    authority: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.source}: {self.qname} {self.qtype}"


def nodata(source: str, qname: str, qtype: str, soa: str = SOA) -> Case:
    return Case(source, qname, qtype, "NOERROR", authority=(soa,))


def nxdomain(source: str, qname: str, qtype: str, soa: str = SOA) -> Case:
    return Case(source, qname, qtype, "NXDOMAIN", authority=(soa,))


SERVE_DNS = "handler_test.go TestServeDNS"
HDLS_SRV = [
    f"_http._tcp.hdls1.testns.svc.{Z} 5 IN SRV 0 16 80 {host}.hdls1.testns.svc.{Z}"
    for host in ("172-0-0-2", "172-0-0-3", "dup-name", "5678-abcd--1", "5678-abcd--2")
]
HDLS_EXTRA = [
    f"172-0-0-2.hdls1.testns.svc.{Z} 5 IN A 172.0.0.2",
    f"172-0-0-3.hdls1.testns.svc.{Z} 5 IN A 172.0.0.3",
    f"dup-name.hdls1.testns.svc.{Z} 5 IN A 172.0.0.4",
    f"dup-name.hdls1.testns.svc.{Z} 5 IN A 172.0.0.5",
    f"5678-abcd--1.hdls1.testns.svc.{Z} 5 IN AAAA 5678:abcd::1",
    f"5678-abcd--2.hdls1.testns.svc.{Z} 5 IN AAAA 5678:abcd::2",
]

CASES = [
    # --- ClusterIP services (specification.md §2.3) -----------------------------------------
    Case(
        f"{SERVE_DNS} 'A Service'; specification.md §2.3.1",
        f"svc1.testns.svc.{Z}",
        "A",
        answer=(f"svc1.testns.svc.{Z} 5 IN A 10.0.0.1",),
    ),
    Case(
        f"{SERVE_DNS} svcempty: a ClusterIP service answers without endpoints",
        f"svcempty.testns.svc.{Z}",
        "A",
        answer=(f"svcempty.testns.svc.{Z} 5 IN A 10.0.0.2",),
    ),
    Case(
        f"{SERVE_DNS} 'SRV Service'; specification.md §2.3.2",
        f"_http._tcp.svc1.testns.svc.{Z}",
        "SRV",
        answer=(f"_http._tcp.svc1.testns.svc.{Z} 5 IN SRV 0 100 80 svc1.testns.svc.{Z}",),
        additional=(f"svc1.testns.svc.{Z} 5 IN A 10.0.0.1",),
    ),
    Case(
        f"{SERVE_DNS} SRV of svcempty",
        f"_http._tcp.svcempty.testns.svc.{Z}",
        "SRV",
        answer=(f"_http._tcp.svcempty.testns.svc.{Z} 5 IN SRV 0 100 80 svcempty.testns.svc.{Z}",),
        additional=(f"svcempty.testns.svc.{Z} 5 IN A 10.0.0.2",),
    ),
    Case(
        f"{SERVE_DNS} SRV without _port._proto (CoreDNS extension: every port)",
        f"svc1.testns.svc.{Z}",
        "SRV",
        answer=(f"svc1.testns.svc.{Z} 5 IN SRV 0 100 80 svc1.testns.svc.{Z}",),
        additional=(f"svc1.testns.svc.{Z} 5 IN A 10.0.0.1",),
    ),
    Case(
        "[derived] SRV without _port._proto on two ports: weight floor(100/2)",
        f"multiport.testns.svc.{Z}",
        "SRV",
        answer=(
            f"multiport.testns.svc.{Z} 5 IN SRV 0 50 80 multiport.testns.svc.{Z}",
            f"multiport.testns.svc.{Z} 5 IN SRV 0 50 53 multiport.testns.svc.{Z}",
        ),
        additional=(f"multiport.testns.svc.{Z} 5 IN A 10.0.0.4",),
    ),
    Case(
        "parse.go parseRequest: the protocol of _port._proto must match (dns is UDP)",
        f"_dns._udp.multiport.testns.svc.{Z}",
        "SRV",
        answer=(f"_dns._udp.multiport.testns.svc.{Z} 5 IN SRV 0 100 53 multiport.testns.svc.{Z}",),
        additional=(f"multiport.testns.svc.{Z} 5 IN A 10.0.0.4",),
    ),
    Case(
        "parse.go parseRequest: underscores of _port._proto are optional",
        f"http.tcp.svc1.testns.svc.{Z}",
        "SRV",
        answer=(f"http.tcp.svc1.testns.svc.{Z} 5 IN SRV 0 100 80 svc1.testns.svc.{Z}",),
        additional=(f"svc1.testns.svc.{Z} 5 IN A 10.0.0.1",),
    ),
    nxdomain("discovery.md §3.3: SRV port not found", f"_https._tcp.svc1.testns.svc.{Z}", "SRV"),
    nxdomain("discovery.md §3.3: SRV protocol not found", f"_http._udp.svc1.testns.svc.{Z}", "SRV"),
    Case(
        f"{SERVE_DNS} AAAA Service",
        f"svc6.testns.svc.{Z}",
        "AAAA",
        answer=(f"svc6.testns.svc.{Z} 5 IN AAAA 1234:abcd::1",),
    ),
    Case(
        f"{SERVE_DNS} SRV of an IPv6 service",
        f"_http._tcp.svc6.testns.svc.{Z}",
        "SRV",
        answer=(f"_http._tcp.svc6.testns.svc.{Z} 5 IN SRV 0 100 80 svc6.testns.svc.{Z}",),
        additional=(f"svc6.testns.svc.{Z} 5 IN AAAA 1234:abcd::1",),
    ),
    nodata(f"{SERVE_DNS} AAAA of an IPv4-only service: NODATA", f"svc1.testns.svc.{Z}", "AAAA"),
    Case(
        f"{SERVE_DNS} Dual Stack ClusterIP Services: A",
        f"svc-dual-stack.testns.svc.{Z}",
        "A",
        answer=(f"svc-dual-stack.testns.svc.{Z} 5 IN A 10.0.0.3",),
    ),
    Case(
        f"{SERVE_DNS} Dual Stack ClusterIP Services: AAAA",
        f"svc-dual-stack.testns.svc.{Z}",
        "AAAA",
        answer=(f"svc-dual-stack.testns.svc.{Z} 5 IN AAAA 10::3",),
    ),
    Case(
        f"{SERVE_DNS} Dual Stack ClusterIP Services: one SRV of weight 50",
        f"svc-dual-stack.testns.svc.{Z}",
        "SRV",
        answer=(f"svc-dual-stack.testns.svc.{Z} 5 IN SRV 0 50 80 svc-dual-stack.testns.svc.{Z}",),
        additional=(
            f"svc-dual-stack.testns.svc.{Z} 5 IN A 10.0.0.3",
            f"svc-dual-stack.testns.svc.{Z} 5 IN AAAA 10::3",
        ),
    ),
    Case(
        "specification.md §2.1: comparisons are case-insensitive; the answer echoes the query",
        f"SVC1.TestNS.svc.{Z}",
        "A",
        answer=(f"SVC1.TestNS.svc.{Z} 5 IN A 10.0.0.1",),
    ),
    # --- headless services (specification.md §2.4) -----------------------------------------
    Case(
        f"{SERVE_DNS} 'A Service (Headless)'; specification.md §2.4.1: ready endpoints only",
        f"hdls1.testns.svc.{Z}",
        "A",
        answer=tuple(f"hdls1.testns.svc.{Z} 5 IN A 172.0.0.{i}" for i in (2, 3, 4, 5)),
    ),
    Case(
        f"{SERVE_DNS} AAAA Service (Headless)",
        f"hdls1.testns.svc.{Z}",
        "AAAA",
        answer=(
            f"hdls1.testns.svc.{Z} 5 IN AAAA 5678:abcd::1",
            f"hdls1.testns.svc.{Z} 5 IN AAAA 5678:abcd::2",
        ),
    ),
    Case(
        f"{SERVE_DNS} 'A Service (Headless and Portless)'",
        f"hdlsprtls.testns.svc.{Z}",
        "A",
        answer=(f"hdlsprtls.testns.svc.{Z} 5 IN A 172.0.0.20",),
    ),
    Case(
        f"{SERVE_DNS} 'An Endpoint with no port'",
        f"172-0-0-20.hdlsprtls.testns.svc.{Z}",
        "A",
        answer=(f"172-0-0-20.hdlsprtls.testns.svc.{Z} 5 IN A 172.0.0.20",),
    ),
    nodata(
        "discovery.md §3.6: a port-less slice is never in SRV answers",
        f"hdlsprtls.testns.svc.{Z}",
        "SRV",
    ),
    Case(
        f"{SERVE_DNS} 'An Endpoint ip': the dashed-IP name of an endpoint without hostname",
        f"172-0-0-2.hdls1.testns.svc.{Z}",
        "A",
        answer=(f"172-0-0-2.hdls1.testns.svc.{Z} 5 IN A 172.0.0.2",),
    ),
    Case(
        f"{SERVE_DNS} 'An Endpoint by name'; specification.md §2.4.1: one A per IP",
        f"dup-name.hdls1.testns.svc.{Z}",
        "A",
        answer=(
            f"dup-name.hdls1.testns.svc.{Z} 5 IN A 172.0.0.4",
            f"dup-name.hdls1.testns.svc.{Z} 5 IN A 172.0.0.5",
        ),
    ),
    Case(
        f"{SERVE_DNS} AAAA Endpoint",
        f"5678-abcd--1.hdls1.testns.svc.{Z}",
        "AAAA",
        answer=(f"5678-abcd--1.hdls1.testns.svc.{Z} 5 IN AAAA 5678:abcd::1",),
    ),
    Case(
        f"{SERVE_DNS} 'SRV Service (Headless)': 6 entries → weight 16, dup-name collapsed",
        f"_http._tcp.hdls1.testns.svc.{Z}",
        "SRV",
        answer=tuple(HDLS_SRV),
        additional=tuple(HDLS_EXTRA),
    ),
    Case(
        "discovery.md §3.2: endpoint names on a ClusterIP service (CoreDNS extension)",
        f"ep1a.svc1.testns.svc.{Z}",
        "A",
        answer=(f"ep1a.svc1.testns.svc.{Z} 5 IN A 172.0.0.1",),
    ),
    nxdomain(
        "specification.md §2.4.1: a headless service with no ready endpoint",
        f"hdls-notready.testns.svc.{Z}",
        "A",
    ),
    nxdomain(
        "discovery.md §3.1 endpointsliceReady: a not-ready endpoint has no name",
        f"172-0-0-99.hdls1.testns.svc.{Z}",
        "A",
    ),
    nxdomain(
        f"{SERVE_DNS} 'A Service (Headless) does not exist'",
        f"bogusendpoint.hdls1.testns.svc.{Z}",
        "A",
    ),
    nxdomain(f"{SERVE_DNS} 'A Service does not exist'", f"bogusendpoint.svc0.testns.svc.{Z}", "A"),
    nxdomain("parse.go parseRequest: too many labels", f"a.b.c.svc1.testns.svc.{Z}", "A"),
    nxdomain(
        "[derived] no wildcards (removed in CoreDNS 1.9; not in the spec)", f"*.testns.svc.{Z}", "A"
    ),
    # --- ExternalName (specification.md §2.5) ----------------------------------------------
    Case(
        f"{SERVE_DNS} 'CNAME External'",
        f"external.testns.svc.{Z}",
        "CNAME",
        answer=(f"external.testns.svc.{Z} 5 IN CNAME ext.interwebs.test.",),
    ),
    Case(
        f"{SERVE_DNS} CNAME External, A query: no upstream here, so the CNAME alone",
        f"external.testns.svc.{Z}",
        "A",
        answer=(f"external.testns.svc.{Z} 5 IN CNAME ext.interwebs.test.",),
    ),
    Case(
        f"{SERVE_DNS} 'CNAME External To Internal Service': followed inside the zone",
        f"external-to-service.testns.svc.{Z}",
        "A",
        answer=(
            f"external-to-service.testns.svc.{Z} 5 IN CNAME svc1.testns.svc.{Z}",
            f"svc1.testns.svc.{Z} 5 IN A 10.0.0.1",
        ),
    ),
    nxdomain(
        f"{SERVE_DNS} 'A query for a subdomain of an external service'",
        f"endpoint.external.testns.svc.{Z}",
        "CNAME",
    ),
    nxdomain(
        "discovery.md §3.2 [derived]: an IP in externalName", f"external-ip.testns.svc.{Z}", "A"
    ),
    nxdomain(
        "kubernetes.go findServices: no _port._proto names below an ExternalName service",
        f"_http._tcp.external.testns.svc.{Z}",
        "SRV",
    ),
    nodata(
        "kubernetes.go Services: SRV drops ExternalName entries",
        f"external.testns.svc.{Z}",
        "SRV",
    ),
    # --- NXDOMAIN vs NODATA (discovery.md §3.3) --------------------------------------------
    nxdomain(f"{SERVE_DNS} 'A Service (non-existing service)'", f"svc0.testns.svc.{Z}", "A"),
    nxdomain(f"{SERVE_DNS} 'AAAA Service (non-existing service)'", f"svc0.testns.svc.{Z}", "AAAA"),
    nxdomain(f"{SERVE_DNS} 'A Service (non-existing namespace)'", f"svc0.svc-nons.svc.{Z}", "A"),
    nodata(f"{SERVE_DNS} the bare svc.<zone>", f"svc.{Z}", "A"),
    nodata(f"{SERVE_DNS} the bare pod.<zone>", f"pod.{Z}", "A"),
    nodata(f"{SERVE_DNS} <ns>.svc.<zone>", f"testns.svc.{Z}", "A"),
    nodata(f"{SERVE_DNS} NS for qname != zone (existing)", f"svc.{Z}", "NS"),
    nodata(f"{SERVE_DNS} NS for qname != zone (existing)", f"testns.svc.{Z}", "NS"),
    nxdomain(f"{SERVE_DNS} NS for qname != zone (non existing)", f"foo.{Z}", "NS"),
    nxdomain(f"{SERVE_DNS} NS for qname != zone (non existing)", f"foo.svc.{Z}", "NS"),
    nodata(f"{SERVE_DNS} SOA of a service name", f"svc1.testns.svc.{Z}", "SOA"),
    nodata("kubernetes.go Services: TXT on an existing name", f"svc1.testns.svc.{Z}", "TXT"),
    nxdomain("kubernetes.go Services: TXT on a missing name", f"svc0.testns.svc.{Z}", "TXT"),
    nodata("handler.go: other types do a fake A lookup (exists)", f"svc1.testns.svc.{Z}", "HINFO"),
    nxdomain(
        "handler.go: other types do a fake A lookup (missing)", f"svc0.testns.svc.{Z}", "HINFO"
    ),
    nodata("backend_lookup.go MX: no entry is a mail exchanger", f"svc1.testns.svc.{Z}", "MX"),
    # --- the zone itself --------------------------------------------------------------------
    Case(
        f"{SERVE_DNS} 'TXT Schema'; specification.md §2.2",
        f"dns-version.{Z}",
        "TXT",
        answer=(f'dns-version.{Z} 28800 IN TXT "1.1.0"',),
    ),
    Case(
        "backend_lookup.go SOA at the apex",
        Z,
        "SOA",
        answer=(SOA,),
    ),
    Case(
        "backend_lookup.go NS at the apex: ns.dns.<zone> and the DNS Service IP",
        Z,
        "NS",
        answer=(f"{Z} 5 IN NS ns.dns.{Z}",),
        additional=(f"ns.dns.{Z} 5 IN A 10.96.0.10",),
    ),
    Case(
        "kubernetes.go isDefaultNS: ns.dns.<zone>",
        f"ns.dns.{Z}",
        "A",
        answer=(f"ns.dns.{Z} 5 IN A 10.96.0.10",),
    ),
    nodata("backend_lookup.go checkForApex: the apex has no address", Z, "A"),
    nxdomain(
        "kubernetes.go Services [derived]: TXT at the apex is a name error (CoreDNS)", Z, "TXT"
    ),
    Case("handler.go: no zone transfers", Z, "AXFR", "REFUSED"),
    Case(
        "server.go: a name outside every served zone (no forward plugin)",
        "example.com.",
        "A",
        "REFUSED",
    ),
    # --- PTR (specification.md §2.3.3, §2.4.3) ------------------------------------------------
    Case(
        "reverse_test.go TestReverse: a service cluster IP; specification.md §2.3.3",
        "1.0.0.10.in-addr.arpa.",
        "PTR",
        answer=(f"1.0.0.10.in-addr.arpa. 5 IN PTR svc1.testns.svc.{Z}",),
    ),
    Case(
        "reverse_test.go TestReverse: an endpoint with hostname (in two slices: one PTR)",
        "1.0.0.172.in-addr.arpa.",
        "PTR",
        answer=(f"1.0.0.172.in-addr.arpa. 5 IN PTR ep1a.svc1.testns.svc.{Z}",),
    ),
    Case(
        "reverse_test.go TestReversePTRHostnameOnly default: the dashed-IP name",
        "2.0.0.172.in-addr.arpa.",
        "PTR",
        answer=(f"2.0.0.172.in-addr.arpa. 5 IN PTR 172-0-0-2.hdls1.testns.svc.{Z}",),
    ),
    Case(
        "reverse_test.go TestReverse: an IP two services select",
        "99.0.0.10.in-addr.arpa.",
        "PTR",
        answer=(
            f"99.0.0.10.in-addr.arpa. 5 IN PTR double-ep.svc1.testns.svc.{Z}",
            f"99.0.0.10.in-addr.arpa. 5 IN PTR double-ep.svc2.testns.svc.{Z}",
        ),
    ),
    Case(
        "reverse_test.go TestReverse: an IPv6 endpoint",
        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.7.6.5.ip6.arpa.",
        "PTR",
        answer=(
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.8.7.6.5.ip6.arpa. 5 IN PTR "
            f"5678-abcd--1.hdls1.testns.svc.{Z}",
        ),
    ),
    nxdomain(
        "reverse_test.go TestReverse: an unknown IP", "101.0.0.10.in-addr.arpa.", "PTR", SOA_V4
    ),
    nxdomain(
        "discovery.md §3.1: a not-ready endpoint has no PTR",
        "99.0.0.172.in-addr.arpa.",
        "PTR",
        SOA_V4,
    ),
    nxdomain("reverse_test.go TestReverse: PTR of a name", f"example.org.{Z}", "PTR"),
    nodata("reverse_test.go TestReverse: PTR of a service name", f"svc1.testns.svc.{Z}", "PTR"),
    nxdomain(
        "reverse_test.go TestReverse: A in a reverse zone",
        "svc1.testns.svc.0.10.in-addr.arpa.",
        "A",
        SOA_V4,
    ),
    nxdomain("reverse_test.go TestReverse: a reverse-looking name", f"100.0.0.10.{Z}", "PTR"),
    # --- pods insecure (the default here: kubeadm's Corefile) ------------------------------
    Case(
        "handler_pod_insecure_test.go; specification.md §2.6",
        f"10-240-0-1.podns.pod.{Z}",
        "A",
        answer=(f"10-240-0-1.podns.pod.{Z} 5 IN A 10.240.0.1",),
    ),
    Case(
        "handler_pod_insecure_test.go: no API check",
        f"172-0-0-2.podns.pod.{Z}",
        "A",
        answer=(f"172-0-0-2.podns.pod.{Z} 5 IN A 172.0.0.2",),
    ),
    Case(
        "kubernetes.go findPods: an IPv6 label (dashes for colons)",
        f"1234-abcd--1.podns.pod.{Z}",
        "AAAA",
        answer=(f"1234-abcd--1.podns.pod.{Z} 5 IN AAAA 1234:abcd::1",),
    ),
    nodata("kubernetes.go findPods: AAAA of an IPv4 label", f"10-240-0-1.podns.pod.{Z}", "AAAA"),
    nxdomain("handler_pod_insecure_test.go: not an IP", f"blah.podns.pod.{Z}", "A"),
    nxdomain("handler_pod_insecure_test.go: not an IP", f"blah.podns.pod.{Z}", "AAAA"),
    nxdomain("handler_pod_insecure_test.go: not an IP", f"blah.podns.pod.{Z}", "HINFO"),
    nxdomain("handler_pod_insecure_test.go: no such namespace", f"blah.pod-nons.pod.{Z}", "A"),
    nodata("handler_pod_insecure_test.go: <ns>.pod.<zone>", f"podns.pod.{Z}", "A"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_answer(case: Case) -> None:
    answer = resolve(coredns_index(), ZoneConfig(), case.qname, case.qtype).as_dict()
    assert answer["rcode"] == case.rcode
    assert sorted(answer["answer"]) == sorted(case.answer)
    assert sorted(answer["additional"]) == sorted(case.additional)
    assert answer["authority"] == list(case.authority)


def test_a_cname_comes_before_its_target():
    # handler_test.go TestServeDNS: test.CNAMEOrder — a CNAME precedes its target's records.
    answer = resolve(coredns_index(), ZoneConfig(), f"external-to-service.testns.svc.{Z}", "A")
    assert [rrset.rdtype for rrset in answer.answer] == [5, 1]  # CNAME, then A


@pytest.mark.parametrize(
    ("source", "mode", "qname", "rcode", "answer"),
    [
        (
            "handler_pod_disabled_test.go (the plugin's default)",
            "disabled",
            f"10-240-0-1.podns.pod.{Z}",
            "NXDOMAIN",
            [],
        ),
        (
            "discovery.md §3.3: disabled: every name below pod.<zone>",
            "disabled",
            f"podns.pod.{Z}",
            "NXDOMAIN",
            [],
        ),
        (
            "handler_pod_verified_test.go: a pod with that IP in the namespace",
            "verified",
            f"10-240-0-1.podns.pod.{Z}",
            "NOERROR",
            [f"10-240-0-1.podns.pod.{Z} 5 IN A 10.240.0.1"],
        ),
        (
            "handler_pod_verified_test.go: no pod has that IP",
            "verified",
            f"172-0-0-2.podns.pod.{Z}",
            "NXDOMAIN",
            [],
        ),
        (
            "handler_pod_verified_test.go: the pod is in another namespace",
            "verified",
            f"10-240-0-1.testns.pod.{Z}",
            "NXDOMAIN",
            [],
        ),
        (
            "object/pod.go ToPod: a terminating pod is not indexed",
            "verified",
            f"10-240-0-2.podns.pod.{Z}",
            "NXDOMAIN",
            [],
        ),
    ],
)
def test_pod_modes(source, mode, qname, rcode, answer):
    result = resolve(coredns_index(), ZoneConfig(pods=mode), qname, "A").as_dict()
    assert (result["rcode"], result["answer"]) == (rcode, answer), source


def test_ttl_option_sets_answers_and_the_soa():
    # setup_ttl_test.go; backend_lookup.go SOA: TTL min(ttl, 300), minimum = ttl (kubeadm: 30).
    config = ZoneConfig(ttl=30)
    index = coredns_index()
    a = resolve(index, config, f"svc1.testns.svc.{Z}", "A").as_dict()
    assert a["answer"] == [f"svc1.testns.svc.{Z} 30 IN A 10.0.0.1"]
    missing = resolve(index, config, f"svc0.testns.svc.{Z}", "A").as_dict()
    assert missing["authority"] == [
        f"{Z} 30 IN SOA ns.dns.{Z} hostmaster.{Z} {SERIAL} 7200 1800 86400 30"
    ]
    long = resolve(index, ZoneConfig(ttl=3600), f"svc0.testns.svc.{Z}", "A").as_dict()
    assert long["authority"][0].split()[1] == "300"


@pytest.mark.parametrize("ttl", [-1, 3601])
def test_ttl_out_of_range_is_rejected(ttl):
    # setup.go: "ttl must be in range [0, 3600]"
    with pytest.raises(ValueError, match="ttl"):
        ZoneConfig(ttl=ttl)


def test_before_the_first_sync_a_missing_name_is_servfail():
    # handler_test.go TestNotSyncedServeDNS: SERVFAIL, not NXDOMAIN, with the SOA.
    index = Index()
    index.modified = SERIAL
    answer = resolve(index, ZoneConfig(), f"svc0.testns.svc.{Z}", "A").as_dict()
    assert answer["rcode"] == "SERVFAIL"
    assert answer["authority"] == [SOA]


def test_endpoint_pod_names_names_endpoints_after_their_pods():
    # CoreDNS README endpoint_pod_names: an endpoint without hostname is named after its pod.
    objs = [
        namespace("testns"),
        service("web", ips=["None"]),
        endpoint_slice("web-1", "web", [endpoint("10.1.0.5", pod="web-7d9f")], ports=None),
    ]
    index = Index.from_objects(objs)
    config = ZoneConfig(endpoint_pod_names=True)
    answer = resolve(index, config, f"web-7d9f.web.testns.svc.{Z}", "A").as_dict()
    assert answer["answer"] == [f"web-7d9f.web.testns.svc.{Z} 5 IN A 10.1.0.5"]
    default = resolve(index, ZoneConfig(), f"10-1-0-5.web.testns.svc.{Z}", "A").as_dict()
    assert default["rcode"] == "NOERROR"


def test_another_cluster_domain():
    # setup.go: the zone is configurable (PORTOLAN_CLUSTER_DOMAIN).
    config = ZoneConfig(zone="corp.example")
    answer = resolve(coredns_index(), config, "svc1.testns.svc.corp.example.", "A").as_dict()
    assert answer["answer"] == ["svc1.testns.svc.corp.example. 5 IN A 10.0.0.1"]
    assert resolve(coredns_index(), config, f"svc1.testns.svc.{Z}", "A").rcode_text == "REFUSED"


@pytest.mark.parametrize(
    ("ip", "label"),
    [
        ("172.0.0.2", "172-0-0-2"),
        ("5678:abcd::1", "5678-abcd--1"),
        ("fd00::", "fd00--0"),  # discovery.md §3.2: a trailing dash is completed with 0
    ],
)
def test_dashed_ip_labels(ip, label):
    assert dashed(ip) == label


@pytest.mark.parametrize(
    ("name", "ip"),
    [
        ("100.0.0.10.in-addr.arpa.", "10.0.0.100"),
        ("0.10.in-addr.arpa.", ""),  # a partial name spells no address
        (
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.c.b.a.4.3.2.1.ip6.arpa.",
            "1234:abcd::1",
        ),
        ("example.org.", ""),
    ],
)
def test_extract_address_from_reverse(name, ip):
    # plugin/pkg/dnsutil reverse_test.go TestExtractAddressFromReverse
    assert extract_address_from_reverse(name) == ip


def test_index_follows_changes_one_event_at_a_time():
    # The follower applies change-log events: the index must equal one built from scratch.
    objs = coredns_cluster()
    index = Index.from_objects(objs)
    scaled = endpoint_slice(
        "hdls1-slice1", "hdls1", [endpoint("172.0.0.2"), endpoint("172.0.0.7")], ports=[]
    )
    assert index.apply("EndpointSlice", "MODIFIED", scaled)
    assert index.apply("Service", "DELETED", service("svc2", ips=["10.0.0.5"]))
    assert not index.apply("Service", "DELETED", service("svc2", ips=["10.0.0.5"]))
    expected = Index.from_objects(
        [o for o in objs if o["metadata"]["name"] not in ("hdls1-slice1", "svc2")] + [scaled]
    )
    for attr in ("namespaces", "services", "slices", "service_ips", "endpoint_ips", "pod_ips"):
        assert getattr(index, attr) == getattr(expected, attr), attr
