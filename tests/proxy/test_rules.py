"""kube-proxy's rules, pure (discovery.md §4): ``CategorizeEndpoints`` (the rows of upstream
``pkg/proxy/topology_test.go`` ``TestCategorizeEndpoints``, with the PreferSameTrafficDistribution
gate on and the terminating fallback always on), what a new connection meets (iptables
``syncProxyRules``: REJECT, DROP, the EXT chain's special cases), which endpoints the
endpoint-slice cache gives a service port, which services get no rules (``ShouldSkipService``),
and the statistic-rule probabilities (``computeProbability``)."""

from __future__ import annotations

import pytest

from cluster.proxy import rules, serviceports
from cluster.proxy.rules import (
    DNAT,
    DROP,
    FROM_NODE,
    FROM_OTHER,
    FROM_POD,
    REJECT,
    categorize,
    external_verdict,
    internal_verdict,
)
from cluster.proxy.serviceports import Endpoint, PortInfo
from cluster.proxy.view import describe
from tests.proxy.builders import endpoint, endpoint_slice, node, nodes, service

THIS = "this-node"


def ep(
    ip: str,
    local: bool,
    ready: bool,
    serving: bool,
    terminating: bool,
    zones: set[str] | None = None,
    node_hints: set[str] | None = None,
    port: int = 80,
) -> Endpoint:
    """``makeTestEndpointInfo(ip, port, isLocal, ready, serving, terminating, zoneHints,
    nodeHints)``."""
    return Endpoint(
        ip,
        port,
        ready=ready,
        serving=serving,
        terminating=terminating,
        node=THIS if local else "other-node",
        zone_hints=frozenset(zones or ()),
        node_hints=frozenset(node_hints or ()),
    )


def svc(node_port: int = 0, etp_local: bool = False, itp_local: bool = False) -> PortInfo:
    """``makeServicePortInfo(10.96.0.1, 80, TCP, nodePort, …, externalPolicyLocal,
    internalPolicyLocal)``."""
    return PortInfo(
        namespace="ns1",
        service="svc1",
        name="p80",
        protocol="TCP",
        port=80,
        target_port=80,
        node_port=node_port,
        cluster_ips=("10.96.0.1",),
        external_local=etp_local,
        internal_local=itp_local,
    )


def addrs(eps: tuple[Endpoint, ...] | None) -> set[str] | None:
    return None if eps is None else {e.address for e in eps}


A, B, C, D = "10.1.2.3", "10.1.2.4", "10.1.2.5", "10.1.2.6"
Z0, Z1, Z2, Z3 = "10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3"

