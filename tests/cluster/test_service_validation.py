"""ValidateService / ValidateServiceUpdate / ValidateServiceStatusUpdate, case by case.

Cases restate upstream tests from kubernetes/kubernetes pkg/apis/core/validation/validation_test.go
(named in each row) on a plain valid Service, and the spec's rule ids (V…, U…, S…).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from cluster.kinds.service_defaults import set_defaults
from cluster.validation.service import validate_service
from cluster.validation.service_update import (
    service_warnings,
    validate_service_status_update,
    validate_service_update,
)

Obj = dict[str, Any]


def base(**spec: Any) -> Obj:
    """A valid, defaulted and allocated ClusterIP Service (what validation sees over REST)."""
    body: Obj = {
        "metadata": {"name": "abc123", "namespace": "default"},
        "spec": {
            "selector": {"key": "val"},
            "ports": [{"name": "p", "protocol": "TCP", "port": 8675, "targetPort": 8675}],
            "clusterIP": "1.2.3.4",
            "clusterIPs": ["1.2.3.4"],
            "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack",
        },
    }
    body["spec"].update(spec)
    set_defaults(body)
    return body


def lb(**spec: Any) -> Obj:
    spec.setdefault("type", "LoadBalancer")
    svc = base(**spec)
    for port in svc["spec"]["ports"]:
        port.setdefault("nodePort", 30123)
    return svc


def np_(**spec: Any) -> Obj:
    spec.setdefault("type", "NodePort")
    svc = base(**spec)
    for port in svc["spec"]["ports"]:
        port.setdefault("nodePort", 30123)
    return svc


def headless(**spec: Any) -> Obj:
    return base(clusterIP="None", clusterIPs=["None"], **spec)


def ext_name(**spec: Any) -> Obj:
    spec.setdefault("externalName", "foo.bar.example.com")
    svc = base(type="ExternalName", **spec)
    for key in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
        svc["spec"].pop(key, None)
    return svc


def port(**kw: Any) -> Obj:
    out = {"name": "q", "protocol": "TCP", "port": 12345, "targetPort": 12345}
    out.update(kw)
    return out


def edit(svc: Obj, fn: Callable[[Obj], Any]) -> Obj:
    fn(svc)
    return svc


def causes(errs: list) -> list[tuple[str, str]]:
    return [(e.reason, e.field) for e in errs]


INV, REQ, DUP, NSUP, FORB = (
    "FieldValueInvalid",
    "FieldValueRequired",
    "FieldValueDuplicate",
    "FieldValueNotSupported",
    "FieldValueForbidden",
)

# (upstream case / rule, service, expected (reason, field) list)
CREATE_CASES: list[tuple[str, Callable[[], Obj], list[tuple[str, str]]]] = [
    ("TestValidateServiceCreate: valid", lambda: base(), []),
    ("V10 invalid type", lambda: base(type="Foo"), [(NSUP, "spec.type")]),
    ("V11 missing ports", lambda: base(ports=[]), [(REQ, "spec.ports")]),
    ("V11 missing ports but headless", lambda: headless(ports=[]), []),
    ("V11/V42 ExternalName without ports", lambda: ext_name(ports=[]), []),
    ("V12 missing port name with 2 ports", lambda: base(ports=[port(name=""), port(port=2)]),
     [(REQ, "spec.ports[0].name")]),
    ("V13 invalid port name", lambda: base(ports=[port(name="INVALID")]), [(INV, "spec.ports[0].name")]),
    ("V13 34-char port name is a DNS-1123 label", lambda: base(ports=[port(name="a" * 34)]), []),
    ("V14 dup port name", lambda: base(ports=[port(name="p"), port(name="p", port=2)]),
     [(DUP, "spec.ports[1].name")]),
    ("V15 invalid port", lambda: base(ports=[port(port=65536)]), [(INV, "spec.ports[0].port")]),
    ("V17 invalid protocol", lambda: base(ports=[port(protocol="INVALID")]),
     [(NSUP, "spec.ports[0].protocol")]),
    ("V18 invalid targetPort int", lambda: base(ports=[port(targetPort=65536)]),
     [(INV, "spec.ports[0].targetPort")]),
    ("V19 invalid targetPort string (numeric)", lambda: base(ports=[port(targetPort="8080")]),
     [(INV, "spec.ports[0].targetPort")]),
    ("V19 valid targetPort name", lambda: base(ports=[port(targetPort="http")]), []),
    ("V20 invalid port headless 1", lambda: headless(ports=[port(port=11722, targetPort=11721)]), []),
    ("V20 invalid port headless 2", lambda: headless(ports=[port(port=11722, targetPort="target")]), []),
    ("V21 dup port", lambda: base(ports=[port(name="a"), port(name="b")]), [(DUP, "spec.ports[1]")]),
    ("V21 same port different protocol", lambda: base(ports=[port(name="a"), port(name="b", protocol="UDP")]), []),
    ("V22 invalid appProtocol", lambda: base(ports=[port(appProtocol="//")]),
     [(INV, "spec.ports[0].appProtocol")]),
    ("V22 valid appProtocol", lambda: base(ports=[port(appProtocol="kubernetes.io/h2c")]), []),
    ("V23 invalid nodePort with clusterIP type", lambda: base(ports=[port(nodePort=30001)]),
     [(FORB, "spec.ports[0].nodePort")]),
    ("V24 duplicate nodePorts", lambda: np_(ports=[port(name="a", nodePort=30001), port(name="b", port=2, nodePort=30001)]),
     [(DUP, "spec.ports[1].nodePort")]),
    ("V24 same nodePort different protocol", lambda: np_(ports=[port(name="a", nodePort=30001), port(name="b", protocol="UDP", nodePort=30001)]), []),
    ("V25 nodePort out of range passes validation", lambda: np_(ports=[port(nodePort=1)]), []),
    ("V27 clusterIPs first value must match", lambda: base(clusterIP="1.2.3.4", clusterIPs=["1.2.3.5"]),
     [(INV, "spec.clusterIPs")]),
    ("V27 clusterIPs required when clusterIP set", lambda: edit(base(), lambda s: s["spec"].pop("clusterIPs")),
     [(REQ, "spec.clusterIPs")]),
    ("V28 clusterIPs without clusterIP", lambda: edit(base(), lambda s: s["spec"].pop("clusterIP")),
     [(INV, "spec.clusterIPs")]),
    ("V29 invalid cluster ip", lambda: base(clusterIP="invalid", clusterIPs=["invalid"]),
     [(INV, "spec.clusterIPs[0]")]),
    ("V29 None not first and only", lambda: base(clusterIP="None", clusterIPs=["None", "1.2.3.4"]),
     [(INV, "spec.clusterIPs")]),
    ("V30 more than 2 IPs", lambda: base(clusterIPs=["1.2.3.4", "2001::1", "1.2.3.5"], ipFamilyPolicy="RequireDualStack"),
     [(INV, "spec.clusterIPs"), (INV, "spec.clusterIPs")]),
    ("V30 two IPv4 IPs", lambda: base(clusterIPs=["1.2.3.4", "1.2.3.5"], ipFamilyPolicy="RequireDualStack"),
     [(INV, "spec.clusterIPs")]),
    ("V31 invalid ipFamily", lambda: base(ipFamilies=["IPv5"]), [(NSUP, "spec.ipFamilies[0]")]),
    ("V31 duplicate ipFamily", lambda: base(ipFamilies=["IPv4", "IPv4"], ipFamilyPolicy="RequireDualStack"),
     [(DUP, "spec.ipFamilies[1]")]),
    ("V32 invalid ipFamilyPolicy", lambda: base(ipFamilyPolicy="Both"), [(NSUP, "spec.ipFamilyPolicy")]),
    ("V33 IP does not match family", lambda: base(ipFamilies=["IPv6"]), [(INV, "spec.clusterIPs[0]")]),
    ("V34 NodePort may not be headless", lambda: edit(headless(type="NodePort"), lambda s: None),
     [(INV, "spec.clusterIPs[0]")]),
    ("V35 LoadBalancer may not be headless", lambda: headless(type="LoadBalancer"),
     [(INV, "spec.clusterIPs[0]")]),
    ("V38 ExternalName requires externalName", lambda: edit(ext_name(), lambda s: s["spec"].pop("externalName")),
     [(REQ, "spec.externalName")]),
    ("V39 externalName trailing dot", lambda: ext_name(externalName="foo.bar.example.com."), []),
    ("V39 invalid externalName", lambda: ext_name(externalName="-123.bar"), [(INV, "spec.externalName")]),
    ("V40 ExternalName with clusterIPs", lambda: edit(ext_name(), lambda s: s["spec"].update(clusterIP="1.2.3.4", clusterIPs=["1.2.3.4"])),
     [(FORB, "spec.clusterIPs")]),
    ("V41 ExternalName with ipFamilies/ipFamilyPolicy", lambda: edit(ext_name(), lambda s: s["spec"].update(ipFamilies=["IPv4"], ipFamilyPolicy="SingleStack")),
     [(FORB, "spec.ipFamilies"), (FORB, "spec.ipFamilyPolicy")]),
    ("V44 invalid selector", lambda: base(selector={"NoUppercaseOrSpecialCharsLike=Equals": "bar"}),
     [(INV, "spec.selector")]),
    ("V45 empty selector", lambda: base(selector={}), []),
    ("V47 invalid session affinity", lambda: base(sessionAffinity="Foo"), [(NSUP, "spec.sessionAffinity")]),
    ("V49 timeoutSeconds 0", lambda: base(sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": 0}}),
     [(INV, "spec.sessionAffinityConfig.clientIP.timeoutSeconds")]),
    ("V49 timeoutSeconds 86400 is accepted", lambda: base(sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": 86400}}), []),
    ("V49 timeoutSeconds 86401", lambda: base(sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": 86401}}),
     [(INV, "spec.sessionAffinityConfig.clientIP.timeoutSeconds")]),
    ("V51 externalTrafficPolicy on ClusterIP", lambda: base(externalTrafficPolicy="Local"),
     [(INV, "spec.externalTrafficPolicy")]),
    ("V51 externalTrafficPolicy on ClusterIP with externalIPs", lambda: base(externalIPs=["1.2.3.4"], externalTrafficPolicy="Local"), []),
    ("V53 invalid externalTrafficPolicy", lambda: np_(externalTrafficPolicy="Global"),
     [(NSUP, "spec.externalTrafficPolicy")]),
    ("V54 healthCheckNodePort on NodePort", lambda: np_(healthCheckNodePort=30200),
     [(INV, "spec.healthCheckNodePort")]),
    ("V55 LB Local needs healthCheckNodePort", lambda: lb(externalTrafficPolicy="Local"),
     [(REQ, "spec.healthCheckNodePort")]),
    ("V55 LB Local healthCheckNodePort out of range", lambda: lb(externalTrafficPolicy="Local", healthCheckNodePort=65536),
     [(INV, "spec.healthCheckNodePort")]),
    ("V56 internalTrafficPolicy allowed on ExternalName", lambda: ext_name(internalTrafficPolicy="Local"), []),
    ("V57 invalid internalTrafficPolicy", lambda: base(internalTrafficPolicy="invalid"),
     [(NSUP, "spec.internalTrafficPolicy")]),
    ("V58 invalid trafficDistribution", lambda: base(trafficDistribution="Random"),
     [(NSUP, "spec.trafficDistribution")]),
    ("V60 loadBalancerSourceRanges on ClusterIP", lambda: base(loadBalancerSourceRanges=["10.0.0.0/8"]),
     [(FORB, "spec.LoadBalancerSourceRanges")]),
    ("V61 invalid source range", lambda: lb(loadBalancerSourceRanges=["10.0.0.0/33", " 10.0.0.0/8 "]),
     [(INV, "spec.LoadBalancerSourceRanges[0]")]),
    ("V62 source-range annotation on ClusterIP, empty value", lambda: edit(base(), lambda s: s["metadata"].update(annotations={"service.beta.kubernetes.io/load-balancer-source-ranges": ""})),
     [(FORB, "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]")]),
    ("V62 invalid source-range annotation", lambda: edit(lb(), lambda s: s["metadata"].update(annotations={"service.beta.kubernetes.io/load-balancer-source-ranges": "1.2.3.4/8, foo"})),
     [(INV, "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]")]),
    ("V63 allocateLoadBalancerNodePorts on NodePort", lambda: np_(allocateLoadBalancerNodePorts=True),
     [(FORB, "spec.allocateLoadBalancerNodePorts")]),
    ("V64 LB without allocateLoadBalancerNodePorts (no spec. prefix)", lambda: edit(lb(), lambda s: s["spec"].pop("allocateLoadBalancerNodePorts")),
     [(REQ, "allocateLoadBalancerNodePorts")]),
    ("V65 loadBalancerClass on ClusterIP", lambda: base(loadBalancerClass="test.com/test"),
     [(FORB, "spec.loadBalancerClass")]),
    ("V65 invalid loadBalancerClass", lambda: lb(loadBalancerClass="Bad/Class/Name"),
     [(INV, "spec.loadBalancerClass")]),
    ("V66 loadBalancerIP not validated", lambda: lb(loadBalancerIP="not-an-ip"), []),
    ("V67 valid port type=LoadBalancer (mixed protocol, 10250)",
     lambda: lb(ports=[port(name="a", port=10250, targetPort=10250), port(name="b", protocol="UDP")]), []),
    ("V68 invalid externalIP", lambda: base(externalIPs=["1.2.3.4", "invalid"]), [(INV, "spec.externalIPs[1]")]),
    ("V69 loopback externalIP", lambda: base(externalIPs=["127.0.0.1"]), [(INV, "spec.externalIPs[0]")]),
    ("V69 link-local multicast externalIP", lambda: base(externalIPs=["224.0.0.10"]), [(INV, "spec.externalIPs[0]")]),
    ("V70 topology annotations differ", lambda: edit(base(), lambda s: s["metadata"].update(annotations={"service.kubernetes.io/topology-mode": "Auto", "service.kubernetes.io/topology-aware-hints": "Disabled"})),
     [(INV, "metadata.annotations[service.kubernetes.io/topology-mode]")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "make", "expected"), CREATE_CASES, ids=[c[0] for c in CREATE_CASES]
)
def test_validate_service_create(case: str, make: Callable[[], Obj], expected: list) -> None:
    assert causes(validate_service(make())) == expected


MESSAGES = [
    # V18: port 0 without targetPort: defaulting copies 0, giving two errors
    (
        "V15/V18 port 0",
        lambda: base(ports=[{"name": "p", "port": 0}]),
        [
            "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive",
        ],
    ),
    (
        "V19 each failed IANA clause is its own error",
        lambda: base(ports=[port(targetPort="-Bad--name-that-is-long")]),
        [
            'spec.ports[0].targetPort: Invalid value: "-Bad--name-that-is-long": must be no more than 15 characters',
            'spec.ports[0].targetPort: Invalid value: "-Bad--name-that-is-long": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
            'spec.ports[0].targetPort: Invalid value: "-Bad--name-that-is-long": must not contain consecutive hyphens',
            'spec.ports[0].targetPort: Invalid value: "-Bad--name-that-is-long": must not begin or end with a hyphen',
        ],
    ),
    (
        "V21 duplicate value",
        lambda: base(ports=[port(name="a"), port(name="b")]),
        ['spec.ports[1]: Duplicate value: {"protocol":"TCP","port":12345}'],
    ),
    (
        "V23",
        lambda: base(ports=[port(nodePort=30001)]),
        ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
    ),
    (
        "V35",
        lambda: headless(type="LoadBalancer"),
        ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services"],
    ),
    (
        "V49",
        lambda: base(sessionAffinity="ClientIP", sessionAffinityConfig={"clientIP": {"timeoutSeconds": -1}}),
        ["spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: -1: must be greater than 0 and less than 86400"],
    ),
    (
        "V60",
        lambda: base(loadBalancerSourceRanges=["10.0.0.0/8"]),
        ["spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"],
    ),
    (
        "V61",
        lambda: lb(loadBalancerSourceRanges=["foo"]),
        ['spec.LoadBalancerSourceRanges[0]: Invalid value: "foo": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ),
    (
        "V69 unspecified",
        lambda: base(externalIPs=["0.0.0.0"]),
        ['spec.externalIPs[0]: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)'],
    ),
    (
        "V51",
        lambda: base(externalTrafficPolicy="Local"),
        ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
    ),
    (
        "V17",
        lambda: base(ports=[port(protocol="tcp")]),
        ['spec.ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"'],
    ),
    (
        "V10",
        lambda: base(type="clusterip"),
        ['spec.type: Unsupported value: "clusterip": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("case", "make", "expected"), MESSAGES, ids=[c[0] for c in MESSAGES])
def test_validate_service_messages(case: str, make: Callable[[], Obj], expected: list) -> None:
    assert [str(e) for e in validate_service(make())] == expected


def changed(old: Obj, fn: Callable[[Obj], Any]) -> Obj:
    new = copy.deepcopy(old)
    fn(new)
    return new


UPDATE_CASES: list[tuple[str, Callable[[], tuple[Obj, Obj]], list[tuple[str, str]]]] = [
    ("TestValidateServiceUpdate: no change", lambda: (base(), base()), []),
    ("U2 change cluster IP", lambda: (base(), base(clusterIP="8.6.7.5", clusterIPs=["8.6.7.5"])),
     [(INV, "spec.clusterIPs[0]")]),
    ("U2 remove cluster IP (unit level; over REST it is kept, C3)",
     lambda: (base(), edit(base(), lambda s: [s["spec"].pop("clusterIP"), s["spec"].pop("clusterIPs")])),
     [(INV, "spec.clusterIPs[0]")]),
    ("U2 headless to headless", lambda: (headless(), headless(selector={"a": "b"})), []),
    ("U2 change to headless", lambda: (base(), headless()), [(INV, "spec.clusterIPs[0]")]),
    ("U2/U6 change ClusterIP to ExternalName releases", lambda: (base(), ext_name()), []),
    ("U6 change ExternalName to ClusterIP", lambda: (ext_name(), base()), []),
    ("U3 change ipFamilies", lambda: (base(), base(ipFamilies=["IPv6"], clusterIP="2001::1", clusterIPs=["2001::1"])),
     [(INV, "spec.clusterIPs[0]"), (INV, "spec.ipFamilies[0]")]),
    ("U4 change loadBalancerClass",
     lambda: (lb(loadBalancerClass="test.com/a"), lb(loadBalancerClass="test.com/b")),
     [(INV, "spec.loadBalancerClass")]),
    ("U4 invalid class on update is reported twice, as upstream",
     lambda: (lb(loadBalancerClass="Bad/Class/Name"), lb(loadBalancerClass="Bad/Class/Name")),
     [(INV, "spec.loadBalancerClass"), (INV, "spec.loadBalancerClass")]),
    ("U4 set loadBalancerClass on existing LB", lambda: (lb(), lb(loadBalancerClass="test.com/a")),
     [(INV, "spec.loadBalancerClass")]),
    ("U4 set loadBalancerClass when changing to LB", lambda: (base(), lb(loadBalancerClass="test.com/a")), []),
    ("U5 healthCheckNodePort immutable",
     lambda: (lb(externalTrafficPolicy="Local", healthCheckNodePort=30200), lb(externalTrafficPolicy="Local", healthCheckNodePort=30201)),
     [(FORB, "spec.healthCheckNodePort")]),
    ("U2 shrinking needs SingleStack",
     lambda: (base(clusterIPs=["1.2.3.4", "2001::1"], ipFamilies=["IPv4", "IPv6"], ipFamilyPolicy="PreferDualStack"),
              base(ipFamilyPolicy="PreferDualStack")),
     [(INV, "spec.ipFamilyPolicy"), (INV, "spec.ipFamilyPolicy")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "make", "expected"), UPDATE_CASES, ids=[c[0] for c in UPDATE_CASES]
)
def test_validate_service_update(case: str, make: Callable, expected: list) -> None:
    old, new = make()
    assert causes(validate_service_update(new, old)) == expected


def with_ingress(svc: Obj, *ingress: Obj) -> Obj:
    svc["status"] = {"loadBalancer": {"ingress": list(ingress)}}
    return svc


STATUS_CASES = [
    ("S1 ingress on ClusterIP", lambda: with_ingress(base(), {"ip": "1.2.3.4", "ipMode": "VIP"}),
     [(FORB, "status.loadBalancer.ingress")]),
    ("S2 invalid ip", lambda: with_ingress(lb(), {"ip": "1.2.3.x", "ipMode": "VIP"}),
     [(INV, "status.loadBalancer.ingress[0].ip")]),
    ("S3 ipMode required with ip", lambda: with_ingress(lb(), {"ip": "1.2.3.4"}),
     [(REQ, "status.loadBalancer.ingress[0].ipMode")]),
    ("S4 ipMode without ip", lambda: with_ingress(lb(), {"hostname": "lb.example.com", "ipMode": "VIP"}),
     [(FORB, "status.loadBalancer.ingress[0].ipMode")]),
    ("S5 invalid ipMode", lambda: with_ingress(lb(), {"ip": "1.2.3.4", "ipMode": "Bogus"}),
     [(NSUP, "status.loadBalancer.ingress[0].ipMode")]),
    ("S6 hostname is an IP", lambda: with_ingress(lb(), {"hostname": "1.2.3.4"}),
     [(INV, "status.loadBalancer.ingress[0].hostname")]),
    ("valid LB status", lambda: with_ingress(lb(), {"ip": "1.2.3.4", "ipMode": "Proxy"}, {"hostname": "a.example.com"}), []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "make", "expected"), STATUS_CASES, ids=[c[0] for c in STATUS_CASES]
)
def test_validate_service_status_update(case: str, make: Callable, expected: list) -> None:
    assert causes(validate_service_status_update(make())) == expected


WARNINGS = [
    ("V43 externalName on ClusterIP", lambda: base(externalName="foo.example.com"),
     ['spec.externalName is ignored when spec.type is not "ExternalName"']),
    ("V66 non-standard loadBalancerIP", lambda: lb(loadBalancerIP="010.001.002.003"),
     ['spec.loadBalancerIP: non-standard IP address "010.001.002.003" will be considered invalid in a future Kubernetes release: use "10.1.2.3"']),
    ("headless with loadBalancerIP", lambda: headless(loadBalancerIP="1.2.3.4"),
     ["spec.loadBalancerIP is ignored for headless services"]),
    ("no warnings", lambda: base(), []),
]  # fmt: skip


@pytest.mark.parametrize(("case", "make", "expected"), WARNINGS, ids=[c[0] for c in WARNINGS])
def test_service_warnings(case: str, make: Callable, expected: list) -> None:
    assert service_warnings(make()) == expected
