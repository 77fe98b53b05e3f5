"""Workload validation from kubernetes/kubernetes ``pkg/apis/apps/validation/validation.go``
(Deployment, ReplicaSet, StatefulSet, DaemonSet), ``pkg/apis/batch/validation/validation.go``
(Job) and ``apimachinery/pkg/apis/meta/v1/validation`` (``ValidateLabelSelector``). Field paths
and messages are upstream's, including its slips ("empty selector is invalid for deployment"
on ReplicaSets)."""

from __future__ import annotations

import re
from typing import Any

from cluster.errors import FieldError, forbidden, invalid, not_supported, required
from cluster.labels import Selector, from_label_selector
from cluster.validation.meta import (
    is_valid_label_value,
    regex_error,
    validate_labels,
)
from cluster.validation.pods import qualified_name, validate_pod_template
from cluster.validation.shapes import (
    Obj,
    as_int,
    as_list,
    as_obj,
    as_str,
    immutable,
    nonnegative,
    objects,
)

SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")
_percent = re.compile(r"^[0-9]+%$")


# --- selectors --------------------------------------------------------------------------------


def validate_label_selector(selector: Any, path: str) -> list[FieldError]:
    """``ValidateLabelSelector`` (strict label values)."""
    if selector is None:
        return []
    selector = as_obj(selector, path)
    errs = validate_labels(selector.get("matchLabels"), f"{path}.matchLabels")
    for epath, expr in objects(selector.get("matchExpressions"), f"{path}.matchExpressions"):
        operator = as_str(expr.get("operator"), f"{epath}.operator")
        values = as_list(expr.get("values"), f"{epath}.values")
        if operator in ("In", "NotIn"):
            if not values:
                errs.append(
                    required(
                        f"{epath}.values", "must be specified when `operator` is 'In' or 'NotIn'"
                    )
                )
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                errs.append(
                    forbidden(
                        f"{epath}.values",
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    )
                )
        else:
            errs.append(invalid(f"{epath}.operator", operator, "not a valid selector operator"))
        errs += qualified_name(as_str(expr.get("key"), f"{epath}.key"), f"{epath}.key")
        for i, value in enumerate(values):
            value = as_str(value, f"{epath}.values[{i}]")
            errs += [invalid(f"{epath}.values[{i}]", value, m) for m in is_valid_label_value(value)]
    return errs


def as_selector(selector: Any) -> Selector | None:
    """``LabelSelectorAsSelector``; None when it cannot be converted (bad operator)."""
    if selector is None:
        return from_label_selector(None)
    for expr in as_list(as_obj(selector, "selector").get("matchExpressions"), "matchExpressions"):
        if as_obj(expr, "matchExpressions").get("operator") not in SELECTOR_OPERATORS:
            return None
    return from_label_selector(selector)


def _template_labels(template: Obj) -> dict[str, str]:
    return as_obj(as_obj(template.get("metadata"), "metadata").get("labels"), "labels")


def _required_selector(spec: Obj, path: str, kind: str) -> list[FieldError]:
    selector = spec.get("selector")
    if selector is None:
        return [required(f"{path}.selector")]
    errs = validate_label_selector(selector, f"{path}.selector")
    selector = as_obj(selector, f"{path}.selector")
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        errs.append(invalid(f"{path}.selector", selector, f"empty selector is invalid for {kind}"))
    return errs


# --- int or percent ---------------------------------------------------------------------------


def _percent_value(value: Any) -> int | None:
    if isinstance(value, str) and _percent.match(value):
        return int(value[:-1])
    return None


def _int_or_percent_value(value: Any) -> int:
    """``getIntOrPercentValue``: the percentage, the integer, or 0."""
    percent = _percent_value(value)
    if percent is not None:
        return percent
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else 0


def positive_int_or_percent(value: Any, path: str) -> list[FieldError]:
    """``ValidatePositiveIntOrPercent``."""
    if isinstance(value, str):
        if _percent.match(value):
            return []
        msg = regex_error(
            "a valid percent string must be a numeric string followed by an ending '%'",
            "[0-9]+%",
            "1%",
            "93%",
        )
        return [invalid(path, value, msg)]
    if isinstance(value, int) and not isinstance(value, bool):
        return nonnegative(value, path)
    return [invalid(path, value, "must be an integer or percentage (e.g '5%%')")]