# (name, node name, zone, port info, endpoints, cluster, local, all); None: not used.
CATEGORIZE = [
    (
        "should use topology since all endpoints have hints, node has a zone label and and "
        "there are endpoints for the node's zone",
        THIS,
        "zone-a",
        svc(),
        [
            ep(A, False, True, True, False, {"zone-a"}),
            ep(B, False, True, True, False, {"zone-b"}),
            ep(C, False, True, True, False, {"zone-c"}),
            ep(D, False, True, True, False, {"zone-a"}),
        ],
        {f"{A}:80", f"{D}:80"},
        None,
        None,
    ),
    (
        "eTP: Local, topology ignored for Local endpoints",
        THIS,
        "zone-a",
        svc(8080, etp_local=True),
        [
            ep(A, True, True, True, False, {"zone-a"}),
            ep(B, True, True, True, False, {"zone-b"}),
            ep(C, False, True, True, False, {"zone-c"}),
            ep(D, False, True, True, False, {"zone-a"}),
        ],
        {f"{A}:80", f"{D}:80"},
        {f"{A}:80", f"{B}:80"},
        {f"{A}:80", f"{B}:80", f"{D}:80"},
    ),
    (
        "iTP: Local, topology ignored for Local endpoints",
        THIS,
        "zone-a",
        svc(8080, itp_local=True),
        [
            ep(A, True, True, True, False, {"zone-a"}),
            ep(B, True, True, True, False, {"zone-b"}),
            ep(C, False, True, True, False, {"zone-c"}),
            ep(D, False, True, True, False, {"zone-a"}),
        ],
        {f"{A}:80", f"{D}:80"},
        {f"{A}:80", f"{B}:80"},
        {f"{A}:80", f"{B}:80", f"{D}:80"},
    ),
    (
        "empty node labels",
        THIS,
        "",
        svc(),
        [ep(A, False, True, True, False, {"zone-a"})],
        {f"{A}:80"},
        None,
        None,
    ),
    (
        "node in different zone, no endpoint filtering",
        THIS,
        "zone-b",
        svc(),
        [ep(A, False, True, True, False, {"zone-a"}), ep(C, False, True, True, False, {"zone-c"})],
        {f"{A}:80", f"{C}:80"},
        None,
        None,
    ),
    (
        "unready endpoint",
        THIS,
        "zone-a",
        svc(),
        [
            ep(A, False, True, True, False, {"zone-a"}),
            ep(B, False, True, True, False, {"zone-b"}),
            ep(C, False, True, True, False, {"zone-c"}),
            ep(D, False, False, True, False, {"zone-a"}),
        ],
        {f"{A}:80"},
        None,
        None,
    ),
    (
        "only unready endpoints in same zone (should not filter)",
        THIS,
        "zone-a",
        svc(),
        [
            ep(A, False, False, True, False, {"zone-a"}),
            ep(B, False, True, True, False, {"zone-b"}),
            ep(C, False, True, True, False, {"zone-c"}),
            ep(D, False, False, True, False, {"zone-a"}),
        ],
        {f"{B}:80", f"{C}:80"},
        None,
        None,
    ),
    (
        "missing hints, no filtering applied",
        THIS,
        "zone-a",
        svc(),
        [
            ep(A, False, True, True, False, {"zone-a"}),
            ep(B, False, True, True, False, {"zone-b"}),
            ep(C, False, True, True, False),
            ep(D, False, True, True, False, {"zone-a"}),
        ],
        {f"{A}:80", f"{B}:80", f"{C}:80", f"{D}:80"},
        None,
        None,
    ),
    (
        "multiple hints per endpoint, filtering includes any endpoint with zone included",
        THIS,
        "zone-c",
        svc(),
        [
            ep(A, False, True, True, False, {"zone-a", "zone-b", "zone-c"}),
            ep(B, False, True, True, False, {"zone-b", "zone-c"}),
            ep(C, False, True, True, False, {"zone-b", "zone-d"}),
            ep(D, False, True, True, False, {"zone-c"}),
        ],
        {f"{A}:80", f"{B}:80", f"{D}:80"},
        None,
        None,
    ),
    (
        "PreferSameNode available",
        "node-1",
        "zone-a",
        svc(),
        [
            ep(A, False, True, True, False, {"zone-a"}, {"node-1"}),
            ep(B, False, True, True, False, {"zone-b"}, {"node-2"}),
            ep(C, False, True, True, False, {"zone-c"}, {"node-3"}),
            ep(D, False, True, True, False, {"zone-a"}, {"node-4"}),
        ],
        {f"{A}:80"},
        None,
        None,
    ),
    (
        "PreferSameNode ignored if some endpoints unhinted",
        "node-1",
        "zone-a",
        svc(),
        [
            ep(A, False, True, True, False, {"zone-a"}, {"node-1"}),
            ep(B, False, True, True, False),
            ep(C, False, True, True, False, {"zone-c"}, {"node-3"}),
            ep(D, False, True, True, False, {"zone-a"}, {"node-4"}),
        ],
        {f"{A}:80", f"{B}:80", f"{C}:80", f"{D}:80"},
        None,
        None,
    ),
    (
        "PreferSameNode falls back to PreferSameZone if no endpoint for node",
        "node-0",
        "zone-a",
        svc(),
        [
            ep(A, False, True, True, False, {"zone-a"}, {"node-1"}),
            ep(B, False, True, True, False, {"zone-b"}, {"node-2"}),
            ep(C, False, True, True, False, {"zone-c"}, {"node-3"}),
            ep(D, False, True, True, False, {"zone-a"}, {"node-4"}),
        ],
        {f"{A}:80", f"{D}:80"},
        None,
        None,
    ),
    (
        "conflicting topology and localness require merging allEndpoints",
        THIS,
        "zone-a",
        svc(8080, itp_local=True),
        [
            ep(Z0, True, True, True, False, {"zone-a"}),
            ep(Z1, True, True, True, False, {"zone-b"}),
            ep(Z2, False, True, True, False, {"zone-a"}),
            ep(Z3, False, True, True, False, {"zone-b"}),
        ],
        {f"{Z0}:80", f"{Z2}:80"},
        {f"{Z0}:80", f"{Z1}:80"},
        {f"{Z0}:80", f"{Z1}:80", f"{Z2}:80"},
    ),
    (
        "internalTrafficPolicy: Local, with empty endpoints",
        THIS,
        "",
        svc(itp_local=True),
        [],
        None,
        set(),
        None,
    ),
    (
        "internalTrafficPolicy: Local, but all endpoints are remote",
        THIS,
        "",
        svc(itp_local=True),
        [ep(Z0, False, True, True, False), ep(Z1, False, True, True, False)],
        None,
        set(),
        None,
    ),
    (
        "internalTrafficPolicy: Local, all endpoints are local",
        THIS,
        "",
        svc(itp_local=True),
        [ep(Z0, True, True, True, False), ep(Z1, True, True, True, False)],
        None,
        {f"{Z0}:80", f"{Z1}:80"},
        None,
    ),
    (
        "internalTrafficPolicy: Local, some endpoints are local",
        THIS,
        "",
        svc(itp_local=True),
        [ep(Z0, True, True, True, False), ep(Z1, False, True, True, False)],
        None,
        {f"{Z0}:80"},
        None,
    ),
    (
        "Cluster traffic policy, endpoints not Ready",
        THIS,
        "",
        svc(),
        [ep(Z0, False, False, True, False), ep(Z1, False, False, True, False)],
        set(),
        None,
        None,
    ),
    (
        "Cluster traffic policy, some endpoints are Ready",
        THIS,
        "",
        svc(),
        [ep(Z0, False, False, True, False), ep(Z1, False, True, True, False)],
        {f"{Z1}:80"},
        None,
        None,
    ),
    (
        "Cluster traffic policy, all endpoints are terminating",
        THIS,
        "",
        svc(),
        [ep(Z0, False, False, True, True), ep(Z1, False, False, True, True)],
        {f"{Z0}:80", f"{Z1}:80"},
        None,
        None,
    ),
    (
        "iTP: Local, eTP: Cluster, some endpoints local",
        THIS,
        "",
        svc(8080, itp_local=True),
        [ep(Z0, True, True, True, False), ep(Z1, False, True, True, False)],
        {f"{Z0}:80", f"{Z1}:80"},
        {f"{Z0}:80"},
        {f"{Z0}:80", f"{Z1}:80"},
    ),
    (
        "iTP: Cluster, eTP: Local, some endpoints local",
        THIS,
        "",
        svc(8080, etp_local=True),
        [ep(Z0, True, True, True, False), ep(Z1, False, True, True, False)],
        {f"{Z0}:80", f"{Z1}:80"},
        {f"{Z0}:80"},
        {f"{Z0}:80", f"{Z1}:80"},
    ),
    (
        "iTP: Local, eTP: Local, some endpoints local",
        THIS,
        "",
        svc(8080, etp_local=True, itp_local=True),
        [ep(Z0, True, True, True, False), ep(Z1, False, True, True, False)],
        {f"{Z0}:80", f"{Z1}:80"},
        {f"{Z0}:80"},
        {f"{Z0}:80", f"{Z1}:80"},
    ),
    (
        "iTP: Local, eTP: Local, all endpoints remote",
        THIS,
        "",
        svc(8080, etp_local=True, itp_local=True),
        [ep(Z0, False, True, True, False), ep(Z1, False, True, True, False)],
        {f"{Z0}:80", f"{Z1}:80"},
        set(),
        {f"{Z0}:80", f"{Z1}:80"},
    ),
    (
        "iTP: Local, eTP: Local, all endpoints remote and terminating",
        THIS,
        "",
        svc(8080, etp_local=True, itp_local=True),
        [ep(Z0, False, False, True, True), ep(Z1, False, False, True, True)],
        {f"{Z0}:80", f"{Z1}:80"},
        set(),
        {f"{Z0}:80", f"{Z1}:80"},
    ),
    (
        "iTP: Cluster, eTP: Local, with terminating endpoints (KP-CAT, discovery.md §4.2)",
        THIS,
        "",
        svc(8080, etp_local=True),
        [
            ep(Z0, False, True, True, False),
            ep(Z1, True, False, False, False),
            ep(Z2, True, False, True, True),
            ep(Z3, False, False, True, True),
        ],
        {f"{Z0}:80"},
        {f"{Z2}:80"},
        {f"{Z0}:80", f"{Z2}:80"},
    ),
    (
        "eTP ignored if not externally accessible",
        THIS,
        "",
        svc(etp_local=True),
        [ep(Z0, False, True, True, False), ep(Z1, True, True, True, False)],
        {f"{Z0}:80", f"{Z1}:80"},
        None,
        None,
    ),
    (
        "no cluster endpoints for iTP:Local internal-only service",
        THIS,
        "",
        svc(itp_local=True),
        [ep(Z0, False, True, True, False), ep(Z1, True, True, True, False)],
        None,
        {f"{Z1}:80"},
        None,
    ),
    (
        "externalTrafficPolicy: Local, externally accessible, with empty endpoints",
        THIS,
        "",
        svc(8080, etp_local=True),
        [],
        set(),
        set(),
        set(),
    ),
    (
        "externalTrafficPolicy: Local, externally accessible, but all endpoints are remote",
        THIS,
        "",
        svc(8080, etp_local=True),
        [ep(Z0, False, True, True, False), ep(Z1, False, True, True, False)],
        {f"{Z0}:80", f"{Z1}:80"},
        set(),
        {f"{Z0}:80", f"{Z1}:80"},
    ),
    (
        "externalTrafficPolicy: Local, externally accessible, all endpoints are local",
        THIS,
        "",
        svc(8080, etp_local=True),
        [ep(Z0, True, True, True, False), ep(Z1, True, True, True, False)],
        {f"{Z0}:80", f"{Z1}:80"},
        {f"{Z0}:80", f"{Z1}:80"},
        {f"{Z0}:80", f"{Z1}:80"},
    ),
    (
        "externalTrafficPolicy: Local, externally accessible, some endpoints are local",
        THIS,
        "",
        svc(8080, etp_local=True),
        [ep(Z0, True, True, True, False), ep(Z1, False, True, True, False)],
        {f"{Z0}:80", f"{Z1}:80"},
        {f"{Z0}:80"},
        {f"{Z0}:80", f"{Z1}:80"},
    ),
]


