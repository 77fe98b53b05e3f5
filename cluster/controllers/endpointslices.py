"""The EndpointSlice controller's pure computation (``k8s.io/endpointslice`` ``reconciler.go``,
``utils.go`` ``podToEndpoint``/``getEndpointPorts``/``setEndpointSliceLabels``). Given a
Service, the pods of its namespace, node zones and the slices that exist, a plan of slices to
create, update and delete. Deterministic and free of I/O."""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cluster.controllers.podutil import (
    find_port,
    is_pod_ready,
    is_terminating,
    pod_ip_for_family,
    selects,
    service_family,
    should_pod_be_in_endpoints,
    should_set_hostname,
    target_ref,
)

Obj = dict[str, Any]
MAX_ENDPOINTS_PER_SLICE = 100
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"
CONTROLLER_NAME = "endpointslice-controller.k8s.io"
HEADLESS_LABEL = "service.kubernetes.io/headless"
RESERVED_LABELS = (SERVICE_NAME_LABEL, MANAGED_BY_LABEL, HEADLESS_LABEL)
PortSet = tuple[tuple[str, int, str, str], ...]


def canonical_ip(ip: str) -> str:
    if ":" not in ip and not any(len(p) > 1 and p[0] == "0" for p in ip.split(".")):
        return ip  # dotted IPv4 without leading zeros is already canonical
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return ip


def address_types(service: Obj) -> list[str]:
    """``getAddressTypesForService``."""
    spec = service.get("spec") or {}
    families = spec.get("ipFamilies") or []
    if families:
        return list(families)
    cluster_ip = spec.get("clusterIP") or ""
    if cluster_ip and cluster_ip != "None":
        return [service_family(service)]
    return ["IPv4", "IPv6"]


def slice_labels(service: Obj) -> dict[str, str]:
    """``setEndpointSliceLabels``: the Service's labels minus reserved keys, plus ours."""
    labels = {
        k: v
        for k, v in (service["metadata"].get("labels") or {}).items()
        if k not in RESERVED_LABELS
    }
    labels[SERVICE_NAME_LABEL] = service["metadata"]["name"]
    labels[MANAGED_BY_LABEL] = CONTROLLER_NAME
    if (service.get("spec") or {}).get("clusterIP") in ("", "None", None):
        labels[HEADLESS_LABEL] = ""
    return labels


def pod_endpoint(pod: Obj, service: Obj, family: str, zones: Mapping[str, str]) -> Obj | None:
    """``podToEndpoint``."""
    ip = pod_ip_for_family(pod, family)
    if ip is None:
        return None
    serving = is_pod_ready(pod)
    terminating = is_terminating(pod)
    publish = bool((service.get("spec") or {}).get("publishNotReadyAddresses"))
    ep: Obj = {
        "addresses": [canonical_ip(ip)],
        "conditions": {
            "ready": publish or (serving and not terminating),
            "serving": serving,
            "terminating": terminating,
        },
    }
    if should_set_hostname(pod, service):
        ep["hostname"] = pod["spec"]["hostname"]
    node = (pod.get("spec") or {}).get("nodeName") or ""
    if node:
        ep["nodeName"] = node
        if zones.get(node):
            ep["zone"] = zones[node]
    ep["targetRef"] = target_ref(pod)
    return ep


def pod_ports(pod: Obj, service: Obj) -> PortSet:
    """``getEndpointPorts``: the service ports this pod resolves, in service order."""
    out = []
    for sp in (service.get("spec") or {}).get("ports") or []:
        number = find_port(pod, sp)
        if number is None:
            continue
        out.append(
            (sp.get("name", ""), number, sp.get("protocol") or "TCP", sp.get("appProtocol", ""))
        )
    return tuple(out)


def ports_json(ports: PortSet) -> list[Obj]:
    out = []
    for name, number, protocol, app in ports:
        p: Obj = {"name": name, "port": number, "protocol": protocol}
        if app:
            p["appProtocol"] = app
        out.append(p)
    return out


