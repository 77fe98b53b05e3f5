"""Deployments, ReplicaSets and the workload kinds stored for the manifests (StatefulSet,
DaemonSet, Job)."""

from __future__ import annotations

from cluster.models import DaemonSet, Deployment, Job, ReplicaSet, StatefulSet

from . import register
from .base import Kind


class WorkloadKind(Kind):
    pass


DEPLOYMENTS = register(
    WorkloadKind(
        kind="Deployment",
        plural="deployments",
        model=Deployment,
        child_kinds=("ReplicaSet",),
        group="apps",
        short_names=("deploy",),
        categories=("all",),
        subresources=("status", "scale"),
        tracks_generation=True,
    )
)
REPLICASETS = register(
    WorkloadKind(
        kind="ReplicaSet",
        plural="replicasets",
        model=ReplicaSet,
        child_kinds=("Pod",),
        group="apps",
        short_names=("rs",),
        categories=("all",),
        subresources=("status", "scale"),
        tracks_generation=True,
    )
)
STATEFULSETS = register(
    WorkloadKind(
        kind="StatefulSet",
        plural="statefulsets",
        model=StatefulSet,
        child_kinds=("Pod",),
        group="apps",
        short_names=("sts",),
        categories=("all",),
        subresources=("status", "scale"),
        tracks_generation=True,
        simulated=False,
    )
)
DAEMONSETS = register(
    WorkloadKind(
        kind="DaemonSet",
        plural="daemonsets",
        model=DaemonSet,
        child_kinds=("Pod",),
        group="apps",
        short_names=("ds",),
        categories=("all",),
        subresources=("status",),
        tracks_generation=True,
        simulated=False,
    )
)
JOBS = register(
    WorkloadKind(
        kind="Job",
        plural="jobs",
        model=Job,
        child_kinds=("Pod",),
        group="batch",
        categories=("all",),
        subresources=("status",),
        tracks_generation=True,
        simulated=False,
    )
)
