"""Workload defaulting and validation (pkg/apis/apps/v1/defaults.go, pkg/apis/batch/v1/defaults.go,
pkg/apis/apps/validation, pkg/apis/batch/validation), and through the API: the selector is
immutable, Jobs get a generated selector."""

from __future__ import annotations

import copy

import pytest

from cluster.defaults import (
    default_daemon_set,
    default_deployment,
    default_job,
    default_stateful_set,
)
from cluster.validation.statefulsets import validate_stateful_set
from cluster.validation.workloads import (
    validate_daemon_set,
    validate_deployment,
    validate_replica_set,
)

DEPLOYS = "/apis/apps/v1/namespaces/default/deployments"


def deployment(**spec):
    body = {
        "metadata": {"name": "web"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }
    body["spec"].update(spec)
    default_deployment(body)
    return body


def test_set_defaults_deployment():
    spec = deployment()["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert (spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (10, 600)
    pod_spec = spec["template"]["spec"]
    assert (pod_spec["restartPolicy"], pod_spec["dnsPolicy"]) == ("Always", "ClusterFirst")
    assert "enableServiceLinks" not in pod_spec  # SetDefaults_Pod is for pods, not templates


def test_set_defaults_stateful_set_daemon_set_and_job():
    sts = {
        "spec": {"template": {}, "volumeClaimTemplates": [{"metadata": {"name": "d"}, "spec": {}}]}
    }
    default_stateful_set(sts)
    assert sts["spec"]["podManagementPolicy"] == "OrderedReady"
    assert sts["spec"]["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"partition": 0},
    }
    assert sts["spec"]["persistentVolumeClaimRetentionPolicy"] == {
        "whenDeleted": "Retain",
        "whenScaled": "Retain",
    }
    assert sts["spec"]["volumeClaimTemplates"][0]["spec"]["volumeMode"] == "Filesystem"
    ds = {"spec": {"template": {}}}
    default_daemon_set(ds)
    assert ds["spec"]["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0},
    }
    job = {"metadata": {}, "spec": {"template": {"metadata": {"labels": {"a": "b"}}}}}
    default_job(job)
    assert {
        k: job["spec"][k]
        for k in (
            "completions",
            "parallelism",
            "backoffLimit",
            "completionMode",
            "suspend",
            "podReplacementPolicy",
        )
    } == {
        "completions": 1,
        "parallelism": 1,
        "backoffLimit": 6,
        "completionMode": "NonIndexed",
        "suspend": False,
        "podReplacementPolicy": "TerminatingOrFailed",
    }
    assert job["metadata"]["labels"] == {"a": "b"}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        # TestValidateDeployment: "selector required" (nil selector also cannot match the labels)
        (
            {"selector": None},
            ["spec.selector: Required value", "spec.template.metadata.labels: Invalid value"],
        ),
        # TestValidateDeployment: "empty selector"
        (
            {"selector": {}},
            ["spec.selector: Invalid value: {}: empty selector is invalid for deployment"],
        ),
        # TestValidateDeployment: "selector doesn't match the template labels"
        (
            {"selector": {"matchLabels": {"app": "other"}}},
            [
                'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'
            ],
        ),
        # TestValidateDeployment: "negative replicas"
        (
            {"replicas": -1},
            ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"],
        ),
        # TestValidateDeployment: "invalid restart policy"
        (
            {
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "x"}]},
                }
            },
            [
                'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'
            ],
        ),
        # the template is validated as a pod spec under spec.template.spec
        (
            {
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "c"}]},
                }
            },
            ["spec.template.spec.containers[0].image: Required value"],
        ),
        # TestValidateDeploymentStrategy: maxUnavailable and maxSurge both 0; > 100%
        (
            {
                "strategy": {
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0},
                }
            },
            [
                "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"
            ],
        ),
        (
            {
                "strategy": {
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxUnavailable": "110%", "maxSurge": 1},
                }
            },
            [
                'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "110%": must not be greater than 100%'
            ],
        ),
        # TestValidateDeployment: "progressDeadlineSeconds <= minReadySeconds"
        (
            {"minReadySeconds": 600},
            [
                "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"
            ],
        ),
    ],
)
def test_validate_deployment(spec, expected):
    got = [str(e) for e in validate_deployment(deployment(**spec))]
    assert len(got) == len(expected), got
    for message, prefix in zip(got, expected, strict=True):
        assert message.startswith(prefix), (message, prefix)


def test_validate_replica_set_keeps_upstreams_wording():
    body = deployment(selector={})
    assert [str(e) for e in validate_replica_set(body)] == [
        "spec.selector: Invalid value: {}: empty selector is invalid for deployment"
    ]


def test_validate_stateful_set_checks_only_template_metadata():
    # ValidateStatefulSetSpec leaves the template's pod spec to the pods (an upstream TODO)
    sts = {
        "spec": {
            "selector": {"matchLabels": {"a": "b"}},
            "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": []}},
        }
    }
    default_stateful_set(sts)
    assert validate_stateful_set(sts) == []
    sts["spec"]["podManagementPolicy"] = "Random"
    assert [str(e) for e in validate_stateful_set(sts)] == [
        "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"
    ]


def test_validate_daemon_set_rolling_update_needs_one_of_surge_or_unavailable():
    # TestValidateDaemonSetUpdateStrategy / ValidateRollingUpdateDaemonSet
    ds = {
        "spec": {
            "selector": {"matchLabels": {"a": "b"}},
            "template": {
                "metadata": {"labels": {"a": "b"}},
                "spec": {"containers": [{"name": "c", "image": "x"}]},
            },
            "updateStrategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0},
            },
        }
    }
    default_daemon_set(ds)
    assert [str(e) for e in validate_daemon_set(ds)] == [
        "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"
    ]


# --- through the API --------------------------------------------------------------------------


def test_deployment_selector_is_immutable(api):
    body = deployment()
    assert api.post(DEPLOYS, body).status == 201
    changed = copy.deepcopy(body)
    changed["spec"]["selector"] = {"matchLabels": {"app": "web", "tier": "x"}}
    changed["spec"]["template"]["metadata"]["labels"]["tier"] = "x"
    answer = api.put(f"{DEPLOYS}/web", changed)
    assert answer.status == 422, answer
    assert [c["field"] for c in answer.body["details"]["causes"]] == ["spec.selector"]
    assert "field is immutable" in answer.body["message"]


def test_job_gets_a_generated_selector_and_template_labels(api):
    job = {
        "metadata": {"name": "once"},
        "spec": {
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{"name": "c", "image": "busybox"}],
                }
            }
        },
    }
    created = api.post("/apis/batch/v1/namespaces/default/jobs", job)
    assert created.status == 201, created
    uid = created.body["metadata"]["uid"]
    assert created.body["spec"]["selector"] == {
        "matchLabels": {"batch.kubernetes.io/controller-uid": uid}
    }
    labels = created.body["spec"]["template"]["metadata"]["labels"]
    assert labels == {
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": "once",
        "controller-uid": uid,
        "job-name": "once",
    }
    assert created.body["metadata"]["labels"] == labels


def test_job_template_restart_policy_must_be_on_failure_or_never(api):
    job = {
        "metadata": {"name": "bad"},
        "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}},
    }
    answer = api.post("/apis/batch/v1/namespaces/default/jobs", job)
    assert answer.status == 422
    assert [c["message"] for c in answer.body["details"]["causes"]] == [
        'Unsupported value: "Always": supported values: "OnFailure", "Never"'
    ]
