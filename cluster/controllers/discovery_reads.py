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


# Postgres: only the parts of spec and status the computations read, as scalar columns and
# small JSON texts. Pods of one app share their labels and container ports, so each distinct
# text is decoded once per pass (decoding every pod's JSON costs more than the rest of a full
# pass); the decoded values are shared between pod objects and never changed.
_PG_PODS = """
SELECT namespace, name, uid::text, labels::text, deletion_timestamp IS NOT NULL,
  spec->>'nodeName', spec->>'hostname', spec->>'subdomain',
  jsonb_build_object(
    'containers', (SELECT jsonb_agg(jsonb_build_object('ports', c->'ports'))
                   FROM jsonb_array_elements(COALESCE(spec->'containers', '[]')) c),
    'initContainers', (SELECT jsonb_agg(jsonb_build_object(
                         'ports', c->'ports', 'restartPolicy', c->'restartPolicy'))
                       FROM jsonb_array_elements(COALESCE(spec->'initContainers', '[]')) c)
  )::text,
  status->>'phase', status->>'podIP', (status->'podIPs')::text,
  (SELECT c->>'status' FROM jsonb_array_elements(COALESCE(status->'conditions', '[]')) c
   WHERE c->>'type' = 'Ready' LIMIT 1)
FROM cluster_pod
"""


def _pg_pods(namespace: str | None) -> list[Obj]:
    sql, params = _PG_PODS, []
    if namespace is not None:
        sql, params = sql + " WHERE namespace = %s", [namespace]
    decoded: dict[str | None, Any] = {None: None}

    def shared(text: str | None) -> Any:
        value = decoded.get(text, decoded)
        if value is decoded:
            value = decoded[text] = json.loads(text)  # type: ignore[arg-type]
        return value

    out = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for row in rows:
        ns, name, uid, labels, deleting, node, hostname, subdomain, containers = row[:9]
        phase, pod_ip, pod_ips, ready = row[9:]
        meta: Obj = {"name": name, "namespace": ns, "uid": uid, "labels": shared(labels) or {}}
        if deleting:
            meta["deletionTimestamp"] = True
        spec: Obj = dict(shared(containers))
        spec.update(nodeName=node, hostname=hostname, subdomain=subdomain)
        status: Obj = {
            "phase": phase,
            "podIP": pod_ip,
            "podIPs": json.loads(pod_ips) if pod_ips else None,
            "conditions": [] if ready is None else [{"type": "Ready", "status": ready}],
        }
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
