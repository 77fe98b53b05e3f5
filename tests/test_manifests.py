"""Manifest import (``cluster.manifests``): the ten real manifests against EXPECTED.json, and
kubectl apply's behaviour (created / configured / unchanged / skipped / invalid, dry run,
one transaction per document, the three-way merge)."""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cluster.actions.objects import create_object, fetch, patch_object
from cluster.kinds import by_kind
from cluster.manifests import (
    LAST_APPLIED,
    STORED_KINDS,
    Report,
    apply_documents,
    parse_stream,
)
from cluster.models import ChangeEvent, Revision
from cluster.yamlio import dump
from tests.paths import MANIFESTS

EXPECTED: dict[str, Any] = json.loads((MANIFESTS / "EXPECTED.json").read_text())
# Namespaces a manifest uses without declaring them (EXPECTED.md: "expected topology assumes
# it exists"); kube-system comes with every cluster.
PRECREATED = {"istio-loki": ["istio-system"]}


def apply_file(path: Path, **kw: Any) -> Report:
    return apply_documents(documents=parse_stream(path.read_bytes(), source=path.name), **kw)


def stored(kind_name: str, namespace: str, name: str) -> dict[str, Any] | None:
    kind = by_kind(kind_name)
    assert kind is not None
    inst = fetch(kind, namespace, name)
    return None if inst is None else kind.to_k8s(inst)


def make_namespace(name: str) -> None:
    ns = by_kind("Namespace")
    assert ns is not None
    create_object(ns, namespace="", body={"metadata": {"name": name}})


def revision() -> int:
    row = Revision.objects.filter(id=1).first()
    return row.value if row else 0


def results(report: Report) -> Counter[str]:
    return Counter(o.result for o in report.items)


# --- the ten real manifests -----------------------------------------------------------------


@pytest.mark.parametrize("manifest", sorted(EXPECTED))
def test_real_manifest_imports_with_expected_topology(cluster, manifest):
    # Given a cluster with the namespaces the manifest assumes
    exp = EXPECTED[manifest]
    for ns in PRECREATED.get(manifest, []):
        make_namespace(ns)
    # When the file is applied
    report = apply_file(MANIFESTS / exp["file"])
    # Then no document is rejected, every stored kind is created, every other kind skipped
    invalid = [o.line for o in report.items if o.result == "invalid"]
    assert invalid == []
    by_result: dict[str, Counter[str]] = {}
    for o in report.items:
        by_result.setdefault(o.result, Counter())[o.kind] += 1
    stored_kinds = {k: n for k, n in exp["kinds"].items() if k in STORED_KINDS}
    skipped_kinds = {k: n for k, n in exp["kinds"].items() if k not in STORED_KINDS}
    assert dict(by_result.get("created", {})) == stored_kinds
    assert dict(by_result.get("skipped", {})) == skipped_kinds
    for o in report.items:
        if o.result == "skipped":
            assert f"{o.kind}/{o.name} (kind not supported by Portolan)" in o.line
    # Every Service, with its type, headless-ness, selector and ports
    for svc in exp["services"]:
        obj = stored("Service", svc["namespace"], svc["name"])
        assert obj is not None, svc["name"]
        spec = obj["spec"]
        assert (spec.get("type") or "ClusterIP") == svc["type"]
        assert (spec.get("clusterIP") == "None") == svc["headless"]
        assert (spec.get("selector") or None) == svc["selector"]
        if "externalName" in svc:
            assert spec["externalName"] == svc["externalName"]
        assert len(spec["ports"]) == len(svc["ports"])
        for got, want in zip(spec["ports"], svc["ports"], strict=True):
            assert got.get("name") == want["name"]
            assert got.get("protocol", "TCP") == want["protocol"]
            assert got["port"] == want["port"]
            assert got.get("targetPort", got["port"]) == want["targetPort"]
            if want["nodePort"] is not None:
                assert got["nodePort"] == want["nodePort"]
        manual = svc.get("manual_endpoints")
        if manual:
            ep = stored("Endpoints", svc["namespace"], svc["name"])
            assert ep is not None
            ips = [a["ip"] for s in ep["subsets"] for a in s.get("addresses", [])]
            ports = sorted({p["port"] for s in ep["subsets"] for p in s.get("ports", [])})
            assert sorted(ips) == sorted(manual["addresses"])
            assert ports == manual["ports"]
    # Every workload, with its kind, name, namespace and replicas
    for wl in exp["workloads"]:
        kind_name, name = wl["workload"].split("/", 1)
        obj = stored(kind_name, wl["namespace"], name)
        assert obj is not None, wl["workload"]
        spec = obj.get("spec") or {}
        if kind_name in ("Deployment", "StatefulSet", "ReplicaSet"):
            assert spec.get("replicas", 1) == wl["replicas"]
        elif kind_name == "Job":
            assert spec.get("parallelism", 1) == wl["replicas"]
        elif kind_name == "DaemonSet":
            assert wl["replicas"] is None
        if kind_name == "Pod":
            labels = obj["metadata"].get("labels") or {}
        else:
            labels = spec["template"]["metadata"].get("labels") or {}
        if kind_name == "Job":  # the Job strategy adds controller-uid / job-name labels
            assert wl["pod_labels"].items() <= labels.items()
        else:
            assert labels == wl["pod_labels"]
    for ns in exp["namespace_objects"]:
        assert stored("Namespace", "", ns) is not None


