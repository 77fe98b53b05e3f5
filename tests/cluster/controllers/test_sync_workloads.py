"""The workload controllers against the database: the tutorial's Deployment becomes running,
ready pods; scaling, rollouts (RollingUpdate and Recreate), replacement of deleted pods, and
StatefulSets, DaemonSets and Jobs. Every step commits its writes and runs exactly the syncs
that routing queued (``ControlPlane.settle``)."""

from __future__ import annotations

import ipaddress
import re

import pytest

from cluster.actions.demo import load_demo
from cluster.actions.objects import create_object, delete_object, patch_object, replace_scale
from cluster.controllers import sync_workloads
from cluster.controllers.workloads import HASH_LABEL, REVISION_ANNOTATION
from cluster.kinds import by_kind
from cluster.models import ChangeEvent, DaemonSet, Deployment, Job, Pod, ReplicaSet, StatefulSet
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


def merge(plane, kind_name: str, name: str, patch: dict) -> None:
    """Commit a merge patch in namespace default, as a user would."""
    plane.write(
        patch_object,
        kind(kind_name),
        namespace="default",
        name=name,
        patch_type=MERGE,
        patch=patch,
    )


def obj(model, ns, name):
    row = model.objects.get(namespace=ns, name=name)
    return kind(model.KIND).to_k8s(row)


def pods(ns="default", **labels):
    rows = [kind("Pod").to_k8s(p) for p in Pod.objects.filter(namespace=ns).order_by("name")]
    return [p for p in rows if labels.items() <= (p["metadata"].get("labels") or {}).items()]


def ready(pod):
    return any(
        c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", [])
    )


def hello_pods():
    return pods(run="load-balancer-example")


# --- the tutorial -----------------------------------------------------------------------------


def test_demo_deployment_becomes_two_running_ready_pods_on_different_nodes(plane):
    plane.write(load_demo)
    plane.settle()
    rs = ReplicaSet.objects.get(namespace="default")
    assert re.fullmatch(r"hello-world-[bcdfghjklmnpqrstvwxz2456789]+", rs.name)
    hash_ = rs.name.removeprefix("hello-world-")
    got = hello_pods()
    assert len(got) == 2
    for pod in got:
        assert re.fullmatch(
            rf"hello-world-{hash_}-[bcdfghjklmnpqrstvwxz2456789]{{5}}", pod["metadata"]["name"]
        )
        assert pod["metadata"]["labels"] == {"run": "load-balancer-example", HASH_LABEL: hash_}
        [ref] = pod["metadata"]["ownerReferences"]
        assert ref["kind"] == "ReplicaSet" and ref["name"] == rs.name and ref["controller"] is True
        assert pod["status"]["phase"] == "Running"
        assert ready(pod)
        ip = ipaddress.ip_address(pod["status"]["podIP"])
        node = pod["spec"]["nodeName"]
        index = int(node.removeprefix("node-")) - 1
        assert ip in ipaddress.ip_network(f"10.244.{index}.0/24")
        assert pod["status"]["podIPs"] == [{"ip": str(ip)}]
    assert len({p["spec"]["nodeName"] for p in got}) == 2
    dep = obj(Deployment, "default", "hello-world")
    status = dep["status"]
    assert status["replicas"] == status["readyReplicas"] == status["availableReplicas"] == 2
    assert status["updatedReplicas"] == 2
    assert status["observedGeneration"] == dep["metadata"]["generation"]
    conditions = {c["type"]: c for c in status["conditions"]}
    assert conditions["Available"]["status"] == "True"
    assert conditions["Progressing"]["reason"] == "NewReplicaSetAvailable"
    assert dep["metadata"]["annotations"][REVISION_ANNOTATION] == "1"


def test_a_settled_cluster_syncs_without_writing(plane):
    plane.write(load_demo)
    plane.settle()
    before = ChangeEvent.objects.count()
    sync_workloads.sync_deployment("default/hello-world")
    sync_workloads.sync_replicaset(f"default/{ReplicaSet.objects.get().name}")
    from cluster.controllers import runtime

    runtime.resync_all()
    plane.settle()
    assert ChangeEvent.objects.count() == before


def test_scaling_through_scale_subresource_adds_a_third_pod(plane):
    plane.write(load_demo)
    plane.settle()
    plane.write(
        replace_scale,
        kind("Deployment"),
        namespace="default",
        name="hello-world",
        body={"spec": {"replicas": 3}},
    )
    plane.settle()
    got = hello_pods()
    assert len(got) == 3 and all(ready(p) for p in got)
    assert len({p["spec"]["nodeName"] for p in got}) == 3
    assert obj(Deployment, "default", "hello-world")["status"]["availableReplicas"] == 3


