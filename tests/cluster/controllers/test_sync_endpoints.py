"""The ``endpoints`` controller through the database (discovery.md §1; the upstream tests are
in kubernetes/kubernetes pkg/controller/endpoint/endpoints_controller_test.go)."""

from __future__ import annotations

import pytest

from cluster.actions.objects import create_object, delete_object, replace_object
from cluster.controllers.endpoints import HEADLESS_LABEL, OVER_CAPACITY
from cluster.controllers.sync_endpoints import sync_endpoints
from cluster.models import Endpoints, Namespace
from cluster.objects import now
from tests.cluster.controllers.discovery_setup import (
    delete_pod,
    delete_service,
    endpoints_of,
    ips,
    kind,
    make_pod,
    make_service,
    patch_service,
    relabel_pod,
    revision,
    set_pod_status,
    stage_pods,
)

KEY = "default/web"


def synced() -> dict:
    sync_endpoints(KEY)
    ep = endpoints_of()
    assert ep is not None
    return ep


def test_ready_and_not_ready_pods_become_addresses_and_not_ready_addresses(cluster):
    # TestSyncEndpointsItems / TestSyncServiceAddresses: Ready → addresses, else notReady.
    make_service()
    make_pod("a", "10.244.0.5")
    make_pod("b", "10.244.0.6", ready=False)
    make_pod("other", "10.244.0.7", labels={"app": "db"})
    ep = synced()
    [subset] = ep["subsets"]
    assert ips(subset) == ["10.244.0.5"]
    assert ips(subset, "notReadyAddresses") == ["10.244.0.6"]
    assert subset["ports"] == [{"name": "http", "port": 8080, "protocol": "TCP"}]
    address = subset["addresses"][0]
    assert address["nodeName"] == "node-1"
    assert set(address["targetRef"]) == {"kind", "namespace", "name", "uid"}


def test_a_second_sync_writes_nothing(cluster):
    # TestSyncEndpointsItemsPreexistingIdentical: a no-op sync takes no revision.
    make_service()
    make_pod("a", "10.244.0.5")
    synced()
    before = revision()
    sync_endpoints(KEY)
    assert revision() == before


def test_no_candidate_pods_still_creates_empty_endpoints(cluster):
    # §1.7: with no candidate pods the result is subsets: [] and the object is created.
    make_service()
    assert synced()["subsets"] == []


@pytest.mark.parametrize(
    "phase, ready, publish, expected",
    [
        # TestSyncServiceAddresses rows (EP-03), through the database.
        ("Pending", True, False, (1, 0)),
        ("Unknown", False, False, (0, 1)),
        ("Failed", False, True, (0, 0)),
        ("Succeeded", False, False, (0, 0)),
        ("Running", False, True, (1, 0)),
    ],
)
def test_phase_and_readiness_rules(cluster, phase, ready, publish, expected):
    make_service(publish=publish)
    make_pod("a", "10.244.0.5", ready=ready, phase=phase)
    subsets = synced()["subsets"]
    got = (
        sum(len(s.get("addresses", [])) for s in subsets),
        sum(len(s.get("notReadyAddresses", [])) for s in subsets),
    )
    assert got == expected


def test_named_target_port_resolved_per_pod(cluster):
    # EP-05 (TestSyncEndpointsItemsWithLabels-style): different numbers → different subsets;
    # EP-06: a pod lacking the named port is left out of it.
    make_service(ports=[{"name": "http", "port": 80, "targetPort": "web"}])
    make_pod("a", "10.244.0.5", ports=[{"name": "web", "containerPort": 8080}])
    make_pod("b", "10.244.0.6", ports=[{"name": "web", "containerPort": 9090}])
    make_pod("c", "10.244.0.7", ports=[{"name": "other", "containerPort": 7070}])
    subsets = synced()["subsets"]
    shape = sorted((s["ports"][0]["port"], ips(s)) for s in subsets)
    assert shape == [(8080, ["10.244.0.5"]), (9090, ["10.244.0.6"])]


