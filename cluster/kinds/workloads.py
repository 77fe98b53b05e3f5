"""Deployments, ReplicaSets and the workload kinds stored for the manifests (StatefulSet,
DaemonSet, Job): v1 defaulting, validation and the update rules of their strategies."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from cluster.defaults import (
    default_daemon_set,
    default_deployment,
    default_job,
    default_replica_set,
    default_stateful_set,
)
from cluster.errors import FieldError
from cluster.models import DaemonSet, Deployment, Job, ReplicaSet, StatefulSet
from cluster.validation.jobs import generate_job_selector, validate_job, validate_job_update
from cluster.validation.meta import is_dns1123_label
from cluster.validation.statefulsets import validate_stateful_set, validate_stateful_set_update
from cluster.validation.workloads import (
    selector_immutable,
    validate_counts,
    validate_daemon_set,
    validate_deployment,
    validate_replica_set,
    validate_replica_status,
)

from . import register
from .base import Kind, Obj

Rule = Callable[[Obj], list[FieldError]]
UpdateRule = Callable[[Obj, Obj], list[FieldError]]


def _no_defaults(obj: Obj) -> None:
    return None


def _selector_immutable_update(rule: Rule) -> UpdateRule:
    """apps/v1 strategies: the spec rules again, and ``spec.selector`` is immutable."""
    return lambda new, old: rule(new) + selector_immutable(new, old)


@dataclass(eq=False)
class WorkloadKind(Kind):
    """A workload kind is its defaulter, its validation (create, update, status) and, for
    Jobs, the generated selector."""

    defaulter: Callable[[Obj], None] = _no_defaults
    rule: Rule = lambda obj: []  # noqa: E731
    update_rule: UpdateRule | None = None
    status_rule: Rule = lambda status: []  # noqa: E731
    generates_selector: bool = False

    def default(self, obj: Obj) -> None:
        self.defaulter(obj)

    def prepare_create(self, obj: Obj) -> None:
        super().prepare_create(obj)
        if self.generates_selector:
            prepare_job(obj)

    def validate(self, obj: Obj) -> list[FieldError]:
        return self.rule(obj)

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        update = self.update_rule or _selector_immutable_update(self.rule)
        return update(new, old)

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return self.status_rule(new.get("status"))


def prepare_job(obj: Obj) -> None:
    """``jobStrategy.PrepareForCreate``: unless ``manualSelector``, the generated selector,
    which needs the uid now (the write layer keeps a uid a strategy sets)."""
    meta = obj["metadata"]
    meta["uid"] = str(uuid.uuid4())
    spec = obj.setdefault("spec", {})
    if spec.get("manualSelector") is not True:
        generate_job_selector(obj)
    # What defaulting on read does for a Job created without labels: copy the template's.
    template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels")
    if template_labels and not meta.get("labels"):
        meta["labels"] = dict(template_labels)


STATEFUL_SET_COUNTS = (
    "replicas",
    "readyReplicas",
    "currentReplicas",
    "updatedReplicas",
    "availableReplicas",
    "observedGeneration",
    "collisionCount",
)
DAEMON_SET_COUNTS = (
    "currentNumberScheduled",
    "numberMisscheduled",
    "desiredNumberScheduled",
    "numberReady",
    "observedGeneration",
    "updatedNumberScheduled",
    "numberAvailable",
    "numberUnavailable",
    "collisionCount",
)


DEPLOYMENTS = register(
    WorkloadKind(
        kind="Deployment",
        defaulter=default_deployment,
        rule=validate_deployment,
        status_rule=lambda status: validate_replica_status(status, fully_labeled=False),
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
        defaulter=default_replica_set,
        rule=validate_replica_set,
        status_rule=lambda status: validate_replica_status(status, fully_labeled=True),
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
        defaulter=default_stateful_set,
        rule=validate_stateful_set,
        # ValidateStatefulSetUpdate: a changed selector is part of its Forbidden error on spec.
        update_rule=validate_stateful_set_update,
        status_rule=lambda status: validate_counts(status, STATEFUL_SET_COUNTS),
        plural="statefulsets",
        model=StatefulSet,
        child_kinds=("Pod",),
        group="apps",
        short_names=("sts",),
        categories=("all",),
        subresources=("status", "scale"),
        tracks_generation=True,
        name_validator=is_dns1123_label,
    )
)
DAEMONSETS = register(
    WorkloadKind(
        kind="DaemonSet",
        defaulter=default_daemon_set,
        rule=validate_daemon_set,
        status_rule=lambda status: validate_counts(status, DAEMON_SET_COUNTS),
        plural="daemonsets",
        model=DaemonSet,
        child_kinds=("Pod",),
        group="apps",
        short_names=("ds",),
        categories=("all",),
        subresources=("status",),
        tracks_generation=True,
    )
)
JOBS = register(
    WorkloadKind(
        kind="Job",
        defaulter=default_job,
        rule=validate_job,
        update_rule=validate_job_update,
        status_rule=lambda status: validate_counts(
            status, ("active", "succeeded", "failed", "ready")
        ),
        generates_selector=True,
        plural="jobs",
        model=Job,
        child_kinds=("Pod",),
        group="batch",
        categories=("all",),
        subresources=("status",),
        tracks_generation=True,
    )
)