def test_scaling_down_through_the_api_removes_pods(plane):
    plane.write(load_demo)
    plane.settle()
    merge(plane, "Deployment", "hello-world", {"spec": {"replicas": 1}})
    plane.settle()
    assert len(hello_pods()) == 1
    assert obj(Deployment, "default", "hello-world")["status"]["replicas"] == 1


def set_image(image, **extra_spec):
    patch = {
        "spec": {"template": {"spec": {"containers": [{"name": "hello-world", "image": image}]}}}
    }
    patch["spec"].update(extra_spec)
    return patch


def test_rollout_of_a_new_image_creates_a_new_replicaset_and_scales_the_old_to_zero(plane):
    plane.write(load_demo)
    plane.settle()
    old_rs = ReplicaSet.objects.get().name
    plane.write(
        patch_object,
        kind("Deployment"),
        namespace="default",
        name="hello-world",
        patch_type="application/strategic-merge-patch+json",
        patch=set_image("gcr.io/google-samples/node-hello:2.0"),
    )
    plane.settle()
    rss = {r.name: r for r in ReplicaSet.objects.all()}
    assert len(rss) == 2
    [new_rs] = [n for n in rss if n != old_rs]
    assert rss[old_rs].spec["replicas"] == 0
    assert rss[new_rs].spec["replicas"] == 2
    assert rss[new_rs].annotations[REVISION_ANNOTATION] == "2"
    got = hello_pods()
    assert len(got) == 2
    assert all(p["spec"]["containers"][0]["image"].endswith(":2.0") and ready(p) for p in got)
    dep = obj(Deployment, "default", "hello-world")
    status = dep["status"]
    # kubectl rollout status: observed, all updated, no old replicas, all available.
    assert status["observedGeneration"] == dep["metadata"]["generation"] == 2
    assert status["updatedReplicas"] == status["replicas"] == status["availableReplicas"] == 2
    conditions = {c["type"]: c for c in status["conditions"]}
    assert conditions["Progressing"]["reason"] == "NewReplicaSetAvailable"
    assert (
        conditions["Progressing"]["message"]
        == f'ReplicaSet "{new_rs}" has successfully progressed.'
    )
    assert dep["metadata"]["annotations"][REVISION_ANNOTATION] == "2"


