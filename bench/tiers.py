"""The size tiers of performance.md §6.1 as seeded clusters, kept as template databases.

A tier is nodes, namespaces, Services and pods as the control plane would have left them:
every pod bound to a node, Running, with an IP from its node's pod CIDR and a Ready
condition (the kubelet's own status functions build the status), labelled ``app``, ``tier``,
``team``, ``env``, ``version``. Each Service selects one app (``app`` alone, or ``app`` +
``tier`` for every other Service) through a named or numeric ``targetPort``. Most Services have
~10 backends; the tier's big ones have 250 (and L's huge one 1,000), as clusterloader2 mixes.

Everything goes through the bulk write path (``cluster.actions.bulk.create_many``): each
object passes its kind's strategy and gets its own revision and change-log row. Nodes and pods
keep the status in their body, as if created and then given their status by the kubelet.
No Endpoints or EndpointSlices are written: the first full reconcile (B1) writes them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bench import database

Obj = dict[str, Any]
IMAGE = "registry.k8s.io/pause:3.10"
CONTAINER_PORT = 8080


@dataclass(frozen=True)
class Tier:
    name: str
    nodes: int
    namespaces: int
    services: int
    pods: int
    big: tuple[int, ...]  # backend counts of the Services above the ~10 of the rest

    @property
    def template(self) -> str:
        return f"portolan_bench_tier_{self.name.lower()}"


TIERS = {
    "M": Tier("M", nodes=100, namespaces=50, services=1_000, pods=10_000, big=(250, 250)),
    "L": Tier(
        "L", nodes=500, namespaces=100, services=10_000, pods=100_000, big=(1_000,) + (250,) * 10
    ),
}


@dataclass(frozen=True)
class App:
    namespace: str
    name: str
    size: int
    by_tier: bool  # the Service selects app + tier (else app alone)
    named_port: bool  # targetPort "http" (else 8080)


def namespace_name(i: int) -> str:
    return f"bench-{i:03d}"


def apps_of(tier: Tier) -> list[App]:
    """One app per Service: the big ones first (each in its own namespace), then the rest
    round-robin over the namespaces with the remaining pods spread evenly."""
    regular = tier.services - len(tier.big)
    rest = tier.pods - sum(tier.big)
    base, extra = divmod(rest, regular)
    sizes = list(tier.big) + [base + (1 if i < extra else 0) for i in range(regular)]
    out = []
    for i, size in enumerate(sizes):
        ns = i % tier.namespaces
        out.append(App(namespace_name(ns), f"app-{i:05d}", size, i % 2 == 1, i % 3 != 2))
    return out


def node_name(i: int) -> str:
    return f"node-{i + 1}"  # as cluster.actions.bootstrap names them


def node_cidr(i: int) -> str:
    """``10.244.<i>.0/24`` for the first 256 nodes, then on through 10.244.0.0/14."""
    return f"10.{244 + i // 256}.{i % 256}.0/24"


def node_ip(i: int) -> str:
    return f"172.18.{i // 250}.{i % 250 + 2}"


def node_body(i: int) -> Obj:
    from cluster.actions.bootstrap import node_body as bootstrap_node

    body = bootstrap_node(i)
    body["spec"] = {"podCIDR": node_cidr(i), "podCIDRs": [node_cidr(i)]}
    body["status"]["addresses"][0]["address"] = node_ip(i)
    return body


def keeping_status(kind: Any) -> Any:
    """A copy of ``kind`` whose ``prepare_create`` keeps the status given in the body
    (create followed by a status write, in one step), for seeding only."""
    base = type(kind)

    class Seeded(base):  # type: ignore[misc, valid-type]
        def prepare_create(self, obj: Obj) -> None:
            given = obj.get("status") or {}
            base.prepare_create(self, obj)
            obj["status"] = {**(obj.get("status") or {}), **given}

    return Seeded(**{f.name: getattr(kind, f.name) for f in dataclasses.fields(kind)})


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pod_body(app: App, j: int, node: Obj, ip: str, stamp: str) -> Obj:
    from cluster.controllers import kubelet

    tier_label = "web" if app.by_tier else "backend"
    pod: Obj = {
        "metadata": {
            "name": f"{app.name}-{j:04d}",
            "labels": {
                "app": app.name,
                "tier": tier_label,
                "team": f"team-{int(app.name.rsplit('-', 1)[1]) % 7}",
                "env": "bench",
                "version": "v1",
            },
        },
        "spec": {
            "nodeName": node["metadata"]["name"],
            "containers": [
                {
                    "name": "app",
                    "image": IMAGE,
                    "ports": [{"name": "http", "containerPort": CONTAINER_PORT, "protocol": "TCP"}],
                }
            ],
        },
    }
    pod["status"] = kubelet.ready_status(
        {"status": kubelet.started_status(pod, node, ip, stamp)}, stamp
    )
    return pod


def service_body(app: App) -> Obj:
    selector = {"app": app.name}
    if app.by_tier:
        selector["tier"] = "web"
    return {
        "metadata": {"name": app.name, "labels": {"app": app.name}},
        "spec": {
            "selector": selector,
            "ports": [
                {
                    "name": "http",
                    "port": 80,
                    "protocol": "TCP",
                    "targetPort": "http" if app.named_port else CONTAINER_PORT,
                }
            ],
        },
    }


def _pods_by_namespace(tier: Tier, nodes: list[Obj]) -> Iterator[tuple[str, list[Obj]]]:
    """Pods spread round-robin over the nodes, IPs from .2 up in each node's CIDR."""
    stamp = _stamp()
    used = [0] * len(nodes)
    counter = 0
    by_ns: dict[str, list[App]] = {}
    for app in apps_of(tier):
        by_ns.setdefault(app.namespace, []).append(app)
    for ns, apps in by_ns.items():
        bodies = []
        for app in apps:
            for j in range(app.size):
                n = counter % len(nodes)
                counter += 1
                used[n] += 1
                prefix = node_cidr(n).rsplit(".", 1)[0]
                bodies.append(pod_body(app, j, nodes[n], f"{prefix}.{used[n] + 1}", stamp))
        yield ns, bodies


