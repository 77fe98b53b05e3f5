"""Simulated connections through the Services' data path (discovery.md §4.3), pure: where each
kind of source and destination goes, what is rejected, dropped or refused and why, that the
choice among endpoints is uniform (a chi-square test with a fixed seed), and that ClientIP
affinity pins a client for its timeout on the simulated clock."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from cluster.proxy.traffic import simulate
from cluster.proxy.traffic_input import BadRequest, MemoryCluster, NoResolver
from tests.proxy.builders import endpoint, endpoint_slice, nodes, pod, service

POD_A = pod("web-a", "10.244.0.2", "node-1")
POD_B = pod("web-b", "10.244.1.2", "node-2")
POD_C = pod("web-c", "10.244.1.3", "node-2")
CLIENT = pod("client", "10.244.2.9", "node-3", labels={"app": "client"})
EXTERNAL = "203.0.113.50"
NODE_1_IP, NODE_3_IP = "172.18.0.2", "172.18.0.4"


def slice_for(*pods_: dict, name: str = "web", **conditions: Any) -> dict:
    return endpoint_slice(
        name,
        [
            endpoint(
                p["status"]["podIP"],
                p["spec"]["nodeName"],
                pod_name=p["metadata"]["name"],
                **conditions,
            )
            for p in pods_
        ],
    )


def world(svc: dict, slices: list[dict], pods_: list[dict] | None = None) -> MemoryCluster:
    return MemoryCluster(
        services=[svc],
        slices=slices,
        nodes=nodes(),
        pods=[CLIENT, *(pods_ if pods_ is not None else [POD_A, POD_B, POD_C])],
    )


def node_port_service(**spec: Any) -> dict:
    return service(
        type_="NodePort",
        ports=[{"port": 80, "targetPort": 8080, "nodePort": 30080, "protocol": "TCP"}],
        externalTrafficPolicy=spec.pop("externalTrafficPolicy", "Cluster"),
        **spec,
    )


def run(cluster: MemoryCluster, source: str, destination: str, **kw: Any) -> dict:
    kw.setdefault("count", 60)
    kw.setdefault("seed", 7)
    return simulate(cluster, source=source, destination=destination, **kw)


def delivered_to(result: dict) -> set[str]:
    return {e["pod"] for e in result["endpoints"] if e["count"]}


def only_failure(result: dict) -> dict:
    (failure,) = result["failures"]
    assert failure["count"] == result["count"]
    assert failure["attempts"] == list(range(result["count"]))
    return failure


# --- where connections go ------------------------------------------------------------------


def test_a_pod_reaches_every_ready_endpoint_through_the_cluster_ip():
    result = run(
        world(service(), [slice_for(POD_A, POD_B, POD_C)]), "default/client", "10.96.0.10:80"
    )
    assert result["delivered"] == 60 and result["failures"] == []
    assert delivered_to(result) == {"default/web-a", "default/web-b", "default/web-c"}
    path = result["paths"][0]
    assert [h["hop"] for h in path["hops"]] == [
        "source",
        "destination",
        "service",
        "node",
        "endpoint",
    ]
    source, _, svc_hop, node_hop, ep_hop = path["hops"]
    assert (source["kind"], source["nodeName"]) == ("Pod", "node-3")
    # The client's own node's rules translate 10.96.0.10:80 to an endpoint's 8080.
    assert (svc_hop["via"], svc_hop["port"], svc_hop["targetPort"]) == ("ClusterIP", 80, 8080)
    assert (node_hop["nodeName"], node_hop["action"], node_hop["chain"]) == (
        "node-3",
        "DNAT",
        "cluster",
    )
    assert ep_hop["port"] == 8080 and ep_hop["sourceSeen"] == "10.244.2.9"


def test_no_endpoints_is_rejected_with_kube_proxys_comment():
    result = run(world(service(), [slice_for()]), "default/client", "10.96.0.10", port=80)
    failure = only_failure(result)
    assert failure["outcome"] == "rejected"
    assert failure["reason"].startswith("default/web has no endpoints: REJECT on node node-3")
    assert "connection refused" in failure["reason"]


def test_not_ready_endpoints_are_no_endpoints():
    result = run(
        world(service(), [slice_for(POD_A, ready=False)]), "default/client", "10.96.0.10:80"
    )
    assert only_failure(result)["outcome"] == "rejected"


def test_terminating_endpoints_are_the_fallback():
    """All endpoints serving but terminating: kube-proxy still uses them."""
    sl = slice_for(POD_A, POD_B, ready=False, serving=True, terminating=True)
    result = run(world(service(), [sl]), "default/client", "10.96.0.10:80")
    assert result["delivered"] == 60
    assert delivered_to(result) == {"default/web-a", "default/web-b"}


def test_internal_traffic_policy_local_drops_without_a_local_endpoint():
    svc = service(internalTrafficPolicy="Local")
    cluster = world(svc, [slice_for(POD_A, POD_B)])
    dropped = only_failure(run(cluster, "default/client", "10.96.0.10:80"))  # on node-3
    assert dropped["outcome"] == "dropped"
    assert dropped["reason"] == (
        "default/web has no local endpoints: DROP on node node-3 (the client times out)"
    )
    # From node-1 only its own pod answers.
    assert delivered_to(run(cluster, "node-1", "10.96.0.10:80")) == {"default/web-a"}


def test_a_client_outside_cannot_reach_cluster_or_pod_ips():
    cluster = world(service(), [slice_for(POD_A)])
    assert only_failure(run(cluster, EXTERNAL, "10.96.0.10:80"))["outcome"] == "unreachable"
    assert only_failure(run(cluster, EXTERNAL, "10.244.0.2:8080"))["outcome"] == "unreachable"


@pytest.mark.parametrize(
    "policy,source,node_ip,outcome,pods,seen",
    [
        # eTP Cluster: any node, masqueraded: the backend sees the node's IP.
        (
            "Cluster",
            EXTERNAL,
            NODE_3_IP,
            "delivered",
            {"default/web-a", "default/web-b"},
            NODE_3_IP,
        ),
        # eTP Local: only the node's own endpoints, the client IP is kept.
        ("Local", EXTERNAL, NODE_1_IP, "delivered", {"default/web-a"}, EXTERNAL),
        # eTP Local on a node without endpoints: DROP.
        ("Local", EXTERNAL, NODE_3_IP, "dropped", set(), None),
        # Pod traffic to an external destination is short-circuited to the cluster chain.
        (
            "Local",
            "default/client",
            NODE_3_IP,
            "delivered",
            {"default/web-a", "default/web-b"},
            "10.244.2.9",
        ),
        # The node's own traffic is masqueraded and sent to the cluster chain too.
        ("Local", "node-3", NODE_3_IP, "delivered", {"default/web-a", "default/web-b"}, NODE_3_IP),
        # Another node's traffic is like a client outside.
        ("Local", "node-2", NODE_3_IP, "dropped", set(), None),
    ],
    ids=[
        "eTP Cluster from outside",
        "eTP Local, node with an endpoint",
        "eTP Local, node without",
        "eTP Local, from a pod",
        "eTP Local, from the node itself",
        "eTP Local, from another node",
    ],
)
def test_node_ports(policy, source, node_ip, outcome, pods, seen):
    svc = node_port_service(externalTrafficPolicy=policy)
    result = run(world(svc, [slice_for(POD_A, POD_B)], [POD_A, POD_B]), source, f"{node_ip}:30080")
    if outcome == "delivered":
        assert result["delivered"] == 60
        assert delivered_to(result) == pods
        assert {p["hops"][-1]["sourceSeen"] for p in result["paths"]} == {seen}
        assert {p["hops"][-2]["nodeName"] for p in result["paths"]} == {
            {NODE_1_IP: "node-1", NODE_3_IP: "node-3"}[node_ip]
        }
    else:
        failure = only_failure(result)
        assert failure["outcome"] == outcome
        assert "default/web has no local endpoints" in failure["reason"]


def test_a_node_port_nobody_has_is_refused_by_the_node():
    result = run(world(node_port_service(), [slice_for(POD_A)]), EXTERNAL, f"{NODE_1_IP}:30099")
    failure = only_failure(result)
    assert failure["outcome"] == "refused"
    assert "nothing listens on node node-1 (172.18.0.2) port 30099/TCP" in failure["reason"]


def lb_service(**spec: Any) -> dict:
    svc = service(
        type_="LoadBalancer",
        ports=[{"port": 80, "targetPort": 8080, "nodePort": 30080, "protocol": "TCP"}],
        **spec,
    )
    svc["status"] = {"loadBalancer": {"ingress": [{"ip": "172.18.255.200", "ipMode": "VIP"}]}}
    return svc


def test_the_load_balancer_sends_only_to_nodes_passing_the_health_check():
    """eTP Local: the balancer's health checks (kube-proxy's healthCheckNodePort) pass only
    on nodes with a local ready endpoint, so no connection is dropped."""
    svc = lb_service(externalTrafficPolicy="Local", healthCheckNodePort=32000)
    result = run(
        world(svc, [slice_for(POD_A, POD_B)], [POD_A, POD_B]),
        EXTERNAL,
        "172.18.255.200:80",
        count=200,
    )
    assert result["delivered"] == 200
    assert delivered_to(result) == {"default/web-a", "default/web-b"}
    for path in result["paths"]:
        node = path["hops"][-2]["nodeName"]
        assert path["hops"][-1]["nodeName"] == node  # always the node's own pod
        assert path["hops"][-1]["sourceSeen"] == EXTERNAL


def test_load_balancer_source_ranges_drop_other_clients():
    svc = lb_service(loadBalancerSourceRanges=["198.51.100.0/24"])
    cluster = world(svc, [slice_for(POD_A)], [POD_A])
    failure = only_failure(run(cluster, EXTERNAL, "172.18.255.200:80"))
    assert failure["outcome"] == "dropped"
    assert "not in loadBalancerSourceRanges (198.51.100.0/24)" in failure["reason"]
    assert run(cluster, "198.51.100.4", "172.18.255.200:80")["delivered"] == 60


def test_external_ips_are_caught_on_the_senders_node_from_inside():
    svc = service(externalIPs=["198.51.100.7"])
    result = run(world(svc, [slice_for(POD_A)], [POD_A]), "default/client", "198.51.100.7:80")
    assert result["delivered"] == 60
    assert {p["hops"][-2]["nodeName"] for p in result["paths"]} == {"node-3"}


def test_a_pod_that_does_not_listen_refuses():
    """targetPort 9090 while the pod's container declares only 8080."""
    svc = service(ports=[{"port": 80, "targetPort": 9090, "protocol": "TCP"}])
    sl = endpoint_slice(
        "web",
        [endpoint("10.244.0.2", pod_name="web-a")],
        ports=[{"name": "", "port": 9090, "protocol": "TCP"}],
    )
    failure = only_failure(run(world(svc, [sl], [POD_A]), "default/client", "10.96.0.10:80"))
    assert failure["outcome"] == "refused"
    assert "nothing listens on 10.244.0.2:9090/TCP in pod default/web-a" in failure["reason"]


