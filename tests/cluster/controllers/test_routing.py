"""Which controller keys a committed change queues (``cluster.controllers.routing``), and the
endpoint controllers driven end to end by those keys."""

from __future__ import annotations

import pytest

from cluster.controllers import routing, runtime
from cluster.controllers.routing import keys_for_event
from cluster.controllers.sync_full import from_scratch, stored_state
from cluster.events import Event
from tests.cluster.controllers.discovery_setup import (
    delete_service,
    endpoints_of,
    ips,
    make_pod,
    make_service,
    patch_service,
    relabel_pod,
    set_pod_status,
    slices_of,
)

DISCOVERY = (routing.ENDPOINTS, routing.ENDPOINTSLICES)


def pod(name="p", labels=None, *, node="", owner=None, ready="True", deleting=False):
    meta = {"name": name, "namespace": "default", "labels": labels or {}}
    if owner:
        meta["ownerReferences"] = [
            {"kind": owner[0], "name": owner[1], "controller": True, "uid": "u"}
        ]
    if deleting:
        meta["deletionTimestamp"] = "2026-01-01T00:00:00Z"
    return {
        "metadata": meta,
        "spec": {"nodeName": node, "containers": [{"name": "c"}]},
        "status": {"conditions": [{"type": "Ready", "status": ready}]},
    }


def event(kind, obj, type_="ADDED", previous=None):
    meta = obj["metadata"]
    return Event(1, type_, kind, meta.get("namespace", ""), meta["name"], obj, previous)


def discovery(keys):
    return {k for k in keys if k[0] in DISCOVERY}


# --- keys per event ---------------------------------------------------------------------------


def test_service_event_queues_its_three_controllers(cluster):
    svc = {"metadata": {"name": "web", "namespace": "default"}, "spec": {}}
    for type_ in ("ADDED", "MODIFIED", "DELETED"):
        assert keys_for_event(event("Service", svc, type_)) == {
            (routing.ENDPOINTS, "default/web"),
            (routing.ENDPOINTSLICES, "default/web"),
            (routing.LOADBALANCER, "default/web"),
        }


def test_pod_event_queues_owner_scheduler_and_selecting_services(cluster):
    make_service("web")
    make_service("other", selector={"app": "other"})
    keys = keys_for_event(event("Pod", pod(labels={"app": "web"}, owner=("ReplicaSet", "rs"))))
    assert keys == {
        (routing.REPLICASET, "default/rs"),
        (routing.SCHEDULER, "default/p"),
        (routing.ENDPOINTS, "default/web"),
        (routing.ENDPOINTSLICES, "default/web"),
    }


def test_bound_pod_goes_to_the_kubelet(cluster):
    keys = keys_for_event(event("Pod", pod(node="node-1")))
    assert (routing.KUBELET, "default/p") in keys
    assert (routing.SCHEDULER, "default/p") not in keys


def test_relabelled_pod_queues_the_services_of_its_old_and_new_labels(cluster):
    make_service("web")
    make_service("api", selector={"app": "api"})
    make_service("unrelated", selector={"app": "db"})
    old, new = pod(labels={"app": "web"}), pod(labels={"app": "api"})
    keys = discovery(keys_for_event(event("Pod", new, "MODIFIED", previous=old)))
    assert keys == {(c, f"default/{s}") for c in DISCOVERY for s in ("web", "api")}


@pytest.mark.parametrize(
    "change",
    [
        lambda p: p["status"]["conditions"][0].update(status="False"),
        lambda p: p["metadata"].update(deletionTimestamp="2026-01-01T00:00:00Z"),
        lambda p: p["status"].update(podIP="10.0.0.1"),
        lambda p: p["spec"].update(hostname="h"),
        lambda p: p["spec"]["containers"][0].update(ports=[{"containerPort": 1}]),
    ],
)
def test_endpoint_relevant_pod_changes_queue_the_services(cluster, change):
    make_service("web")
    old = pod(labels={"app": "web"}, node="node-1")
    new = pod(labels={"app": "web"}, node="node-1")
    change(new)
    keys = discovery(keys_for_event(event("Pod", new, "MODIFIED", previous=old)))
    assert keys == {(c, "default/web") for c in DISCOVERY}


def test_irrelevant_pod_change_queues_no_endpoint_sync(cluster):
    make_service("web")
    old = pod(labels={"app": "web"}, node="node-1")
    new = pod(labels={"app": "web"}, node="node-1")
    new["metadata"]["annotations"] = {"note": "x"}
    assert discovery(keys_for_event(event("Pod", new, "MODIFIED", previous=old))) == set()


def test_deleted_pod_queues_the_services(cluster):
    make_service("web")
    keys = discovery(keys_for_event(event("Pod", pod(labels={"app": "web"}), "DELETED")))
    assert keys == {(c, "default/web") for c in DISCOVERY}


