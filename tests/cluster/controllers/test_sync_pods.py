"""The scheduler, the simulated kubelet and the node controller against the database."""

from __future__ import annotations

import json
import time

import pytest

from cluster.actions.nodes import set_node_ready, set_node_schedulable
from cluster.actions.objects import create_object, delete_object, patch_object, replace_object
from cluster.actions.pods import set_pod_readiness
from cluster.controllers import scheduling, sync_pods
from cluster.controllers.envvars import ANNOTATION
from cluster.kinds import by_kind
from cluster.models import ChangeEvent, Node, Pod
from tests.cluster.controllers.settle import ControlPlane

MERGE = "application/merge-patch+json"


@pytest.fixture
def plane(cluster, settings, django_capture_on_commit_callbacks, control_plane):
    settings.PORTOLAN_READY_DELAY = 0
    return ControlPlane(django_capture_on_commit_callbacks, control_plane)


def kind(name):
    k = by_kind(name)
    assert k is not None
    return k


def pod_body(name, **spec):
    body = {
        "metadata": {"name": name, "labels": {"app": "t"}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}], **spec},
    }
    return body


def make_pod(plane, name, ns="default", **spec):
    plane.write(create_object, kind("Pod"), namespace=ns, body=pod_body(name, **spec))


def get(name, ns="default"):
    return kind("Pod").to_k8s(Pod.objects.get(namespace=ns, name=name))


def condition(pod, type_):
    return next((c for c in pod["status"].get("conditions", []) if c["type"] == type_), None)


# --- scheduler --------------------------------------------------------------------------------


def test_pods_spread_evenly_over_the_nodes(plane):
    for i in range(6):
        make_pod(plane, f"p{i}")
        plane.settle()
    nodes = [get(f"p{i}")["spec"]["nodeName"] for i in range(6)]
    assert nodes == ["node-1", "node-2", "node-3", "node-1", "node-2", "node-3"]
    scheduled = condition(get("p0"), "PodScheduled")
    assert scheduled["status"] == "True"


def test_node_selector_is_honoured(plane):
    make_pod(plane, "p", nodeSelector={"topology.kubernetes.io/zone": "zone-c"})
    plane.settle()
    assert get("p")["spec"]["nodeName"] == "node-3"


def test_no_fitting_node_leaves_the_pod_pending_with_the_upstream_message(plane):
    make_pod(plane, "p", nodeSelector={"disktype": "ssd"})
    plane.settle()
    pod = get("p")
    assert pod["status"]["phase"] == "Pending"
    assert not pod["spec"].get("nodeName")
    scheduled = condition(pod, "PodScheduled")
    assert scheduled["status"] == "False"
    assert scheduled["reason"] == "Unschedulable"
    assert scheduled["message"] == (
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    )
    # A second pass finds the same answer and writes nothing.
    before = ChangeEvent.objects.count()
    sync_pods.sync_scheduler("default/p")
    assert ChangeEvent.objects.count() == before


