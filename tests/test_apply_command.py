"""``manage.py apply -f FILE|DIR|-``: kubectl-style output lines, exit code, stdin, directories."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cluster.actions.objects import fetch
from cluster.kinds import by_kind
from cluster.models import Revision
from cluster.yamlio import dump
from tests.paths import MANIFESTS


def run(*args: str, stdin: str | None = None) -> tuple[list[str], list[str], int]:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    kwargs = {"stdout": out, "stderr": err}
    if stdin is not None:
        kwargs["stdin"] = io.StringIO(stdin)
    try:
        call_command("apply", *args, **kwargs)
    except CommandError as e:
        code = e.returncode
        err.write(str(e) + "\n")
    return out.getvalue().splitlines(), err.getvalue().splitlines(), code


def exists(kind_name: str, namespace: str, name: str) -> bool:
    kind = by_kind(kind_name)
    assert kind is not None
    return fetch(kind, namespace, name) is not None


def revision() -> int:
    row = Revision.objects.filter(id=1).first()
    return row.value if row else 0


def test_apply_a_file_prints_kubectl_lines(cluster):
    out, err, code = run("-f", str(MANIFESTS / "sock-shop.yaml"))
    assert code == 0
    assert err == []
    assert out[0] == "namespace/sock-shop created"
    assert "service/front-end created" in out
    assert "deployment.apps/front-end created" in out
    assert len(out) == 29
    out, err, code = run("-f", str(MANIFESTS / "sock-shop.yaml"))
    assert code == 0
    assert "deployment.apps/front-end unchanged" in out
    assert all(line.endswith(" unchanged") for line in out)


def test_skipped_kinds_are_named(cluster):
    out, _, code = run("-f", str(MANIFESTS / "cockroachdb-statefulset.yaml"))
    assert code == 0
    assert (
        "poddisruptionbudget.policy/cockroachdb-budget skipped: "
        "PodDisruptionBudget/cockroachdb-budget (kind not supported by Portolan)"
    ) in out
    assert "statefulset.apps/cockroachdb created" in out


def test_invalid_documents_go_to_stderr_and_exit_non_zero(cluster):
    # istio-loki's namespace is not declared in the file and does not exist
    out, err, code = run("-f", str(MANIFESTS / "istio-loki.yaml"))
    assert code == 1
    assert (
        "statefulset.apps/loki invalid (" + str(MANIFESTS / "istio-loki.yaml") + " document 9): "
        'namespaces "istio-system" not found'
    ) in err
    assert err[-1] == "4 of 9 documents failed"
    assert "configmap/loki skipped: ConfigMap/loki (kind not supported by Portolan)" in out


def test_stdin(cluster):
    text = dump({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "piped"}})
    out, err, code = run("-f", "-", stdin=text)
    assert (out, err, code) == (["namespace/piped created"], [], 0)
    assert exists("Namespace", "", "piped")


def test_directory_applies_every_manifest_file_sorted(cluster, tmp_path):
    # Given a directory with YAML, JSON (a v1 List) and a file that is not a manifest
    shutil.copy(MANIFESTS / "bookinfo.yaml", tmp_path / "b.yaml")
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dir-ns"}}
    listed = {"apiVersion": "v1", "kind": "List", "items": [ns]}
    (tmp_path / "a.json").write_text(json.dumps(listed))
    (tmp_path / "c.yml").write_text(
        dump({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}})
    )
    (tmp_path / "notes.txt").write_text("not: a manifest\n")
    # When applied
    out, err, code = run("-f", str(tmp_path))
    # Then each file is read in name order (Namespaces first overall)
    assert code == 0, err
    assert out[0] == "namespace/dir-ns created"
    assert out[1] == "service/details created"
    assert out[-1] == "configmap/cfg skipped: ConfigMap/cfg (kind not supported by Portolan)"
    assert len(out) == 16


def test_repeated_filenames(cluster):
    out, _, code = run(
        "-f", str(MANIFESTS / "bookinfo.yaml"), "-f", str(MANIFESTS / "glusterfs-endpoints.yaml")
    )
    assert code == 0
    assert "endpoints/glusterfs-cluster created" in out
    assert "pod/glusterfs created" in out
    assert exists("Deployment", "default", "productpage-v1")


@pytest.mark.parametrize("flag", ["--dry-run", "--dry-run=server"])
def test_dry_run_writes_nothing(cluster, flag):
    before = revision()
    out, _, code = run(flag, "-f", str(MANIFESTS / "online-boutique.yaml"))
    assert code == 0
    assert "deployment.apps/frontend created (server dry run)" in out
    assert revision() == before
    assert not exists("Deployment", "default", "frontend")


def test_namespace_flag_sets_the_default_and_refuses_others(cluster):
    # kubectl: "the namespace from the provided object ... does not match the namespace"
    ns_doc = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "here"},
        "spec": {"ports": [{"port": 80}]},
    }
    other = dict(svc, metadata={"name": "there", "namespace": "default"})
    text = "---\n".join(dump(d) for d in (ns_doc, svc, other))
    out, err, code = run("-n", "team", "-f", "-", stdin=text)
    assert code == 1
    assert out == ["namespace/team created", "service/here created"]
    assert err[0] == (
        "service/there invalid (STDIN document 3): the namespace from the provided object "
        '"default" does not match the namespace "team". You must pass \'--namespace=default\' '
        "to perform this operation."
    )
    assert exists("Service", "team", "here")


def test_a_missing_path_is_an_error(cluster):
    with pytest.raises(CommandError) as exc:
        call_command("apply", "-f", "/nonexistent/x.yaml", stdout=io.StringIO())
    assert str(exc.value) == 'the path "/nonexistent/x.yaml" does not exist'


def test_unparsable_stream_applies_nothing(cluster):
    before = revision()
    good = dump({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "never"}})
    out, err, code = run("-f", "-", stdin=good + "---\nkey: [unclosed\n")
    assert code == 1
    assert (
        err[-1] == "error parsing STDIN: yaml: line 7: expected ',' or ']', but got '<stream end>'"
    )
    assert revision() == before
    assert not exists("Namespace", "", "never")