def test_statefulsets_are_simulated_and_reported_as_such(cluster):
    report = apply_file(MANIFESTS / "cockroachdb-statefulset.yaml")
    sts = next(o for o in report.items if o.kind == "StatefulSet")
    assert sts.result == "created"
    assert sts.simulated is True
    assert sts.line == "statefulset.apps/cockroachdb created"
    svc = next(o for o in report.items if o.kind == "Service")
    assert svc.simulated is True
    assert svc.line == "service/cockroachdb-public created"


def test_namespace_documents_are_applied_first(cluster):
    # Given a stream whose Namespace comes after a Service in it
    text = dump(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web", "namespace": "late"},
            "spec": {"ports": [{"port": 80}], "selector": {"app": "web"}},
        }
    )
    text += "---\n" + dump({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "late"}})
    # When applied, then the namespace is created first and the Service lands in it
    report = apply_documents(documents=parse_stream(text, source="s"))
    assert [o.line for o in report.items] == ["namespace/late created", "service/web created"]
    assert stored("Service", "late", "web") is not None


def test_undeclared_namespace_is_not_found_like_kubectl(cluster):
    # istio-loki uses istio-system without declaring it
    report = apply_file(MANIFESTS / "istio-loki.yaml")
    failed = [o for o in report.items if o.result == "invalid"]
    assert {o.kind for o in failed} == {"Service", "StatefulSet"}
    for o in failed:
        assert o.status["code"] == 404
        assert o.status["reason"] == "NotFound"
        assert o.status["message"] == 'namespaces "istio-system" not found'
    assert report.count("skipped") == 5  # ServiceAccount, 2 ConfigMaps, ClusterRole(Binding)
    assert stored("StatefulSet", "istio-system", "loki") is None


# --- apply semantics ------------------------------------------------------------------------


def test_reapplying_the_same_file_reports_everything_unchanged(cluster):
    for name in (
        "sock-shop.yaml",
        "guestbook-all-in-one.yaml",
        "kube-prometheus-stack-corrected.yaml",
    ):
        first = apply_file(MANIFESTS / name)
        assert first.failed == 0
        before = revision()
        again = apply_file(MANIFESTS / name)
        assert set(results(again)) <= {"unchanged", "skipped"}, [o.line for o in again.items]
        assert results(again)["unchanged"] == results(first)["created"]
        assert revision() == before


def test_allocated_values_survive_a_reapply(cluster):
    apply_file(MANIFESTS / "guestbook-all-in-one.yaml")
    before = stored("Service", "default", "frontend")
    apply_file(MANIFESTS / "guestbook-all-in-one.yaml")
    after = stored("Service", "default", "frontend")
    assert after == before
    assert after["spec"].get("clusterIP") == before["spec"].get("clusterIP")