@pytest.mark.parametrize("kind", ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"])
def test_workloads_queue_themselves_and_their_owner(cluster, kind):
    obj = {"metadata": {"name": "w", "namespace": "default"}}
    if kind == "ReplicaSet":
        obj["metadata"]["ownerReferences"] = [
            {"kind": "Deployment", "name": "d", "controller": True, "uid": "u"}
        ]
    keys = keys_for_event(event(kind, obj))
    expected = {(routing.OWNER_CONTROLLERS[kind], "default/w")}
    if kind == "ReplicaSet":
        expected.add((routing.DEPLOYMENT, "default/d"))
    assert keys == expected


def test_node_event_queues_the_node_controller(cluster):
    assert keys_for_event(event("Node", {"metadata": {"name": "node-1"}})) == {
        (routing.NODE, "node-1")
    }


def test_only_managed_slices_queue_their_service(cluster):
    managed = {
        "metadata": {
            "name": "web-x",
            "namespace": "default",
            "labels": {
                "kubernetes.io/service-name": "web",
                "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
            },
        }
    }
    mine = {
        "metadata": {
            "name": "mine",
            "namespace": "default",
            "labels": {"kubernetes.io/service-name": "web"},
        }
    }
    assert keys_for_event(event("EndpointSlice", managed, "MODIFIED")) == {
        (routing.ENDPOINTSLICES, "default/web")
    }
    assert keys_for_event(event("EndpointSlice", mine, "MODIFIED")) == set()


def test_deleted_endpoints_queue_their_service(cluster):
    # onEndpointsDelete; other Endpoints events queue nothing.
    ep = {"metadata": {"name": "web", "namespace": "default"}}
    assert keys_for_event(event("Endpoints", ep, "DELETED")) == {(routing.ENDPOINTS, "default/web")}
    assert keys_for_event(event("Endpoints", ep, "MODIFIED")) == set()


# --- end to end: commits → keys → syncs -------------------------------------------------------


@pytest.fixture
def plane(control_plane, django_capture_on_commit_callbacks):
    """Commit writes and run only the endpoint controllers' queued keys (other controllers'
    keys are dropped: these tests stage pod status by hand)."""

    class Plane:
        def write(self, fn, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return fn(*args, **kwargs)

        def settle(self):
            for _ in range(50):
                items = list(control_plane.pending)
                control_plane.pending.clear()
                control_plane.keys.clear()
                mine = [(n, k) for _, _, n, k in sorted(items) if n in DISCOVERY]
                if not mine:
                    return
                with django_capture_on_commit_callbacks(execute=True):
                    for name, key in mine:
                        runtime.execute(name, key)
            raise AssertionError("did not settle")

    return Plane()


def test_label_change_moves_a_pod_between_services(cluster, plane):
    plane.write(make_service, "web")
    plane.write(make_service, "api", selector={"app": "api"})
    plane.write(make_pod, "a", "10.244.0.5")
    plane.settle()
    assert ips(endpoints_of("web")["subsets"][0]) == ["10.244.0.5"]
    assert endpoints_of("api")["subsets"] == []
    plane.write(relabel_pod, "a", {"app": "api"})
    plane.settle()
    assert endpoints_of("web")["subsets"] == []
    assert ips(endpoints_of("api")["subsets"][0]) == ["10.244.0.5"]
    assert [ep["addresses"] for s in slices_of("api") for ep in s["endpoints"]] == [["10.244.0.5"]]
    assert stored_state() == from_scratch()


def test_readiness_flip_selector_edit_and_deletion_through_routing(cluster, plane):
    plane.write(make_service, "web")
    plane.write(make_pod, "a", "10.244.0.5")
    plane.write(make_pod, "b", "10.244.0.6", labels={"app": "b"})
    plane.settle()
    plane.write(set_pod_status, "a", "10.244.0.5", ready=False)
    plane.settle()
    assert ips(endpoints_of("web")["subsets"][0], "notReadyAddresses") == ["10.244.0.5"]
    plane.write(patch_service, "web", {"spec": {"selector": {"app": "b"}}})
    plane.settle()
    assert ips(endpoints_of("web")["subsets"][0]) == ["10.244.0.6"]
    assert stored_state() == from_scratch()
    plane.write(delete_service, "web")
    plane.settle()
    assert endpoints_of("web") is None and slices_of("web") == []


# --- a controller's own writes do not come back to it -----------------------------------------


def committed(origin, *events):
    from cluster.events import Committed

    return Committed(events=list(events), origin=origin)


def test_slice_writes_by_the_slice_controller_do_not_requeue_it(cluster):
    s = {
        "metadata": {
            "name": "web-abcde",
            "namespace": "default",
            "labels": {
                "kubernetes.io/service-name": "web",
                "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
            },
        }
    }
    key = (routing.ENDPOINTSLICES, "default/web")
    assert key not in routing.keys_for(committed(routing.ENDPOINTSLICES, event("EndpointSlice", s)))
    # Someone else changing a managed slice: the controller puts it back.
    assert key in routing.keys_for(committed("", event("EndpointSlice", s, "MODIFIED")))


def test_replicaset_status_written_by_its_controller_queues_only_the_deployment(cluster):
    rs = {
        "metadata": {
            "name": "web-123",
            "namespace": "default",
            "ownerReferences": [
                {"kind": "Deployment", "name": "web", "controller": True, "uid": "u"}
            ],
        }
    }
    keys = routing.keys_for(committed(routing.REPLICASET, event("ReplicaSet", rs, "MODIFIED")))
    assert keys == {(routing.DEPLOYMENT, "default/web")}
    keys = routing.keys_for(committed("", event("ReplicaSet", rs, "MODIFIED")))
    assert keys == {(routing.DEPLOYMENT, "default/web"), (routing.REPLICASET, "default/web-123")}


@pytest.mark.parametrize(
    "phase, ready, reason, wanted",
    [
        ("Pending", "False", "", True),
        ("Running", "False", "ContainersNotReady", True),
        ("Running", "False", "NodeNotReady", True),
        ("Running", "False", "ReadinessProbeFailed", False),  # a user's: the kubelet keeps it
        ("Running", "True", "", False),
    ],
)
def test_the_kubelet_is_queued_only_when_it_may_have_work(cluster, phase, ready, reason, wanted):
    p = pod("a", node="node-1", ready=ready)
    p["status"]["phase"] = phase
    p["status"]["conditions"][0]["reason"] = reason
    keys = keys_for_event(event("Pod", p, "MODIFIED", previous=p))
    assert ((routing.KUBELET, "default/a") in keys) is wanted
