"""Services over the REST API: allocation before validation, PUT semantics, type changes,
release, rollback and range exhaustion (spec service-api.md §1 C1–C4, §4)."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

SVCS = "/api/v1/namespaces/default/services"


def svc(name: str = "web", **spec: Any) -> dict[str, Any]:
    spec.setdefault("ports", [{"port": 80}])
    spec.setdefault("selector", {"app": name})
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec}


def causes(answer: Any) -> list[tuple[str, str, str]]:
    return [(c["reason"], c["field"], c["message"]) for c in answer.body["details"]["causes"]]


def test_default_kubernetes_holds_the_first_ip(api) -> None:
    assert api.get(SVCS + "/kubernetes").body["spec"]["clusterIPs"] == ["10.96.0.1"]
    r = api.post(SVCS, svc(clusterIP="10.96.0.1"))
    assert r.status == 422
    assert causes(r) == [
        (
            "FieldValueInvalid",
            "spec.clusterIPs",
            'Invalid value: ["10.96.0.1"]: failed to allocate IP 10.96.0.1: provided IP is already allocated',
        )
    ]


def test_c1_allocation_errors_hide_validation_errors(api) -> None:
    r = api.post(SVCS, svc("Bad_Name", clusterIP="192.168.0.1", type="Bogus"))
    assert r.status == 422
    assert [(reason, field) for reason, field, _ in causes(r)] == [
        ("FieldValueInvalid", "spec.clusterIPs")
    ]
    assert "not in the valid range" in causes(r)[0][2]


def test_create_fills_allocated_fields(api) -> None:
    r = api.post(
        SVCS,
        svc(
            type="NodePort",
            ports=[{"name": "dns", "port": 53}, {"name": "dns-udp", "port": 53, "protocol": "UDP"}],
        ),
    )
    assert r.status == 201, r
    spec = r.body["spec"]
    ip = ipaddress.ip_address(spec["clusterIP"])
    assert spec["clusterIPs"] == [spec["clusterIP"]] and ip in ipaddress.ip_network("10.96.0.0/12")
    assert spec["ipFamilies"] == ["IPv4"] and spec["ipFamilyPolicy"] == "SingleStack"
    first, second = spec["ports"]
    assert first["nodePort"] == second["nodePort"]  # D15: shared by port number
    assert 30086 <= first["nodePort"] <= 32767  # dynamic band first
    assert r.body["status"] == {"loadBalancer": {}}


def test_auto_allocated_ips_avoid_the_static_band(api) -> None:
    static = ipaddress.ip_network("10.96.0.0/23")  # 10.96.0.1-10.96.1.0 is the static band
    for i in range(15):
        r = api.post(SVCS, svc(f"s{i}"))
        ip = ipaddress.ip_address(r.body["spec"]["clusterIP"])
        assert ip not in static or int(ip) > int(ipaddress.ip_address("10.96.1.0"))


def test_c4_same_node_port_on_different_port_numbers_fails_in_the_allocator(api) -> None:
    ports = [
        {"name": "a", "port": 80, "nodePort": 30500},
        {"name": "b", "port": 81, "protocol": "UDP", "nodePort": 30500},
    ]
    r = api.post(SVCS, svc(type="NodePort", ports=ports))
    assert r.status == 422
    assert causes(r) == [
        (
            "FieldValueInvalid",
            "spec.ports[1].nodePort",
            "Invalid value: 30500: provided port is already allocated",
        )
    ]
    # Same port number, TCP and UDP: both may ask for the same node port.
    ports[1]["port"] = 80
    assert api.post(SVCS, svc(type="NodePort", ports=ports)).status == 201


def test_node_port_out_of_range(api) -> None:
    r = api.post(SVCS, svc(type="NodePort", ports=[{"port": 80, "nodePort": 80}]))
    assert causes(r) == [
        (
            "FieldValueInvalid",
            "spec.ports[0].nodePort",
            "Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767",
        )
    ]


def test_already_exists_rolls_back_allocations(api) -> None:
    assert api.post(SVCS, svc(clusterIP="10.96.0.50")).status == 201
    r = api.post(
        SVCS, svc(clusterIP="10.96.0.51", type="NodePort", ports=[{"port": 80, "nodePort": 30600}])
    )
    assert r.status == 409 and r.body["reason"] == "AlreadyExists"
    again = api.post(
        SVCS,
        svc(
            "other",
            clusterIP="10.96.0.51",
            type="NodePort",
            ports=[{"port": 80, "nodePort": 30600}],
        ),
    )
    assert again.status == 201, again


def test_validation_failure_rolls_back_allocations(api) -> None:
    r = api.post(SVCS, svc("Bad_Name", clusterIP="10.96.0.60"))
    assert r.status == 422 and causes(r)[0][1] == "metadata.name"
    assert api.post(SVCS, svc(clusterIP="10.96.0.60")).status == 201


def test_dry_run_allocates_nothing(api) -> None:
    assert api.post(SVCS + "?dryRun=All", svc(clusterIP="10.96.0.70")).status == 201
    assert api.post(SVCS, svc(clusterIP="10.96.0.70")).status == 201


def test_c3_put_without_allocated_values_keeps_them(api) -> None:
    created = api.post(SVCS, svc(type="LoadBalancer", externalTrafficPolicy="Local")).body
    body = svc(type="LoadBalancer", externalTrafficPolicy="Local")  # the same YAML again
    r = api.put(SVCS + "/web", body)
    assert r.status == 200, r
    for key in ("clusterIP", "clusterIPs", "healthCheckNodePort"):
        assert r.body["spec"][key] == created["spec"][key]
    assert r.body["spec"]["ports"][0]["nodePort"] == created["spec"]["ports"][0]["nodePort"]
    # A different clusterIP is an error (U2).
    body["spec"]["clusterIP"] = "10.96.0.99"
    r = api.put(SVCS + "/web", body)
    assert r.status == 422 and causes(r)[0][1] == "spec.clusterIPs[0]"


def test_type_transitions(api) -> None:
    created = api.post(SVCS, svc()).body
    ip = created["spec"]["clusterIP"]
    up = api.put(SVCS + "/web", svc(type="NodePort")).body
    assert up["spec"]["clusterIP"] == ip and up["spec"]["externalTrafficPolicy"] == "Cluster"
    node_port = up["spec"]["ports"][0]["nodePort"]

    # A new nodePort while going back to ClusterIP is rejected (V23) ...
    r = api.patch(
        SVCS + "/web", {"spec": {"type": "ClusterIP", "ports": [{"port": 80, "nodePort": 30777}]}}
    )
    assert r.status == 422 and causes(r)[0][:2] == ("FieldValueForbidden", "spec.ports[0].nodePort")
    # ... unchanged ones are wiped and released.
    down = api.patch(SVCS + "/web", {"spec": {"type": "ClusterIP"}}).body
    assert (
        "nodePort" not in down["spec"]["ports"][0] and "externalTrafficPolicy" not in down["spec"]
    )
    ports = [{"port": 80, "nodePort": node_port}]
    assert api.post(SVCS, svc("taker", type="NodePort", ports=ports)).status == 201

    named = api.patch(
        SVCS + "/web", {"spec": {"type": "ExternalName", "externalName": "example.com"}}
    ).body
    for key in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "internalTrafficPolicy"):
        assert key not in named["spec"]
    assert api.post(SVCS, svc("ip-taker", clusterIP=ip)).status == 201

    back = api.put(SVCS + "/web", svc(type="ClusterIP")).body
    assert back["spec"]["clusterIP"] not in ("", ip, None)


def test_headless_to_load_balancer_is_rejected(api) -> None:
    api.post(SVCS, svc(clusterIP="None"))
    r = api.patch(SVCS + "/web", {"spec": {"type": "LoadBalancer"}})
    assert r.status == 422
    assert ("FieldValueInvalid", "spec.clusterIPs[0]") in [c[:2] for c in causes(r)]


def test_delete_releases_everything(api) -> None:
    body = svc(type="LoadBalancer", externalTrafficPolicy="Local", clusterIP="10.96.0.80",
               healthCheckNodePort=30800, ports=[{"port": 80, "nodePort": 30801}])  # fmt: skip
    assert api.post(SVCS, body).status == 201
    assert api.delete(SVCS + "/web").status == 200
    assert api.post(SVCS, body).status == 201


def test_health_check_node_port_in_use_is_an_internal_error(api) -> None:
    api.post(SVCS, svc("a", type="NodePort", ports=[{"port": 80, "nodePort": 30900}]))
    r = api.post(
        SVCS, svc(type="LoadBalancer", externalTrafficPolicy="Local", healthCheckNodePort=30900)
    )
    assert r.status == 500 and r.body["reason"] == "InternalError"
    assert r.body["message"] == (
        "Internal error occurred: failed to allocate requested HealthCheck NodePort 30900: "
        "provided port is already allocated"
    )


def test_full_ip_range_is_an_internal_error(api, settings) -> None:
    settings.PORTOLAN_SERVICE_CIDR = "10.250.0.0/29"  # 6 usable addresses
    for i in range(6):
        assert api.post(SVCS, svc(f"s{i}")).status == 201
    r = api.post(SVCS, svc("s6"))
    assert r.status == 500
    assert (
        r.body["message"]
        == "Internal error occurred: failed to allocate a serviceIP: range is full"
    )
    assert api.post(SVCS, svc("h", clusterIP="None")).status == 201  # headless needs no IP


def test_full_node_port_range_is_an_internal_error(api, settings) -> None:
    settings.PORTOLAN_NODE_PORT_RANGE = "30000-30001"
    assert (
        api.post(
            SVCS,
            svc("a", type="NodePort", ports=[{"name": "x", "port": 1}, {"name": "y", "port": 2}]),
        ).status
        == 201
    )
    r = api.post(SVCS, svc("b", type="NodePort"))
    assert r.status == 500
    assert (
        r.body["message"] == "Internal error occurred: failed to allocate a nodePort: range is full"
    )


@pytest.mark.parametrize(
    ("spec", "field", "message"),
    [
        ({"clusterIP": "2001:db8::1"}, "spec.clusterIPs[0]", 'Invalid value: ["2001:db8::1"]: IPv6 is not configured on this cluster'),
        ({"ipFamilies": ["IPv6"]}, "spec.ipFamilies[0]", 'Invalid value: "IPv6": not configured on this cluster'),
        ({"ipFamilyPolicy": "RequireDualStack"}, "spec.ipFamilyPolicy", 'Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services'),
    ],
)  # fmt: skip
def test_v36_single_stack_cluster(api, spec: dict, field: str, message: str) -> None:
    r = api.post(SVCS, svc(**spec))
    assert r.status == 422
    assert causes(r) == [("FieldValueInvalid", field, message)]


def test_d12_d13_ip_families(api) -> None:
    assert api.post(SVCS, svc("pref", ipFamilyPolicy="PreferDualStack")).body["spec"][
        "ipFamilies"
    ] == ["IPv4"]
    body = svc("hl", clusterIP="None")
    body["spec"].pop("selector")
    spec = api.post(SVCS, body).body["spec"]
    assert (spec["ipFamilyPolicy"], spec["ipFamilies"]) == ("RequireDualStack", ["IPv4", "IPv6"])
    spec = api.post(SVCS, svc("hls", clusterIP="None")).body["spec"]
    assert (spec["ipFamilyPolicy"], spec["ipFamilies"]) == ("SingleStack", ["IPv4"])


def test_status_subresource(api) -> None:
    api.post(SVCS, svc(type="LoadBalancer"))
    current = api.get(SVCS + "/web").body
    current["status"] = {"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}]}}
    r = api.put(SVCS + "/web/status", current)
    assert r.status == 200, r
    assert r.body["status"]["loadBalancer"]["ingress"] == [{"ip": "203.0.113.7", "ipMode": "VIP"}]
    # A normal PUT ignores status (D17).
    current = r.body
    current["status"] = {"loadBalancer": {}}
    assert api.put(SVCS + "/web", current).body["status"]["loadBalancer"]["ingress"]
    # Leaving LoadBalancer clears the load-balancer status.
    down = api.patch(SVCS + "/web", {"spec": {"type": "ClusterIP"}}).body
    assert down["status"] == {"loadBalancer": {}}


def test_wrong_json_type_is_a_bad_request(api) -> None:
    r = api.post(SVCS, svc(ports=[{"port": "80"}]))
    assert r.status == 400 and r.body["reason"] == "BadRequest"


def test_warnings_reach_the_client_as_warning_headers(api):
    # V43, GetWarningsForService: externalName is ignored unless type is ExternalName; kubectl
    # prints a "Warning: 299 - ..." header as "Warning: ...".
    created = api.post(
        "/api/v1/namespaces/default/services",
        {
            "metadata": {"name": "warned"},
            "spec": {"externalName": "example.com", "ports": [{"port": 80}]},
        },
    )
    assert created.status == 201
    assert created.headers["Warning"] == (
        '299 - "spec.externalName is ignored when spec.type is not \\"ExternalName\\""'
    )
    plain = api.post(
        "/api/v1/namespaces/default/services",
        {"metadata": {"name": "quiet"}, "spec": {"ports": [{"port": 80}]}},
    )
    assert "Warning" not in plain.headers