def test_publish_not_ready_addresses_includes_terminating_pods(cluster):
    # EP-03 last rows: with publishNotReadyAddresses a terminating, not-ready pod is ready.
    make_service(publish=True)
    make_pod("a", "10.244.0.5", ready=False, finalizers=["example.com/hold"])
    delete_pod("a")
    [subset] = synced()["subsets"]
    assert ips(subset) == ["10.244.0.5"]


def test_terminating_pod_held_by_a_finalizer_leaves_the_endpoints(cluster):
    # ShouldPodBeInEndpoints(includeTerminating=false) for a Service without publish.
    make_service()
    make_pod("a", "10.244.0.5")
    make_pod("b", "10.244.0.6", finalizers=["example.com/hold"])
    assert ips(synced()["subsets"][0]) == ["10.244.0.5", "10.244.0.6"]
    delete_pod("b")
    assert ips(synced()["subsets"][0]) == ["10.244.0.5"]


def test_hostname_set_only_when_subdomain_is_the_service(cluster):
    # TestPodToEndpointAddressForService / ShouldSetHostname (EP-09).
    make_service()
    make_pod("a", "10.244.0.5", hostname="a", subdomain="web")
    make_pod("b", "10.244.0.6", hostname="b", subdomain="elsewhere")
    by_ip = {a["ip"]: a for a in synced()["subsets"][0]["addresses"]}
    assert by_ip["10.244.0.5"]["hostname"] == "a"
    assert "hostname" not in by_ip["10.244.0.6"]


def test_headless_service_without_ports(cluster):
    # TestSyncEndpointsHeadlessWithoutPort (EP-08) and the headless label (EP-17).
    make_service(headless=True, ports=[])
    make_pod("a", "10.244.0.5")
    ep = synced()
    assert ep["subsets"] == [
        {"addresses": [dict(ep["subsets"][0]["addresses"][0], ip="10.244.0.5")]}
    ]
    assert ep["metadata"]["labels"] == {HEADLESS_LABEL: ""}


def test_service_labels_are_copied(cluster):
    # §1.8: labels = the Service's labels; no headless label with a ClusterIP.
    make_service(labels={"team": "a"})
    assert synced()["metadata"]["labels"] == {"team": "a"}
    patch_service("web", {"metadata": {"labels": {"team": "b"}}})
    assert synced()["metadata"]["labels"] == {"team": "b"}


def test_truncation_at_1000_addresses_and_back(cluster):
    # TestSyncServiceOverCapacity (EP-13b): 1,001 ready addresses → 1,000 and the annotation;
    # removed again when the Service is back under capacity.
    make_service()
    stage_pods(1001)
    ep = synced()
    assert sum(len(s.get("addresses", [])) for s in ep["subsets"]) == 1000
    assert ep["metadata"]["annotations"] == {OVER_CAPACITY: "truncated"}
    assert ips(ep["subsets"][0])[0] == "10.1.0.0"  # lowest IPs survive
    delete_pod("bulk-01000")
    delete_pod("bulk-00999")
    ep = synced()
    assert sum(len(s.get("addresses", [])) for s in ep["subsets"]) == 999
    assert "annotations" not in ep["metadata"]


def test_over_capacity_annotation_with_another_value_is_corrected(cluster):
    # capacityAnnotationSetCorrectly: "warning" is not a correct value.
    make_service()
    make_pod("a", "10.244.0.5")
    ep = synced()
    ep["metadata"]["annotations"] = {OVER_CAPACITY: "warning", "keep": "me"}
    replace_object(kind("Endpoints"), namespace="default", name="web", body=ep)
    assert synced()["metadata"].get("annotations") == {"keep": "me"}