@pytest.mark.parametrize(
    "node_name,zone,port,endpoints,cluster,local,everything",
    [c[1:] for c in CATEGORIZE],
    ids=[c[0] for c in CATEGORIZE],
)
def test_categorize_endpoints(node_name, zone, port, endpoints, cluster, local, everything):
    """TestCategorizeEndpoints: a policy the service does not use yields nothing (upstream
    ``nil``); one it uses may yield an empty set."""
    eps = sorted(endpoints, key=lambda e: e.address)
    got = categorize(eps, port, node_name, zone)
    assert (addrs(got.cluster) if port.uses_cluster_endpoints else None) == cluster
    assert (addrs(got.local) if port.uses_local_endpoints else None) == local
    if everything is None:
        everything = cluster if local is None else local if cluster is None else set()
    assert addrs(got.all_reachable) == everything


def test_has_any_endpoints_counts_ready_and_serving_terminating_anywhere():
    port = svc(itp_local=True)
    assert categorize([ep(Z0, False, True, True, False)], port, THIS).has_any
    assert categorize([ep(Z0, False, False, True, True)], port, THIS).has_any
    assert not categorize([ep(Z0, False, False, False, False)], port, THIS).has_any
    assert not categorize([ep(Z0, False, False, True, False)], svc(), THIS).has_any


