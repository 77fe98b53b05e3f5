"""What the convergence tests do to a cluster and what they check afterwards.

* :func:`load_world`: the demo and the ten real manifests (``../shared/manifests``).
* :class:`Churn`: threads that each change the cluster through ``cluster.actions.objects`` —
  scale Deployments (``/scale``), delete pods, fail and pass pod readiness (``/status``), relabel
  pods, edit Service selectors, add and remove Service ports. Each thread uses its own database
  connection (Django's are per thread) and closes it when done. Every user-failed readiness is
  passed again before the thread ends, so the cluster can become all-Ready.
* :func:`wait_converged`: the stored Endpoints and EndpointSlices equal ``from_scratch()`` and
  every Deployment has its replicas as pods that are Running and Ready.
"""

from __future__ import annotations

import random
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection

from cluster.actions.base import writing
from cluster.actions.demo import load_demo
from cluster.actions.objects import (
    create_object,
    delete_object,
    fetch,
    patch_object,
    patch_scale,
    replace_object,
)
from cluster.controllers.sync_full import DiscoveryState, from_scratch, stored_state
from cluster.errors import StatusError
from cluster.kinds import Kind, by_kind
from cluster.manifests import apply_documents, parse_stream
from cluster.models import Deployment, Pod, ReplicaSet, Service
from tests.paths import MANIFESTS

Obj = dict[str, Any]
MERGE = "application/merge-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
CHURN_LABEL = "churn"
EXTRA_PORT = "churn-extra"
USER_NOT_READY = "ReadinessProbeFailed"


def kind(name: str) -> Kind:
    k = by_kind(name)
    assert k is not None, name
    return k


def load_world(manifests: Sequence[str] | None = None) -> None:
    """The demo, then the manifests (all ten unless named). Several manifests use the same
    names in the default namespace (guestbook's and online-boutique's ``frontend``), so each
    applies with a namespace of its own name as the default; istio-loki uses istio-system
    without declaring it (EXPECTED.md), so that namespace is created first."""
    load_demo()
    paths = sorted(MANIFESTS.glob("*.yaml"))
    if manifests is not None:
        paths = [p for p in paths if p.stem in manifests]
    names = [p.stem for p in paths]
    if "istio-loki" in names:
        names.append("istio-system")
    with writing():
        for name in names:
            create_object(kind("Namespace"), namespace="", body={"metadata": {"name": name}})
    for path in paths:
        report = apply_documents(
            documents=parse_stream(path.read_bytes(), source=path.name),
            default_namespace=path.stem,
        )
        failed = [o.line for o in report.items if o.result == "invalid"]
        assert not failed, f"{path.name}: {failed}"


# --- churn --------------------------------------------------------------------------------------


