"""A StatefulSet pod gets a volume per volumeClaimTemplate (``updateStorage`` in
pkg/controller/statefulset/stateful_set_utils.go), so that a container mounting a claim by
name validates — istio-loki's and cockroachdb's pods did not before."""

from __future__ import annotations

import pytest

from cluster.controllers.sets import stateful_pod
from cluster.kinds import by_kind
from cluster.validation.pods import validate_pod


def statefulset(volumes: list[dict] | None = None) -> dict:
    spec: dict = {
        "containers": [
            {
                "name": "loki",
                "image": "grafana/loki:3",
                "volumeMounts": [
                    {"name": "storage", "mountPath": "/data"},
                    {"name": "config", "mountPath": "/etc/loki"},
                ],
            }
        ]
    }
    if volumes is not None:
        spec["volumes"] = volumes
    return {
        "metadata": {"name": "loki", "namespace": "istio-system", "uid": "u-1"},
        "spec": {
            "serviceName": "loki-headless",
            "selector": {"matchLabels": {"app": "loki"}},
            "template": {"metadata": {"labels": {"app": "loki"}}, "spec": spec},
            "volumeClaimTemplates": [{"metadata": {"name": "storage"}, "spec": {}}],
        },
    }


@pytest.mark.parametrize(
    ("template_volumes", "want"),
    [
        # updateStorage: the claim's volume first, then the template's other volumes
        (
            [{"name": "config", "configMap": {"name": "loki"}}],
            [
                {"name": "storage", "persistentVolumeClaim": {"claimName": "storage-loki-2"}},
                {"name": "config", "configMap": {"name": "loki"}},
            ],
        ),
        # a template volume named like a claim is replaced by the claim
        (
            [{"name": "storage", "emptyDir": {}}, {"name": "config", "emptyDir": {}}],
            [
                {"name": "storage", "persistentVolumeClaim": {"claimName": "storage-loki-2"}},
                {"name": "config", "emptyDir": {}},
            ],
        ),
    ],
)
def test_claim_volumes_are_named_template_set_ordinal(template_volumes, want):
    pod = stateful_pod(statefulset(template_volumes), 2, "loki-abc")
    assert pod["spec"]["volumes"] == want


def errors_of(pod: dict) -> list[str]:
    kind = by_kind("Pod")
    assert kind is not None
    kind.default(pod)
    return [str(e) for e in validate_pod(pod)]


def test_the_pod_with_its_claim_volume_validates():
    sts = statefulset([{"name": "config", "configMap": {"name": "loki"}}])
    assert errors_of(stateful_pod(sts, 0, "loki-abc")) == []
    # without the claim, the mount names a volume that does not exist
    sts["spec"]["volumeClaimTemplates"] = []
    assert errors_of(stateful_pod(sts, 0, "loki-abc")) == [
        'spec.containers[0].volumeMounts[0].name: Not found: "storage"'
    ]
