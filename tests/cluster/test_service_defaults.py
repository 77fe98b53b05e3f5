"""SetDefaults_Service (pkg/apis/core/v1/defaults.go) and the v1 decoder's view of a body."""

from __future__ import annotations

from typing import Any

import pytest

from cluster.errors import StatusError
from cluster.kinds.service import SERVICES

Obj = dict[str, Any]


def defaulted(spec: Obj, status: Obj | None = None) -> Obj:
    body: Obj = {"metadata": {"name": "s"}, "spec": spec}
    if status is not None:
        body["status"] = status
    SERVICES.default(body)
    return body


# (rule, input spec, expected subset of the defaulted spec, keys that must be absent)
CASES: list[tuple[str, Obj, Obj, tuple[str, ...]]] = [
    ("D1 type", {}, {"type": "ClusterIP"}, ()),
    ("D2 sessionAffinity", {}, {"sessionAffinity": "None"}, ("sessionAffinityConfig",)),
    ("D3 config dropped with None",
     {"sessionAffinity": "None", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 5}}},
     {"sessionAffinity": "None"}, ("sessionAffinityConfig",)),
    ("D4 ClientIP timeout", {"sessionAffinity": "ClientIP"},
     {"sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10800}}}, ()),
    ("D4 explicit 0 is kept (validation rejects it)",
     {"sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 0}}},
     {"sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 0}}}, ()),
    ("D5/D6 protocol and targetPort", {"ports": [{"port": 80}]},
     {"ports": [{"protocol": "TCP", "port": 80, "targetPort": 80}]}, ()),
    ("D6 empty string targetPort", {"ports": [{"port": 80, "targetPort": ""}]},
     {"ports": [{"protocol": "TCP", "port": 80, "targetPort": 80}]}, ()),
    ("D6 named targetPort kept", {"ports": [{"port": 80, "targetPort": "http"}]},
     {"ports": [{"protocol": "TCP", "port": 80, "targetPort": "http"}]}, ()),
    ("D7 NodePort externalTrafficPolicy", {"type": "NodePort"}, {"externalTrafficPolicy": "Cluster"}, ()),
    ("D7 ClusterIP with externalIPs", {"externalIPs": ["1.2.3.4"]}, {"externalTrafficPolicy": "Cluster"}, ()),
    ("D7 plain ClusterIP has none", {}, {}, ("externalTrafficPolicy",)),
    ("D8 internalTrafficPolicy", {"type": "LoadBalancer"}, {"internalTrafficPolicy": "Cluster"}, ()),
    ("D8 not for ExternalName", {"type": "ExternalName"}, {}, ("internalTrafficPolicy",)),
    ("D9 allocateLoadBalancerNodePorts", {"type": "LoadBalancer"}, {"allocateLoadBalancerNodePorts": True}, ()),
    ("D9 explicit false kept", {"type": "LoadBalancer", "allocateLoadBalancerNodePorts": False},
     {"allocateLoadBalancerNodePorts": False}, ()),
    ("selector not defaulted; {} is absent", {"selector": {}}, {}, ("selector",)),
    ("publishNotReadyAddresses false is omitted", {"publishNotReadyAddresses": False}, {},
     ("publishNotReadyAddresses",)),
    ("empty clusterIP is omitted", {"clusterIP": ""}, {}, ("clusterIP",)),
    ("pointer fields keep empty strings", {"loadBalancerClass": ""}, {"loadBalancerClass": ""}, ()),
    ("unknown fields are dropped", {"bogus": 1}, {}, ("bogus",)),
]  # fmt: skip


@pytest.mark.parametrize(("rule", "spec", "subset", "absent"), CASES, ids=[c[0] for c in CASES])
def test_set_defaults_service(rule: str, spec: Obj, subset: Obj, absent: tuple) -> None:
    out = defaulted(spec)["spec"]
    assert {k: out.get(k) for k in subset} == subset
    for key in absent:
        assert key not in out


def test_defaulting_is_idempotent() -> None:
    once = defaulted({"type": "LoadBalancer", "ports": [{"port": 53, "protocol": "UDP"}]})
    twice = defaulted(once["spec"], once.get("status"))
    assert twice == once


def test_d10_ip_mode_defaults_on_load_balancer_status() -> None:
    out = defaulted(
        {"type": "LoadBalancer"},
        {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}, {"hostname": "h"}]}},
    )
    assert out["status"]["loadBalancer"]["ingress"] == [
        {"ip": "1.2.3.4", "ipMode": "VIP"},
        {"hostname": "h"},
    ]


def test_d10_not_for_other_types() -> None:
    out = defaulted({}, {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}})
    assert out["status"]["loadBalancer"]["ingress"] == [{"ip": "1.2.3.4"}]


BAD_TYPES = [
    ({"ports": [{"port": "80"}]}, "cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32"),
    ({"ports": [{"port": 80.5}]}, "cannot unmarshal number 80.5 into Go struct field ServicePort.spec.ports.port of type int32"),
    ({"ports": [{"port": 2**40}]}, f"cannot unmarshal number {2**40} into Go struct field ServicePort.spec.ports.port of type int32"),
    ({"ports": [{"port": 80, "targetPort": True}]}, "cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32"),
    ({"clusterIPs": "10.0.0.1"}, "cannot unmarshal string into Go struct field ServiceSpec.spec.clusterIPs of type []string"),
    ({"selector": {"a": 1}}, "cannot unmarshal number into Go struct field ServiceSpec.spec.selector of type string"),
    ({"type": 1}, "cannot unmarshal number into Go struct field ServiceSpec.spec.type of type string"),
    ({"ports": {}}, "cannot unmarshal object into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort"),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "message"), BAD_TYPES)
def test_wrong_json_types_are_bad_requests(spec: Obj, message: str) -> None:
    with pytest.raises(StatusError) as info:
        defaulted(spec)
    assert info.value.code == 400
    assert (
        info.value.message
        == f'Service in version "v1" cannot be handled as a Service: json: {message}'
    )