def test_a_cluster_ip_port_the_service_lacks_is_dropped():
    failure = only_failure(
        run(world(service(), [slice_for(POD_A)]), "default/client", "10.96.0.10:81")
    )
    assert failure["outcome"] == "dropped"
    assert "no 81/TCP port" in failure["reason"]


def test_pod_ips_are_reached_directly():
    result = run(world(service(), []), "default/client", "10.244.1.2:8080")
    assert result["delivered"] == 60
    assert delivered_to(result) == {"default/web-b"}
    assert "service" not in [h["hop"] for h in result["paths"][0]["hops"]]


# --- names -----------------------------------------------------------------------------------


def fake_resolver(answers: dict[str, list[str]]):
    """Stands in for ``cluster.dns.resolv.resolve_from_pod`` (same signature and keys)."""
    calls = []

    def resolve(pod_obj: dict, name: str, qtype: str = "A") -> dict:
        calls.append((pod_obj["metadata"]["name"], name, qtype))
        fqdn = f"{name}.default.svc.cluster.local."
        found = answers.get(name, [])
        return {
            "fqdn_tried": [{"name": fqdn, "rcode": "NOERROR" if found else "NXDOMAIN"}],
            "answer": [f"{fqdn} 5 IN A {ip}" for ip in found],
            "resolved_name": fqdn if found else None,
        }

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


