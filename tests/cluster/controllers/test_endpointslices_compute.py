"""The EndpointSlice controller's pure computation, from the upstream tests named in
../shared/spec/discovery.md §1.5–1.10 (k8s.io/endpointslice reconciler_test.go)."""

from __future__ import annotations

import itertools

import pytest

from cluster.controllers.endpointslices import reconcile, slice_labels, summary
from tests.cluster.controllers.test_endpoints_compute import pod, svc

_names = itertools.count()


def apply(plan, slices):
    """What the sync does with a plan: create (with a generated name), update, delete."""
    by_name = {s["metadata"]["name"]: s for s in slices}
    for s in plan.delete:
        by_name.pop(s["metadata"]["name"])
    for s in plan.update:
        by_name[s["metadata"]["name"]] = s
    for s in plan.create:
        s = dict(
            s, metadata=dict(s["metadata"], name=s["metadata"]["generateName"] + str(next(_names)))
        )
        by_name[s["metadata"]["name"]] = s
    return list(by_name.values())


def converge(service, pods, slices=(), **kw):
    slices = list(slices)
    plan = reconcile(service, pods, slices, **kw)
    slices = apply(plan, slices)
    assert reconcile(service, pods, slices, **kw).empty(), "a second reconcile must be a no-op"
    return slices


def test_reconcile_empty_makes_one_placeholder():
    # ES-06, TestReconcileEmpty.
    slices = converge(svc(), [])
    assert len(slices) == 1
    assert slices[0]["endpoints"] == [] and slices[0]["ports"] == []
    assert slices[0]["addressType"] == "IPv4"


@pytest.mark.parametrize("max_per_slice, sizes", [(80, [10, 80, 80, 80]), (150, [100, 150])])
def test_reconcile_max_endpoints_per_slice(max_per_slice, sizes):
    # ES-02, TestReconcileMaxEndpointsPerSlice: 250 pods.
    pods = [pod(f"p{i}", f"10.0.{i // 200}.{i % 200}") for i in range(250)]
    slices = converge(svc(), pods, max_per_slice=max_per_slice)
    assert sorted(len(s["endpoints"]) for s in slices) == sizes


def test_reconcile_1_pod_shape_and_reserved_labels():
    # TestReconcile1Pod incl. "ipv4-bad-labels": reserved keys on the Service are ignored.
    service = svc(labels={"kubernetes.io/service-name": "evil", "team": "a"})
    service["metadata"]["uid"] = "svc-uid"
    p = pod("a", "10.0.0.1", hostname="a-0", subdomain="web")
    (s,) = converge(service, [p], zones={"node-1": "zone-a"})
    assert s["metadata"]["labels"] == {
        "team": "a",
        "kubernetes.io/service-name": "web",
        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
    }
    assert s["metadata"]["ownerReferences"][0] | {} == {
        "apiVersion": "v1",
        "kind": "Service",
        "name": "web",
        "uid": "svc-uid",
        "controller": True,
        "blockOwnerDeletion": True,
    }
    assert s["ports"] == [{"name": "", "port": 8080, "protocol": "TCP"}]
    assert s["endpoints"] == [
        {
            "addresses": ["10.0.0.1"],
            "conditions": {"ready": True, "serving": True, "terminating": False},
            "hostname": "a-0",
            "nodeName": "node-1",
            "zone": "zone-a",
            "targetRef": {"kind": "Pod", "namespace": "default", "name": "a", "uid": "uid-a"},
        }
    ]


def test_ipv6_addresses_are_canonicalised():
    # TestReconcile1Pod: 1234::5678:0000:0000:9abc:def0 → 1234::5678:0:0:9abc:def0.
    service = svc(cluster_ip="fd00::1")
    service["spec"]["ipFamilies"] = ["IPv6"]
    (s,) = converge(service, [pod("a", "1234::5678:0000:0000:9abc:def0")])
    assert s["endpoints"][0]["addresses"] == ["1234::5678:0:0:9abc:def0"]


def test_terminating_pods_stay_with_terminating_condition():
    # KEP-1672: the slice controller includes terminating pods (includeTerminating=true).
    (s,) = converge(svc(), [pod("a", deleting=True)])
    assert s["endpoints"][0]["conditions"] == {"ready": False, "serving": True, "terminating": True}


def test_publish_not_ready_forces_ready():
    (s,) = converge(svc(publish=True), [pod("a", ready=False)])
    assert s["endpoints"][0]["conditions"]["ready"] is True


def test_pod_lacking_all_named_ports_gets_a_portless_slice():
    # ES-04: grouped by port set; a pod resolving no port lands in a slice with ports [].
    service = svc(
        [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": "http"}], cluster_ip="None"
    )
    with_port = pod(
        "a", "10.0.0.1", ports=[{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    )
    without = pod("b", "10.0.0.2", ports=[])
    slices = converge(service, [with_port, without])
    shape = sorted(
        (tuple(p["port"] for p in s["ports"]), [e["addresses"][0] for e in s["endpoints"]])
        for s in slices
    )
    assert shape == [((), ["10.0.0.2"]), ((8080,), ["10.0.0.1"])]
    assert all(s["metadata"]["labels"]["service.kubernetes.io/headless"] == "" for s in slices)


def test_churn_keeps_slices_equivalent_to_a_fresh_computation():
    service = svc()
    pods = [pod(f"p{i}", f"10.0.0.{i}") for i in range(1, 150)]
    slices = converge(service, pods)
    # Remove some, add some, flip readiness of others.
    pods = [p for i, p in enumerate(pods) if i % 3] + [
        pod(f"n{i}", f"10.0.1.{i}") for i in range(30)
    ]
    for p in pods[:10]:
        p["status"]["conditions"][0]["status"] = "False"
    slices = converge(service, pods, slices)
    assert summary(slices) == summary(converge(service, pods))
    assert all(len(s["endpoints"]) <= 100 for s in slices)


def test_selector_change_to_nothing_leaves_one_placeholder():
    service = svc()
    slices = converge(service, [pod(f"p{i}", f"10.0.0.{i}") for i in range(1, 120)])
    assert len(slices) == 2
    service["spec"]["selector"] = {"app": "other"}
    slices = converge(service, [pod(f"p{i}", f"10.0.0.{i}") for i in range(1, 120)], slices)
    assert len(slices) == 1 and slices[0]["endpoints"] == []


def test_labels_follow_the_service():
    assert slice_labels(svc(labels={"a": "b"}))["a"] == "b"
