"""Node validation (ValidateNode, ValidateNodeUpdate, validateNodeTaints) and defaulting."""

from __future__ import annotations

import pytest

from cluster.defaults import default_node
from cluster.validation.core import validate_node, validate_node_update


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        # TestValidateNode: "invalid-podCIDR"
        (
            {"podCIDRs": ["10.0.0.0/33"]},
            ['spec.podCIDRs[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value'],
        ),
        (
            {"podCIDRs": ["10.0.0.1"]},
            ['spec.podCIDRs[0]: Invalid value: "10.0.0.1": must be a valid CIDR value'],
        ),
        # TestValidateNode: "duplicate-pod-cidr" / two of one family
        (
            {"podCIDRs": ["10.0.0.0/24", "10.1.0.0/24"]},
            [
                'spec.podCIDRs: Invalid value: ["10.0.0.0/24","10.1.0.0/24"]: may specify no more than one CIDR for each IP family'
            ],
        ),
        # TestValidateNode: "invalid-taint-effect", "missing-taint-effect" (upstream's metadata.taints path)
        (
            {"taints": [{"key": "dedicated", "value": "x", "effect": "NoScheduleNoAdmit"}]},
            [
                'metadata.taints[0].effect: Unsupported value: "NoScheduleNoAdmit": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'
            ],
        ),
        (
            {"taints": [{"key": "dedicated", "value": "x"}]},
            ["metadata.taints[0].effect: Required value"],
        ),
        # TestValidateNode: "duplicated-taints-with-same-key-effect"
        (
            {
                "taints": [
                    {"key": "k", "value": "a", "effect": "NoSchedule"},
                    {"key": "k", "value": "b", "effect": "NoSchedule"},
                ]
            },
            ["metadata.taints[1]: Duplicate value: "],
        ),
    ],
)
def test_validate_node(spec, expected):
    node = {"metadata": {"name": "n"}, "spec": spec}
    default_node(node)
    got = [str(e) for e in validate_node(node)]
    assert len(got) == len(expected), got
    for message, prefix in zip(got, expected, strict=True):
        assert message.startswith(prefix), (message, prefix)


def test_dual_stack_pod_cidrs_and_pod_cidr_conversion_are_valid():
    node = {"spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24", "fd00::/64"]}}
    default_node(node)
    assert validate_node(node) == []
    legacy = {"spec": {"podCIDR": "10.244.1.0/24"}}
    default_node(legacy)
    assert legacy["spec"]["podCIDRs"] == ["10.244.1.0/24"]


def test_validate_node_update_pod_cidrs_are_set_once():
    # TestValidateNodeUpdate: "podCIDR changed"
    old = {"spec": {"podCIDRs": ["10.0.0.0/24"]}}
    new = {"spec": {"podCIDRs": ["10.1.0.0/24"]}}
    assert [str(e) for e in validate_node_update(new, old)] == [
        'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid'
    ]
    assert validate_node_update(old, {"spec": {}}) == []


def test_set_defaults_node_status_allocatable_from_capacity():
    node = {"status": {"capacity": {"cpu": "4"}}}
    default_node(node)
    assert node["status"]["allocatable"] == {"cpu": "4"}


def test_node_status_with_negative_capacity_is_invalid(api):
    answer = api.patch("/api/v1/nodes/node-1/status", {"status": {"capacity": {"cpu": "-1"}}})
    assert answer.status == 422, answer
    assert answer.body["details"]["causes"][0]["field"] == "status.capacity.cpu"