def not_more_than_100_percent(value: Any, path: str) -> list[FieldError]:
    percent = _percent_value(value)
    if percent is not None and percent > 100:
        return [invalid(path, value, "must not be greater than 100%")]
    return []


# --- templates --------------------------------------------------------------------------------


def template_for_replica_set(
    spec: Obj, selector: Selector, path: str, kind: str
) -> list[FieldError]:
    """``ValidatePodTemplateSpecForReplicaSet``: the selector must match the template labels,
    which must run with restartPolicy Always and no activeDeadlineSeconds."""
    if spec.get("template") is None:
        return [required(path)]
    template = as_obj(spec["template"], path)
    errs: list[FieldError] = []
    labels = _template_labels(template)
    if not selector.empty() and not selector.matches(labels):
        errs.append(
            invalid(
                f"{path}.metadata.labels", labels, "`selector` does not match template `labels`"
            )
        )
    errs += validate_pod_template(template, path)
    pod_spec = as_obj(template.get("spec"), f"{path}.spec")
    policy = pod_spec.get("restartPolicy") or ""
    if policy != "Always":
        errs.append(not_supported(f"{path}.spec.restartPolicy", policy, ["Always"]))
    if pod_spec.get("activeDeadlineSeconds") is not None:
        errs.append(
            forbidden(
                f"{path}.spec.activeDeadlineSeconds",
                f"activeDeadlineSeconds in {kind} is not Supported",
            )
        )
    return errs


def _selector_and_template(spec: Obj, kind: str, empty_word: str) -> list[FieldError]:
    errs = _required_selector(spec, "spec", empty_word)
    selector = as_selector(spec.get("selector"))
    if selector is None:
        errs.append(invalid("spec.selector", spec.get("selector"), "invalid label selector"))
    else:
        errs += template_for_replica_set(spec, selector, "spec.template", kind)
    return errs


# --- Deployments and ReplicaSets --------------------------------------------------------------


def _validate_strategy(spec: Obj) -> list[FieldError]:
    """``ValidateDeploymentStrategy`` and ``ValidateRollingUpdateDeployment``."""
    strategy = as_obj(spec.get("strategy"), "spec.strategy")
    kind = strategy.get("type")
    rolling = strategy.get("rollingUpdate")
    path = "spec.strategy.rollingUpdate"
    if kind == "Recreate":
        if rolling is not None:
            return [forbidden(path, "may not be specified when strategy `type` is 'Recreate'")]
        return []
    if kind == "RollingUpdate":
        if rolling is None:
            return [required(path, "this should be defaulted and never be nil")]
        rolling = as_obj(rolling, path)
        unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
        errs = positive_int_or_percent(unavailable, f"{path}.maxUnavailable")
        errs += positive_int_or_percent(surge, f"{path}.maxSurge")
        if _int_or_percent_value(unavailable) == 0 and _int_or_percent_value(surge) == 0:
            errs.append(
                invalid(f"{path}.maxUnavailable", unavailable, "may not be 0 when `maxSurge` is 0")
            )
        errs += not_more_than_100_percent(unavailable, f"{path}.maxUnavailable")
        return errs
    return [not_supported("spec.strategy", strategy, ["Recreate", "RollingUpdate"])]


def validate_deployment(obj: Obj) -> list[FieldError]:
    """``ValidateDeploymentSpec``."""
    spec = as_obj(obj.get("spec"), "spec")
    errs = nonnegative(spec.get("replicas"), "spec.replicas")
    errs += _selector_and_template(spec, "Deployment", "deployment")
    errs += _validate_strategy(spec)
    errs += nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    errs += nonnegative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
    deadline = as_int(spec.get("progressDeadlineSeconds"), "spec.progressDeadlineSeconds")
    if deadline is not None:
        errs += nonnegative(deadline, "spec.progressDeadlineSeconds")
        if deadline <= (as_int(spec.get("minReadySeconds"), "spec.minReadySeconds") or 0):
            errs.append(
                invalid(
                    "spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"
                )
            )
    return errs


def validate_replica_set(obj: Obj) -> list[FieldError]:
    """``ValidateReplicaSetSpec``."""
    spec = as_obj(obj.get("spec"), "spec")
    errs = nonnegative(spec.get("replicas"), "spec.replicas")
    errs += nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    return errs + _selector_and_template(spec, "ReplicaSet", "deployment")