# --- what a new connection meets -----------------------------------------------------------

LOCAL_READY = ep(Z0, True, True, True, False)
REMOTE_READY = ep(Z1, False, True, True, False)
NO_LOCAL = "ns1/svc1:p80 has no local endpoints"
NONE = "ns1/svc1:p80 has no endpoints"

# (name, port info, endpoints, internal, external from outside, from a pod, from the node)
# Each outcome is (action, chain, endpoint addresses) or (action, reason).
VERDICTS = [
    (
        "no endpoints at all: REJECT everywhere",
        svc(30080, etp_local=True, itp_local=True),
        [],
        (REJECT, NONE),
        (REJECT, NONE),
        (REJECT, NONE),
        (REJECT, NONE),
    ),
    (
        "only not-ready endpoints count as none: REJECT",
        svc(30080),
        [ep(Z0, True, False, False, False)],
        (REJECT, NONE),
        (REJECT, NONE),
        (REJECT, NONE),
        (REJECT, NONE),
    ),
    (
        "Cluster policies: the cluster chain, external traffic masqueraded",
        svc(30080),
        [LOCAL_READY, REMOTE_READY],
        (DNAT, "cluster", {f"{Z0}:80", f"{Z1}:80"}),
        (DNAT, "cluster", {f"{Z0}:80", f"{Z1}:80"}),
        (DNAT, "cluster", {f"{Z0}:80", f"{Z1}:80"}),
        (DNAT, "cluster", {f"{Z0}:80", f"{Z1}:80"}),
    ),
    (
        "iTP Local without a local endpoint: cluster IP DROPs, node port still works",
        svc(30080, itp_local=True),
        [REMOTE_READY],
        (DROP, NO_LOCAL),
        (DNAT, "cluster", {f"{Z1}:80"}),
        (DNAT, "cluster", {f"{Z1}:80"}),
        (DNAT, "cluster", {f"{Z1}:80"}),
    ),
    (
        "eTP Local without a local endpoint: outside traffic DROPs; pods and the node are "
        "short-circuited to the cluster chain",
        svc(30080, etp_local=True),
        [REMOTE_READY],
        (DNAT, "cluster", {f"{Z1}:80"}),
        (DROP, NO_LOCAL),
        (DNAT, "cluster", {f"{Z1}:80"}),
        (DNAT, "cluster", {f"{Z1}:80"}),
    ),
    (
        "eTP Local with a local endpoint: outside traffic stays on the node",
        svc(30080, etp_local=True),
        [LOCAL_READY, REMOTE_READY],
        (DNAT, "cluster", {f"{Z0}:80", f"{Z1}:80"}),
        (DNAT, "local", {f"{Z0}:80"}),
        (DNAT, "cluster", {f"{Z0}:80", f"{Z1}:80"}),
        (DNAT, "cluster", {f"{Z0}:80", f"{Z1}:80"}),
    ),
    (
        "iTP Local falls back to a local serving-terminating endpoint",
        svc(itp_local=True),
        [ep(Z0, True, False, True, True), REMOTE_READY],
        (DNAT, "local", {f"{Z0}:80"}),
        None,
        None,
        None,
    ),
]


