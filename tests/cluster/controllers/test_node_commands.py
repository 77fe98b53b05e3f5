"""``manage.py node`` and ``manage.py readiness``: operator switches for the simulation."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cluster.actions.objects import create_object
from cluster.kinds import by_kind
from cluster.models import Node, Pod
from tests.cluster.controllers.settle import ControlPlane


@pytest.fixture
def plane(cluster, settings, django_capture_on_commit_callbacks, control_plane):
    settings.PORTOLAN_READY_DELAY = 0
    return ControlPlane(django_capture_on_commit_callbacks, control_plane)


def command(plane, *args):
    out = io.StringIO()
    plane.write(call_command, *args, stdout=out)
    plane.settle()
    return out.getvalue().strip()


def ready_condition(obj_status):
    return next(c for c in obj_status.get("conditions", []) if c["type"] == "Ready")


def test_node_not_ready_and_ready(plane):
    assert command(plane, "node", "node-2", "--not-ready") == "node/node-2 not ready"
    node = Node.objects.get(name="node-2")
    assert node.ready is False
    assert ready_condition(node.status)["status"] == "False"
    assert ready_condition(node.status)["reason"] == "KubeletNotReady"
    assert command(plane, "node", "node-2", "--ready") == "node/node-2 ready"
    node = Node.objects.get(name="node-2")
    assert node.ready is True
    assert ready_condition(node.status)["reason"] == "KubeletReady"


def test_node_cordon_and_uncordon(plane):
    assert command(plane, "node", "node-1", "--cordon") == "node/node-1 cordoned"
    assert Node.objects.get(name="node-1").spec["unschedulable"] is True
    assert command(plane, "node", "node-1", "--uncordon") == "node/node-1 uncordoned"
    assert "unschedulable" not in Node.objects.get(name="node-1").spec


def test_unknown_node_is_a_command_error(plane):
    with pytest.raises(CommandError, match='nodes "node-9" not found'):
        call_command("node", "node-9", "--ready")


def test_node_needs_exactly_one_switch(plane):
    with pytest.raises(CommandError):
        call_command("node", "node-1")


def test_readiness_fail_and_pass(plane):
    body = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "x"}]}}
    plane.write(create_object, by_kind("Pod"), namespace="default", body=body)
    plane.settle()
    assert Pod.objects.get(name="p").ready is True
    assert command(plane, "readiness", "p", "--fail") == "pod/p not ready"
    pod = Pod.objects.get(name="p")
    assert pod.ready is False
    assert ready_condition(pod.status)["reason"] == "ReadinessProbeFailed"
    assert command(plane, "readiness", "p", "-n", "default", "--pass") == "pod/p ready"
    assert Pod.objects.get(name="p").ready is True


def test_readiness_of_a_missing_pod_is_a_command_error(plane):
    with pytest.raises(CommandError, match='pods "nope" not found'):
        call_command("readiness", "nope", "-n", "default", "--fail")
