"""Pure parts of manifest import: reading YAML/JSON streams, and kubectl apply's bookkeeping
(the last-applied annotation and the three-way merge)."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from cluster.errors import StatusError
from cluster.manifests import LAST_APPLIED, parse_stream, three_way_merge, with_last_applied
from cluster.yamlio import dump
from tests.paths import MANIFESTS

# --- reading streams ------------------------------------------------------------------------


def test_parse_stream_accepts_json_object_array_and_list():
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a"}}
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}}
    as_list = {"apiVersion": "v1", "kind": "List", "items": [svc, cm]}
    for text, json_only in (
        (json.dumps(svc), True),
        (json.dumps([svc, cm]), True),
        (json.dumps(as_list), True),
        (json.dumps(as_list), False),  # JSON is YAML
        (dump(svc) + "---\n---\n" + dump(cm), False),  # empty documents are skipped
    ):
        docs = parse_stream(text, source="t", json_only=json_only)
        assert [d.body["metadata"]["name"] for d in docs] == ["a", "b"][: len(docs)]
        assert [d.index for d in docs] == list(range(1, len(docs) + 1))
    assert len(parse_stream(json.dumps(as_list), source="t")) == 2


@pytest.mark.parametrize("text", ["a: [1, 2", "{not json", "key: : :"])
def test_parse_stream_reports_bad_input_as_bad_request(text):
    with pytest.raises(StatusError) as exc:
        parse_stream(text, source="t", json_only=text.startswith("{"))
    assert exc.value.code == 400
    assert exc.value.message.startswith("error parsing t: ")


def test_nested_kind_fields_are_not_documents():
    # podinfo's HPA names `kind: Deployment` in scaleTargetRef: only top-level kind counts
    docs = parse_stream((MANIFESTS / "podinfo-kustomize.yaml").read_bytes(), source="p")
    assert Counter(d.body["kind"] for d in docs) == Counter(
        {"HorizontalPodAutoscaler": 1, "Deployment": 1, "Service": 1}
    )


@pytest.mark.parametrize(
    "live, original, modified, want",
    [
        # manifest value wins over live
        ({"a": 1}, {"a": 1}, {"a": 2}, {"a": 2}),
        # live-only field (server default, allocation) is kept
        ({"a": 1, "ip": "10.0.0.1"}, {"a": 1}, {"a": 1}, {"a": 1, "ip": "10.0.0.1"}),
        # a field the last manifest set and this one drops is removed
        ({"a": 1, "b": 2}, {"a": 1, "b": 2}, {"a": 1}, {"a": 1}),
        # without a previous manifest nothing is removed (kubectl warns and keeps)
        ({"a": 1, "b": 2}, None, {"a": 1}, {"a": 1, "b": 2}),
        # maps merge recursively
        ({"m": {"x": 1, "y": 2}}, {"m": {"x": 1, "y": 2}}, {"m": {"x": 1}}, {"m": {"x": 1}}),
        # lists are taken whole from the manifest
        (
            {"l": [{"port": 80, "nodePort": 30080}]},
            None,
            {"l": [{"port": 80}]},
            {"l": [{"port": 80}]},
        ),
        # null in the manifest removes
        ({"a": 1, "b": 2}, None, {"b": None}, {"a": 1}),
    ],
)
def test_three_way_merge(live, original, modified, want):
    assert three_way_merge(live, original, modified) == want


def test_with_last_applied_records_the_manifest_like_kubectl():
    body = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "a", "annotations": {"x": "1", LAST_APPLIED: "old"}},
    }
    out = with_last_applied(body, "default")
    recorded = out["metadata"]["annotations"][LAST_APPLIED]
    assert recorded.endswith("\n")
    assert json.loads(recorded) == {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "a", "namespace": "default", "annotations": {"x": "1"}},
    }
    assert out["metadata"]["annotations"]["x"] == "1"
    assert body["metadata"]["annotations"][LAST_APPLIED] == "old"  # input untouched