def outcome(v: rules.Verdict) -> tuple:
    if v.action == DNAT:
        return (v.action, v.chain, {e.address for e in v.endpoints})
    return (v.action, v.reason)


@pytest.mark.parametrize(
    "port,endpoints,internal,outside,pods,node_itself",
    [c[1:] for c in VERDICTS],
    ids=[c[0] for c in VERDICTS],
)
def test_what_a_new_connection_meets(port, endpoints, internal, outside, pods, node_itself):
    """syncProxyRules (iptables): REJECT in the filter table when the service has no usable
    endpoint anywhere, DROP for a Local policy with none on this node, otherwise DNAT through
    the policy chain; the EXT chain of eTP Local sends pod traffic ("pod traffic for …
    external destinations") and the node's own traffic ("route LOCAL traffic …") to the
    cluster chain."""
    cat = categorize(sorted(endpoints, key=lambda e: e.address), port, THIS)
    assert outcome(internal_verdict(port, cat)) == internal
    if outside is not None:
        assert outcome(external_verdict(port, cat, FROM_OTHER)) == outside
        assert outcome(external_verdict(port, cat, FROM_POD)) == pods
        assert outcome(external_verdict(port, cat, FROM_NODE)) == node_itself


def test_external_traffic_is_masqueraded_unless_the_policy_is_local():
    eps = [LOCAL_READY, REMOTE_READY]
    cluster = svc(30080)
    local = svc(30080, etp_local=True)
    assert external_verdict(cluster, categorize(eps, cluster, THIS), FROM_OTHER).masquerade
    assert not external_verdict(local, categorize(eps, local, THIS), FROM_OTHER).masquerade
    assert external_verdict(local, categorize(eps, local, THIS), FROM_NODE).masquerade
    assert not internal_verdict(cluster, categorize(eps, cluster, THIS)).masquerade