def test_a_name_is_resolved_as_the_pod_would_and_then_routed():
    resolver = fake_resolver({"web": ["10.96.0.10"]})
    result = run(
        world(service(), [slice_for(POD_A, POD_B)]), "default/client", "web:80", resolver=resolver
    )
    assert resolver.calls[0] == ("client", "web", "A")
    assert result["dns"]["addresses"] == ["10.96.0.10"]
    assert result["delivered"] == 60
    hops = result["paths"][0]["hops"]
    assert hops[1] == {"hop": "dns", "name": "web", "answer": ["10.96.0.10"]}


def test_a_headless_name_answers_pod_ips_and_each_connection_picks_one():
    resolver = fake_resolver({"web": ["10.244.0.2", "10.244.1.2"]})
    headless = service(cluster_ip="None")
    result = run(
        world(headless, []), "default/client", "web", port=8080, resolver=resolver, count=400
    )
    counts = {e["pod"]: e["count"] for e in result["endpoints"]}
    assert set(counts) == {"default/web-a", "default/web-b"}
    assert min(counts.values()) > 150


def test_a_name_that_does_not_resolve_fails_every_attempt():
    result = run(
        world(service(), []), "default/client", "nope:80", resolver=fake_resolver({}), count=3
    )
    failure = only_failure(result)
    assert failure["outcome"] == "unresolved"
    assert failure["reason"] == (
        "nope does not resolve from pod default/client (tried nope.default.svc.cluster.local.)"
    )