def test_a_changed_file_reports_configured_for_what_changed(cluster):
    # Given guestbook applied
    path = MANIFESTS / "guestbook-all-in-one.yaml"
    apply_file(path)
    docs = parse_stream(path.read_bytes(), source=path.name)
    # When the frontend Deployment gets 5 replicas and a new label
    bodies = [copy.deepcopy(d.body) for d in docs]
    for b in bodies:
        if b["kind"] == "Deployment" and b["metadata"]["name"] == "frontend":
            b["spec"]["replicas"] = 5
            b["metadata"].setdefault("labels", {})["tier2"] = "web"
    text = "---\n".join(dump(b) for b in bodies)
    report = apply_documents(documents=parse_stream(text, source="changed"))
    # Then only that Deployment is configured
    lines = {o.line for o in report.items}
    assert "deployment.apps/frontend configured" in lines
    assert results(report) == Counter({"unchanged": 5, "configured": 1})
    dep = stored("Deployment", "default", "frontend")
    assert dep["spec"]["replicas"] == 5
    assert dep["metadata"]["labels"]["tier2"] == "web"
    assert dep["metadata"]["generation"] == 2


def test_three_way_merge_drops_removed_fields_and_keeps_other_writers_fields(cluster):
    # Given a Deployment applied with label a=1, and an annotation another writer added
    dep = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"a": "1", "b": "2"}},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }
    apply_documents(documents=[parse_stream(json.dumps(dep), source="x")[0]])
    kind = by_kind("Deployment")
    patch_object(
        kind,
        namespace="default",
        name="web",
        patch_type="application/merge-patch+json",
        patch={"metadata": {"annotations": {"other": "writer"}}},
    )
    # When the manifest drops label b
    del dep["metadata"]["labels"]["b"]
    report = apply_documents(documents=[parse_stream(json.dumps(dep), source="x")[0]])
    # Then b is gone, the other writer's annotation stays
    assert report.items[0].result == "configured"
    obj = stored("Deployment", "default", "web")
    assert obj["metadata"]["labels"] == {"a": "1"}
    assert obj["metadata"]["annotations"]["other"] == "writer"
    assert json.loads(obj["metadata"]["annotations"][LAST_APPLIED]) == with_last_applied_body(dep)


def with_last_applied_body(dep: dict[str, Any]) -> dict[str, Any]:
    expected = copy.deepcopy(dep)
    expected["metadata"]["namespace"] = "default"
    return expected


def test_dry_run_writes_nothing_but_reports_what_would_happen(cluster):
    before = revision()
    events = ChangeEvent.objects.count()
    report = apply_file(MANIFESTS / "sock-shop.yaml", dry_run=True)
    # Documents in the namespace the same stream creates validate as they would for real
    assert results(report) == Counter({"created": 29})
    assert all(o.line.endswith("(server dry run)") for o in report.items)
    assert revision() == before
    assert ChangeEvent.objects.count() == events
    assert stored("Namespace", "", "sock-shop") is None
    assert stored("Service", "sock-shop", "front-end") is None


def test_dry_run_of_an_applied_file_reports_unchanged(cluster):
    apply_file(MANIFESTS / "bookinfo.yaml")
    before = revision()
    report = apply_file(MANIFESTS / "bookinfo.yaml", dry_run=True)
    assert results(report)["unchanged"] == 10
    assert revision() == before


INVALID_STREAM = [
    {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "ok-before"},
        "spec": {"ports": [{"port": 80}]},
    },
    # ValidateObjectMeta: metadata.name must be an RFC 1123 subdomain (Deployment names)
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "Bad_Name"},
        "spec": {
            "selector": {"matchLabels": {"app": "x"}},
            "template": {
                "metadata": {"labels": {"app": "x"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    },
    # An apiVersion the kind is not served in (kubectl: no matches for kind)
    {"apiVersion": "extensions/v1beta1", "kind": "Deployment", "metadata": {"name": "old"}},
    {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "elsewhere", "namespace": "nope"},
        "spec": {"ports": [{"port": 80}]},
    },
    {"kind": "Service", "metadata": {"name": "no-version"}},
    {"apiVersion": "v1", "kind": "Service", "metadata": {}, "spec": {"ports": [{"port": 80}]}},
    {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "ok-after"},
        "spec": {"ports": [{"port": 81}]},
    },
]