def selector_immutable(new: Obj, old: Obj) -> list[FieldError]:
    """apps/v1 strategies: ``spec.selector`` never changes after create."""
    return immutable(
        (new.get("spec") or {}).get("selector"),
        (old.get("spec") or {}).get("selector"),
        "spec.selector",
    )


# --- DaemonSets -------------------------------------------------------------------------------


def validate_daemon_set(obj: Obj) -> list[FieldError]:
    """``ValidateDaemonSetSpec``."""
    spec = as_obj(obj.get("spec"), "spec")
    errs = validate_label_selector(spec.get("selector"), "spec.selector")
    selector = as_selector(spec.get("selector"))
    template = as_obj(spec.get("template"), "spec.template")
    labels = _template_labels(template)
    if selector is not None and not selector.matches(labels):
        errs.append(
            invalid(
                "spec.template.metadata.labels",
                labels,
                "`selector` does not match template `labels`",
            )
        )
    raw = spec.get("selector")
    if isinstance(raw, dict) and not raw.get("matchLabels") and not raw.get("matchExpressions"):
        errs.append(invalid("spec.selector", raw, "empty selector is invalid for daemonset"))
    errs += validate_pod_template(template, "spec.template")
    pod_spec = as_obj(template.get("spec"), "spec.template.spec")
    policy = pod_spec.get("restartPolicy") or ""
    if policy != "Always":
        errs.append(not_supported("spec.template.spec.restartPolicy", policy, ["Always"]))
    if pod_spec.get("activeDeadlineSeconds") is not None:
        errs.append(
            forbidden(
                "spec.template.spec.activeDeadlineSeconds",
                "activeDeadlineSeconds in DaemonSet is not Supported",
            )
        )
    errs += nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    errs += nonnegative(spec.get("templateGeneration"), "spec.templateGeneration")
    strategy = as_obj(spec.get("updateStrategy"), "spec.updateStrategy")
    path = "spec.updateStrategy.rollingUpdate"
    if strategy.get("type") == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        if rolling is None:
            errs.append(required(path))
        else:
            rolling = as_obj(rolling, path)
            unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
            errs += positive_int_or_percent(unavailable, f"{path}.maxUnavailable")
            errs += positive_int_or_percent(surge, f"{path}.maxSurge")
            errs += not_more_than_100_percent(unavailable, f"{path}.maxUnavailable")
            errs += not_more_than_100_percent(surge, f"{path}.maxSurge")
            has_unavailable = _int_or_percent_value(unavailable) != 0
            has_surge = _int_or_percent_value(surge) != 0
            if has_unavailable and has_surge:
                errs.append(
                    invalid(
                        f"{path}.maxSurge", surge, "may not be set when maxUnavailable is non-zero"
                    )
                )
            elif not has_unavailable and not has_surge:
                errs.append(required(f"{path}.maxUnavailable", "cannot be 0 when maxSurge is 0"))
    elif strategy.get("type") != "OnDelete":
        errs.append(not_supported("spec.updateStrategy", strategy, ["RollingUpdate", "OnDelete"]))
    errs += nonnegative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
    return errs


# --- status -----------------------------------------------------------------------------------


def validate_replica_status(status: Any, *, fully_labeled: bool) -> list[FieldError]:
    """``ValidateDeploymentStatus`` / ``ValidateReplicaSetStatus``."""
    status = as_obj(status, "status")
    keys = ["observedGeneration", "replicas", "updatedReplicas", "readyReplicas"]
    keys += ["availableReplicas", "unavailableReplicas", "collisionCount"]
    if fully_labeled:
        keys.append("fullyLabeledReplicas")
    errs: list[FieldError] = []
    for key in keys:
        errs += nonnegative(status.get(key), f"status.{key}")
    replicas = status.get("replicas") or 0
    for key in ("updatedReplicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas"):
        value = status.get(key) or 0
        if value > replicas:
            errs.append(invalid(f"status.{key}", value, "cannot be greater than status.replicas"))
    available, ready = status.get("availableReplicas") or 0, status.get("readyReplicas") or 0
    if available > ready:
        errs.append(
            invalid("status.availableReplicas", available, "cannot be greater than readyReplicas")
        )
    return errs


def validate_counts(status: Any, keys: tuple[str, ...]) -> list[FieldError]:
    """Non-negative status counters (StatefulSet, DaemonSet and Job status)."""
    status = as_obj(status, "status")
    errs: list[FieldError] = []
    for key in keys:
        errs += nonnegative(status.get(key), f"status.{key}")
    return errs
