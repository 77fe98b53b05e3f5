"""The scheduler's decision, pure: the filter plugins a simulated cluster needs
(``NodeUnschedulable``, ``TaintToleration``, ``NodeAffinity`` in the default profile's order)
and a spread score (fewest pods, then name). The failure message is the framework's
``FitError`` text (``pkg/scheduler/framework/types.go``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Obj = dict[str, Any]
DEFAULT_SCHEDULER = "default-scheduler"
NOT_READY_TAINT = "node.kubernetes.io/not-ready"
UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"
ERR_UNSCHEDULABLE = "node(s) were unschedulable"
ERR_AFFINITY = "node(s) didn't match Pod's node affinity/selector"


def node_ready(node: Obj) -> bool:
    for c in (node.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c.get("status") == "True"
    return False


def node_taints(node: Obj) -> list[Obj]:
    """The node's taints, plus the ``not-ready:NoSchedule`` taint the node lifecycle controller
    puts on a node whose Ready condition is not True (``TaintNodesByCondition``)."""
    taints = [t for t in (node.get("spec") or {}).get("taints") or [] if isinstance(t, dict)]
    if not node_ready(node) and not any(t.get("key") == NOT_READY_TAINT for t in taints):
        taints.append({"key": NOT_READY_TAINT, "effect": "NoSchedule"})
    return taints


def tolerates(toleration: Obj, taint: Obj) -> bool:
    """``Toleration.ToleratesTaint``."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    if operator == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def untolerated_taint(tolerations: Iterable[Obj], taints: Iterable[Obj]) -> Obj | None:
    """``FindMatchingUntoleratedTaint`` over NoSchedule and NoExecute taints."""
    tolerations = list(tolerations)
    for taint in taints:
        if taint.get("effect") not in ("NoSchedule", "NoExecute"):
            continue
        if not any(tolerates(t, taint) for t in tolerations if isinstance(t, dict)):
            return taint
    return None


def _requirement_matches(req: Obj, values: Mapping[str, str]) -> bool:
    """``NodeSelectorRequirement`` against labels (or fields)."""
    key = req.get("key", "")
    op = req.get("operator")
    wanted = [str(v) for v in req.get("values") or []]
    present = key in values
    if op == "In":
        return present and values[key] in wanted
    if op == "NotIn":
        return not present or values[key] not in wanted
    if op == "Exists":
        return present
    if op == "DoesNotExist":
        return not present
    if op in ("Gt", "Lt") and present and len(wanted) == 1:
        try:
            have, bound = int(values[key]), int(wanted[0])
        except ValueError:
            return False
        return have > bound if op == "Gt" else have < bound
    return False


def _term_matches(term: Obj, labels: Mapping[str, str], fields: Mapping[str, str]) -> bool:
    exprs = term.get("matchExpressions") or []
    field_reqs = term.get("matchFields") or []
    if not exprs and not field_reqs:
        return False  # an empty term matches nothing
    return all(_requirement_matches(r, labels) for r in exprs) and all(
        _requirement_matches(r, fields) for r in field_reqs
    )


def matches_node_affinity(pod: Obj, node: Obj) -> bool:
    """``nodeSelector`` (every pair) and the required node affinity (terms ORed)."""
    spec = pod.get("spec") or {}
    labels = node["metadata"].get("labels") or {}
    for k, v in (spec.get("nodeSelector") or {}).items():
        if labels.get(k) != v:
            return False
    required = (
        ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
            "requiredDuringSchedulingIgnoredDuringExecution"
        )
        or {}
    ).get("nodeSelectorTerms")
    if required is None:
        return True
    fields = {"metadata.name": node["metadata"]["name"]}
    return any(_term_matches(t, labels, fields) for t in required if isinstance(t, dict))


def filter_reason(pod: Obj, node: Obj) -> str | None:
    """Why ``node`` cannot take ``pod`` (the first failing filter plugin), or None."""
    tolerations = (pod.get("spec") or {}).get("tolerations") or []
    if (node.get("spec") or {}).get("unschedulable"):
        cordon = {"key": UNSCHEDULABLE_TAINT, "effect": "NoSchedule"}
        if not any(tolerates(t, cordon) for t in tolerations if isinstance(t, dict)):
            return ERR_UNSCHEDULABLE
    taint = untolerated_taint(tolerations, node_taints(node))
    if taint is not None:
        return f"node(s) had untolerated taint {{{taint.get('key', '')}: {taint.get('value', '')}}}"
    if not matches_node_affinity(pod, node):
        return ERR_AFFINITY
    return None


def fit_error_message(total: int, reasons: Iterable[str]) -> str:
    """``FitError.Error()`` with the preemption post-filter's note."""
    if total == 0:
        return "no nodes available to schedule pods"
    counts: dict[str, int] = {}
    for reason in reasons:
        counts[reason] = counts.get(reason, 0) + 1
    text = ", ".join(sorted(f"{n} {r}" for r, n in counts.items()))
    message = f"0/{total} nodes are available"
    message += f": {text}." if text else "."
    return (
        f"{message} preemption: 0/{total} nodes are available: "
        f"{total} Preemption is not helpful for scheduling."
    )


def choose_node(pod: Obj, nodes: list[Obj], pod_counts: Mapping[str, int]) -> tuple[str, str]:
    """``(node name, "")`` for the feasible node with the fewest pods (then by name), or
    ``("", message)`` when no node fits."""
    reasons: list[str] = []
    feasible: list[tuple[int, str]] = []
    for node in nodes:
        name = node["metadata"]["name"]
        reason = filter_reason(pod, node)
        if reason is None:
            feasible.append((pod_counts.get(name, 0), name))
        else:
            reasons.append(reason)
    if feasible:
        return min(feasible)[1], ""
    return "", fit_error_message(len(nodes), reasons)
