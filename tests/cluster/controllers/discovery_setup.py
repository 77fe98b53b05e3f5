"""Staging Services and pods for the endpoint and load-balancer controller tests.

Pods are created through the write layer and given a status through ``/status`` (as a user
staging a precise state would), with ``schedulerName`` set to one the simulated scheduler does
not serve. ``stage_pods`` writes many pod rows at once for the capacity tests.
"""

from __future__ import annotations

import uuid
from typing import Any

from cluster.actions.base import writing
from cluster.actions.objects import create_object, delete_object, patch_object, replace_object
from cluster.kinds import by_kind
from cluster.models import Endpoints, EndpointSlice, Pod
from cluster.objects import now
from cluster.selectors import current_revision

Obj = dict[str, Any]
HTTP = [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]


def kind(name: str) -> Any:
    k = by_kind(name)
    assert k is not None
    return k


def pod_status(ip: str, *, ready: bool = True, phase: str = "Running") -> Obj:
    ready_value = "True" if ready else "False"
    status: Obj = {"phase": phase, "conditions": [{"type": "Ready", "status": ready_value}]}
    if ip:
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}]
    return status


def make_pod(
    name: str,
    ip: str = "",
    *,
    ns: str = "default",
    labels: dict[str, str] | None = None,
    ready: bool = True,
    phase: str = "Running",
    node: str = "node-1",
    ports: list[Obj] | None = None,
    hostname: str = "",
    subdomain: str = "",
    finalizers: list[str] | None = None,
) -> Obj:
    meta: Obj = {"name": name, "labels": {"app": "web"} if labels is None else labels}
    if finalizers:
        meta["finalizers"] = finalizers
    spec: Obj = {
        "schedulerName": "staged-by-test",
        "containers": [{"name": "c", "image": "nginx", "ports": HTTP if ports is None else ports}],
    }
    if node:
        spec["nodeName"] = node
    if hostname:
        spec["hostname"] = hostname
    if subdomain:
        spec["subdomain"] = subdomain
    created = create_object(kind("Pod"), namespace=ns, body={"metadata": meta, "spec": spec})
    return set_pod_status(name, ip, ns=ns, ready=ready, phase=phase, current=created)


def set_pod_status(
    name: str,
    ip: str,
    *,
    ns: str = "default",
    ready: bool = True,
    phase: str = "Running",
    current: Obj | None = None,
) -> Obj:
    pod_kind = kind("Pod")
    if current is None:
        current = pod_kind.to_k8s(Pod.objects.get(namespace=ns, name=name))
    body = dict(current, status=pod_status(ip, ready=ready, phase=phase))
    obj, _ = replace_object(pod_kind, namespace=ns, name=name, body=body, subresource="status")
    return obj


def relabel_pod(name: str, labels: dict[str, str | None], *, ns: str = "default") -> Obj:
    obj, _ = patch_object(
        kind("Pod"),
        namespace=ns,
        name=name,
        patch_type="application/merge-patch+json",
        patch={"metadata": {"labels": labels}},
    )
    return obj


def delete_pod(name: str, *, ns: str = "default") -> Obj:
    return delete_object(kind("Pod"), namespace=ns, name=name)


def make_service(
    name: str = "web",
    *,
    ns: str = "default",
    selector: dict[str, str] | None = None,
    ports: list[Obj] | None = None,
    headless: bool = False,
    publish: bool = False,
    type_: str = "ClusterIP",
    labels: dict[str, str] | None = None,
    extra: Obj | None = None,
) -> Obj:
    spec: Obj = {
        "type": type_,
        "ports": [{"name": "http", "port": 80, "targetPort": 8080}] if ports is None else ports,
    }
    if selector is None:
        selector = {"app": "web"}
    if selector:
        spec["selector"] = selector
    if headless:
        spec["clusterIP"] = "None"
    if publish:
        spec["publishNotReadyAddresses"] = True
    spec.update(extra or {})
    meta: Obj = {"name": name}
    if labels:
        meta["labels"] = labels
    return create_object(kind("Service"), namespace=ns, body={"metadata": meta, "spec": spec})


def patch_service(name: str, patch: Obj, *, ns: str = "default") -> Obj:
    obj, _ = patch_object(
        kind("Service"),
        namespace=ns,
        name=name,
        patch_type="application/merge-patch+json",
        patch=patch,
    )
    return obj


def delete_service(name: str, *, ns: str = "default") -> Obj:
    return delete_object(kind("Service"), namespace=ns, name=name)


def stage_pods(
    count: int,
    *,
    ns: str = "default",
    labels: dict[str, str] | None = None,
    ready_every: int = 1,
    prefix: str = "bulk",
    first_ip: int = 0,
) -> None:
    """``count`` Running pods written as rows in one go (a fixture, not a controller path):
    IPs 10.(1+n/65536).x.y in order; every ``ready_every``-th pod is Ready, the rest not."""
    with writing() as w:
        rows = []
        stamp = now()
        for i in range(count):
            n = first_ip + i
            ip = f"10.{1 + n // 65536}.{(n // 256) % 256}.{n % 256}"
            pod = Pod(
                namespace=ns,
                name=f"{prefix}-{i:05d}",
                uid=uuid.uuid4(),
                labels=dict(labels or {"app": "web"}),
                spec={
                    "nodeName": "node-1",
                    "containers": [{"name": "c", "image": "nginx", "ports": HTTP}],
                },
                status=pod_status(ip, ready=i % ready_every == 0),
                creation_timestamp=stamp,
                resource_version=w.next_revision(),
            )
            pod.derive_columns()
            rows.append(pod)
        Pod.objects.bulk_create(rows, batch_size=500)


def endpoints_of(name: str = "web", *, ns: str = "default") -> Obj | None:
    row = Endpoints.objects.filter(namespace=ns, name=name).first()
    return None if row is None else kind("Endpoints").to_k8s(row)


def slices_of(name: str = "web", *, ns: str = "default") -> list[Obj]:
    k = kind("EndpointSlice")
    return [
        k.to_k8s(r)
        for r in EndpointSlice.objects.filter(namespace=ns, service_name=name).order_by("name")
    ]


def revision() -> int:
    return current_revision()


def ips(subset: Obj, field: str = "addresses") -> list[str]:
    return [a["ip"] for a in subset.get(field, [])]


def disown(slice_name: str, *, ns: str = "default") -> None:
    """Make a slice look owned by an earlier Service of the same name (another uid)."""
    other = "00000000-0000-0000-0000-000000000009"
    row = EndpointSlice.objects.get(namespace=ns, name=slice_name)
    refs = [dict(r, uid=other) for r in row.owner_references]
    EndpointSlice.objects.filter(pk=row.pk).update(owner_references=refs, owner_uid=other)
