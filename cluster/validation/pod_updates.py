"""Pod updates and pod status from kubernetes/kubernetes ``pkg/apis/core/validation``:
``ValidatePodUpdate`` (the spec is immutable but for images, activeDeadlineSeconds and added
tolerations), ``ValidatePodStatusUpdate``, and ``qos.GetPodQOS`` from
``pkg/apis/core/helper/qos``."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

from cluster.errors import FieldError, duplicate, forbidden, invalid, not_supported
from cluster.validation.net import is_dual_stack, parse_ip_sloppy, unmap, validate_ip
from cluster.validation.pods import MAX_INT32, qualified_name, subdomain, validate_tolerations
from cluster.validation.quantity import parse_quantity
from cluster.validation.shapes import Obj, as_int, as_list, as_obj, as_str, immutable, objects

UPDATABLE_POD_SPEC_FIELDS = [
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
]
# Not an upstream rule: the apiserver takes any phase. Portolan users stage pod states through
# /status by hand, so a typo is rejected instead of stored.
POD_PHASES = ["Pending", "Running", "Succeeded", "Failed", "Unknown"]
SYSTEM_CONDITIONS = ("PodScheduled", "Ready", "Initialized")
QOS_RESOURCES = ("cpu", "memory")


# --- updates ----------------------------------------------------------------------------------


def _container_updates(new: list[Any], old: list[Any], path: str) -> tuple[list[FieldError], bool]:
    """``ValidateContainerUpdates``."""
    if len(new) != len(old):
        return [forbidden(path, "pod updates may not add or remove containers")], True
    errs: list[FieldError] = []
    for i, container in enumerate(new):
        image = container.get("image") or ""
        if not image:
            errs.append(FieldError("FieldValueRequired", f"{path}[{i}].image", ""))
        elif image != image.strip():
            errs.append(
                invalid(f"{path}[{i}].image", image, "must not have leading or trailing whitespace")
            )
    return errs, False


def _only_added_tolerations(new: list[Any], old: list[Any], path: str) -> list[FieldError]:
    """``validateOnlyAddedTolerations``: existing ones may change only tolerationSeconds."""

    def without_seconds(tol: Any) -> Any:
        return {k: v for k, v in tol.items() if k != "tolerationSeconds"}

    for tol in old:
        if not any(without_seconds(tol) == without_seconds(n) for n in new):
            return [
                forbidden(
                    path, "existing toleration can not be modified except its tolerationSeconds"
                )
            ]
    return validate_tolerations(new, path)


def _spec_diff(old: Obj, new: Obj) -> str:
    """A readable diff of the changed spec fields, in the spirit of upstream's ``cmp.Diff``."""
    lines = ["  core.PodSpec{"]
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            if key in old:
                lines.append(f"- \t{key}: {json.dumps(old[key], sort_keys=True)},")
            if key in new:
                lines.append(f"+ \t{key}: {json.dumps(new[key], sort_keys=True)},")
    lines.append("  }")
    return "\n".join(lines) + "\n"


def validate_pod_update(new_pod: Obj, old_pod: Obj) -> list[FieldError]:
    """``ValidatePodUpdate`` after the create-time spec checks (run by the caller)."""
    new = as_obj(new_pod.get("spec"), "spec")
    old = as_obj(old_pod.get("spec"), "spec")
    errs: list[FieldError] = []
    for key in ("containers", "initContainers"):
        new_list = [c for _, c in objects(new.get(key), f"spec.{key}")]
        old_list = [c for _, c in objects(old.get(key), f"spec.{key}")]
        found, stop = _container_updates(new_list, old_list, f"spec.{key}")
        errs += found
        if stop:
            return errs
    new_deadline = as_int(new.get("activeDeadlineSeconds"), "spec.activeDeadlineSeconds")
    old_deadline = old.get("activeDeadlineSeconds")
    if new_deadline is not None:
        if not 0 <= new_deadline <= MAX_INT32:
            errs.append(
                invalid(
                    "spec.activeDeadlineSeconds",
                    new_deadline,
                    f"must be between 0 and {MAX_INT32}, inclusive",
                )
            )
            return errs
        if old_deadline is not None and old_deadline < new_deadline:
            errs.append(
                invalid(
                    "spec.activeDeadlineSeconds",
                    new_deadline,
                    "must be less than or equal to previous value",
                )
            )
            return errs
    elif old_deadline is not None:
        errs.append(
            invalid(
                "spec.activeDeadlineSeconds",
                None,
                "must not update from a positive integer to nil value",
            )
        )
    errs += _only_added_tolerations(
        as_list(new.get("tolerations"), "spec.tolerations"),
        as_list(old.get("tolerations"), "spec.tolerations"),
        "spec.tolerations",
    )
    if new == old:
        return errs
    munged = copy.deepcopy(new)
    for key in ("containers", "initContainers"):
        for container, before in zip(munged.get(key) or [], old.get(key) or [], strict=False):
            container["image"] = before.get("image")
    munged.pop("activeDeadlineSeconds", None)
    if old_deadline is not None:
        munged["activeDeadlineSeconds"] = old_deadline
    for key in ("tolerations", "schedulingGates"):
        munged.pop(key, None)
        if key in old:
            munged[key] = old[key]
    old_grace = old.get("terminationGracePeriodSeconds")
    if old_grace is not None and old_grace < 0 and munged.get("terminationGracePeriodSeconds") == 1:
        munged["terminationGracePeriodSeconds"] = old_grace
    if munged != old:
        errs.append(
            forbidden(
                "spec",
                "pod updates may not change fields other than "
                + ",".join(UPDATABLE_POD_SPEC_FIELDS)
                + "\n"
                + _spec_diff(old, munged),
            )
        )
    return errs


