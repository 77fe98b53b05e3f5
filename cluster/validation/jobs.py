"""Job validation from kubernetes/kubernetes ``pkg/apis/batch/validation/validation.go`` and the
Job strategy's generated selector (``pkg/registry/batch/job/strategy.go``)."""

from __future__ import annotations

from cluster.errors import FieldError, invalid, not_supported, required
from cluster.validation.pods import validate_pod_template
from cluster.validation.shapes import Obj, as_obj, immutable, nonnegative
from cluster.validation.workloads import _template_labels, as_selector, validate_label_selector

JOB_LABELS = (
    ("batch.kubernetes.io/controller-uid", "uid"),
    ("batch.kubernetes.io/job-name", "name"),
    ("controller-uid", "uid"),
    ("job-name", "name"),
)


# --- Jobs -------------------------------------------------------------------------------------


def generate_job_selector(obj: Obj) -> None:
    """The Job strategy's ``generateSelector``: label the template with the job's name and uid
    (new and legacy keys) and select on ``batch.kubernetes.io/controller-uid``."""
    meta = obj["metadata"]
    spec = as_obj(obj.get("spec"), "spec")
    template = as_obj(spec.get("template"), "spec.template")
    template_meta = as_obj(template.get("metadata"), "spec.template.metadata")
    labels = as_obj(template_meta.get("labels"), "spec.template.metadata.labels")
    for key, source in JOB_LABELS:
        labels.setdefault(key, str(meta.get(source) or ""))
    template_meta["labels"], template["metadata"], spec["template"] = (
        labels,
        template_meta,
        template,
    )
    selector = as_obj(spec.get("selector"), "spec.selector")
    match_labels = as_obj(selector.get("matchLabels"), "spec.selector.matchLabels")
    match_labels.setdefault("batch.kubernetes.io/controller-uid", str(meta.get("uid") or ""))
    selector["matchLabels"], spec["selector"] = match_labels, selector


def _validate_generated_selector(obj: Obj) -> list[FieldError]:
    """``validateGeneratedSelector``."""
    spec = as_obj(obj.get("spec"), "spec")
    if spec.get("manualSelector") is True or spec.get("selector") is None:
        return []
    meta = obj["metadata"]
    errs: list[FieldError] = []
    if not meta.get("uid"):
        errs.append(required("metadata.uid"))
    labels = _template_labels(as_obj(spec.get("template"), "spec.template"))
    expected = {}
    for key, source in JOB_LABELS:
        want = str(meta.get(source) or "")
        expected[key] = want
        path = f"spec.template.metadata.labels[{key}]"
        if key not in labels:
            errs.append(required(path, f"must be '{want}'"))
        elif labels[key] != want:
            errs.append(invalid(path, labels, f"must be '{want}'"))
    selector = as_selector(spec.get("selector"))
    if selector is not None and not selector.matches(expected):
        errs.append(invalid("spec.selector", spec.get("selector"), "`selector` not auto-generated"))
    return errs


def validate_job(obj: Obj) -> list[FieldError]:
    """``ValidateJob`` (``validateGeneratedSelector`` and ``ValidateJobSpec``)."""
    spec = as_obj(obj.get("spec"), "spec")
    errs = _validate_generated_selector(obj)
    for key in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit"):
        errs += nonnegative(spec.get(key), f"spec.{key}")
    errs += nonnegative(spec.get("ttlSecondsAfterFinished"), "spec.ttlSecondsAfterFinished")
    mode = spec.get("completionMode") or "NonIndexed"
    if mode not in ("NonIndexed", "Indexed"):
        errs.append(not_supported("spec.completionMode", mode, ["NonIndexed", "Indexed"]))
    elif mode == "Indexed" and spec.get("completions") is None:
        errs.append(required("spec.completions", "when completion mode is Indexed"))
    template = spec.get("template")
    errs += validate_pod_template(template, "spec.template")
    pod_spec = as_obj(as_obj(template, "spec.template").get("spec"), "spec.template.spec")
    policy = pod_spec.get("restartPolicy") or ""
    if policy not in ("OnFailure", "Never"):
        errs.append(
            not_supported("spec.template.spec.restartPolicy", policy, ["OnFailure", "Never"])
        )
    if spec.get("selector") is None:
        errs.append(required("spec.selector"))
    else:
        errs += validate_label_selector(spec["selector"], "spec.selector")
    selector = as_selector(spec.get("selector"))
    labels = _template_labels(as_obj(template, "spec.template"))
    if selector is not None and not selector.matches(labels):
        errs.append(
            invalid(
                "spec.template.metadata.labels",
                labels,
                "`selector` does not match template `labels`",
            )
        )
    return errs


def validate_job_update(new: Obj, old: Obj) -> list[FieldError]:
    """``ValidateJobSpecUpdate``: completions, selector and template are immutable."""
    errs = validate_job(new)
    new_spec, old_spec = new.get("spec") or {}, old.get("spec") or {}
    for key in ("completions", "selector", "template"):
        errs += immutable(new_spec.get(key), old_spec.get(key), f"spec.{key}")
    return errs