def test_port_name_string_omits_an_unnamed_port():
    """``ServicePortName.String()``: the REJECT comment of an unnamed port."""
    port = PortInfo("default", "web", "", "TCP", 80, 80, cluster_ips=("10.96.0.9",))
    verdict = internal_verdict(port, categorize([], port, THIS))
    assert verdict.reason == "default/web has no endpoints"
    assert verdict.rule == '"default/web has no endpoints" -j REJECT'


# --- the endpoint-slice cache ---------------------------------------------------------------


def test_slice_ports_match_by_name_and_protocol_and_endpoints_sort_as_strings():
    """Slice ports are matched to the service port by name and protocol; endpoints without
    addresses and ports without numbers are ignored; conditions default (ready and serving
    true, terminating false); the list sorts by ``IP:port`` text (10.0.0.10 before 10.0.0.2)."""
    web = service(
        ports=[
            {"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"},
            {"name": "dns", "port": 53, "targetPort": 53, "protocol": "UDP"},
        ]
    )
    sl = endpoint_slice(
        "web",
        [
            endpoint("10.0.0.2"),
            endpoint("10.0.0.10", "node-2"),
            {"addresses": [], "conditions": {}},
            {"addresses": ["10.0.0.7"]},
        ],
        ports=[
            {"name": "http", "port": 8080, "protocol": "TCP"},
            {"name": "http", "port": 9999, "protocol": "UDP"},
            {"name": "dns", "port": 0, "protocol": "UDP"},
        ],
    )
    http, dns = serviceports.port_infos(web, [sl])
    assert [e.address for e in http.endpoints] == [
        "10.0.0.10:8080",
        "10.0.0.2:8080",
        "10.0.0.7:8080",
    ]
    defaulted = http.endpoints[2]
    assert (defaulted.ready, defaulted.serving, defaulted.terminating) == (True, True, False)
    assert dns.endpoints == ()
    assert http.port_name_string == "default/web:http"


def test_a_selectorless_service_uses_its_endpoints_as_the_mirroring_controller_copies_them():
    web = service(selector=None)
    web["spec"].pop("selector")
    manual = {
        "metadata": {"name": "web", "namespace": "default"},
        "subsets": [
            {
                "addresses": [{"ip": "192.0.2.10"}],
                "notReadyAddresses": [{"ip": "192.0.2.11"}],
                "ports": [{"port": 9000, "protocol": "TCP"}],
            }
        ],
    }
    (port,) = serviceports.port_infos(web, [], manual)
    assert port.endpoints_source == "Endpoints"
    assert [(e.address, e.ready) for e in port.endpoints] == [
        ("192.0.2.10:9000", True),
        ("192.0.2.11:9000", False),
    ]


@pytest.mark.parametrize(
    "spec,reason",
    [
        ({"clusterIP": "None", "clusterIPs": ["None"]}, "headless"),
        ({"type": "ExternalName", "externalName": "db.example.com", "clusterIP": ""}, "CNAME"),
        ({"clusterIP": "", "clusterIPs": []}, "no cluster IP"),
        ({"ports": []}, "no ports"),
    ],
    ids=["headless", "ExternalName", "no cluster IP", "no ports"],
)
def test_services_that_get_no_rules(spec, reason):
    """``ShouldSkipService``: no cluster IP (headless) or ExternalName; and nothing to do
    without ports."""
    s = service()
    s["spec"].update(spec)
    assert reason in serviceports.skip_reason(s)
    assert serviceports.port_infos(s, []) == []
    view = describe(s, [], None, nodes())
    assert view["programmed"] is False and view["ports"] == []


