"""The Endpoints controller's pure computation, table-driven from the upstream tests named in
../shared/spec/discovery.md §1 (endpoints_controller_test.go, endpoints/util_test.go)."""

from __future__ import annotations

import pytest

from cluster.controllers.endpoints import (
    compute_subsets,
    desired_endpoints,
    manages_endpoints,
    repack,
    truncate,
)
from cluster.controllers.podutil import find_port, should_pod_be_in_endpoints


def pod(
    name,
    ip="1.2.3.4",
    *,
    ns="default",
    labels=None,
    phase="Running",
    ready=True,
    deleting=False,
    ports=None,
    hostname="",
    subdomain="",
    node="node-1",
    init=None,
):
    p = {
        "metadata": {
            "name": name,
            "namespace": ns,
            "uid": f"uid-{name}",
            "labels": labels if labels is not None else {"app": "web"},
        },
        "spec": {
            "nodeName": node,
            "containers": [
                {
                    "name": "c",
                    "ports": ports
                    if ports is not None
                    else [{"containerPort": 8080, "protocol": "TCP"}],
                }
            ],
        },
        "status": {
            "phase": phase,
            "podIP": ip,
            "podIPs": [{"ip": ip}] if ip else [],
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        },
    }
    if deleting:
        p["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    if hostname:
        p["spec"]["hostname"] = hostname
    if subdomain:
        p["spec"]["subdomain"] = subdomain
    if init is not None:
        p["spec"]["initContainers"] = init
    return p


def svc(
    ports=None,
    *,
    name="web",
    selector=None,
    cluster_ip="10.96.1.1",
    publish=False,
    type_="ClusterIP",
    labels=None,
):
    s = {
        "metadata": {"name": name, "namespace": "default", "labels": labels or {}},
        "spec": {
            "type": type_,
            "selector": {"app": "web"} if selector is None else selector,
            "clusterIP": cluster_ip,
            "ports": [{"name": "", "port": 80, "protocol": "TCP", "targetPort": 8080}]
            if ports is None
            else ports,
            "ipFamilies": ["IPv4"],
        },
    }
    if publish:
        s["spec"]["publishNotReadyAddresses"] = True
    return s


def counts(subsets):
    return (
        sum(len(s.get("addresses", [])) for s in subsets),
        sum(len(s.get("notReadyAddresses", [])) for s in subsets),
    )


# EP-03, TestSyncServiceAddresses: phase x Ready x deleting x publishNotReadyAddresses.
@pytest.mark.parametrize(
    "phase, ready, deleting, publish, expected",
    [
        ("Running", True, False, False, (1, 0)),
        ("Running", True, True, False, (0, 0)),
        ("Unknown", True, False, False, (1, 0)),
        ("Pending", True, False, False, (1, 0)),
        ("Unknown", False, False, False, (0, 1)),
        ("Pending", False, False, False, (0, 1)),
        ("Failed", False, False, False, (0, 0)),
        ("Succeeded", False, False, False, (0, 0)),
        ("Failed", False, False, True, (0, 0)),
        ("Succeeded", False, False, True, (0, 0)),
        ("Running", False, True, True, (1, 0)),
        ("Unknown", False, False, True, (1, 0)),
        ("Pending", False, True, True, (1, 0)),
    ],
)
def test_sync_service_addresses(phase, ready, deleting, publish, expected):
    subsets = compute_subsets(
        svc(publish=publish), [pod("p", phase=phase, ready=ready, deleting=deleting)]
    )
    assert counts(subsets) == expected


def test_pod_without_ip_is_not_a_candidate():
    # ShouldPodBeInEndpoints: a pod needs podIP or podIPs.
    assert not should_pod_be_in_endpoints(pod("p", ip=""), include_terminating=False)


def test_integer_target_port_is_used_verbatim_even_if_undeclared():
    # EP-01, TestSyncEndpointsItems: targetPort 8088 while containers declare 8080/8081.
    s = svc([{"name": "port1", "port": 88, "protocol": "TCP", "targetPort": 8088}])
    subsets = compute_subsets(s, [pod("p")])
    assert subsets[0]["ports"] == [{"name": "port1", "port": 8088, "protocol": "TCP"}]


def test_named_ports_resolving_differently_land_in_different_subsets():
    # EP-05: pods resolving a named targetPort to different numbers.
    s = svc([{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "web"}])
    a = pod("a", "10.0.0.1", ports=[{"name": "web", "containerPort": 8080, "protocol": "TCP"}])
    b = pod("b", "10.0.0.2", ports=[{"name": "web", "containerPort": 9090, "protocol": "TCP"}])
    subsets = compute_subsets(s, [a, b])
    shape = sorted((s["ports"][0]["port"], [x["ip"] for x in s["addresses"]]) for s in subsets)
    assert shape == [(8080, ["10.0.0.1"]), (9090, ["10.0.0.2"])]


def test_pod_lacking_one_named_port_appears_only_under_the_ports_it_has():
    # EP-06.
    s = svc(
        [
            {"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"},
            {"name": "metrics", "port": 9100, "protocol": "TCP", "targetPort": "metrics"},
        ]
    )
    full = pod(
        "a",
        "10.0.0.1",
        ports=[
            {"name": "http", "containerPort": 8080, "protocol": "TCP"},
            {"name": "metrics", "containerPort": 9100, "protocol": "TCP"},
        ],
    )
    partial = pod(
        "b", "10.0.0.2", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    )
    subsets = compute_subsets(s, [full, partial])
    by_port = {
        p["name"]: [a["ip"] for a in sub["addresses"]] for sub in subsets for p in sub["ports"]
    }
    assert by_port == {"http": ["10.0.0.1", "10.0.0.2"], "metrics": ["10.0.0.1"]}


def test_protocol_mismatch_counts_as_not_found():
    # EP-07: FindPort compares the protocol too.
    assert (
        find_port(
            pod("a", ports=[{"name": "dns", "containerPort": 53, "protocol": "TCP"}]),
            {"port": 53, "protocol": "UDP", "targetPort": "dns"},
        )
        is None
    )


def test_named_port_found_in_native_sidecar_only():
    # EP-16: initContainers with restartPolicy Always are searched; plain init containers not.
    sidecar = [
        {
            "name": "s",
            "restartPolicy": "Always",
            "ports": [{"name": "proxy", "containerPort": 15001, "protocol": "TCP"}],
        }
    ]
    plain = [{"name": "s", "ports": [{"name": "proxy", "containerPort": 15001, "protocol": "TCP"}]}]
    sp = {"port": 80, "protocol": "TCP", "targetPort": "proxy"}
    assert find_port(pod("a", ports=[], init=sidecar), sp) == 15001
    assert find_port(pod("a", ports=[], init=plain), sp) is None


def test_headless_without_ports_publishes_addresses_only():
    # EP-08, TestSyncEndpointsHeadlessWithoutPort.
    subsets = compute_subsets(svc([], cluster_ip="None"), [pod("a", "10.0.0.1")])
    assert subsets == [
        {
            "addresses": [
                {
                    "ip": "10.0.0.1",
                    "nodeName": "node-1",
                    "targetRef": {
                        "kind": "Pod",
                        "namespace": "default",
                        "name": "a",
                        "uid": "uid-a",
                    },
                }
            ]
        }
    ]


def test_hostname_only_when_subdomain_names_the_service():
    # EP-09, ShouldSetHostname (the controller does not require headless).
    s = svc()
    with_sub = pod("a", "10.0.0.1", hostname="a-0", subdomain="web")
    other_sub = pod("b", "10.0.0.2", hostname="b-0", subdomain="elsewhere")
    addrs = compute_subsets(s, [with_sub, other_sub])[0]["addresses"]
    assert [a.get("hostname") for a in addrs] == ["a-0", None]


def test_pods_in_other_namespaces_never_match():
    # TestSyncEndpointsItems decoys in namespace "blah".
    assert compute_subsets(svc(), [pod("x", ns="blah")]) == []


@pytest.mark.parametrize(
    "service",
    [
        svc(type_="ExternalName"),
        svc(selector={}),
        svc(selector=None) | {"spec": {"type": "ClusterIP"}},
    ],
)
def test_external_name_and_selectorless_services_are_not_managed(service):
    # EP-10, EP-11: TestSyncServiceExternalNameType, selectorless services.
    assert not manages_endpoints(service)


def test_pack_subsets_four_sets_three_ips_three_ports_jumbled():
    # RP, TestPackSubsets "four sets, three ips, three ports, jumbled".
    def a(ip):
        return {"ip": ip}

    def p(n):
        return {"name": "", "port": n, "protocol": "TCP"}

    entries = [
        (p(111), a("1.2.3.4"), True),
        (p(222), a("1.2.3.5"), True),
        (p(111), a("1.2.3.6"), True),
        (p(333), a("1.2.3.5"), True),
    ]
    out = repack(entries)
    shape = sorted(
        ([x["ip"] for x in s["addresses"]], [q["port"] for q in s["ports"]]) for s in out
    )
    assert shape == [(["1.2.3.4", "1.2.3.6"], [111]), (["1.2.3.5"], [222, 333])]


def test_pack_subsets_not_ready_wins():
    # TestPackSubsets "one set, dup ips with target-refs, not ready wins".
    entries = [
        ({"port": 111, "protocol": "TCP"}, {"ip": "1.2.3.4"}, True),
        ({"port": 111, "protocol": "TCP"}, {"ip": "1.2.3.4"}, False),
    ]
    out = repack(entries)
    assert out == [
        {"notReadyAddresses": [{"ip": "1.2.3.4"}], "ports": [{"port": 111, "protocol": "TCP"}]}
    ]


def _subsets(ready, not_ready):
    out = []
    base = 0
    for r, n in zip(ready, not_ready, strict=True):
        out.append(
            {
                "addresses": [{"ip": f"10.{base}.0.{i}"} for i in range(r)],
                "notReadyAddresses": [{"ip": f"10.{base}.1.{i}"} for i in range(n)],
            }
        )
        base += 1
    return out


@pytest.mark.parametrize(
    "ready, not_ready, want_ready, want_not_ready",
    [
        # EP-13a, TestTruncateEndpoints.
        (
            [90, 110, 50, 10, 20],
            [101, 200, 200, 201, 298],
            [90, 110, 50, 10, 20],
            [73, 144, 144, 145, 214],
        ),
        (
            [205, 400, 402, 400, 693],
            [100, 200, 200, 200, 300],
            [98, 191, 192, 191, 328],
            [0, 0, 0, 0, 0],
        ),
    ],
)
def test_truncate_endpoints(ready, not_ready, want_ready, want_not_ready):
    subsets = _subsets(ready, not_ready)
    assert truncate(subsets) is True
    assert [len(s.get("addresses", [])) for s in subsets] == want_ready
    assert [len(s.get("notReadyAddresses", [])) for s in subsets] == want_not_ready


def test_over_capacity_is_annotated_and_headless_labelled():
    # EP-13b TestSyncServiceOverCapacity (annotation) and EP-17 TestSyncEndpointsHeadlessService.
    pods = [pod(f"p{i}", f"10.1.{i // 250}.{i % 250}") for i in range(1001)]
    ep = desired_endpoints(svc(cluster_ip="None", labels={"team": "a"}), pods)
    assert ep["metadata"]["annotations"] == {"endpoints.kubernetes.io/over-capacity": "truncated"}
    assert ep["metadata"]["labels"] == {"team": "a", "service.kubernetes.io/headless": ""}
    assert counts(ep["subsets"]) == (1000, 0)
    under = desired_endpoints(svc(labels={"service.kubernetes.io/headless": ""}), pods[:3])
    assert "annotations" not in under["metadata"]
    assert "service.kubernetes.io/headless" not in under["metadata"].get("labels", {})
