"""Reads the endpoint controllers share: Services, the pods a selector can match, nodes and
their zones, and an index of pods by label for whole-cluster passes.

Pods are read as the few columns the computations look at and turned into minimal pod
objects (metadata name/namespace/uid/labels/deletionTimestamp, spec, status); that is all
``cluster.controllers.endpoints`` and ``endpointslices`` read, and it is several times cheaper
than building the full Kubernetes JSON of every pod.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection

from cluster.controllers.podutil import selects
from cluster.kinds import by_kind
from cluster.models import Namespace, Node, Pod, Service
from cluster.objects import format_time

Obj = dict[str, Any]
POD_COLUMNS = ("namespace", "name", "uid", "labels", "deletion_timestamp", "spec", "status")
ZONE_LABEL = "topology.kubernetes.io/zone"
# Endpoints used as leader-election locks have no Service; they are never orphans.
LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader"


def split_key(key: str) -> tuple[str, str]:
    ns, _, name = key.partition("/")
    return (ns, name) if name else ("", ns)


def pod_obj(row: tuple[Any, ...]) -> Obj:
    ns, name, uid, labels, deletion, spec, status = row
    meta: Obj = {"name": name, "namespace": ns, "uid": str(uid), "labels": labels or {}}
    if deletion is not None:
        meta["deletionTimestamp"] = format_time(deletion)
    return {"metadata": meta, "spec": spec or {}, "status": status or {}}


def service_obj(row: Service) -> Obj:
    kind = by_kind("Service")
    assert kind is not None
    return kind.to_k8s(row)


def get_service(namespace: str, name: str) -> Obj | None:
    row = Service.objects.filter(namespace=namespace, name=name).first()
    return None if row is None else service_obj(row)


def selector_of(service: Obj) -> dict[str, str]:
    return (service.get("spec") or {}).get("selector") or {}


def candidate_pods(service: Obj) -> list[Obj]:
    """The pods of the Service's namespace that its selector matches. Postgres filters with
    JSON containment (``labels @> selector``); SQLite reads the namespace and filters here."""
    selector = selector_of(service)
    if not selector:
        return []
    qs = Pod.objects.filter(namespace=service["metadata"].get("namespace", "")).order_by()
    if settings.IS_POSTGRES:
        qs = qs.filter(labels__contains=selector)
    pods = (pod_obj(row) for row in qs.values_list(*POD_COLUMNS))
    return [p for p in pods if selects(service, p)]


# Postgres: only the parts of spec and status the computations read, as one JSON text per
# pod (decoding the whole spec of every pod costs more than the rest of a full pass).
_PG_PODS = """
SELECT json_build_array(
  namespace, name, uid::text, labels, deletion_timestamp IS NOT NULL,
  jsonb_build_object(
    'nodeName', spec->'nodeName', 'hostname', spec->'hostname',
    'subdomain', spec->'subdomain',
    'containers', (SELECT jsonb_agg(jsonb_build_object('ports', c->'ports'))
                   FROM jsonb_array_elements(COALESCE(spec->'containers', '[]')) c),
    'initContainers', (SELECT jsonb_agg(jsonb_build_object(
                         'ports', c->'ports', 'restartPolicy', c->'restartPolicy'))
                       FROM jsonb_array_elements(COALESCE(spec->'initContainers', '[]')) c)),
  jsonb_build_object(
    'phase', status->'phase', 'podIP', status->'podIP', 'podIPs', status->'podIPs',
    'conditions', status->'conditions'))::text
FROM cluster_pod
"""


def _pg_pods(namespace: str | None) -> list[Obj]:
    sql, params = _PG_PODS, []
    if namespace is not None:
        sql, params = sql + " WHERE namespace = %s", [namespace]
    out = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for (text,) in cursor.fetchall():
            ns, name, uid, labels, deleting, spec, status = json.loads(text)
            meta: Obj = {"name": name, "namespace": ns, "uid": uid, "labels": labels or {}}
            if deleting:
                meta["deletionTimestamp"] = True
            out.append({"metadata": meta, "spec": spec, "status": status})
    return out


def all_pods(namespace: str | None = None) -> list[Obj]:
    """Every pod (of ``namespace``) as a minimal pod object. On Postgres ``spec``/``status``
    hold only what the endpoint computations read, and ``deletionTimestamp`` is just
    ``True`` for a terminating pod."""
    if settings.IS_POSTGRES:
        return _pg_pods(namespace)
    qs = Pod.objects.order_by()
    if namespace is not None:
        qs = qs.filter(namespace=namespace)
    return [pod_obj(row) for row in qs.values_list(*POD_COLUMNS)]


def node_zones() -> dict[str, str]:
    """Every Node's name → its zone label ("" without one)."""
    return {
        name: (labels or {}).get(ZONE_LABEL) or ""
        for name, labels in Node.objects.order_by().values_list("name", "labels")
    }


def namespace_terminating(namespace: str) -> bool:
    """Creating in a terminating (or missing) namespace is forbidden: the controllers skip."""
    row = Namespace.objects.filter(name=namespace).values_list("deletion_timestamp").first()
    return row is None or row[0] is not None


def terminating_namespaces() -> set[str]:
    return set(
        Namespace.objects.filter(deletion_timestamp__isnull=False).values_list("name", flat=True)
    )


def all_namespaces() -> set[str]:
    return set(Namespace.objects.values_list("name", flat=True))


class PodIndex:
    """Pods by (namespace, label key, label value): a Service's candidates come from the
    shortest list among its selector pairs, then the full selector is checked."""

    def __init__(self, pods: Iterable[Obj]) -> None:
        self.by_pair: dict[tuple[str, str, str], list[Obj]] = {}
        for pod in pods:
            meta = pod["metadata"]
            ns = meta.get("namespace", "")
            for k, v in (meta.get("labels") or {}).items():
                self.by_pair.setdefault((ns, k, v), []).append(pod)

    def candidates(self, service: Obj) -> list[Obj]:
        selector = selector_of(service)
        if not selector:
            return []
        ns = service["metadata"].get("namespace", "")
        lists = [self.by_pair.get((ns, k, v), []) for k, v in selector.items()]
        shortest = min(lists, key=len)
        if len(selector) == 1:
            return list(shortest)
        return [p for p in shortest if selects(service, p)]