# --- status -----------------------------------------------------------------------------------


def _validate_ips(status: Obj, plural: str) -> list[FieldError]:
    """``validatePodIPs``/``validateHostIPs``: valid, one per family, no duplicates."""
    path = f"status.{plural}"
    entries = [e for _, e in objects(status.get(plural), path)]
    ips = [as_str(e.get("ip"), path) for e in entries]
    errs: list[FieldError] = []
    if plural == "hostIPs" and ips and (status.get("hostIP") or "") != ips[0]:
        errs.append(invalid(f"{path}[0].ip", ips[0], "must be equal to `hostIP`"))
    for i, ip in enumerate(ips):
        errs += validate_ip(f"{path}[{i}]", ip)
    if len(ips) > 1 and not errs:
        families = [unmap(parsed).version for parsed in map(parse_ip_sloppy, ips) if parsed]
        if not is_dual_stack(families):
            errs.append(
                invalid(path, entries, "may specify no more than one IP for each IP family")
            )
        seen: set[str] = set()
        for i, ip in enumerate(ips):
            if ip in seen:
                errs.append(duplicate(f"{path}[{i}]", entries[i]))
            seen.add(ip)
    return errs


def _state_transitions(
    new: list[Any], old: list[Any], path: str, restart_policy: str
) -> list[FieldError]:
    """``ValidateContainerStateTransition``: without restarts a terminated container stays so."""
    if restart_policy == "Always":
        return []
    errs: list[FieldError] = []
    for i, before in enumerate(old):
        terminated = (before.get("state") or {}).get("terminated")
        if terminated is None:
            continue
        if (terminated.get("exitCode") or 0) != 0 and restart_policy == "OnFailure":
            continue
        for after in new:
            after_state = after.get("state") or {}
            if after.get("name") == before.get("name") and after_state.get("terminated") is None:
                errs.append(
                    forbidden(
                        f"{path}[{i}].state", "may not be transitioned to non-terminated state"
                    )
                )
    return errs


def validate_pod_status_update(new_pod: Obj, old_pod: Obj) -> list[FieldError]:
    """``ValidatePodStatusUpdate`` (plus the phase check described at ``POD_PHASES``)."""
    status = as_obj(new_pod.get("status"), "status")
    old_status = as_obj(old_pod.get("status"), "status")
    errs: list[FieldError] = []
    # Upstream validates conditions under "metadata.conditions[i].Type"; kept for fidelity.
    for cpath, condition in objects(status.get("conditions"), "metadata.conditions"):
        kind = as_str(condition.get("type"), f"{cpath}.type")
        if kind not in SYSTEM_CONDITIONS:
            errs += qualified_name(kind, f"{cpath}.Type")
    phase = as_str(status.get("phase"), "status.phase")
    if phase and phase not in POD_PHASES:
        errs.append(not_supported("status.phase", phase, POD_PHASES))
    nominated = as_str(status.get("nominatedNodeName"), "status.nominatedNodeName")
    if nominated and nominated != old_status.get("nominatedNodeName"):
        errs += subdomain(nominated, "status.nominatedNodeName")
    errs += immutable(status.get("qosClass", ""), old_status.get("qosClass", ""), "status.qosClass")
    restart = (old_pod.get("spec") or {}).get("restartPolicy") or ""
    for key, policy in (
        ("containerStatuses", restart),
        ("initContainerStatuses", restart),
        ("ephemeralContainerStatuses", "Never"),
    ):
        new_list = [s for _, s in objects(status.get(key), f"status.{key}")]
        old_list = [s for _, s in objects(old_status.get(key), f"status.{key}")]
        errs += _state_transitions(new_list, old_list, f"status.{key}", policy)
    errs += _validate_ips(status, "podIPs")
    errs += _validate_ips(status, "hostIPs")
    return errs


# --- QoS --------------------------------------------------------------------------------------


def pod_qos_class(pod: Obj) -> str:
    """``qos.GetPodQOS`` over regular and init containers (cpu and memory only)."""
    spec = pod.get("spec") or {}
    requests: dict[str, Decimal] = {}
    limits: dict[str, Decimal] = {}
    guaranteed = True
    for container in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        resources = container.get("resources") or {}
        for source, into in (
            (resources.get("requests"), requests),
            (resources.get("limits"), limits),
        ):
            for name, value in (source or {}).items():
                quantity = parse_quantity(value)
                if name in QOS_RESOURCES and quantity > 0:
                    into[name] = into.get(name, Decimal(0)) + quantity
        found = {
            n
            for n, v in ((resources.get("limits")) or {}).items()
            if n in QOS_RESOURCES and parse_quantity(v) > 0
        }
        if found != set(QOS_RESOURCES):
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if (
        guaranteed
        and requests.keys() == limits.keys()
        and all(requests[k] == limits[k] for k in requests)
    ):
        return "Guaranteed"
    return "Burstable"