def test_statistic_rule_probabilities():
    """KP-LB-01, ``computeProbability``: 1/(n-i) as ``%0.10f``, the last rule unconditional."""
    assert rules.rule_probabilities(3) == ["0.3333333333", "0.5000000000", None]
    assert rules.rule_probabilities(1) == [None]


def test_health_check_node_port_answers_200_only_with_a_local_ready_endpoint():
    """KP-HC: a LoadBalancer with eTP Local; terminating endpoints do not count."""
    lb = service(
        type_="LoadBalancer",
        externalTrafficPolicy="Local",
        healthCheckNodePort=32000,
        ports=[{"port": 80, "targetPort": 8080, "nodePort": 30080, "protocol": "TCP"}],
    )
    lb["status"] = {"loadBalancer": {"ingress": [{"ip": "172.18.255.200", "ipMode": "VIP"}]}}
    sl = endpoint_slice(
        "web",
        [
            endpoint("10.244.0.2", "node-1"),
            endpoint("10.244.1.2", "node-2", ready=False, serving=True, terminating=True),
        ],
    )
    view = describe(lb, [sl], None, nodes())
    (port,) = view["ports"]
    assert {h["nodeName"]: h["status"] for h in port["healthCheck"]} == {
        "node-1": 200,
        "node-2": 503,
        "node-3": 503,
    }
    lb_entry = next(e for e in port["entries"] if e["type"] == "LoadBalancer")
    assert lb_entry["backendNodes"] == ["node-1"]
    # Arriving from outside: node-1 keeps it on its ready endpoint; node-2 falls back to its
    # serving-terminating one (its health check still fails); node-3 has none: DROP.
    rows = {tuple(r["nodes"]): r for r in lb_entry["perNode"]}
    assert [e["address"] for e in rows[("node-1",)]["endpoints"]] == ["10.244.0.2:8080"]
    assert [e["address"] for e in rows[("node-2",)]["endpoints"]] == ["10.244.1.2:8080"]
    assert (rows[("node-3",)]["action"], rows[("node-3",)]["reason"]) == (
        "DROP",
        "default/web has no local endpoints",
    )


def test_the_view_lists_every_entry_of_a_node_port_service():
    np = service(
        type_="NodePort",
        externalIPs=["198.51.100.7"],
        sessionAffinity="ClientIP",
        sessionAffinityConfig={"clientIP": {"timeoutSeconds": 60}},
        ports=[{"port": 80, "targetPort": 8080, "nodePort": 30080, "protocol": "TCP"}],
    )
    sl = endpoint_slice(
        "web", [endpoint("10.244.0.2", "node-1", pod_name="a"), endpoint("10.244.1.2", "node-2")]
    )
    view = describe(np, [sl], None, [node("node-1"), node("node-2")])
    assert view["sessionAffinity"] == {"type": "ClientIP", "timeoutSeconds": 60}
    entries = view["ports"][0]["entries"]
    assert [(e["type"], e["address"], e["port"]) for e in entries] == [
        ("ClusterIP", "10.96.0.10", 80),
        ("NodePort", "172.18.0.2", 30080),
        ("NodePort", "172.18.0.3", 30080),
        ("ExternalIP", "198.51.100.7", 80),
    ]
    (everywhere,) = entries[0]["perNode"]
    assert everywhere["nodes"] == ["node-1", "node-2"]
    assert [
        (e["address"], e["pod"], e["probability"], e["ruleProbability"])
        for e in everywhere["endpoints"]
    ] == [
        ("10.244.0.2:8080", "default/a", 0.5, "0.5000000000"),
        ("10.244.1.2:8080", None, 0.5, None),
    ]
    assert entries[1]["fromOutside"]["masquerade"] is True
