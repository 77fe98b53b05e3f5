"""The ``endpointslices`` controller through the database (discovery.md §1.5, §1.10; upstream
tests in kubernetes/endpointslice reconciler_test.go and
pkg/controller/endpointslice/endpointslice_controller_test.go)."""

from __future__ import annotations

import pytest

from cluster.actions.objects import create_object
from cluster.controllers.endpointslices import CONTROLLER_NAME, MANAGED_BY_LABEL
from cluster.controllers.sync_endpoints import sync_endpointslices
from cluster.models import Namespace, Service
from cluster.objects import now
from tests.cluster.controllers.discovery_setup import (
    delete_pod,
    delete_service,
    disown,
    kind,
    make_pod,
    make_service,
    patch_service,
    revision,
    slices_of,
    stage_pods,
)

KEY = "default/web"


def synced() -> list[dict]:
    sync_endpointslices(KEY)
    return slices_of()


def endpoint_ips(slices: list[dict]) -> list[str]:
    return sorted(ep["addresses"][0] for s in slices for ep in s["endpoints"])


def test_slice_shape_owner_labels_and_zone(cluster):
    # TestReconcile1Pod: generateName, controller owner reference, labels, zone from the node.
    svc = make_service(labels={"team": "a", "kubernetes.io/service-name": "spoof"})
    make_pod("a", "10.244.1.5", node="node-2", hostname="a", subdomain="web")
    [s] = synced()
    meta = s["metadata"]
    assert meta["generateName"] == "web-" and meta["name"].startswith("web-")
    assert meta["ownerReferences"] == [
        {
            "apiVersion": "v1",
            "kind": "Service",
            "name": "web",
            "uid": svc["metadata"]["uid"],
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ]
    assert meta["labels"] == {
        "team": "a",
        "kubernetes.io/service-name": "web",
        MANAGED_BY_LABEL: CONTROLLER_NAME,
    }
    assert s["addressType"] == "IPv4"
    assert s["ports"] == [{"name": "http", "port": 8080, "protocol": "TCP"}]
    [ep] = s["endpoints"]
    assert ep["conditions"] == {"ready": True, "serving": True, "terminating": False}
    assert (ep["nodeName"], ep["zone"], ep["hostname"]) == ("node-2", "zone-b", "a")


def test_a_second_sync_writes_nothing(cluster):
    make_service()
    make_pod("a", "10.244.0.5")
    synced()
    before = revision()
    sync_endpointslices(KEY)
    assert revision() == before


def test_no_pods_gives_one_placeholder(cluster):
    # TestReconcileEmpty (ES-06).
    make_service()
    [s] = synced()
    assert (s["endpoints"], s["ports"]) == ([], [])


def test_placeholder_is_replaced_when_pods_arrive(cluster):
    make_service()
    synced()
    make_pod("a", "10.244.0.5")
    slices = synced()
    assert len(slices) == 1 and endpoint_ips(slices) == ["10.244.0.5"]


def test_at_most_100_endpoints_per_slice(cluster):
    # MaxEndpointsPerSlice default 100 (TestReconcileMaxEndpointsPerSlice, ES-02).
    make_service()
    stage_pods(250)
    slices = synced()
    assert sorted(len(s["endpoints"]) for s in slices) == [50, 100, 100]
    assert len(endpoint_ips(slices)) == 250


def test_terminating_pods_stay_with_the_terminating_condition(cluster):
    # KEP-1672: includeTerminating is true for slices.
    make_service()
    make_pod("a", "10.244.0.5", finalizers=["example.com/hold"])
    synced()
    delete_pod("a")
    [ep] = synced()[0]["endpoints"]
    assert ep["conditions"] == {"ready": False, "serving": True, "terminating": True}


def test_pod_on_an_unknown_node_is_skipped_unless_publishing(cluster):
    # reconcileByAddressType: Node not found → skip the pod (unless publishNotReadyAddresses).
    make_service()
    make_pod("a", "10.244.0.5", node="node-404")
    assert synced()[0]["endpoints"] == []
    patch_service("web", {"spec": {"publishNotReadyAddresses": True}})
    [ep] = synced()[0]["endpoints"]
    assert ep["nodeName"] == "node-404" and "zone" not in ep


def test_pod_lacking_all_named_ports_gets_a_portless_slice(cluster):
    # ES-04: getEndpointPorts → an endpoint in a slice without ports.
    make_service(ports=[{"name": "http", "port": 80, "targetPort": "web"}])
    make_pod("a", "10.244.0.5", ports=[{"name": "web", "containerPort": 8080}])
    make_pod("b", "10.244.0.6", ports=[])
    by_ports = {len(s["ports"]): endpoint_ips([s]) for s in synced()}
    assert by_ports == {1: ["10.244.0.5"], 0: ["10.244.0.6"]}


def test_service_deletion_cascades_and_a_later_sync_is_a_no_op(cluster):
    make_service()
    make_pod("a", "10.244.0.5")
    synced()
    delete_service("web")
    assert slices_of() == []
    before = revision()
    sync_endpointslices(KEY)
    assert revision() == before


def test_slices_owned_by_an_earlier_service_of_the_same_name_are_deleted(cluster):
    # Reconcile: existing slices not owned by the Service are deleted.
    make_service()
    make_pod("a", "10.244.0.5")
    [old] = synced()
    disown(old["metadata"]["name"])
    slices = synced()
    assert [s["metadata"]["name"] for s in slices] != [old["metadata"]["name"]]
    assert len(slices) == 1 and endpoint_ips(slices) == ["10.244.0.5"]


def test_managed_slices_without_a_service_are_deleted(cluster):
    labels = {"kubernetes.io/service-name": "web", MANAGED_BY_LABEL: CONTROLLER_NAME}
    body = {
        "metadata": {"name": "web-abcde", "labels": labels},
        "addressType": "IPv4",
        "endpoints": [],
    }
    create_object(kind("EndpointSlice"), namespace="default", body=body)
    sync_endpointslices(KEY)
    assert slices_of() == []


def test_user_slices_are_not_touched(cluster):
    make_service()
    body = {
        "metadata": {"name": "mine", "labels": {"kubernetes.io/service-name": "web"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["192.0.2.1"]}],
    }
    create_object(kind("EndpointSlice"), namespace="default", body=body)
    slices = synced()
    assert "mine" in [s["metadata"]["name"] for s in slices] and len(slices) == 2


@pytest.mark.parametrize(
    "service",
    [
        {"type_": "ExternalName", "selector": {}, "ports": [], "extra": {"externalName": "x.io"}},
        {"selector": {}},
    ],
)
def test_unmanaged_services_get_no_slices(cluster, service):
    make_service(**service)
    make_pod("a", "10.244.0.5")
    before = revision()
    assert synced() == []
    assert revision() == before


def test_no_slices_created_in_a_terminating_namespace(cluster):
    make_service()
    make_pod("a", "10.244.0.5")
    Namespace.objects.filter(name="default").update(deletion_timestamp=now())
    assert synced() == []


def test_one_placeholder_per_ip_family_of_the_service(cluster):
    # getAddressTypesForService: one slice per family in spec.ipFamilies (ES-06).
    make_service(headless=True, extra={"ipFamilyPolicy": "PreferDualStack"})
    slices = synced()
    families = sorted(s["addressType"] for s in slices)
    svc = kind("Service").to_k8s(Service.objects.get(namespace="default", name="web"))
    assert families == sorted(svc["spec"]["ipFamilies"])
    assert all(s["endpoints"] == [] and s["ports"] == [] for s in slices)