def ports_key(ports: Iterable[Obj] | None) -> PortSet:
    return tuple(
        (
            p.get("name", "") or "",
            p.get("port") or 0,
            p.get("protocol") or "TCP",
            p.get("appProtocol", "") or "",
        )
        for p in ports or []
    )


def endpoint_key(ep: Obj) -> tuple[str, str]:
    return ((ep.get("addresses") or [""])[0], (ep.get("targetRef") or {}).get("uid", ""))


def desired_endpoints(
    service: Obj,
    pods: Iterable[Obj],
    zones: Mapping[str, str],
    nodes: Collection[str] | None = None,
) -> dict[str, dict[PortSet, dict[tuple[str, str], Obj]]]:
    """address type → port set → endpoint key → endpoint. With ``nodes`` (the names of the
    Nodes that exist), a pod whose node is unknown is skipped unless the Service publishes
    not-ready addresses (``reconcileByAddressType``)."""
    out: dict[str, dict[PortSet, dict[tuple[str, str], Obj]]] = {
        t: {} for t in address_types(service)
    }
    publish = bool((service.get("spec") or {}).get("publishNotReadyAddresses"))
    pods = [
        p
        for p in pods
        if selects(service, p)
        and should_pod_be_in_endpoints(p, include_terminating=True)
        and (nodes is None or publish or ((p.get("spec") or {}).get("nodeName") or "") in nodes)
    ]
    for family in out:
        for pod in pods:
            ep = pod_endpoint(pod, service, family, zones)
            if ep is None:
                continue
            out[family].setdefault(pod_ports(pod, service), {})[endpoint_key(ep)] = ep
    return out


@dataclass
class Plan:
    create: list[Obj] = field(default_factory=list)
    update: list[Obj] = field(default_factory=list)
    delete: list[Obj] = field(default_factory=list)

    def empty(self) -> bool:
        return not (self.create or self.update or self.delete)