@dataclass(frozen=True)
class Seeded:
    tier: Tier
    seconds: float
    revision: int


def seed(tier: Tier) -> Seeded:
    """Seed ``tier`` into the (fresh, bootstrapped) current database."""
    from django.conf import settings

    from cluster.actions.bulk import create_many
    from cluster.kinds import by_kind
    from cluster.models import Node
    from cluster.selectors import current_revision

    started = time.perf_counter()
    controllers, settings.PORTOLAN_CONTROLLERS = settings.PORTOLAN_CONTROLLERS, False
    try:
        node_kind = keeping_status(by_kind("Node"))
        pod_kind = keeping_status(by_kind("Pod"))
        ns_kind = by_kind("Namespace")
        service_kind = by_kind("Service")
        have = Node.objects.count()
        bodies = [node_body(i) for i in range(have, tier.nodes)]
        if bodies:
            create_many(node_kind, namespace="", bodies=bodies)
        nodes = [node_body(i) for i in range(tier.nodes)]
        create_many(
            ns_kind,
            namespace="",
            bodies=[{"metadata": {"name": namespace_name(i)}} for i in range(tier.namespaces)],
        )
        by_ns: dict[str, list[Obj]] = {}
        for app in apps_of(tier):
            by_ns.setdefault(app.namespace, []).append(service_body(app))
        for ns, services in by_ns.items():
            create_many(service_kind, namespace=ns, bodies=services)
        for ns, pods in _pods_by_namespace(tier, nodes):
            create_many(pod_kind, namespace=ns, bodies=pods)
    finally:
        settings.PORTOLAN_CONTROLLERS = controllers
    return Seeded(tier, time.perf_counter() - started, current_revision())


def prepare(server: database.Server, tier: Tier, *, reuse: bool = False) -> float:
    """Make the tier's template database (from the bootstrapped bench template); returns
    the seconds seeding took (0 when an existing template was reused)."""
    from bench.database import exists

    if reuse and exists(server, tier.template):
        return 0.0
    database.fresh(server)
    seeded = seed(tier)
    database.recreate(server, tier.template, template=database.BENCH_DB)
    return seeded.seconds


def fresh(server: database.Server, tier: Tier) -> None:
    """The bench database as a copy of the tier's template."""
    database.recreate(server, database.BENCH_DB, template=tier.template)
