"""Every real manifest in ../shared/manifests passes defaulting and validation: each object of
a kind Portolan serves is created through the generic create action, in the file's order."""

from __future__ import annotations

import pytest

from cluster.actions.objects import create_object
from cluster.kinds import by_kind
from cluster.models import Namespace
from cluster.yamlio import load_all
from tests.paths import MANIFESTS

FILES = sorted(p.name for p in MANIFESTS.glob("*.yaml"))


def served(doc: dict) -> bool:
    kind = by_kind(doc.get("kind") or "")
    return kind is not None and kind.api_version == doc.get("apiVersion")


@pytest.mark.parametrize("name", FILES)
def test_every_served_object_of_a_real_manifest_is_accepted(cluster, name):
    docs = [d for d in load_all((MANIFESTS / name).read_text()) if isinstance(d, dict)]
    created = 0
    for doc in docs:
        if not served(doc):
            continue
        kind = by_kind(doc["kind"])
        namespace = (doc.get("metadata") or {}).get("namespace") or "default"
        if kind.namespaced and not Namespace.objects.filter(name=namespace).exists():
            create_object(
                by_kind("Namespace"), namespace="", body={"metadata": {"name": namespace}}
            )
        create_object(kind, namespace=namespace if kind.namespaced else "", body=doc)
        created += 1
    assert created > 0


def test_the_corpus_is_there():
    assert len(FILES) == 10
