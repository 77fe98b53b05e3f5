"""StatefulSet validation from kubernetes/kubernetes ``pkg/apis/apps/validation/validation.go``
(``ValidateStatefulSetSpec``, ``ValidateStatefulSetUpdate``)."""

from __future__ import annotations

from cluster.errors import FieldError, forbidden, invalid, not_supported, required
from cluster.validation.meta import validate_annotations, validate_labels
from cluster.validation.shapes import Obj, as_obj, as_str, nonnegative
from cluster.validation.workloads import (
    _int_or_percent_value,
    _required_selector,
    _template_labels,
    as_selector,
    not_more_than_100_percent,
    positive_int_or_percent,
)

# --- StatefulSets -----------------------------------------------------------------------------


def validate_stateful_set(obj: Obj) -> list[FieldError]:
    """``ValidateStatefulSetSpec``. Upstream checks only the template's labels and annotations,
    not its pod spec (a TODO there), and so does this."""
    spec = as_obj(obj.get("spec"), "spec")
    errs: list[FieldError] = []
    policy = as_str(spec.get("podManagementPolicy"), "spec.podManagementPolicy")
    if not policy:
        errs.append(required("spec.podManagementPolicy"))
    elif policy not in ("OrderedReady", "Parallel"):
        errs.append(
            invalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'")
        )
    strategy = as_obj(spec.get("updateStrategy"), "spec.updateStrategy")
    rolling = strategy.get("rollingUpdate")
    if not strategy.get("type"):
        errs.append(required("spec.updateStrategy"))
    elif strategy["type"] == "OnDelete":
        if rolling is not None:
            errs.append(
                invalid(
                    "spec.updateStrategy.rollingUpdate",
                    rolling,
                    "only allowed for updateStrategy 'RollingUpdate'",
                )
            )
    elif strategy["type"] == "RollingUpdate":
        if rolling is not None:
            rolling = as_obj(rolling, "spec.updateStrategy.rollingUpdate")
            path = "spec.updateStrategy.rollingUpdate"
            errs += nonnegative(rolling.get("partition"), f"{path}.partition")
            if rolling.get("maxUnavailable") is not None:
                value = rolling["maxUnavailable"]
                errs += positive_int_or_percent(value, f"{path}.maxUnavailable")
                if _int_or_percent_value(value) == 0:
                    errs.append(invalid(f"{path}.maxUnavailable", value, "cannot be 0"))
                errs += not_more_than_100_percent(value, f"{path}.maxUnavailable")
    else:
        errs.append(
            invalid("spec.updateStrategy", strategy, "must be 'RollingUpdate' or 'OnDelete'")
        )
    retention = as_obj(
        spec.get("persistentVolumeClaimRetentionPolicy"),
        "spec.persistentVolumeClaimRetentionPolicy",
    )
    for key in ("whenDeleted", "whenScaled") if retention else ():
        value = retention.get(key) or ""
        if value not in ("Retain", "Delete"):
            errs.append(
                not_supported(
                    f"spec.persistentVolumeClaimRetentionPolicy.{key}", value, ["Retain", "Delete"]
                )
            )
    errs += nonnegative(spec.get("replicas"), "spec.replicas")
    errs += nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    ordinals = as_obj(spec.get("ordinals"), "spec.ordinals")
    errs += nonnegative(ordinals.get("start"), "spec.ordinals.start")
    errs += _required_selector(spec, "spec", "statefulset")
    selector = as_selector(spec.get("selector"))
    template = as_obj(spec.get("template"), "spec.template")
    if selector is None:
        errs.append(invalid("spec.selector", spec.get("selector"), ""))
    else:
        labels = _template_labels(template)
        if not selector.empty() and not selector.matches(labels):
            errs.append(
                invalid(
                    "spec.template.metadata.labels",
                    labels,
                    "`selector` does not match template `labels`",
                )
            )
        meta = as_obj(template.get("metadata"), "spec.template.metadata")
        errs += validate_labels(meta.get("labels"), "spec.template.labels")
        errs += validate_annotations(meta.get("annotations"), "spec.template.annotations")
    pod_spec = as_obj(template.get("spec"), "spec.template.spec")
    policy = pod_spec.get("restartPolicy") or ""
    if policy != "Always":
        errs.append(not_supported("spec.template.spec.restartPolicy", policy, ["Always"]))
    if pod_spec.get("activeDeadlineSeconds") is not None:
        errs.append(
            forbidden(
                "spec.template.spec.activeDeadlineSeconds",
                "activeDeadlineSeconds in StatefulSet is not Supported",
            )
        )
    return errs


STATEFUL_SET_MUTABLE = (
    "replicas",
    "template",
    "updateStrategy",
    "minReadySeconds",
    "ordinals",
    "persistentVolumeClaimRetentionPolicy",
)


def validate_stateful_set_update(new: Obj, old: Obj) -> list[FieldError]:
    """``ValidateStatefulSetUpdate``."""
    errs = validate_stateful_set(new)
    new_spec = {k: v for k, v in (new.get("spec") or {}).items() if k not in STATEFUL_SET_MUTABLE}
    old_spec = {k: v for k, v in (old.get("spec") or {}).items() if k not in STATEFUL_SET_MUTABLE}
    if new_spec != old_spec:
        errs.append(
            forbidden(
                "spec",
                "updates to statefulset spec for fields other than 'replicas', 'ordinals', "
                "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and "
                "'minReadySeconds' are forbidden",
            )
        )
    return errs