def test_target_ref_resource_version_and_ordering_are_not_differences(cluster):
    # TestSyncEndpointsWithPodResourceVersionUpdateOnly; subset/port order carries no meaning.
    make_service(
        ports=[
            {"name": "http", "port": 80, "targetPort": 8080},
            {"name": "alt", "port": 81, "targetPort": 8081},
        ]
    )
    make_pod("a", "10.244.0.5")
    make_pod("b", "10.244.0.6")
    ep = synced()
    for subset in ep["subsets"]:
        subset["ports"].reverse()
        subset["addresses"].reverse()
        for address in subset["addresses"]:
            address["targetRef"]["resourceVersion"] = "12345"
    replace_object(kind("Endpoints"), namespace="default", name="web", body=ep)
    before = revision()
    sync_endpoints(KEY)
    assert revision() == before


def test_selector_edit_moves_the_endpoints(cluster):
    make_service()
    make_pod("a", "10.244.0.5")
    make_pod("b", "10.244.0.6", labels={"app": "api"})
    assert ips(synced()["subsets"][0]) == ["10.244.0.5"]
    patch_service("web", {"spec": {"selector": {"app": "api"}}})
    assert ips(synced()["subsets"][0]) == ["10.244.0.6"]


def test_pod_label_change_leaves_the_service(cluster):
    make_service()
    make_pod("a", "10.244.0.5")
    synced()
    relabel_pod("a", {"app": "elsewhere"})
    assert synced()["subsets"] == []


def test_pod_ip_change_is_followed(cluster):
    make_service()
    make_pod("a", "10.244.0.5")
    synced()
    set_pod_status("a", "10.244.0.9")
    assert ips(synced()["subsets"][0]) == ["10.244.0.9"]


def test_service_deletion_removes_its_endpoints(cluster):
    # syncService: Service not found → delete the Endpoints of that name.
    make_service()
    synced()
    delete_service("web")
    assert endpoints_of() is None
    before = revision()
    sync_endpoints(KEY)  # gone is success, and writes nothing
    assert revision() == before


def test_endpoints_left_behind_without_a_service_are_deleted(cluster):
    create_object(
        kind("Endpoints"),
        namespace="default",
        body={"metadata": {"name": "web"}, "subsets": []},
    )
    sync_endpoints(KEY)
    assert endpoints_of() is None


def test_leader_election_endpoints_are_not_orphans(cluster):
    # checkLeftoverEndpoints skips LeaderElectionRecordAnnotationKey.
    annotations = {"control-plane.alpha.kubernetes.io/leader": "{}"}
    create_object(
        kind("Endpoints"),
        namespace="default",
        body={"metadata": {"name": "web", "annotations": annotations}, "subsets": []},
    )
    sync_endpoints(KEY)
    assert endpoints_of() is not None


@pytest.mark.parametrize(
    "service",
    [
        # TestSyncServiceExternalNameType; a Service without selector (user-managed).
        {"type_": "ExternalName", "selector": {}, "ports": [], "extra": {"externalName": "x.io"}},
        {"selector": {}},
    ],
)
def test_user_written_endpoints_of_unmanaged_services_stay(cluster, service):
    make_service(**service)
    make_pod("a", "10.244.0.5")
    body = {
        "metadata": {"name": "web"},
        "subsets": [{"addresses": [{"ip": "192.0.2.1"}], "ports": [{"port": 80}]}],
    }
    create_object(kind("Endpoints"), namespace="default", body=body)
    before = revision()
    sync_endpoints(KEY)
    assert revision() == before
    assert ips(endpoints_of()["subsets"][0]) == ["192.0.2.1"]


def test_nothing_is_created_in_a_terminating_namespace(cluster):
    # §1.8: creating fails with Forbidden in a terminating namespace → silently dropped.
    make_service()
    make_pod("a", "10.244.0.5")
    Namespace.objects.filter(name="default").update(deletion_timestamp=now())
    before = revision()
    sync_endpoints(KEY)
    assert revision() == before
    assert not Endpoints.objects.filter(namespace="default", name="web").exists()


def test_user_deleting_managed_endpoints_gets_them_back(cluster):
    make_service()
    make_pod("a", "10.244.0.5")
    synced()
    delete_object(kind("Endpoints"), namespace="default", name="web")
    assert ips(synced()["subsets"][0]) == ["10.244.0.5"]
