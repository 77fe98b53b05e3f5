"""Manifest import: multi-document YAML/JSON streams applied like ``kubectl apply``.

One function, :func:`apply_documents`, serves both ``manage.py apply`` and
``POST /portolan/v1/apply``. Per document:

* kinds Portolan stores (:data:`STORED_KINDS`) are created, or updated with kubectl's
  three-way merge (live object, previous ``last-applied-configuration``, the manifest) through
  the ordinary PUT path, so every strategy hook runs and server-allocated values survive;
* every other kind is skipped with a warning that names it;
* a document the API rejects is reported with its Kubernetes ``Status``.

Namespace documents go first. Each document is its own transaction; a dry run applies the whole
stream inside one transaction that is rolled back, each document in a savepoint, so documents
in a namespace that the same stream creates validate exactly as they would for real.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.db import transaction

from cluster import errors, yamlio
from cluster.actions.base import writing
from cluster.actions.objects import create_object, fetch, replace_object
from cluster.errors import StatusError
from cluster.jsoncopy import json_copy
from cluster.kinds import Kind, by_kind
from cluster.lastapplied import LAST_APPLIED, last_applied, three_way_merge, with_last_applied

Obj = dict[str, Any]
# authorize(verb, kind, namespace, name): raise a StatusError to refuse.
Authorizer = Callable[[str, Kind, str, str], Any]

STORED_KINDS = frozenset(
    {
        "Namespace",
        "Pod",
        "Service",
        "Endpoints",
        "Deployment",
        "ReplicaSet",
        "StatefulSet",
        "DaemonSet",
        "Job",
    }
)

CREATED, CONFIGURED, UNCHANGED, SKIPPED, INVALID = (
    "created",
    "configured",
    "unchanged",
    "skipped",
    "invalid",
)
RESULTS = (CREATED, CONFIGURED, UNCHANGED, SKIPPED, INVALID)


# --- reading streams ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    body: Any
    source: str = ""
    index: int = 1  # 1-based position in its source, after List items are flattened


def parse_stream(data: str | bytes, *, source: str, json_only: bool = False) -> list[Document]:
    """Every object in a YAML or JSON stream: documents, JSON arrays and ``List`` items."""
    try:
        if json_only:
            values: list[Any] = [json.loads(data or b"null")]
        else:
            values = list(yamlio.load_all(data))
    except yaml.MarkedYAMLError as e:
        line = f"line {e.problem_mark.line + 1}: " if e.problem_mark is not None else ""
        raise errors.bad_request(f"error parsing {source}: yaml: {line}{e.problem}") from e
    except (ValueError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise errors.bad_request(f"error parsing {source}: {e}") from e
    bodies: list[Any] = []
    for value in values:
        _flatten(value, bodies)
    return [Document(body, source, i) for i, body in enumerate(bodies, start=1)]


def _flatten(value: Any, out: list[Any]) -> None:
    if value is None:
        return
    if isinstance(value, list):
        for item in value:
            _flatten(item, out)
    elif (
        isinstance(value, dict)
        and str(value.get("kind") or "").endswith("List")
        and isinstance(value.get("items"), list)
    ):
        for item in value["items"]:
            _flatten(item, out)
    else:
        out.append(value)


# --- the report ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    source: str
    index: int
    kind: str
    api_version: str
    namespace: str
    name: str
    result: str
    ref: str  # kubectl's "service/frontend", "deployment.apps/frontend"
    simulated: bool | None = None
    resource_version: str | None = None
    detail: str = ""
    status: Obj | None = None
    dry_run: bool = False

    @property
    def line(self) -> str:
        if self.result == SKIPPED:
            return f"{self.ref} skipped: {self.detail}"
        if self.result == INVALID:
            where = f"{self.source} document {self.index}"
            if not self.ref:
                return f"{where} invalid: {self.detail}"
            return f"{self.ref} invalid ({where}): {self.detail}"
        text = f"{self.ref} {self.result}"
        if self.simulated is False:
            text += " (stored, not simulated)"
        if self.dry_run:
            text += " (server dry run)"
        return text

    def as_dict(self) -> Obj:
        return {
            "source": self.source,
            "document": self.index,
            "kind": self.kind,
            "apiVersion": self.api_version,
            "namespace": self.namespace,
            "name": self.name,
            "result": self.result,
            "simulated": self.simulated,
            "resourceVersion": self.resource_version,
            "message": self.line,
            "status": self.status,
        }


@dataclass
class Report:
    dry_run: bool
    items: list[Outcome] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for o in self.items if o.result == result)

    @property
    def failed(self) -> int:
        return self.count(INVALID)

    def as_dict(self) -> Obj:
        return {
            "kind": "ApplyReport",
            "apiVersion": "portolan/v1",
            "dryRun": self.dry_run,
            "summary": {r: self.count(r) for r in RESULTS},
            "items": [o.as_dict() for o in self.items],
        }


# --- planning -----------------------------------------------------------------------------------


@dataclass
class _Plan:
    doc: Document
    kind_name: str
    api_version: str
    namespace: str
    name: str
    ref: str
    kind: Kind | None = None
    skip: str = ""
    error: StatusError | None = None


def _ref(kind_name: str, api_version: str, name: str) -> str:
    group = api_version.rpartition("/")[0] if "/" in api_version else ""
    resource = kind_name.lower() + (f".{group}" if group else "")
    return f"{resource}/{name}" if name else resource


def _plan(doc: Document, default_namespace: str, enforce_namespace: bool) -> _Plan:
    body = doc.body
    if not isinstance(body, dict):
        err = errors.bad_request(f"the document is {_json_type(body)}, not an object")
        return _Plan(doc, "", "", "", "", "", error=err)
    kind_name = str(body.get("kind") or "")
    api_version = str(body.get("apiVersion") or "")
    meta = body.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    name = str(meta.get("name") or "")
    given_ns = str(meta.get("namespace") or "")
    plan = _Plan(doc, kind_name, api_version, given_ns, name, _ref(kind_name, api_version, name))
    if not kind_name or not api_version:
        missing = "Kind" if not kind_name else "apiVersion"
        plan.ref = ""
        plan.error = errors.bad_request(f"Object '{missing}' is missing in the document")
        return plan
    if kind_name not in STORED_KINDS:
        plan.skip = f"{kind_name}/{name} (kind not supported by Portolan)"
        return plan
    kind = by_kind(kind_name)
    assert kind is not None, kind_name
    if api_version != kind.api_version:
        plan.error = errors.bad_request(
            f'no matches for kind "{kind_name}" in version "{api_version}"'
        )
        return plan
    raw_meta = body.get("metadata")
    if raw_meta is not None and not isinstance(raw_meta, dict):
        plan.error = errors.bad_request(
            f'{kind.kind} in version "{kind.version}" cannot be handled as a {kind.kind}: '
            f"json: cannot unmarshal {_json_type(raw_meta).split()[-1]} into Go struct field "
            f"{kind.kind}.metadata of type v1.ObjectMeta"
        )
        return plan
    for key in ("name", "namespace"):
        value = meta.get(key)
        if value is not None and not isinstance(value, str):
            plan.error = errors.bad_request(
                f'{kind.kind} in version "{kind.version}" cannot be handled as a {kind.kind}: '
                f"json: cannot unmarshal {_json_type(value).split()[-1]} into Go struct field "
                f"ObjectMeta.metadata.{key} of type string"
            )
            return plan
    if not name:
        plan.error = errors.bad_request("resource name may not be empty")
        return plan
    plan.kind = kind
    if not kind.namespaced:
        plan.namespace = ""
    elif given_ns and enforce_namespace and given_ns != default_namespace:
        plan.error = errors.bad_request(
            f'the namespace from the provided object "{given_ns}" does not match the namespace '
            f"\"{default_namespace}\". You must pass '--namespace={given_ns}' to perform this "
            "operation."
        )
    else:
        plan.namespace = given_ns or default_namespace
    return plan


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


# --- applying -----------------------------------------------------------------------------------


def apply_documents(
    *,
    documents: Iterable[Document],
    default_namespace: str = "default",
    enforce_namespace: bool = False,
    dry_run: bool = False,
    authorize: Authorizer | None = None,
) -> Report:
    """Apply a stream. Authorization is decided for the whole stream before anything is
    written: a refused document raises its ``StatusError`` and nothing is applied."""
    plans = [_plan(d, default_namespace, enforce_namespace) for d in documents]
    # Namespaces first, like kubectl's apply ordering; otherwise the stream's order.
    plans.sort(key=lambda p: 0 if p.kind is not None and p.kind.kind == "Namespace" else 1)
    if authorize is not None:
        for p in plans:
            if p.kind is not None and p.error is None:
                exists = fetch(p.kind, p.namespace, p.name) is not None
                authorize("update" if exists else "create", p.kind, p.namespace, p.name)
    report = Report(dry_run=dry_run)
    if dry_run:
        with writing(dry_run=True):
            for p in plans:
                report.items.append(_outcome(p, dry_run=True))
    else:
        for p in plans:
            report.items.append(_outcome(p, dry_run=False))
    return report


def _outcome(p: _Plan, *, dry_run: bool) -> Outcome:
    out = Outcome(
        source=p.doc.source,
        index=p.doc.index,
        kind=p.kind_name,
        api_version=p.api_version,
        namespace=p.namespace,
        name=p.name,
        result=INVALID,
        ref=p.ref,
        dry_run=dry_run,
    )
    if p.skip:
        out.result, out.detail = SKIPPED, p.skip
        return out
    if p.error is not None:
        return _failed(out, p.error)
    assert p.kind is not None
    out.simulated = p.kind.simulated
    try:
        # A savepoint per document: inside a dry run's outer transaction a failed document
        # must not leave anything (allocations included) for the next one to see.
        with transaction.atomic(), writing():
            out.result, obj = _apply_one(p.kind, p.namespace, p.name, p.doc.body)
    except StatusError as e:
        return _failed(out, e)
    out.resource_version = obj["metadata"].get("resourceVersion")
    return out


def _failed(out: Outcome, err: StatusError) -> Outcome:
    out.result = INVALID
    out.detail = err.message
    out.status = err.status()
    return out


def _apply_one(kind: Kind, namespace: str, name: str, body: Obj) -> tuple[str, Obj]:
    """Runs inside the document's transaction (joined by the create/replace actions)."""
    modified = with_last_applied(body, namespace if kind.namespaced else "")
    inst = fetch(kind, namespace, name)
    if inst is None:
        return CREATED, create_object(kind, namespace=namespace, body=modified)
    live = json_copy(kind.to_k8s(inst))
    merged = three_way_merge(live, last_applied(live), modified)
    merged["metadata"].pop("resourceVersion", None)
    obj, _ = replace_object(kind, namespace=namespace, name=name, body=merged)
    moved = obj["metadata"]["resourceVersion"] != live["metadata"]["resourceVersion"]
    return (CONFIGURED if moved else UNCHANGED), obj


__all__ = [
    "LAST_APPLIED",
    "STORED_KINDS",
    "Document",
    "Outcome",
    "Report",
    "apply_documents",
    "parse_stream",
    "three_way_merge",
    "with_last_applied",
]