def test_rolling_update_never_drops_below_the_unavailable_fence(plane):
    """``rolling.go``: with maxUnavailable 0 there are always ``replicas`` ready pods."""
    plane.write(load_demo)
    plane.settle()
    merge(
        plane,
        "Deployment",
        "hello-world",
        {"spec": {"strategy": {"rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}}},
    )
    plane.settle()
    plane.write(
        patch_object,
        kind("Deployment"),
        namespace="default",
        name="hello-world",
        patch_type="application/strategic-merge-patch+json",
        patch=set_image("v3"),
    )
    low = 99
    for _ in range(200):
        with plane.capture(execute=True):
            ran = plane.backend.drain(max_steps=1)
        low = min(low, sum(1 for p in hello_pods() if ready(p)))
        if not ran and not plane.backend.pending:
            break
    assert low >= 2
    assert all(p["spec"]["containers"][0]["image"] == "v3" for p in hello_pods())


def test_recreate_stops_old_pods_before_starting_new_ones(plane):
    plane.write(load_demo)
    plane.settle()
    merge(
        plane,
        "Deployment",
        "hello-world",
        {"spec": {"strategy": {"type": "Recreate", "rollingUpdate": None}}},
    )
    plane.settle()
    plane.write(
        patch_object,
        kind("Deployment"),
        namespace="default",
        name="hello-world",
        patch_type="application/strategic-merge-patch+json",
        patch=set_image("v2"),
    )
    mixed = False
    for _ in range(200):
        with plane.capture(execute=True):
            ran = plane.backend.drain(max_steps=1)
        images = {p["spec"]["containers"][0]["image"] for p in hello_pods()}
        mixed = mixed or len(images) > 1
        if not ran and not plane.backend.pending:
            break
    assert not mixed
    got = hello_pods()
    assert len(got) == 2 and all(ready(p) for p in got)
    assert {p["spec"]["containers"][0]["image"] for p in got} == {"v2"}


def test_a_deleted_pod_is_replaced_by_its_replicaset(plane):
    plane.write(load_demo)
    plane.settle()
    victim = hello_pods()[0]["metadata"]["name"]
    plane.write(delete_object, kind("Pod"), namespace="default", name=victim)
    plane.settle()
    names = [p["metadata"]["name"] for p in hello_pods()]
    assert len(names) == 2 and victim not in names
    assert all(ready(p) for p in hello_pods())


def test_a_pod_held_by_a_finalizer_stays_terminating_and_is_replaced(plane):
    plane.write(load_demo)
    plane.settle()
    victim = hello_pods()[0]["metadata"]["name"]
    merge(plane, "Pod", victim, {"metadata": {"finalizers": ["example.com/hold"]}})
    plane.write(delete_object, kind("Pod"), namespace="default", name=victim)
    plane.settle()
    got = {p["metadata"]["name"]: p for p in hello_pods()}
    assert len(got) == 3
    assert got[victim]["metadata"]["deletionTimestamp"]
    assert sum(1 for p in got.values() if not p["metadata"].get("deletionTimestamp")) == 2
    merge(plane, "Pod", victim, {"metadata": {"finalizers": None}})
    plane.settle()
    assert victim not in {p["metadata"]["name"] for p in hello_pods()}
    assert len(hello_pods()) == 2


# --- StatefulSet ------------------------------------------------------------------------------


def statefulset(replicas=3, policy="OrderedReady"):
    return {
        "metadata": {"name": "web"},
        "spec": {
            "replicas": replicas,
            "serviceName": "nginx",
            "podManagementPolicy": policy,
            "selector": {"matchLabels": {"app": "nginx"}},
            "template": {
                "metadata": {"labels": {"app": "nginx"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]},
            },
        },
    }


def test_statefulset_pods_have_stable_names_hostnames_and_identity_labels(plane):
    plane.write(create_object, kind("StatefulSet"), namespace="default", body=statefulset())
    plane.settle()
    got = pods(app="nginx")
    assert [p["metadata"]["name"] for p in got] == ["web-0", "web-1", "web-2"]
    sts = obj(StatefulSet, "default", "web")
    revision = sts["status"]["updateRevision"]
    assert revision.startswith("web-")
    for i, pod in enumerate(got):
        assert pod["spec"]["hostname"] == f"web-{i}"
        assert pod["spec"]["subdomain"] == "nginx"
        labels = pod["metadata"]["labels"]
        assert labels["statefulset.kubernetes.io/pod-name"] == f"web-{i}"
        assert labels["controller-revision-hash"] == revision
        assert labels["apps.kubernetes.io/pod-index"] == str(i)
        assert ready(pod)
    status = sts["status"]
    assert status["replicas"] == status["readyReplicas"] == status["availableReplicas"] == 3
    assert status["currentRevision"] == revision


def test_ordered_ready_creates_the_next_pod_only_when_the_previous_is_ready(plane, settings):
    settings.PORTOLAN_READY_DELAY = 3600  # pods start but never turn ready by themselves
    plane.write(create_object, kind("StatefulSet"), namespace="default", body=statefulset())
    with plane.capture(execute=True):
        plane.backend.drain(include_delayed=False)
    for _ in range(5):
        with plane.capture(execute=True):
            plane.backend.drain(include_delayed=False)
    assert [p["metadata"]["name"] for p in pods(app="nginx")] == ["web-0"]


def test_parallel_creates_all_pods_at_once(plane, settings):
    settings.PORTOLAN_READY_DELAY = 3600
    plane.write(
        create_object, kind("StatefulSet"), namespace="default", body=statefulset(policy="Parallel")
    )
    for _ in range(5):
        with plane.capture(execute=True):
            plane.backend.drain(include_delayed=False)
    assert [p["metadata"]["name"] for p in pods(app="nginx")] == ["web-0", "web-1", "web-2"]


def test_statefulset_scales_down_from_the_highest_ordinal(plane):
    plane.write(create_object, kind("StatefulSet"), namespace="default", body=statefulset(4))
    plane.settle()
    merge(plane, "StatefulSet", "web", {"spec": {"replicas": 2}})
    plane.settle()
    assert [p["metadata"]["name"] for p in pods(app="nginx")] == ["web-0", "web-1"]
    assert obj(StatefulSet, "default", "web")["status"]["replicas"] == 2


# --- DaemonSet --------------------------------------------------------------------------------


def daemonset(node_selector=None):
    spec = {"containers": [{"name": "agent", "image": "fluentd:v1"}]}
    if node_selector:
        spec["nodeSelector"] = node_selector
    return {
        "metadata": {"name": "agent"},
        "spec": {
            "selector": {"matchLabels": {"app": "agent"}},
            "template": {"metadata": {"labels": {"app": "agent"}}, "spec": spec},
        },
    }


def test_daemonset_runs_one_pod_per_node(plane):
    plane.write(create_object, kind("DaemonSet"), namespace="default", body=daemonset())
    plane.settle()
    got = pods(app="agent")
    assert sorted(p["spec"]["nodeName"] for p in got) == ["node-1", "node-2", "node-3"]
    assert all(ready(p) for p in got)
    status = obj(DaemonSet, "default", "agent")["status"]
    assert status["desiredNumberScheduled"] == status["currentNumberScheduled"] == 3
    assert status["numberReady"] == status["numberAvailable"] == 3
    assert status["updatedNumberScheduled"] == 3
    assert status["numberMisscheduled"] == 0


def test_daemonset_honours_node_selector(plane):
    body = daemonset({"topology.kubernetes.io/zone": "zone-b"})
    plane.write(create_object, kind("DaemonSet"), namespace="default", body=body)
    plane.settle()
    assert [p["spec"]["nodeName"] for p in pods(app="agent")] == ["node-2"]
    assert obj(DaemonSet, "default", "agent")["status"]["desiredNumberScheduled"] == 1


def test_daemonset_skips_cordoned_nodes_for_new_pods(plane):
    from cluster.actions.nodes import set_node_schedulable

    plane.write(set_node_schedulable, name="node-3", schedulable=False)
    plane.settle()
    plane.write(create_object, kind("DaemonSet"), namespace="default", body=daemonset())
    plane.settle()
    assert sorted(p["spec"]["nodeName"] for p in pods(app="agent")) == ["node-1", "node-2"]
    plane.write(set_node_schedulable, name="node-3", schedulable=True)
    plane.settle()
    assert len(pods(app="agent")) == 3


# --- Job --------------------------------------------------------------------------------------


def job(completions=3, parallelism=2, mode=None):
    spec = {
        "completions": completions,
        "parallelism": parallelism,
        "template": {
            "spec": {
                "restartPolicy": "Never",
                "containers": [{"name": "pi", "image": "perl:5.34", "command": ["perl"]}],
            }
        },
    }
    if mode:
        spec["completionMode"] = mode
    return {"metadata": {"name": "pi"}, "spec": spec}


def test_job_runs_parallelism_pods_until_completions_then_completes(plane):
    plane.write(create_object, kind("Job"), namespace="default", body=job())
    with plane.capture(execute=True):
        plane.backend.drain(include_delayed=False, max_steps=2)
    active = [p for p in pods(**{"batch.kubernetes.io/job-name": "pi"})]
    assert len(active) == 2  # parallelism
    plane.settle()
    got = pods(**{"batch.kubernetes.io/job-name": "pi"})
    assert len(got) == 3
    for pod in got:
        assert pod["status"]["phase"] == "Succeeded"
        [cs] = pod["status"]["containerStatuses"]
        assert cs["state"]["terminated"]["exitCode"] == 0
        assert cs["state"]["terminated"]["reason"] == "Completed"
    status = obj(Job, "default", "pi")["status"]
    assert status["succeeded"] == 3
    assert "active" not in status
    assert status["completionTime"] and status["startTime"]
    conditions = {c["type"]: c for c in status["conditions"]}
    assert conditions["Complete"]["status"] == "True"
    assert conditions["Complete"]["reason"] == "CompletionsReached"
    assert conditions["SuccessCriteriaMet"]["status"] == "True"


def test_indexed_job_gives_each_pod_its_completion_index(plane):
    plane.write(create_object, kind("Job"), namespace="default", body=job(3, 3, "Indexed"))
    plane.settle()
    got = pods(**{"batch.kubernetes.io/job-name": "pi"})
    indexes = sorted(
        p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"] for p in got
    )
    assert indexes == ["0", "1", "2"]
    for pod in got:
        i = pod["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"]
        assert pod["metadata"]["name"].startswith(f"pi-{i}-")
        assert pod["spec"]["hostname"] == f"pi-{i}"
    status = obj(Job, "default", "pi")["status"]
    assert status["completedIndexes"] == "0-2"
    assert status["succeeded"] == 3