def _new_slice(service: Obj, family: str, ports: PortSet, endpoints: list[Obj]) -> Obj:
    meta = service["metadata"]
    return {
        "kind": "EndpointSlice",
        "apiVersion": "discovery.k8s.io/v1",
        "metadata": {
            "generateName": f"{meta['name']}-",
            "namespace": meta.get("namespace", ""),
            "labels": slice_labels(service),
            "ownerReferences": [
                {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "name": meta["name"],
                    "uid": meta.get("uid", ""),
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "addressType": family,
        "endpoints": endpoints,
        "ports": ports_json(ports),
    }


def _sorted(endpoints: Iterable[Obj]) -> list[Obj]:
    return sorted(endpoints, key=endpoint_key)


def reconcile(
    service: Obj,
    pods: Iterable[Obj],
    existing: Iterable[Obj],
    *,
    zones: Mapping[str, str] | None = None,
    nodes: Collection[str] | None = None,
    max_per_slice: int = MAX_ENDPOINTS_PER_SLICE,
) -> Plan:
    """``reconcileByAddressType``: keep endpoints where they are, fill slices with room before
    creating new ones, delete slices left empty, and keep exactly one placeholder slice
    (``endpoints: []``, ``ports: []``) per address type when nothing matches."""
    zones = zones or {}
    plan = Plan()
    desired = desired_endpoints(service, list(pods), zones, nodes)
    labels = slice_labels(service)
    by_family: dict[str, list[Obj]] = {}
    for s in existing:
        by_family.setdefault(s.get("addressType", "IPv4"), []).append(s)
    for family, slices in by_family.items():
        if family not in desired:
            plan.delete.extend(slices)
    for family, wanted in desired.items():
        slices = sorted(by_family.get(family, []), key=lambda s: s["metadata"].get("name", ""))
        placed: set[tuple[PortSet, tuple[str, str]]] = set()
        kept: list[tuple[Obj, PortSet, list[Obj], bool]] = []  # slice, ports, endpoints, changed
        for s in slices:
            key = ports_key(s.get("ports"))
            want = wanted.get(key, {})
            new_eps = []
            changed = False
            for ep in s.get("endpoints") or []:
                k = endpoint_key(ep)
                if k in want and (key, k) not in placed:
                    placed.add((key, k))
                    if want[k] != ep:
                        changed = True
                    new_eps.append(want[k])
                else:
                    changed = True
            if s["metadata"].get("labels") != labels:
                changed = True
            kept.append((s, key, new_eps, changed))
        # Fill slices with room, then create new ones.
        for key, eps in sorted(wanted.items()):
            missing = _sorted(ep for k, ep in eps.items() if (key, k) not in placed)
            for i, (s, skey, new_eps, _changed) in enumerate(kept):
                if not missing:
                    break
                if skey != key or not new_eps or len(new_eps) >= max_per_slice:
                    continue
                room = max_per_slice - len(new_eps)
                kept[i] = (s, skey, new_eps + missing[:room], True)
                missing = missing[room:]
            for start in range(0, len(missing), max_per_slice):
                plan.create.append(
                    _new_slice(service, family, key, missing[start : start + max_per_slice])
                )
        live = [(s, k, e, c) for s, k, e, c in kept if e]
        if not live and not plan.create and not any(wanted.values()):
            # Placeholder: reuse one existing slice if possible.
            placeholder_ports: PortSet = ()
            reuse = next((s for s, *_ in kept), None)
            if reuse is None:
                plan.create.append(_new_slice(service, family, placeholder_ports, []))
            else:
                if (
                    reuse.get("endpoints")
                    or reuse.get("ports")
                    or reuse["metadata"].get("labels") != labels
                ):
                    plan.update.append(_with(reuse, [], placeholder_ports, labels))
                plan.delete.extend(s for s, *_ in kept if s is not reuse)
            continue
        for s, key, eps, changed in kept:
            if not eps:
                plan.delete.append(s)
            elif changed:
                plan.update.append(_with(s, _sorted(eps), key, labels))
    _reuse_deleted(plan)
    return plan


def _reuse_deleted(plan: Plan) -> None:
    """``finalize``: rather than create a slice and delete another of the same address type,
    update the one that would be deleted into the one that would be created."""
    kept_deletes = []
    for old in plan.delete:
        match = next(
            (
                i
                for i in range(len(plan.create) - 1, -1, -1)
                if plan.create[i]["addressType"] == old.get("addressType", "IPv4")
            ),
            None,
        )
        if match is None:
            kept_deletes.append(old)
            continue
        new = plan.create.pop(match)
        plan.update.append(
            _with(old, new["endpoints"], ports_key(new["ports"]), new["metadata"]["labels"])
        )
    plan.delete = kept_deletes


def _with(slice_obj: Obj, endpoints: list[Obj], ports: PortSet, labels: dict[str, str]) -> Obj:
    out = dict(slice_obj)
    out["metadata"] = dict(slice_obj["metadata"], labels=labels)
    out["endpoints"] = endpoints
    out["ports"] = ports_json(ports)
    return out


def summary(slices: Iterable[Obj]) -> dict[tuple[str, PortSet], list[tuple[tuple[str, str], Obj]]]:
    """Slices as an order-free value: (addressType, ports) → sorted endpoints. Two sets of
    slices are equivalent for clients when their summaries are equal."""
    out: dict[tuple[str, PortSet], list[tuple[tuple[str, str], Obj]]] = {}
    for s in slices:
        key = (s.get("addressType", "IPv4"), ports_key(s.get("ports")))
        out.setdefault(key, []).extend((endpoint_key(ep), ep) for ep in s.get("endpoints") or [])
    return {k: sorted(v, key=lambda kv: kv[0]) for k, v in out.items() if v or k[1] == ()}
