"""Manifest documents of the wrong shape: each is reported with the decoder's 400 Status, never
raised, and never written."""

from __future__ import annotations

import pytest

from cluster.manifests import Document, apply_documents
from cluster.models import Revision


def revision() -> int:
    row = Revision.objects.filter(id=1).first()
    return row.value if row else 0


@pytest.mark.parametrize(
    "doc, message",
    [
        # The apiserver's decoder (encoding/json into the typed structs): 400, never a 500
        (
            {"apiVersion": "v1", "kind": "Service", "metadata": []},
            'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal '
            "array into Go struct field Service.metadata of type v1.ObjectMeta",
        ),
        (
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": ["x"]}},
            'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal array into '
            "Go struct field ObjectMeta.metadata.namespace of type string",
        ),
        (
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": 5}},
            'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal '
            "number into Go struct field ObjectMeta.metadata.name of type string",
        ),
        ("plain string", "the document is a string, not an object"),
        (7, "the document is a number, not an object"),
    ],
)
def test_documents_of_the_wrong_shape_are_bad_requests(cluster, doc, message):
    report = apply_documents(documents=[Document(doc, "s", 1)])
    (o,) = report.items
    assert o.result == "invalid"
    assert o.status["code"] == 400
    assert o.status["reason"] == "BadRequest"
    assert o.detail == message


@pytest.mark.parametrize(
    "doc",
    [
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "w"}, "spec": 5},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "w"}, "spec": {"ports": "x"}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "w", "labels": ["a"]}},
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "w"},
            "spec": {"replicas": "3"},
        },
    ],
)
def test_wrong_field_types_are_reported_not_raised(cluster, doc):
    before = revision()
    report = apply_documents(documents=[Document(doc, "s", 1)])
    (o,) = report.items
    assert o.result == "invalid"
    assert o.status["code"] in (400, 422)
    assert revision() == before
