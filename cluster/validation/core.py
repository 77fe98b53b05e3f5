"""Namespace and Node validation from kubernetes/kubernetes
``pkg/apis/core/validation/validation.go`` (``ValidateNamespace``, ``ValidateNamespaceStatusUpdate``,
``ValidateNode``, ``ValidateNodeUpdate``, ``validateNodeTaints``, ``ValidateNodeResources``)."""

from __future__ import annotations

from cluster.errors import FieldError, duplicate, forbidden, invalid
from cluster.validation.meta import is_qualified_name, is_valid_label_value
from cluster.validation.net import is_dual_stack, parse_cidr_sloppy, validate_cidr
from cluster.validation.pods import qualified_name, validate_taint_effect
from cluster.validation.quantity import parse_quantity
from cluster.validation.shapes import Obj, as_list, as_obj, as_str, objects

STANDARD_FINALIZERS = ("kubernetes",)


def validate_namespace(obj: Obj) -> list[FieldError]:
    """``ValidateNamespace``: spec.finalizers are qualified names, standard when unprefixed."""
    errs: list[FieldError] = []
    spec = as_obj(obj.get("spec"), "spec")
    for i, name in enumerate(as_list(spec.get("finalizers"), "spec.finalizers")):
        name = as_str(name, f"spec.finalizers[{i}]")
        msgs = is_qualified_name(name)
        errs += [invalid("spec.finalizers", name, m) for m in msgs]
        if not msgs and "/" not in name and name not in STANDARD_FINALIZERS:
            errs.append(
                invalid(
                    "spec.finalizers",
                    name,
                    "name is neither a standard finalizer name nor is it fully qualified",
                )
            )
    return errs


def validate_namespace_status(obj: Obj) -> list[FieldError]:
    """``ValidateNamespaceStatusUpdate``: the phase follows deletionTimestamp."""
    phase = as_obj(obj.get("status"), "status").get("phase")
    if not obj["metadata"].get("deletionTimestamp"):
        if phase != "Active":
            return [
                invalid(
                    "status.Phase", phase, "may only be 'Active' if `deletionTimestamp` is empty"
                )
            ]
    elif phase != "Terminating":
        return [
            invalid(
                "status.Phase",
                phase,
                "may only be 'Terminating' if `deletionTimestamp` is not empty",
            )
        ]
    return []


def validate_node_taints(taints: object, path: str) -> list[FieldError]:
    """``validateNodeTaints``: valid key, value and effect; unique by key and effect."""
    errs: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for tpath, taint in objects(taints, path):
        key = as_str(taint.get("key"), f"{tpath}.key")
        value = as_str(taint.get("value"), f"{tpath}.value")
        effect = as_str(taint.get("effect"), f"{tpath}.effect")
        errs += qualified_name(key, f"{tpath}.key")
        msgs = is_valid_label_value(value)
        if msgs:
            errs.append(invalid(f"{tpath}.value", value, ";".join(msgs)))
        errs += validate_taint_effect(effect, f"{tpath}.effect", allow_empty=False)
        if (effect, key) in seen:
            errs.append(
                FieldError(
                    "FieldValueDuplicate",
                    tpath,
                    taint,
                    "taints must be unique by key and effect pair",
                )
            )
            continue
        seen.add((effect, key))
    return errs


def _node_resources(obj: Obj) -> list[FieldError]:
    """``ValidateNodeResources``: capacity and allocatable are non-negative quantities."""
    errs: list[FieldError] = []
    status = as_obj(obj.get("status"), "status")
    for section in ("capacity", "allocatable"):
        for name, value in as_obj(status.get(section), f"status.{section}").items():
            quantity = parse_quantity(value)
            path = f"status.{section}.{name}"
            if quantity < 0:
                errs.append(invalid(path, str(value), "must be greater than or equal to 0"))
            elif name == "pods" and quantity != quantity.to_integral_value():
                errs.append(invalid(path, str(value), "must be an integer"))
    return errs


def validate_node(obj: Obj) -> list[FieldError]:
    """``ValidateNode``. Upstream reports spec.taints under ``metadata.taints``; kept."""
    spec = as_obj(obj.get("spec"), "spec")
    errs = validate_node_taints(spec.get("taints"), "metadata.taints")
    errs += _node_resources(obj)
    cidrs = [as_str(c, "spec.podCIDRs") for c in as_list(spec.get("podCIDRs"), "spec.podCIDRs")]
    for i, cidr in enumerate(cidrs):
        errs += validate_cidr(f"spec.podCIDRs[{i}]", cidr)
    if len(cidrs) > 1:
        families = [parsed[1].version for parsed in map(parse_cidr_sloppy, cidrs) if parsed]
        if not is_dual_stack(families):
            errs.append(
                invalid(
                    "spec.podCIDRs", cidrs, "may specify no more than one CIDR for each IP family"
                )
            )
        seen: set[str] = set()
        for i, cidr in enumerate(cidrs):
            if cidr in seen:
                errs.append(duplicate(f"spec.podCIDRs[{i}]", cidr))
            seen.add(cidr)
    return errs


def validate_node_update(new: Obj, old: Obj) -> list[FieldError]:
    """``ValidateNodeUpdate`` (also the status strategy's check)."""
    spec = as_obj(new.get("spec"), "spec")
    old_spec = as_obj(old.get("spec"), "spec")
    errs = validate_node_taints(spec.get("taints"), "metadata.taints")
    errs += _node_resources(new)
    seen: list[object] = []
    for apath, address in objects(
        as_obj(new.get("status"), "status").get("addresses"), "status.addresses"
    ):
        if address in seen:
            errs.append(duplicate(apath, address))
        seen.append(address)
    old_cidrs = old_spec.get("podCIDRs") or []
    if old_cidrs and old_cidrs != (spec.get("podCIDRs") or []):
        errs.append(
            forbidden(
                "spec.podCIDRs", 'node updates may not change podCIDR except from "" to valid'
            )
        )
    old_provider = old_spec.get("providerID") or ""
    if old_provider and old_provider != (spec.get("providerID") or ""):
        errs.append(
            forbidden(
                "spec.providerID", 'node updates may not change providerID except from "" to valid'
            )
        )
    if spec.get("externalID") != old_spec.get("externalID"):
        errs.append(forbidden("spec.externalID", "may not be updated"))
    return errs
