"""Kubernetes JSON for the pure DNS tests, and the cluster of CoreDNS's handler tests
(``plugin/kubernetes/handler_test.go``: ``svcIndex``/``epsIndex``; ``reverse_test.go``), made
valid (distinct cluster IPs) and extended with the spec's other cases."""

from __future__ import annotations

from typing import Any

from cluster.dns.index import Index

Obj = dict[str, Any]
SERIAL = 1499347823  # the SOA serial the CoreDNS tests show


def namespace(name: str) -> Obj:
    return {"kind": "Namespace", "metadata": {"name": name}}


def service(
    name: str,
    ns: str = "testns",
    *,
    ips: list[str] | None = None,
    ports: list[Obj] | None = None,
    type_: str = "ClusterIP",
    external: str = "",
) -> Obj:
    spec: Obj = {"type": type_}
    if ips is not None:
        spec["clusterIP"] = ips[0]
        spec["clusterIPs"] = ips
    if ports is not None:
        spec["ports"] = ports
    if external:
        spec["externalName"] = external
    return {"kind": "Service", "metadata": {"name": name, "namespace": ns}, "spec": spec}


def port(name: str, number: int, protocol: str = "TCP") -> Obj:
    return {"name": name, "port": number, "protocol": protocol}


def endpoint(ip: str, *, hostname: str = "", ready: bool | None = True, pod: str = "") -> Obj:
    ep: Obj = {"addresses": [ip], "conditions": {}}
    if ready is not None:
        ep["conditions"] = {"ready": ready, "serving": ready, "terminating": False}
    if hostname:
        ep["hostname"] = hostname
    if pod:
        ep["targetRef"] = {"kind": "Pod", "name": pod, "namespace": "testns"}
    return ep


def endpoint_slice(
    name: str,
    svc: str,
    endpoints: list[Obj],
    *,
    ns: str = "testns",
    ports: list[Obj] | None = None,
    address_type: str = "IPv4",
) -> Obj:
    return {
        "kind": "EndpointSlice",
        "metadata": {
            "name": name,
            "namespace": ns,
            "labels": {"kubernetes.io/service-name": svc},
        },
        "addressType": address_type,
        "endpoints": endpoints,
        "ports": ports,
    }


def pod(name: str, ns: str, ip: str, *, deleting: bool = False) -> Obj:
    meta: Obj = {"name": name, "namespace": ns}
    if deleting:
        meta["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    return {
        "kind": "Pod",
        "metadata": meta,
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}]},
    }


HTTP = [port("http", 80)]


def coredns_cluster() -> list[Obj]:
    return [
        namespace("testns"),
        namespace("podns"),
        namespace("kube-system"),
        service("svc1", ips=["10.0.0.1"], ports=HTTP),
        endpoint_slice("svc1-slice1", "svc1", [endpoint("172.0.0.1", hostname="ep1a")], ports=HTTP),
        service("svcempty", ips=["10.0.0.2"], ports=HTTP),
        endpoint_slice("svcempty-slice1", "svcempty", [], ports=HTTP),
        service("svc6", ips=["1234:abcd::1"], ports=HTTP),
        service("hdls1", ips=["None"]),
        endpoint_slice(
            "hdls1-slice1",
            "hdls1",
            [
                endpoint("172.0.0.2"),
                endpoint("172.0.0.3", ready=None),  # no ready condition: ready
                endpoint("172.0.0.4", hostname="dup-name"),
                endpoint("172.0.0.5", hostname="dup-name"),
                endpoint("172.0.0.99", ready=False),  # not ready: never published
            ],
            ports=HTTP,
        ),
        endpoint_slice(
            "hdls1-slice2",
            "hdls1",
            [endpoint("5678:abcd::1"), endpoint("5678:abcd::2")],
            ports=HTTP,
            address_type="IPv6",
        ),
        service("hdlsprtls", ips=["None"]),
        endpoint_slice("hdlsprtls-slice1", "hdlsprtls", [endpoint("172.0.0.20")], ports=None),
        service("hdls-notready", ips=["None"], ports=HTTP),
        endpoint_slice(
            "hdls-notready-slice1",
            "hdls-notready",
            [endpoint("172.0.0.30", ready=False)],
            ports=HTTP,
        ),
        service("external", type_="ExternalName", external="ext.interwebs.test", ports=HTTP),
        service(
            "external-to-service",
            type_="ExternalName",
            external="svc1.testns.svc.cluster.local.",
            ports=HTTP,
        ),
        service("external-ip", type_="ExternalName", external="1.2.3.4"),
        service("svc-dual-stack", ips=["10.0.0.3", "10::3"], ports=HTTP),
        service("multiport", ips=["10.0.0.4"], ports=[port("http", 80), port("dns", 53, "UDP")]),
        # reverse_test.go: one endpoint IP in two slices of a Service (slice skew) and one
        # selected by two Services.
        service("svc2", ips=["10.0.0.5"], ports=HTTP),
        endpoint_slice(
            "svc1-slice2", "svc1", [endpoint("10.0.0.99", hostname="double-ep")], ports=HTTP
        ),
        endpoint_slice("svc1-slice3", "svc1", [endpoint("172.0.0.1", hostname="ep1a")], ports=HTTP),
        endpoint_slice(
            "svc2-slice1", "svc2", [endpoint("10.0.0.99", hostname="double-ep")], ports=HTTP
        ),
        pod("foo", "podns", "10.240.0.1"),
        pod("leaving", "podns", "10.240.0.2", deleting=True),
    ]


def coredns_index() -> Index:
    index = Index.from_objects(coredns_cluster(), revision=1)
    index.modified = SERIAL
    return index