def test_names_need_a_pod_to_resolve_them_and_a_resolver():
    cluster = world(service(), [])
    with pytest.raises(BadRequest) as e:
        run(cluster, "node-1", "web:80", resolver=fake_resolver({}))
    assert e.value.causes[0][0] == "destination"
    with pytest.raises(NoResolver):
        run(cluster, "default/client", "web:80", resolver=None)


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs,fields",
    [
        ({"source": "default/ghost", "destination": "10.96.0.10:80"}, ["source"]),
        ({"source": "no-such-node", "destination": "10.96.0.10:80"}, ["source"]),
        ({"source": "node-1", "destination": "10.96.0.10"}, ["port"]),
        ({"source": "node-1", "destination": "10.96.0.10:80", "port": 81}, ["port"]),
        ({"source": "node-1", "destination": "10.96.0.10:99999"}, ["destination"]),
        ({"source": "node-1", "destination": "10.96.0.10:80", "protocol": "ICMP"}, ["protocol"]),
        ({"source": "node-1", "destination": "10.96.0.10:80", "count": 0}, ["count"]),
        (
            {"source": "node-1", "destination": "10.96.0.10:80", "count": 10**6, "seed": "x"},
            ["count", "seed"],
        ),
    ],
)
def test_invalid_requests_name_the_fields(kwargs, fields):
    with pytest.raises(BadRequest) as e:
        simulate(world(service(), []), **kwargs)
    assert [c[0] for c in e.value.causes] == fields