def test_invalid_documents_report_their_status_and_the_rest_apply(cluster):
    before = revision()
    report = apply_documents(documents=parse_stream(json.dumps(INVALID_STREAM), source="s"))
    got = {(o.name or o.ref): o for o in report.items}
    assert got["ok-before"].result == "created"
    assert got["ok-after"].result == "created"
    bad = got["Bad_Name"]
    assert bad.result == "invalid"
    assert bad.status["code"] == 422
    assert bad.status["reason"] == "Invalid"
    assert bad.status["details"]["causes"][0]["field"] == "metadata.name"
    assert bad.line.startswith(
        'deployment.apps/Bad_Name invalid (s document 2): Deployment.apps "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"'
    )
    old = got["old"]
    assert old.status["code"] == 400
    assert old.detail == 'no matches for kind "Deployment" in version "extensions/v1beta1"'
    assert got["elsewhere"].status["reason"] == "NotFound"
    assert got["elsewhere"].detail == 'namespaces "nope" not found'
    assert got["no-version"].detail == "Object 'apiVersion' is missing in the document"
    assert got["service"].detail == "resource name may not be empty"
    assert report.failed == 5
    # Exactly the two good Services were written: two revisions, two change-log rows
    assert revision() == before + 2
    assert list(ChangeEvent.objects.filter(revision__gt=before).values_list("name", flat=True)) == [
        "ok-before",
        "ok-after",
    ]


def node_port_service(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "type": "NodePort",
            "selector": {"app": name},
            "ports": [{"port": 80, "nodePort": 30123}],
        },
    }


def test_a_failed_document_leaves_nothing_half_written(cluster):
    # Given a NodePort Service whose fixed nodePort is allocated before validation rejects its
    # metadata (ValidateObjectMeta: label values)
    before = revision()
    bad = node_port_service("first", {"bad": "-x-"})
    report = apply_documents(documents=parse_stream(json.dumps(bad), source="s"))
    assert report.items[0].result == "invalid"
    assert report.items[0].status["details"]["causes"][0]["field"] == "metadata.labels"
    # Then nothing of it remains: no revision, no object, and its nodePort is free again
    assert revision() == before
    assert stored("Service", "default", "first") is None
    good = node_port_service("second", {"ok": "yes"})
    report = apply_documents(documents=parse_stream(json.dumps(good), source="s"))
    assert [o.result for o in report.items] == ["created"]
    assert stored("Service", "default", "second")["spec"]["ports"][0]["nodePort"] == 30123


def web_deployment(replicas: int) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }


def test_authorization_is_decided_for_the_whole_stream_before_anything_is_written(cluster):
    from cluster import errors
    from cluster.errors import StatusError

    calls: list[tuple[str, str, str, str]] = []

    def record(verb, kind, namespace, name):
        calls.append((verb, kind.kind, namespace, name))

    def refuse_services(verb, kind, namespace, name):
        record(verb, kind, namespace, name)
        if kind.kind == "Service":
            raise errors.forbidden_request(f'services "{name}" is forbidden', "services", name)

    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"ports": [{"port": 80}]},
    }
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}}
    # Given a stream applied once: every stored document is authorized as a create
    apply_documents(
        documents=parse_stream(json.dumps([web_deployment(1), svc, cm]), source="s"),
        authorize=record,
    )
    assert calls == [
        ("create", "Deployment", "default", "web"),
        ("create", "Service", "default", "web"),
    ]
    # When a changed Deployment comes before a Service the caller may not update
    calls.clear()
    before = revision()
    with pytest.raises(StatusError) as exc:
        apply_documents(
            documents=parse_stream(json.dumps([web_deployment(3), svc]), source="s"),
            authorize=refuse_services,
        )
    # Then the whole stream is refused and nothing is written
    assert exc.value.code == 403
    assert calls == [
        ("update", "Deployment", "default", "web"),
        ("update", "Service", "default", "web"),
    ]
    assert revision() == before
    assert stored("Deployment", "default", "web")["spec"]["replicas"] == 1
