"""The cluster DNS over the network, against the test database: objects created through
``cluster.actions``, the controllers run by the test (``control_plane.drain()``), the server
and its change-log follower in threads of this process, queried with dnspython (UDP and TCP)
and with ``dig`` (Debian's bind9-dnsutils) for every record kind and negative case, and again
after the cluster changes (scale, readiness, delete). A change is awaited with a bounded poll;
nothing here asserts how fast."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import dns.flags
import dns.message
import dns.opcode
import dns.query
import dns.rcode
import dns.rdatatype
import dns.reversename
import pytest

from cluster.actions.bootstrap import ensure_cluster
from cluster.actions.objects import create_object, delete_object, patch_scale
from cluster.actions.pods import set_pod_readiness
from cluster.dns.follower import Follower
from cluster.dns.server import DNSHandle, start_in_thread
from cluster.dns.zone import ZoneConfig
from cluster.kinds import by_kind
from cluster.models import Pod, Service

Z = "cluster.local."
NS = "shop"
WAIT_SECONDS = 15.0


def kind(name: str) -> Any:
    k = by_kind(name)
    assert k is not None
    return k


@dataclass
class Reply:
    rcode: str
    answer: list[str]
    additional: list[str]
    authority: list[str]
    flags: int

    @property
    def addresses(self) -> set[str]:
        return {line.split()[-1] for line in self.answer if line.split()[3] in ("A", "AAAA")}


def to_reply(msg: dns.message.Message) -> Reply:
    def lines(section: list) -> list[str]:
        return [line for rrset in section for line in rrset.to_text().splitlines()]

    return Reply(
        dns.rcode.to_text(msg.rcode()),
        lines(msg.answer),
        lines(msg.additional),
        lines(msg.authority),
        msg.flags,
    )


class Client:
    def __init__(self, port: int) -> None:
        self.port = port

    def udp(self, name: str, qtype: str = "A", **kw: Any) -> Reply:
        query = dns.message.make_query(name, qtype, **kw)
        return to_reply(dns.query.udp(query, "127.0.0.1", port=self.port, timeout=5))

    def tcp(self, name: str, qtype: str = "A") -> Reply:
        query = dns.message.make_query(name, qtype)
        return to_reply(dns.query.tcp(query, "127.0.0.1", port=self.port, timeout=5))

    def dig(self, *args: str) -> tuple[str, list[str], dict[str, list[str]]]:
        """``dig`` → (status, answer lines, every section's lines), whitespace normalised."""
        out = subprocess.run(
            ["dig", "@127.0.0.1", "-p", str(self.port), "+tries=1", "+time=5", *args],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert out.returncode == 0, out.stderr + out.stdout
        text = out.stdout
        status = text.split("status: ", 1)[1].split(",", 1)[0] if "status: " in text else ""
        sections: dict[str, list[str]] = {}
        section = ""
        for line in text.splitlines():
            if line.startswith(";; ") and line.endswith(" SECTION:"):
                section = line[3:].split()[0]
                sections[section] = []
            elif not line.strip():
                section = ""
            elif section and not line.startswith(";"):
                sections[section].append(" ".join(line.split()))
        return status, sections.get("ANSWER", []), sections


def eventually(check: Callable[[], Any], what: str, timeout: float = WAIT_SECONDS) -> Any:
    """Poll until ``check()`` is truthy (bounded); fail naming what never happened."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.02)
    pytest.fail(f"{what} within {timeout:.0f} s (last: {last!r})", pytrace=False)


@pytest.fixture(scope="module", autouse=True)
def _dig_installed() -> None:
    if shutil.which("dig") is None:
        pytest.fail(
            "dig is missing: install Debian's bind9-dnsutils (make test runs "
            "scripts/ensure-packages.sh)",
            pytrace=False,
        )


@pytest.fixture
def dns_server(transactional_db: None, settings: Any) -> Iterator[DNSHandle]:
    settings.PORTOLAN_READY_DELAY = 0
    ensure_cluster()
    follower = Follower(interval=0.05)
    handle = start_in_thread("127.0.0.1", 0, config=ZoneConfig(), follower=follower)
    try:
        yield handle
    finally:
        handle.stop()
        follower.stop()


def deployment(name: str, replicas: int) -> dict:
    labels = {"app": name}
    return {
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": "nginx",
                            "ports": [{"name": "http", "containerPort": 8080}],
                        }
                    ]
                },
            },
        },
    }


def statefulset(name: str, replicas: int) -> dict:
    body = deployment(name, replicas)
    body["spec"]["serviceName"] = name
    return body


def svc(name: str, *, app: str, headless: bool = False, port: int = 80) -> dict:
    spec: dict = {
        "selector": {"app": app},
        "ports": [{"name": "http", "port": port, "targetPort": "http"}],
    }
    if headless:
        spec["clusterIP"] = "None"
    return {"metadata": {"name": name}, "spec": spec}


def running_pods(app: str) -> list[Pod]:
    return list(
        Pod.objects.filter(namespace=NS, labels__app=app, ready=True)
        .exclude(pod_ip="")
        .order_by("name")
    )


@pytest.fixture
def shop(dns_server: DNSHandle, control_plane: Any) -> dict[str, Any]:
    """Namespace shop: Deployment web (2) behind a ClusterIP and a headless Service,
    StatefulSet db (2) behind its headless Service, an ExternalName, and a selector-less
    headless Service with a hand-written slice of 60 addresses."""
    create_object(kind("Namespace"), namespace="", body={"metadata": {"name": NS}})
    create_object(kind("Deployment"), namespace=NS, body=deployment("web", 2))
    create_object(kind("Service"), namespace=NS, body=svc("web", app="web"))
    create_object(kind("Service"), namespace=NS, body=svc("web-hl", app="web", headless=True))
    create_object(kind("StatefulSet"), namespace=NS, body=statefulset("db", 2))
    create_object(kind("Service"), namespace=NS, body=svc("db", app="db", headless=True))
    create_object(
        kind("Service"),
        namespace=NS,
        body={
            "metadata": {"name": "ext"},
            "spec": {"type": "ExternalName", "externalName": "example.org"},
        },
    )
    create_object(
        kind("Service"),
        namespace=NS,
        body={
            "metadata": {"name": "big"},
            "spec": {"clusterIP": "None", "ports": [{"name": "http", "port": 80}]},
        },
    )
    create_object(
        kind("EndpointSlice"),
        namespace=NS,
        body={
            "metadata": {"name": "big-1", "labels": {"kubernetes.io/service-name": "big"}},
            "addressType": "IPv4",
            "endpoints": [
                {"addresses": [f"10.250.0.{i}"], "conditions": {"ready": True}}
                for i in range(1, 61)
            ],
            "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
        },
    )
    for _ in range(20):
        control_plane.drain()
        if len(running_pods("web")) == 2 and len(running_pods("db")) == 2:
            break
    assert len(running_pods("web")) == 2 and len(running_pods("db")) == 2
    web_ip = Service.objects.get(namespace=NS, name="web").cluster_ip
    client = Client(dns_server.port)
    eventually(
        lambda: len(client.udp(f"web-hl.{NS}.svc.{Z}").answer) == 2, "the index saw the pods"
    )
    return {"client": client, "web_ip": web_ip}


def test_every_record_kind_over_udp_tcp_and_dig(shop):
    c: Client = shop["client"]
    web_ip = shop["web_ip"]
    web_pods = {p.pod_ip for p in running_pods("web")}
    db0 = Pod.objects.get(namespace=NS, name="db-0")

    # ClusterIP A (dnspython UDP and TCP, dig) — specification.md §2.3.1
    a = c.udp(f"web.{NS}.svc.{Z}")
    assert (a.rcode, a.answer) == ("NOERROR", [f"web.{NS}.svc.{Z} 5 IN A {web_ip}"])
    assert a.flags & dns.flags.AA and a.flags & dns.flags.QR
    assert c.tcp(f"web.{NS}.svc.{Z}").answer == a.answer
    status, answer, _ = c.dig(f"web.{NS}.svc.{Z}", "A")
    assert (status, answer) == ("NOERROR", [f"web.{NS}.svc.{Z} 5 IN A {web_ip}"])
    status, answer, _ = c.dig("+tcp", f"web.{NS}.svc.{Z}", "A")
    assert (status, answer) == ("NOERROR", [f"web.{NS}.svc.{Z} 5 IN A {web_ip}"])

    # Headless A: the ready pods — §2.4.1
    assert c.udp(f"web-hl.{NS}.svc.{Z}").addresses == web_pods
    status, answer, _ = c.dig(f"web-hl.{NS}.svc.{Z}")
    assert status == "NOERROR" and {line.split()[-1] for line in answer} == web_pods

    # SRV, ClusterIP form: port 80 on the service name, its A in the additional section
    srv = c.udp(f"_http._tcp.web.{NS}.svc.{Z}", "SRV")
    assert srv.answer == [f"_http._tcp.web.{NS}.svc.{Z} 5 IN SRV 0 100 80 web.{NS}.svc.{Z}"]
    assert srv.additional == [f"web.{NS}.svc.{Z} 5 IN A {web_ip}"]
    status, answer, sections = c.dig(f"_http._tcp.web.{NS}.svc.{Z}", "SRV")
    assert (status, answer) == ("NOERROR", srv.answer)
    assert sections["ADDITIONAL"] == srv.additional

    # SRV, headless form: one per pod, the target port, dashed-IP names
    hl = c.udp(f"_http._tcp.web-hl.{NS}.svc.{Z}", "SRV")
    targets = {f"{ip.replace('.', '-')}.web-hl.{NS}.svc.{Z}" for ip in web_pods}
    assert {line.split()[-1] for line in hl.answer} == targets
    assert {line.split()[-2] for line in hl.answer} == {"8080"}
    assert {line.split()[0] for line in hl.additional} == targets

    # <hostname>.<svc>: a StatefulSet pod behind its headless service — §2.4.1
    status, answer, _ = c.dig(f"db-0.db.{NS}.svc.{Z}")
    assert (status, answer) == ("NOERROR", [f"db-0.db.{NS}.svc.{Z} 5 IN A {db0.pod_ip}"])
    db_srv = c.udp(f"_http._tcp.db.{NS}.svc.{Z}", "SRV")
    assert {line.split()[-1] for line in db_srv.answer} == {
        f"db-0.db.{NS}.svc.{Z}",
        f"db-1.db.{NS}.svc.{Z}",
    }

    # ExternalName: CNAME — §2.5
    status, answer, _ = c.dig(f"ext.{NS}.svc.{Z}", "CNAME")
    assert (status, answer) == ("NOERROR", [f"ext.{NS}.svc.{Z} 5 IN CNAME example.org."])
    assert c.udp(f"ext.{NS}.svc.{Z}").answer == [f"ext.{NS}.svc.{Z} 5 IN CNAME example.org."]

    # PTR of the cluster IP and of a pod IP (each service selecting the pod) — §2.3.3, §2.4.3
    status, answer, _ = c.dig("-x", web_ip)
    assert status == "NOERROR" and answer[0].endswith(f"PTR web.{NS}.svc.{Z}")
    pod_ip = sorted(web_pods)[0]
    ptr = c.udp(dns.reversename.from_address(pod_ip).to_text(), "PTR")
    dashed = pod_ip.replace(".", "-")
    assert {line.split()[-1] for line in ptr.answer} == {
        f"{dashed}.web.{NS}.svc.{Z}",
        f"{dashed}.web-hl.{NS}.svc.{Z}",
    }

    # Pod A record, insecure mode — §2.6
    status, answer, _ = c.dig(f"{dashed}.{NS}.pod.{Z}")
    assert (status, answer) == ("NOERROR", [f"{dashed}.{NS}.pod.{Z} 5 IN A {pod_ip}"])

    # dns-version TXT — §2.2
    status, answer, _ = c.dig(f"dns-version.{Z}", "TXT")
    assert (status, answer) == ("NOERROR", [f'dns-version.{Z} 28800 IN TXT "1.1.0"'])

    # kubernetes.default answers as every cluster's does
    assert c.udp(f"kubernetes.default.svc.{Z}").answer == [
        f"kubernetes.default.svc.{Z} 5 IN A 10.96.0.1"
    ]


def test_negative_answers(shop):
    c: Client = shop["client"]
    # NXDOMAIN with the SOA: missing service, missing namespace, unknown SRV port — §3.3
    for name, qtype in [
        (f"nope.{NS}.svc.{Z}", "A"),
        (f"web.nons.svc.{Z}", "A"),
        (f"_https._tcp.web.{NS}.svc.{Z}", "SRV"),
        (f"nope.web-hl.{NS}.svc.{Z}", "A"),
    ]:
        reply = c.udp(name, qtype)
        assert reply.rcode == "NXDOMAIN", name
        assert reply.answer == [] and reply.authority[0].split()[3] == "SOA", name
        status, answer, sections = c.dig(name, qtype)
        assert (status, answer) == ("NXDOMAIN", []), name
        assert sections["AUTHORITY"][0].startswith(f"{Z} 5 IN SOA ns.dns.{Z} hostmaster.{Z}")
    # NODATA: the name exists, not with this type
    for name, qtype in [
        (f"web.{NS}.svc.{Z}", "AAAA"),
        (f"{NS}.svc.{Z}", "A"),
        (f"web.{NS}.svc.{Z}", "TXT"),
    ]:
        reply = c.udp(name, qtype)
        assert (reply.rcode, reply.answer) == ("NOERROR", []), name
        assert reply.authority[0].split()[3] == "SOA", name
        status, answer, sections = c.dig(name, qtype)
        assert (status, answer) == ("NOERROR", []), name
        assert sections["AUTHORITY"][0].split()[3] == "SOA", name
    # Outside the served zones: REFUSED, no authority (no forward plugin, no upstream)
    refused = c.udp("example.com.", "A")
    assert (refused.rcode, refused.authority) == ("REFUSED", [])
    assert c.dig("example.com", "A")[0] == "REFUSED"


def test_a_large_answer_is_truncated_over_udp_and_whole_over_tcp(shop):
    c: Client = shop["client"]
    # RFC 1035 §4.2.1: 512 bytes without EDNS; the TC bit sends the client to TCP.
    small = c.udp(f"big.{NS}.svc.{Z}", use_edns=False)
    assert small.flags & dns.flags.TC
    assert len(small.answer) < 60
    whole = c.tcp(f"big.{NS}.svc.{Z}")
    assert not whole.flags & dns.flags.TC
    assert len(whole.addresses) == 60
    # With a 4096-byte EDNS payload it fits in one datagram.
    roomy = c.udp(f"big.{NS}.svc.{Z}", use_edns=0, payload=4096)
    assert not roomy.flags & dns.flags.TC and len(roomy.addresses) == 60
    # dig retries over TCP by itself after a truncated answer.
    status, answer, _ = c.dig("+noedns", f"big.{NS}.svc.{Z}")
    assert status == "NOERROR" and len(answer) == 60


def test_answers_follow_the_cluster(shop, control_plane):
    c: Client = shop["client"]
    name = f"web-hl.{NS}.svc.{Z}"

    # Scale the Deployment: the headless answer grows.
    patch_scale(
        kind("Deployment"),
        namespace=NS,
        name="web",
        patch_type="application/merge-patch+json",
        patch={"spec": {"replicas": 3}},
    )
    for _ in range(20):
        control_plane.drain()
        if len(running_pods("web")) == 3:
            break
    three = {p.pod_ip for p in running_pods("web")}
    assert len(three) == 3
    eventually(lambda: c.udp(name).addresses == three, "the scaled pods answered")
    assert {line.split()[-1] for line in c.dig(name)[1]} == three

    # A pod's readiness fails: it leaves the headless answer (and its name).
    leaving = running_pods("web")[0]
    set_pod_readiness(namespace=NS, name=leaving.name, ready=False)
    control_plane.drain()
    eventually(lambda: c.udp(name).addresses == three - {leaving.pod_ip}, "the not-ready pod left")
    dashed = leaving.pod_ip.replace(".", "-")
    eventually(
        lambda: c.udp(f"{dashed}.{name}").rcode == "NXDOMAIN", "the not-ready pod's name went"
    )

    # The Service is deleted: NXDOMAIN.
    delete_object(kind("Service"), namespace=NS, name="web")
    control_plane.drain()
    eventually(lambda: c.udp(f"web.{NS}.svc.{Z}").rcode == "NXDOMAIN", "NXDOMAIN after delete")
    assert c.dig(f"web.{NS}.svc.{Z}")[0] == "NXDOMAIN"
    # ... and its cluster IP's PTR went with it.
    reverse = dns.reversename.from_address(shop["web_ip"]).to_text()
    assert c.udp(reverse, "PTR").rcode == "NXDOMAIN"


def test_a_new_service_answers_and_a_cached_negative_answer_is_forgotten(shop):
    c: Client = shop["client"]
    name = f"late.{NS}.svc.{Z}"
    assert c.udp(name).rcode == "NXDOMAIN"
    assert c.udp(name).rcode == "NXDOMAIN"  # now from the response cache
    created = create_object(kind("Service"), namespace=NS, body=svc("late", app="web"))
    ip = created["spec"]["clusterIP"]
    reply = eventually(lambda: (r := c.udp(name)).rcode == "NOERROR" and r, "the new service")
    assert reply.answer == [f"{name} 5 IN A {ip}"]


def test_malformed_and_unsupported_queries(shop):
    c: Client = shop["client"]
    # A non-QUERY opcode: NOTIMP.
    notify = dns.message.make_query(f"web.{NS}.svc.{Z}", "SOA")
    notify.set_opcode(dns.opcode.NOTIFY)
    reply = dns.query.udp(notify, "127.0.0.1", port=c.port, timeout=5)
    assert reply.rcode() == dns.rcode.NOTIMP
    # Bytes that are no DNS message: FORMERR with the same ID.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(5)
        s.sendto(b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xff", ("127.0.0.1", c.port))
        data, _ = s.recvfrom(512)
    formerr = dns.message.from_wire(data)
    assert formerr.id == 0x1234 and formerr.rcode() == dns.rcode.FORMERR
    # Zone transfers are refused.
    assert c.tcp(Z, "AXFR").rcode == "REFUSED"
