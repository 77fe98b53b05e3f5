"""Reads: the queries used by the API, the UI and the controllers."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from cluster import errors, fields, labels
from cluster.kinds import Kind
from cluster.models import KubeObject, Revision

Obj = dict[str, Any]

FIELD_GETTERS: dict[str, Callable[[Obj], str]] = {
    "metadata.name": lambda o: o["metadata"].get("name", ""),
    "metadata.namespace": lambda o: o["metadata"].get("namespace", ""),
}
POD_FIELD_GETTERS: dict[str, Callable[[Obj], str]] = {
    **FIELD_GETTERS,
    "spec.nodeName": lambda o: (o.get("spec") or {}).get("nodeName", ""),
    "spec.schedulerName": lambda o: (o.get("spec") or {}).get("schedulerName", ""),
    "spec.serviceAccountName": lambda o: (o.get("spec") or {}).get("serviceAccountName", ""),
    "status.phase": lambda o: (o.get("status") or {}).get("phase", ""),
    "status.podIP": lambda o: (o.get("status") or {}).get("podIP", ""),
    "status.nominatedNodeName": lambda o: (o.get("status") or {}).get("nominatedNodeName", ""),
}
NODE_FIELD_GETTERS: dict[str, Callable[[Obj], str]] = {
    **FIELD_GETTERS,
    "spec.unschedulable": lambda o: (
        "true" if (o.get("spec") or {}).get("unschedulable") else "false"
    ),
}
SERVICE_FIELD_GETTERS: dict[str, Callable[[Obj], str]] = {
    **FIELD_GETTERS,
    "spec.clusterIP": lambda o: (o.get("spec") or {}).get("clusterIP", ""),
    "spec.type": lambda o: (o.get("spec") or {}).get("type", ""),
}


def field_getters(kind: Kind) -> dict[str, Callable[[Obj], str]]:
    return {
        "Pod": POD_FIELD_GETTERS,
        "Node": NODE_FIELD_GETTERS,
        "Service": SERVICE_FIELD_GETTERS,
    }.get(kind.kind, FIELD_GETTERS)


def current_revision() -> int:
    row = Revision.objects.filter(id=1).values_list("value", flat=True).first()
    return int(row or 0)


@contextlib.contextmanager
def consistent_read() -> Iterator[None]:
    """One snapshot for a multi-statement read, so a list's resourceVersion matches its items.
    Postgres: a REPEATABLE READ transaction. SQLite: statements already see committed data and
    writers are serialised; a list may then show a revision slightly older than an item."""
    if settings.IS_POSTGRES and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield
    else:
        yield


@dataclass
class Page:
    items: list[Obj]
    resource_version: str
    continue_token: str | None = None


def _encode_continue(rv: int, namespace: str, name: str) -> str:
    raw = json.dumps({"rv": rv, "ns": namespace, "name": name}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_continue(token: str) -> tuple[int, str, str]:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return int(data["rv"]), str(data["ns"]), str(data["name"])
    except (ValueError, KeyError, TypeError) as e:
        raise errors.bad_request(
            "continue key is not valid: incorrect encoded start resourceVersion"
        ) from e


def list_objects(
    kind: Kind,
    *,
    namespace: str | None = None,
    label_selector: str | None = None,
    field_selector: str | None = None,
    namespaces: Collection[str] | None = None,
    limit: int | None = None,
    continue_token: str | None = None,
) -> Page:
    """A LIST: filtered by namespace (or the set a caller may see), selectors, and paged by
    ``limit``/``continue`` in (namespace, name) order."""
    sel = labels.parse(label_selector)
    getters = field_getters(kind)
    freqs = fields.parse_fields(field_selector, getters)
    with consistent_read():
        rv = current_revision()
        qs = kind.model.objects.all()
        if kind.namespaced and namespace:
            qs = qs.filter(namespace=namespace)
        elif kind.namespaced and namespaces is not None:
            qs = qs.filter(namespace__in=list(namespaces))
        for r in freqs:
            column = {"metadata.name": "name", "metadata.namespace": "namespace"}.get(r.field)
            if column and (column != "namespace" or kind.namespaced):
                qs = (
                    qs.filter(**{column: r.value})
                    if r.operator == "="
                    else qs.exclude(**{column: r.value})
                )
        if not kind.namespaced and namespaces is not None and kind.kind == "Namespace":
            qs = qs.filter(name__in=list(namespaces))
        if continue_token:
            _, after_ns, after_name = _decode_continue(continue_token)
            from django.db.models import Q

            qs = qs.filter(Q(namespace__gt=after_ns) | Q(namespace=after_ns, name__gt=after_name))
        qs = qs.order_by("namespace", "name")
        items: list[Obj] = []
        last: KubeObject | None = None
        more = False
        # Without selectors every row is an item: read one row past the page to know whether
        # there is more. With selectors, read ahead in bigger chunks.
        filtered = not sel.empty() or bool(freqs)
        chunk = limit + 1 if limit and not filtered else max((limit or 0) * 2, 500)
        offset = 0
        while True:
            batch = list(qs[offset : offset + chunk])
            offset += len(batch)
            for inst in batch:
                if limit and len(items) >= limit:
                    more = True
                    break
                if sel.empty() or sel.matches(inst.labels):
                    obj = kind.to_k8s(inst)
                    if freqs and not fields.fields_match(freqs, obj, getters):
                        continue
                    items.append(obj)
                    last = inst
            if more or len(batch) < chunk:
                break
    token = _encode_continue(rv, last.namespace, last.name) if more and last is not None else None
    return Page(items=items, resource_version=str(rv), continue_token=token)


def get_object(kind: Kind, namespace: str, name: str) -> Obj:
    qs = kind.model.objects.filter(name=name)
    if kind.namespaced:
        qs = qs.filter(namespace=namespace)
    inst = qs.first()
    if inst is None:
        raise errors.not_found(kind.plural, name, kind.group)
    return kind.to_k8s(inst)
