"""Deployment and ReplicaSet controllers' pure computation: rollouts keep the
``maxSurge``/``maxUnavailable`` fences (``rolling.go``), Recreate stops old pods first
(``recreate.go``), and status follows the ReplicaSets."""

from __future__ import annotations

import copy

import pytest

from cluster.controllers.workloads import (
    HASH_LABEL,
    plan_deployment,
    plan_replicaset,
    resolve_int_or_percent,
    surge_and_unavailable,
    template_hash,
)


def deployment(replicas=4, image="v1", strategy=None):
    return {
        "metadata": {"name": "web", "namespace": "default", "uid": "d-uid", "generation": 1},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": image}]},
            },
            "strategy": strategy
            or {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
            },
        },
    }


class World:
    """Applies plans: ReplicaSets get pods, pods become ready one step after creation."""

    def __init__(self):
        self.rss: dict[str, dict] = {}
        self.pods: dict[str, list[dict]] = {}
        self.tick = 0

    def step(self, d):
        self.tick += 1
        plan = plan_deployment(d, list(self.rss.values()))
        for rs in plan.create:
            rs = copy.deepcopy(rs)
            rs["metadata"]["creationTimestamp"] = f"t{self.tick:04d}"
            self.rss[rs["metadata"]["name"]] = rs
            self.pods[rs["metadata"]["name"]] = []
        for name, n in plan.scale.items():
            self.rss[name]["spec"]["replicas"] = n
        for name, rs in self.rss.items():
            for p in self.pods[name]:
                p["status"]["conditions"] = [{"type": "Ready", "status": "True"}]
            rplan = plan_replicaset(rs, self.pods[name])
            self.pods[name] = [
                p for p in self.pods[name] if p["metadata"]["name"] not in rplan.delete
            ]
            for i, p in enumerate(rplan.create):
                p["metadata"]["name"] = f"{name}-{self.tick}-{i}"
                p["metadata"]["creationTimestamp"] = f"t{self.tick:04d}"
                p["status"] = {
                    "phase": "Running",
                    "conditions": [{"type": "Ready", "status": "False"}],
                }
                self.pods[name].append(p)
            rs["status"] = plan_replicaset(rs, self.pods[name]).status
        d["status"] = plan.status
        return plan

    def pod_count(self):
        return sum(len(v) for v in self.pods.values())

    def available(self):
        return sum(
            1
            for v in self.pods.values()
            for p in v
            if p["status"]["conditions"][0]["status"] == "True"
        )


@pytest.mark.parametrize(
    "value, total, up, want",
    [
        ("25%", 4, True, 1),
        ("25%", 4, False, 1),
        ("25%", 10, True, 3),
        ("25%", 10, False, 2),
        (2, 10, True, 2),
        ("0%", 3, True, 0),
    ],
)
def test_int_or_percent_rounding(value, total, up, want):
    # intstr.GetScaledValueFromIntOrPercent: surge rounds up, unavailable rounds down.
    assert resolve_int_or_percent(value, total, round_up=up) == want


def test_both_fences_zero_means_one_unavailable():
    # ResolveFenceposts.
    d = deployment(
        strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}
    )
    assert surge_and_unavailable(d) == (0, 1)


def test_first_sync_creates_a_replicaset_named_by_template_hash():
    d = deployment()
    plan = plan_deployment(d, [])
    (rs,) = plan.create
    h = template_hash(d["spec"]["template"])
    assert rs["metadata"]["name"] == f"web-{h}"
    assert rs["spec"]["selector"]["matchLabels"] == {"app": "web", HASH_LABEL: h}
    assert rs["spec"]["template"]["metadata"]["labels"][HASH_LABEL] == h
    assert rs["spec"]["replicas"] == 4
    assert rs["metadata"]["ownerReferences"][0]["kind"] == "Deployment"


def test_rolling_update_respects_surge_and_unavailability():
    d = deployment(replicas=8)
    w = World()
    for _ in range(10):
        w.step(d)
    assert w.available() == 8
    d["spec"]["template"]["spec"]["containers"][0]["image"] = "v2"
    d["metadata"]["generation"] = 2
    surge, unavailable = surge_and_unavailable(d)
    for _ in range(40):
        w.step(d)
        assert w.pod_count() <= 8 + surge
        assert w.available() >= 8 - unavailable - 0  # ready pods never fall below the fence
    new = [
        rs
        for rs in w.rss.values()
        if rs["spec"]["template"]["spec"]["containers"][0]["image"] == "v2"
    ]
    assert len(new) == 1 and new[0]["spec"]["replicas"] == 8
    assert all(rs["spec"]["replicas"] == 0 for rs in w.rss.values() if rs is not new[0])
    status = d["status"]
    assert (status["replicas"], status["updatedReplicas"], status["availableReplicas"]) == (8, 8, 8)
    assert status["observedGeneration"] == 2
    assert {c["type"]: c["reason"] for c in status["conditions"]} == {
        "Available": "MinimumReplicasAvailable",
        "Progressing": "NewReplicaSetAvailable",
    }


def test_recreate_scales_old_to_zero_before_new():
    d = deployment(replicas=3, strategy={"type": "Recreate"})
    w = World()
    for _ in range(5):
        w.step(d)
    d["spec"]["template"]["spec"]["containers"][0]["image"] = "v2"
    saw_zero = False
    for _ in range(10):
        w.step(d)
        kinds = {
            rs["spec"]["template"]["spec"]["containers"][0]["image"]: len(w.pods[n])
            for n, rs in w.rss.items()
        }
        assert not (kinds.get("v1", 0) and kinds.get("v2", 0)), (
            "old and new pods never run together"
        )
        saw_zero = saw_zero or w.pod_count() == 0
    assert saw_zero and w.available() == 3


def test_scaling_down_removes_not_ready_pods_first():
    rs = {
        "metadata": {"name": "r", "namespace": "default", "uid": "u", "generation": 1},
        "spec": {"replicas": 1, "template": {"metadata": {"labels": {}}, "spec": {}}},
    }
    ready = {
        "metadata": {"name": "ready", "creationTimestamp": "t1"},
        "spec": {"nodeName": "n"},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]},
    }
    pending = {
        "metadata": {"name": "pending", "creationTimestamp": "t2"},
        "spec": {},
        "status": {"phase": "Pending"},
    }
    assert plan_replicaset(rs, [ready, pending]).delete == ["pending"]


def test_terminating_and_terminal_pods_are_replaced():
    rs = {
        "metadata": {"name": "r", "namespace": "default", "uid": "u", "generation": 3},
        "spec": {
            "replicas": 2,
            "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": []}},
        },
    }
    gone = {"metadata": {"name": "x", "deletionTimestamp": "t"}, "status": {"phase": "Running"}}
    failed = {"metadata": {"name": "y"}, "status": {"phase": "Failed"}}
    plan = plan_replicaset(rs, [gone, failed])
    assert len(plan.create) == 2
    assert plan.create[0]["metadata"]["generateName"] == "r-"
    assert plan.create[0]["metadata"]["labels"] == {"a": "b"}
    assert plan.status == {"replicas": 0, "observedGeneration": 3}