class Churn:
    """``threads`` threads, each doing ``ops`` random changes; errors other than 404/409 (the
    target vanished, or changed under a read-modify-write) are collected in ``errors``."""

    def __init__(
        self, *, threads: int, ops: int, seed: int, pause: float = 0.02, max_replicas: int = 3
    ) -> None:
        self.threads = threads
        self.ops = ops
        self.seed = seed
        self.pause = pause
        self.max_replicas = max_replicas
        self.errors: list[str] = []
        self.done: dict[str, int] = {}
        self._lock = threading.Lock()
        self._workers: list[threading.Thread] = []

    # Each op picks its target from what exists now.

    def scale(self, rnd: random.Random) -> None:
        rows = list(Deployment.objects.values_list("namespace", "name"))
        ns, name = rnd.choice(rows)
        patch_scale(
            kind("Deployment"),
            namespace=ns,
            name=name,
            patch_type=MERGE,
            patch={"spec": {"replicas": rnd.randint(0, self.max_replicas)}},
        )

    def _pod(self, rnd: random.Random, **filters: Any) -> tuple[str, str] | None:
        rows = list(
            Pod.objects.filter(deletion_timestamp__isnull=True, **filters).values_list(
                "namespace", "name"
            )
        )
        return rnd.choice(rows) if rows else None

    def delete_pod(self, rnd: random.Random) -> None:
        target = self._pod(rnd, owner_uid__isnull=False)
        if target:
            delete_object(kind("Pod"), namespace=target[0], name=target[1])

    def flip_readiness(self, rnd: random.Random, failed: set[tuple[str, str]]) -> None:
        if failed and rnd.random() < 0.5:
            target = rnd.choice(sorted(failed))
            failed.discard(target)
            self._set_ready(target, True)
            return
        target = self._pod(rnd, phase="Running")
        if target:
            failed.add(target)
            self._set_ready(target, False)

    @staticmethod
    def _set_ready(target: tuple[str, str], ready: bool) -> None:
        condition: Obj = {"type": "Ready", "status": "True" if ready else "False"}
        if ready:
            condition.update(reason=None, message=None)
        else:
            condition.update(reason=USER_NOT_READY, message="failed by the churn test")
        patch_object(
            kind("Pod"),
            namespace=target[0],
            name=target[1],
            patch_type=STRATEGIC,
            patch={"status": {"conditions": [condition]}},
            subresource="status",
        )

    def relabel_pod(self, rnd: random.Random) -> None:
        target = self._pod(rnd)
        if target:
            value = rnd.choice(["a", "b", None])
            patch_object(
                kind("Pod"),
                namespace=target[0],
                name=target[1],
                patch_type=MERGE,
                patch={"metadata": {"labels": {CHURN_LABEL: value}}},
            )

    def _service(self, rnd: random.Random) -> tuple[str, str]:
        rows = [
            (ns, name)
            for ns, name, spec in Service.objects.values_list("namespace", "name", "spec")
            if (spec or {}).get("selector") and (spec or {}).get("type") != "ExternalName"
        ]
        return rnd.choice(rows)

    def edit_selector(self, rnd: random.Random) -> None:
        ns, name = self._service(rnd)
        value = rnd.choice(["a", None, None])
        patch_object(
            kind("Service"),
            namespace=ns,
            name=name,
            patch_type=MERGE,
            patch={"spec": {"selector": {CHURN_LABEL: value}}},
        )

    def edit_ports(self, rnd: random.Random) -> None:
        """Add a port (numeric or named targetPort) to a Service whose ports all have names,
        or remove the one added before (a read-modify-write PUT with resourceVersion)."""
        ns, name = self._service(rnd)
        svc = kind("Service")
        inst = fetch(svc, ns, name)
        if inst is None:
            return
        obj = svc.to_k8s(inst)
        ports = obj["spec"].get("ports") or []
        if any(p.get("name") == EXTRA_PORT for p in ports):
            obj["spec"]["ports"] = [p for p in ports if p.get("name") != EXTRA_PORT]
        elif ports and all(p.get("name") for p in ports):
            target: int | str = rnd.choice([9999, "http", "metrics"])
            ports.append({"name": EXTRA_PORT, "port": 61999, "targetPort": target})
        else:
            return
        replace_object(svc, namespace=ns, name=name, body=obj)

    # --- running ---

    def _thread(self, index: int) -> None:
        rnd = random.Random(self.seed * 100 + index)
        failed: set[tuple[str, str]] = set()
        ops: list[Callable[[random.Random], None]] = [
            self.scale,
            self.delete_pod,
            lambda r: self.flip_readiness(r, failed),
            lambda r: self.flip_readiness(r, failed),
            self.relabel_pod,
            self.edit_selector,
            self.edit_ports,
        ]
        names = ["scale", "delete", "ready", "ready", "label", "selector", "ports"]
        try:
            for _ in range(self.ops):
                i = rnd.randrange(len(ops))
                self._run(names[i], lambda i=i: ops[i](rnd))
                time.sleep(self.pause * rnd.random() * 2)
            for target in sorted(failed):  # pass what this thread failed
                self._run("ready", lambda t=target: self._set_ready(t, True))
        finally:
            connection.close()

    def _run(self, name: str, fn: Callable[[], None]) -> None:
        try:
            fn()
        except StatusError as e:
            if e.code not in (404, 409):
                with self._lock:
                    self.errors.append(f"{name}: {e.code} {e.message}")
            return
        except Exception:  # noqa: BLE001 - reported by the test
            with self._lock:
                self.errors.append(f"{name}: {traceback.format_exc()}")
            return
        with self._lock:
            self.done[name] = self.done.get(name, 0) + 1

    def start(self) -> Churn:
        self._workers = [
            threading.Thread(target=self._thread, args=(i,), name=f"churn-{i}")
            for i in range(self.threads)
        ]
        for t in self._workers:
            t.start()
        return self

    def join(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        for t in self._workers:
            t.join(max(deadline - time.monotonic(), 0.1))
        alive = [t.name for t in self._workers if t.is_alive()]
        assert not alive, f"churn threads still running after {timeout:.0f} s: {alive}"
        assert not self.errors, "churn writes failed:\n" + "\n".join(self.errors[:20])


# --- convergence --------------------------------------------------------------------------------


def discovery_diff(expected: DiscoveryState, stored: DiscoveryState) -> list[str]:
    out = []
    for what, want, have in (
        ("Endpoints", expected.endpoints, stored.endpoints),
        ("EndpointSlices", expected.slices, stored.slices),
    ):
        for key in sorted(set(want) | set(have)):
            if key not in have:
                out.append(f"{what} {key}: missing; want {want[key]!r}")
            elif key not in want:
                out.append(f"{what} {key}: should not exist; have {have[key]!r}")
            elif want[key] != have[key]:
                out.append(f"{what} {key}:\n  want {want[key]!r}\n  have {have[key]!r}")
    return out


def _ready(pod: Obj) -> bool:
    status = pod.get("status") or {}
    return status.get("phase") == "Running" and any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in status.get("conditions") or []
    )