def test_a_pod_that_is_not_running_cannot_send():
    pending = pod("pending", "", "node-1", phase="Pending", labels={"app": "x"})
    cluster = MemoryCluster(services=[service()], nodes=nodes(), pods=[pending])
    with pytest.raises(BadRequest) as e:
        simulate(cluster, source="default/pending", destination="10.96.0.10:80")
    assert "not running (phase Pending)" in e.value.causes[0][3]


# --- the distribution ----------------------------------------------------------------------


def chi_square(counts: list[int], total: int) -> float:
    expected = total / len(counts)
    return sum((c - expected) ** 2 / expected for c in counts)


def test_the_choice_among_endpoints_is_uniform():
    """KP-LB-01: each of n endpoints gets 1/n of new connections. 10,000 connections (the
    most one request may ask for) over 3 endpoints with a fixed seed: the chi-square
    statistic stays below the 0.1% critical value for 2 degrees of freedom (13.816), and
    every share is within 3% of 1/3 (about six standard deviations)."""
    n = 10000
    result = run(
        world(service(), [slice_for(POD_A, POD_B, POD_C)]),
        "default/client",
        "10.96.0.10:80",
        count=n,
        seed=20240601,
    )
    counts = [e["count"] for e in result["endpoints"]]
    assert len(counts) == 3 and sum(counts) == n
    assert chi_square(counts, n) < 13.816
    assert all(abs(c / n - 1 / 3) < 0.03 for c in counts)
    assert [e["probability"] for e in result["endpoints"]] == [pytest.approx(1 / 3)] * 3


def test_a_seed_repeats_the_same_run():
    cluster = world(service(), [slice_for(POD_A, POD_B, POD_C)])
    first = run(cluster, "default/client", "10.96.0.10:80", count=50, seed=99)
    again = run(cluster, "default/client", "10.96.0.10:80", count=50, seed=99)
    other = run(cluster, "default/client", "10.96.0.10:80", count=50, seed=100)
    assert first["sequence"] == again["sequence"]
    assert [first["paths"][i] for i in first["sequence"]] != [
        other["paths"][i] for i in other["sequence"]
    ]
    assert len(first["sequence"]) == 50 and first["seed"] == 99


# --- session affinity ------------------------------------------------------------------------


def affinity_service(timeout: int) -> dict:
    return service(
        sessionAffinity="ClientIP",
        sessionAffinityConfig={"clientIP": {"timeoutSeconds": timeout}},
    )


def endpoints_in_order(result: dict) -> list[str]:
    return [result["paths"][i]["hops"][-1]["address"] for i in result["sequence"]]


def test_client_ip_affinity_pins_a_client():
    """Every connection of one client within the timeout goes to the same endpoint; other
    clients are pinned independently."""
    cluster = world(affinity_service(10800), [slice_for(POD_A, POD_B, POD_C)])
    for seed in range(5):
        result = run(cluster, "default/client", "10.96.0.10:80", count=300, seed=seed)
        assert len(set(endpoints_in_order(result))) == 1
    landed = {
        endpoints_in_order(run(cluster, "node-3", "10.96.0.10:80", count=5, seed=s))[0]
        for s in range(30)
    }
    assert len(landed) == 3  # the first connection is still a uniform choice


def test_affinity_is_refreshed_by_each_connection_and_expires_after_the_timeout():
    cluster = world(affinity_service(10), [slice_for(POD_A, POD_B, POD_C)])
    refreshed = run(cluster, "default/client", "10.96.0.10:80", count=200, interval=9, seed=3)
    assert len(set(endpoints_in_order(refreshed))) == 1  # 9 s apart: never expires
    expired = run(cluster, "default/client", "10.96.0.10:80", count=600, interval=11, seed=3)
    counts = Counter(endpoints_in_order(expired))
    assert len(counts) == 3 and chi_square(list(counts.values()), 600) < 13.816