def test_untolerated_no_schedule_taints_repel_and_tolerations_admit(plane):
    node_kind = kind("Node")
    for name in ("node-1", "node-2"):
        plane.write(
            patch_object,
            node_kind,
            namespace="",
            name=name,
            patch_type=MERGE,
            patch={"spec": {"taints": [{"key": "gpu", "value": "true", "effect": "NoSchedule"}]}},
        )
    make_pod(plane, "plain")
    make_pod(
        plane,
        "tolerant",
        nodeSelector={"kubernetes.io/hostname": "node-1"},
        tolerations=[{"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}],
    )
    plane.settle()
    assert get("plain")["spec"]["nodeName"] == "node-3"
    assert get("tolerant")["spec"]["nodeName"] == "node-1"


def test_cordoned_nodes_are_skipped(plane):
    plane.write(set_node_schedulable, name="node-1", schedulable=False)
    plane.write(set_node_schedulable, name="node-2", schedulable=False)
    for i in range(2):
        make_pod(plane, f"p{i}")
    plane.settle()
    assert {get(f"p{i}")["spec"]["nodeName"] for i in range(2)} == {"node-3"}
    assert Node.objects.get(name="node-1").unschedulable


def test_message_counts_each_nodes_first_failing_filter(plane):
    """``FitError.Error``: reasons sorted as "<count> <reason>" strings."""
    plane.write(set_node_schedulable, name="node-1", schedulable=False)
    plane.write(set_node_ready, name="node-2", ready=False)
    make_pod(plane, "p", nodeSelector={"kubernetes.io/hostname": "node-2"})
    plane.settle()
    assert condition(get("p"), "PodScheduled")["message"] == (
        "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, "
        "1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, "
        "1 node(s) were unschedulable. preemption: 0/3 nodes are available: "
        "3 Preemption is not helpful for scheduling."
    )
    plane.write(set_node_ready, name="node-2", ready=True)
    plane.settle()
    assert get("p")["spec"]["nodeName"] == "node-2"
    assert get("p")["status"]["phase"] == "Running"


def test_other_schedulers_pods_are_left_alone(plane):
    make_pod(plane, "p", schedulerName="my-scheduler")
    plane.settle()
    pod = get("p")
    assert not pod["spec"].get("nodeName")
    assert pod["status"] == {"phase": "Pending", "qosClass": "BestEffort"}


@pytest.mark.parametrize(
    ("toleration", "taint", "expected"),
    [
        # ToleratesTaint (k8s.io/api/core/v1/toleration.go), TestTolerationToleratesTaint cases
        (
            {"key": "foo", "operator": "Exists", "effect": "NoSchedule"},
            {"key": "foo", "value": "bar", "effect": "NoSchedule"},
            True,
        ),
        (
            {"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"},
            {"key": "foo", "value": "bar", "effect": "NoSchedule"},
            True,
        ),
        (
            {"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"},
            {"key": "foo", "value": "baz", "effect": "NoSchedule"},
            False,
        ),
        (
            {"key": "foo", "operator": "Exists", "effect": "NoExecute"},
            {"key": "foo", "value": "bar", "effect": "NoSchedule"},
            False,
        ),
        (
            {"key": "foo", "operator": "Exists"},
            {"key": "foo", "value": "bar", "effect": "NoSchedule"},
            True,
        ),
        ({"operator": "Exists"}, {"key": "foo", "value": "bar", "effect": "NoSchedule"}, True),
        (
            {"key": "bar", "operator": "Exists"},
            {"key": "foo", "value": "bar", "effect": "NoSchedule"},
            False,
        ),
    ],
)
def test_tolerates(toleration, taint, expected):
    assert scheduling.tolerates(toleration, taint) is expected


# --- kubelet ----------------------------------------------------------------------------------


def test_a_started_pod_has_ip_host_ip_container_statuses_and_conditions(plane, settings):
    settings.PORTOLAN_READY_DELAY = 3600
    make_pod(plane, "p", nodeSelector={"kubernetes.io/hostname": "node-2"})
    with plane.capture(execute=True):
        plane.backend.drain(include_delayed=False)
    with plane.capture(execute=True):
        plane.backend.drain(include_delayed=False)
    pod = get("p")
    status = pod["status"]
    assert status["phase"] == "Running"
    assert status["podIP"] == "10.244.1.2" and status["podIPs"] == [{"ip": "10.244.1.2"}]
    assert status["hostIP"] == "172.18.0.3" and status["hostIPs"] == [{"ip": "172.18.0.3"}]
    assert status["startTime"]
    [cs] = status["containerStatuses"]
    assert cs["name"] == "c" and cs["image"] == "nginx:1.27"
    assert cs["ready"] is False and cs["restartCount"] == 0 and cs["started"] is True
    assert cs["imageID"].startswith("docker.io/library/nginx@sha256:")
    assert cs["containerID"].startswith("containerd://")
    assert "running" in cs["state"]
    types = [c["type"] for c in status["conditions"]]
    assert types == [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ]
    assert condition(pod, "Ready")["status"] == "False"
    assert condition(pod, "Ready")["reason"] == "ContainersNotReady"
    assert condition(pod, "ContainersReady")["status"] == "False"
    assert condition(pod, "Initialized")["status"] == "True"


def test_pod_turns_ready_only_after_the_delay(plane, settings):
    settings.PORTOLAN_READY_DELAY = 1.0
    t0 = time.time()
    make_pod(plane, "p")
    for _ in range(3):
        with plane.capture(execute=True):
            plane.backend.drain(include_delayed=False)
    pod = get("p")
    assert pod["status"]["phase"] == "Running"
    assert condition(pod, "Ready")["status"] == "False"
    plane.settle(max_rounds=20000)
    assert time.time() - t0 >= 1.0  # never before the delay
    pod = get("p")
    assert condition(pod, "Ready")["status"] == "True"
    assert condition(pod, "ContainersReady")["status"] == "True"
    assert condition(pod, "Ready")["lastTransitionTime"]
    assert pod["status"]["containerStatuses"][0]["ready"] is True


def test_ips_are_the_lowest_free_address_and_never_reused_while_held(plane):
    for i in range(4):
        make_pod(plane, f"p{i}", nodeSelector={"kubernetes.io/hostname": "node-1"})
        plane.settle()
    assert [get(f"p{i}")["status"]["podIP"] for i in range(4)] == [
        "10.244.0.2",
        "10.244.0.3",
        "10.244.0.4",
        "10.244.0.5",
    ]
    plane.write(delete_object, kind("Pod"), namespace="default", name="p1")
    make_pod(plane, "p4", nodeSelector={"kubernetes.io/hostname": "node-1"})
    plane.settle()
    assert get("p4")["status"]["podIP"] == "10.244.0.3"  # freed by p1's deletion
    make_pod(plane, "p5", nodeSelector={"kubernetes.io/hostname": "node-1"})
    plane.settle()
    assert get("p5")["status"]["podIP"] == "10.244.0.6"


def test_pods_on_nodes_that_are_not_simulated_keep_the_status_written_for_them(plane):
    make_pod(plane, "p", nodeName="elsewhere")
    body = get("p") | {
        "status": {
            "phase": "Running",
            "podIP": "192.168.5.5",
            "conditions": [{"type": "Ready", "status": "False", "reason": "Staged"}],
        }
    }
    plane.write(
        replace_object, kind("Pod"), namespace="default", name="p", body=body, subresource="status"
    )
    plane.settle()
    status = get("p")["status"]
    assert status["podIP"] == "192.168.5.5"
    assert status["conditions"] == [{"type": "Ready", "status": "False", "reason": "Staged"}]
    assert ANNOTATION not in (get("p")["metadata"].get("annotations") or {})


def test_user_failed_readiness_is_respected_until_passed(plane):
    make_pod(plane, "p")
    plane.settle()
    assert condition(get("p"), "Ready")["status"] == "True"
    current = get("p")
    status = current["status"]
    for c in status["conditions"]:
        if c["type"] == "Ready":
            c.update(status="False", reason="ReadinessProbeFailed")
    plane.write(
        replace_object,
        kind("Pod"),
        namespace="default",
        name="p",
        body=current,
        subresource="status",
    )
    plane.settle()
    sync_pods.sync_kubelet("default/p")
    sync_pods.resync_kubelet()
    plane.settle()
    assert condition(get("p"), "Ready")["status"] == "False"
    assert condition(get("p"), "Ready")["reason"] == "ReadinessProbeFailed"
    plane.write(set_pod_readiness, namespace="default", name="p", ready=True)
    plane.settle()
    assert condition(get("p"), "Ready")["status"] == "True"


def test_readiness_action_fails_and_passes(plane):
    make_pod(plane, "p")
    plane.settle()
    plane.write(set_pod_readiness, namespace="default", name="p", ready=False)
    plane.settle()
    pod = get("p")
    assert condition(pod, "Ready")["status"] == "False"
    assert condition(pod, "ContainersReady")["status"] == "False"
    assert pod["status"]["containerStatuses"][0]["ready"] is False
    assert Pod.objects.get(name="p").ready is False
    plane.write(set_pod_readiness, namespace="default", name="p", ready=True)
    plane.settle()
    assert condition(get("p"), "Ready")["status"] == "True"


def test_node_not_ready_makes_its_pods_not_ready_and_ready_again(plane):
    make_pod(plane, "a", nodeSelector={"kubernetes.io/hostname": "node-1"})
    make_pod(plane, "b", nodeSelector={"kubernetes.io/hostname": "node-2"})
    plane.settle()
    plane.write(set_node_ready, name="node-1", ready=False)
    plane.settle()
    ready_a = condition(get("a"), "Ready")
    assert ready_a["status"] == "False" and ready_a["reason"] == "NodeNotReady"
    assert condition(get("b"), "Ready")["status"] == "True"
    make_pod(plane, "c")
    plane.settle()
    assert get("c")["spec"]["nodeName"] != "node-1"
    plane.write(set_node_ready, name="node-1", ready=True)
    plane.settle()
    assert condition(get("a"), "Ready")["status"] == "True"


def test_a_user_failed_pod_stays_failed_across_a_node_outage(plane):
    make_pod(plane, "a", nodeSelector={"kubernetes.io/hostname": "node-1"})
    plane.settle()
    plane.write(set_pod_readiness, namespace="default", name="a", ready=False)
    plane.write(set_node_ready, name="node-1", ready=False)
    plane.settle()
    plane.write(set_node_ready, name="node-1", ready=True)
    plane.settle()
    assert condition(get("a"), "Ready")["reason"] == "ReadinessProbeFailed"


def test_service_environment_is_computed_at_start_and_kept(plane):
    service = {
        "metadata": {"name": "redis-primary"},
        "spec": {"selector": {"app": "redis"}, "ports": [{"name": "redis", "port": 6379}]},
    }
    plane.write(create_object, kind("Service"), namespace="default", body=service)
    make_pod(
        plane,
        "p",
        containers=[
            {
                "name": "c",
                "image": "x",
                "env": [{"name": "REDIS_PRIMARY_SERVICE_PORT", "value": "1"}],
            }
        ],
    )
    plane.settle()
    env = json.loads(get("p")["metadata"]["annotations"][ANNOTATION])
    names = {v["name"]: v["value"] for v in env["c"]}
    assert names["KUBERNETES_SERVICE_HOST"] == "10.96.0.1"
    assert names["KUBERNETES_PORT_443_TCP"] == "tcp://10.96.0.1:443"
    assert names["REDIS_PRIMARY_SERVICE_PORT_REDIS"] == "6379"
    assert "REDIS_PRIMARY_SERVICE_PORT" not in names  # the container's own env wins
    ip = names["REDIS_PRIMARY_SERVICE_HOST"]
    # A service created later is not seen by a running pod.
    later = {"metadata": {"name": "later"}, "spec": {"ports": [{"port": 80}]}}
    plane.write(create_object, kind("Service"), namespace="default", body=later)
    plane.settle()
    env = json.loads(get("p")["metadata"]["annotations"][ANNOTATION])
    assert not any(v["name"].startswith("LATER_") for v in env["c"])
    assert {v["name"]: v["value"] for v in env["c"]}["REDIS_PRIMARY_SERVICE_HOST"] == ip


def test_enable_service_links_false_keeps_only_the_master_service(plane):
    service = {"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}
    plane.write(create_object, kind("Service"), namespace="default", body=service)
    make_pod(plane, "p", enableServiceLinks=False)
    plane.settle()
    env = json.loads(get("p")["metadata"]["annotations"][ANNOTATION])
    assert {v["name"].split("_")[0] for v in env["c"]} == {"KUBERNETES"}


# --- pure helpers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cidr", "used", "expected"),
    [
        ("10.244.0.0/24", [], "10.244.0.2"),
        ("10.244.0.0/24", ["10.244.0.2", "10.244.0.4"], "10.244.0.3"),
        ("10.244.0.0/30", ["10.244.0.2"], None),  # .3 is the broadcast address
        ("not-a-cidr", [], None),
    ],
)
def test_allocate_pod_ip(cidr, used, expected):
    from cluster.controllers.kubelet import allocate_pod_ip

    assert allocate_pod_ip(cidr, used) == expected


@pytest.mark.parametrize(
    ("image", "repository"),
    [
        ("nginx", "docker.io/library/nginx"),
        ("nginx:1.27", "docker.io/library/nginx"),
        ("bitnami/redis:7", "docker.io/bitnami/redis"),
        ("gcr.io/google-samples/node-hello:1.0", "gcr.io/google-samples/node-hello"),
        ("localhost:5000/app:v1", "localhost:5000/app"),
    ],
)
def test_image_id_names_the_repository(image, repository):
    from cluster.controllers.kubelet import image_id

    assert image_id(image).split("@sha256:")[0] == repository


def test_fit_error_without_nodes():
    # ErrNoNodesAvailable (pkg/scheduler/schedule_one.go)
    assert scheduling.fit_error_message(0, []) == "no nodes available to schedule pods"