def workload_diff() -> list[str]:
    """Every Deployment: as many live pods as ``spec.replicas`` (through its ReplicaSets), all
    Running and Ready, and a status that says so."""
    pod_kind, dep_kind = kind("Pod"), kind("Deployment")
    out = []
    for row in Deployment.objects.order_by("namespace", "name"):
        dep = dep_kind.to_k8s(row)
        want = (dep.get("spec") or {}).get("replicas", 1)
        rs_uids = list(ReplicaSet.objects.filter(owner_uid=row.uid).values_list("uid", flat=True))
        pods = [
            pod_kind.to_k8s(p)
            for p in Pod.objects.filter(owner_uid__in=rs_uids, deletion_timestamp__isnull=True)
        ]
        not_ready = [p["metadata"]["name"] for p in pods if not _ready(p)]
        status = dep.get("status") or {}
        name = f"{row.namespace}/{row.name}"
        if len(pods) != want or not_ready:
            out.append(f"Deployment {name}: {len(pods)}/{want} pods, not ready {not_ready}")
        elif (status.get("readyReplicas", 0), status.get("replicas", 0)) != (want, want):
            out.append(f"Deployment {name}: status {status} for {want} replicas")
    return out


def wait_converged(timeout: float) -> float:
    """Seconds until converged; fails with the remaining differences after ``timeout``."""
    start = time.monotonic()
    diffs: list[str] = []
    while time.monotonic() - start < timeout:
        diffs = workload_diff()
        if not diffs:
            diffs = discovery_diff(from_scratch(), stored_state())
            if not diffs:
                return time.monotonic() - start
        time.sleep(0.5)
    raise AssertionError(
        f"not converged within {timeout:.0f} s; {len(diffs)} differences:\n" + "\n".join(diffs[:30])
    )
