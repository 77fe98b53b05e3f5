"""The live feed's ``topology`` view: each object trimmed to what the graph draws, still
shaped like its Kubernetes JSON."""

from __future__ import annotations

import pytest

from cluster.liveview import in_view, project

POD = {
    "kind": "Pod",
    "apiVersion": "v1",
    "metadata": {
        "name": "web-1",
        "namespace": "default",
        "uid": "3f1c…",
        "resourceVersion": "42",
        "creationTimestamp": "2026-11-26T09:00:00Z",
        "labels": {"app": "web"},
        "ownerReferences": [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": "web-5d",
                "uid": "x",
                "controller": True,
            }
        ],
        "managedFields": [{"manager": "kubectl"}],
    },
    "spec": {
        "nodeName": "node-1",
        "containers": [
            {"name": "app", "image": "nginx", "ports": [{"name": "http", "containerPort": 80}]}
        ],
        "initContainers": [
            {"name": "setup", "image": "busybox"},
            {
                "name": "proxy",
                "image": "envoy",
                "restartPolicy": "Always",
                "ports": [{"containerPort": 15001}],
            },
        ],
        "volumes": [{"name": "data"}],
    },
    "status": {
        "phase": "Running",
        "podIP": "10.244.1.5",
        "hostIP": "172.18.0.2",
        "startTime": "2026-11-26T09:00:01Z",
        "conditions": [
            {"type": "PodScheduled", "status": "True"},
            {
                "type": "Ready",
                "status": "False",
                "reason": "ReadinessProbeFailed",
                "lastTransitionTime": "t",
            },
        ],
        "containerStatuses": [{"name": "app", "ready": False}],
    },
}


def test_a_pod_keeps_what_the_graph_draws_and_nothing_else():
    view = project("Pod", POD, "topology")
    assert view == {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {
            "name": "web-1",
            "namespace": "default",
            "labels": {"app": "web"},
            "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5d", "controller": True}],
        },
        "spec": {
            "nodeName": "node-1",
            "containers": [{"name": "app", "ports": [{"name": "http", "containerPort": 80}]}],
            # native sidecars can serve a named targetPort (FindPort); other init containers cannot
            "initContainers": [
                {"name": "proxy", "ports": [{"containerPort": 15001}], "restartPolicy": "Always"}
            ],
        },
        "status": {
            "phase": "Running",
            "podIP": "10.244.1.5",
            "conditions": [{"type": "Ready", "status": "False", "reason": "ReadinessProbeFailed"}],
        },
    }
    assert POD["metadata"]["uid"] == "3f1c…"  # the stored object is not touched


def test_the_full_view_is_the_object_itself():
    assert project("Pod", POD, "full") is POD


def test_endpoint_addresses_keep_their_ip_hostname_and_target_name():
    endpoints = {
        "kind": "Endpoints",
        "apiVersion": "v1",
        "metadata": {"name": "web", "namespace": "default", "uid": "u"},
        "subsets": [
            {
                "addresses": [
                    {
                        "ip": "10.244.1.5",
                        "hostname": "web-0",
                        "nodeName": "node-1",
                        "targetRef": {
                            "kind": "Pod",
                            "name": "web-0",
                            "namespace": "default",
                            "uid": "p",
                        },
                    }
                ],
                "notReadyAddresses": [
                    {"ip": "10.244.2.7", "targetRef": {"kind": "Pod", "name": "web-1"}}
                ],
                "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
            }
        ],
    }
    assert project("Endpoints", endpoints, "topology")["subsets"] == [
        {
            "addresses": [
                {
                    "ip": "10.244.1.5",
                    "hostname": "web-0",
                    "targetRef": {"kind": "Pod", "name": "web-0"},
                }
            ],
            "notReadyAddresses": [
                {"ip": "10.244.2.7", "targetRef": {"kind": "Pod", "name": "web-1"}}
            ],
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        }
    ]
    # manual Endpoints with no subsets stay an Endpoints object without them
    assert "subsets" not in project("Endpoints", {"metadata": {"name": "x"}}, "topology")


def test_services_are_whole_and_slices_are_left_out():
    svc = {
        "kind": "Service",
        "apiVersion": "v1",
        "metadata": {"name": "web", "namespace": "default", "uid": "u", "annotations": {"a": "b"}},
        "spec": {
            "type": "NodePort",
            "ports": [{"port": 80, "targetPort": "http", "nodePort": 30080}],
        },
        "status": {"loadBalancer": {}},
    }
    view = project("Service", svc, "topology")
    assert view["spec"] == svc["spec"] and view["status"] == svc["status"]
    assert view["metadata"] == {"name": "web", "namespace": "default", "annotations": {"a": "b"}}
    assert in_view("Endpoints", "topology") and not in_view("EndpointSlice", "topology")
    assert in_view("EndpointSlice", "full")


PODS = [
    {"metadata": {"name": "bare"}, "spec": {"containers": [{"name": "c", "image": "i"}]}},
    {
        "metadata": {
            "name": "full",
            "labels": {"app": "web", "tier": "front"},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": "web-5d",
                    "uid": "9f1c2a4e-0000-4000-8000-000000000001",
                    "controller": True,
                }
            ],
            "finalizers": ["example.com/keep"],  # so a delete leaves it with a deletionTimestamp
        },
        "spec": {
            "nodeName": "node-2",
            "hostNetwork": True,
            "initContainers": [
                {"name": "setup", "image": "busybox"},
                {
                    "name": "proxy",
                    "image": "envoy",
                    "restartPolicy": "Always",
                    "ports": [{"containerPort": 15001}],
                },
            ],
            "containers": [
                {"name": "app", "image": "nginx", "ports": [{"name": "http", "containerPort": 80}]}
            ],
        },
    },
]


@pytest.mark.django_db
def test_reading_pods_column_by_column_equals_projecting_their_whole_json(cluster):
    from cluster.actions.objects import create_object, delete_object
    from cluster.actions.pods import set_pod_status
    from cluster.kinds import by_kind
    from cluster.liveview import topology_pods
    from cluster.models import Pod

    kind = by_kind("Pod")
    for body in PODS:
        create_object(kind, namespace="default", body=body)
    set_pod_status(
        namespace="default",
        name="full",
        status={
            "phase": "Running",
            "podIP": "172.18.0.3",
            "hostIP": "172.18.0.3",
            "conditions": [{"type": "Ready", "status": "False", "reason": "ReadinessProbeFailed"}],
        },
    )
    delete_object(kind, namespace="default", name="full")
    rows = Pod.objects.filter(namespace="default").order_by("name")
    whole = [project("Pod", kind.to_k8s(p), "topology") for p in rows]
    assert whole[1]["metadata"]["deletionTimestamp"] and whole[1]["spec"]["initContainers"]
    assert list(topology_pods(rows)) == whole
