"""The live view's topology projection checked against the ten real manifests: every Service
selects exactly the workloads EXPECTED.json lists, and every port resolves (or not) per
workload as EXPECTED.json says — the rules of FindPort, which the Endpoints controller uses."""

from __future__ import annotations

import json

import pytest

from cluster import topology, yamlio
from tests.paths import MANIFESTS

EXPECTED = json.loads((MANIFESTS / "EXPECTED.json").read_text())


def load(file: str) -> tuple[list[dict], list[dict]]:
    services, workloads = [], []
    for doc in yamlio.load_all((MANIFESTS / file).read_text()):
        docs = doc.get("items", []) if doc.get("kind") == "List" else [doc]
        for d in docs:
            d.setdefault("metadata", {}).setdefault("namespace", "default")
            if d.get("kind") == "Service":
                services.append(d)
            elif d.get("kind") in topology.WORKLOAD_KINDS:
                workloads.append(d)
    return services, workloads


@pytest.mark.parametrize("manifest", sorted(EXPECTED))
def test_selection_and_port_resolution_match_the_expected_topology(manifest):
    services, workloads = load(EXPECTED[manifest]["file"])
    by_key = {(s["metadata"]["namespace"], s["metadata"]["name"]): s for s in services}
    for want in EXPECTED[manifest]["services"]:
        svc = by_key[(want["namespace"], want["name"])]
        assert topology.headless(svc) is want["headless"]
        edges = topology.service_edges(svc, workloads)
        assert sorted(e["target"] for e in edges) == sorted(want["workloads"]), want["name"]
        for i, port in enumerate(want["ports"]):
            got = {
                e["target"]: e["ports"][i]["containerPort"]
                if e["ports"][i]["containerPort"] is not None
                else "unresolved"
                for e in edges
            }
            assert got == port["resolved"], (want["name"], port["name"])
            for e in edges:
                hop = e["ports"][i]
                assert (hop["protocol"], hop["port"], hop["targetPort"]) == (
                    port["protocol"],
                    port["port"],
                    port["targetPort"],
                )


def test_entry_points_lead_into_the_service():
    svc = {
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "type": "LoadBalancer",
            "clusterIP": "10.96.5.5",
            "externalIPs": ["198.51.100.7"],
            "ports": [{"name": "http", "port": 80, "targetPort": 8080, "nodePort": 30080}],
        },
        "status": {"loadBalancer": {"ingress": [{"ip": "172.18.255.200", "ipMode": "VIP"}]}},
    }
    nodes = [
        {"status": {"addresses": [{"type": "InternalIP", "address": f"172.18.0.{i}"}]}}
        for i in (2, 3)
    ]
    got = {(e["via"], e["address"], e["port"]) for e in topology.entry_points(svc, nodes)}
    assert got == {
        ("ClusterIP", "10.96.5.5", 80),
        ("NodePort", "172.18.0.2", 30080),
        ("NodePort", "172.18.0.3", 30080),
        ("LoadBalancer", "172.18.255.200", 80),
        ("ExternalIP", "198.51.100.7", 80),
    }
    external = {
        "metadata": {"name": "x"},
        "spec": {"type": "ExternalName", "externalName": "httpbin.org"},
    }
    assert topology.entry_points(external) == [
        {"via": "ExternalName", "address": "httpbin.org", "port": None, "servicePort": None}
    ]


def test_an_unresolved_named_port_says_why():
    svc = {
        "metadata": {"name": "s"},
        "spec": {"ports": [{"port": 443, "targetPort": "https", "protocol": "TCP"}]},
    }
    pod = {
        "metadata": {},
        "spec": {
            "containers": [
                {
                    "name": "c",
                    "ports": [{"name": "https", "containerPort": 8443, "protocol": "UDP"}],
                }
            ]
        },
    }
    (hop,) = topology.port_chain(svc, pod)
    assert hop["containerPort"] is None
    assert hop["unresolved"] == "no container port named 'https' with protocol TCP"
