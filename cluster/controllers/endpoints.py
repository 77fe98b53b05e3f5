"""The Endpoints controller's pure computation (``endpoints_controller.go`` ``syncService``,
``addEndpointSubset``, ``truncateEndpoints``; ``RepackSubsets`` from
``pkg/api/v1/endpoints/util.go``). Given a Service and the pods of its namespace, the desired
Endpoints object; deterministic, no I/O."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from cluster.controllers.podutil import (
    find_port,
    is_pod_ready,
    pod_ip_for_family,
    selects,
    service_family,
    should_pod_be_in_endpoints,
    should_set_hostname,
    target_ref,
)

Obj = dict[str, Any]
MAX_CAPACITY = 1000
OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity"
HEADLESS_LABEL = "service.kubernetes.io/headless"
_SENTINEL = ("", -1, "", "")


def manages_endpoints(service: Obj) -> bool:
    """``syncService`` returns early for ExternalName Services and Services without a selector."""
    spec = service.get("spec") or {}
    return spec.get("type") != "ExternalName" and bool(spec.get("selector"))


def endpoint_address(pod: Obj, service: Obj) -> Obj | None:
    """``podToEndpointAddressForService``: None when the pod has no IP of the Service's family."""
    ip = pod_ip_for_family(pod, service_family(service, pod))
    if ip is None:
        return None
    addr: Obj = {"ip": ip}
    if should_set_hostname(pod, service):
        addr["hostname"] = pod["spec"]["hostname"]
    # Upstream always sets the pointer, even to "" — which ``ValidateEndpoints`` then rejects
    # (an IP without a node only happens to pods staged through ``/status`` here), so an
    # empty node name is left out instead of failing the whole sync.
    node = (pod.get("spec") or {}).get("nodeName") or ""
    if node:
        addr["nodeName"] = node
    addr["targetRef"] = target_ref(pod)
    return addr


def _port_key(port: Obj | None) -> tuple[str, int, str, str]:
    if port is None:
        return _SENTINEL
    return (
        port.get("name", ""),
        port["port"],
        port.get("protocol", "TCP"),
        port.get("appProtocol", ""),
    )


def _port_from_key(key: tuple[str, int, str, str]) -> Obj:
    name, number, protocol, app = key
    port: Obj = {}
    if name:
        port["name"] = name
    port["port"] = number
    port["protocol"] = protocol
    if app:
        port["appProtocol"] = app
    return port


def _addr_key(addr: Obj) -> tuple[str, str]:
    return (addr["ip"], (addr.get("targetRef") or {}).get("uid", ""))


def _addr_sort_key(addr: Obj) -> tuple[bytes, bool, str]:
    ref = addr.get("targetRef")
    return (addr["ip"].encode(), ref is not None, (ref or {}).get("uid", ""))


def repack(entries: Iterable[tuple[Obj | None, Obj, bool]]) -> list[Obj]:
    """``RepackSubsets`` over (port or None, address, ready) triples: addresses de-duplicated
    by (ip, targetRef.uid), not-ready wins, ports with identical address sets share a subset.
    Addresses are ordered by IP (byte-wise), then targetRef uid; ports and subsets in a fixed
    order of our own (upstream orders them by a Go-specific hash)."""
    addresses: dict[tuple[str, str], Obj] = {}
    by_port: dict[tuple[str, int, str, str], dict[tuple[str, str], bool]] = {}
    for port, addr, ready in entries:
        key = _addr_key(addr)
        addresses[key] = addr
        ready_map = by_port.setdefault(_port_key(port), {})
        ready_map[key] = ready_map.get(key, True) and ready
    groups: dict[tuple[tuple[tuple[str, str], bool], ...], list[tuple[str, int, str, str]]] = {}
    for port_key, ready_map in by_port.items():
        signature = tuple(sorted(ready_map.items()))
        groups.setdefault(signature, []).append(port_key)
    subsets = []
    for signature, port_keys in groups.items():
        ready = sorted((addresses[k] for k, r in signature if r), key=_addr_sort_key)
        not_ready = sorted((addresses[k] for k, r in signature if not r), key=_addr_sort_key)
        subset: Obj = {}
        if ready:
            subset["addresses"] = ready
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        ports = [_port_from_key(k) for k in sorted(port_keys) if k != _SENTINEL]
        if ports:
            subset["ports"] = ports
        subsets.append(subset)
    subsets.sort(
        key=lambda s: (
            [(p.get("name", ""), p["port"], p["protocol"]) for p in s.get("ports", [])],
            [a["ip"] for a in s.get("addresses", []) + s.get("notReadyAddresses", [])],
        )
    )
    return subsets


def truncate(subsets: list[Obj]) -> bool:
    """``truncateEndpoints``: keep at most 1000 addresses, ready ones first, each subset its
    proportional share rounded up. Returns whether anything was cut."""
    total_ready = sum(len(s.get("addresses", [])) for s in subsets)
    total_not_ready = sum(len(s.get("notReadyAddresses", [])) for s in subsets)
    if total_ready + total_not_ready <= MAX_CAPACITY:
        return False
    truncate_ready = total_ready > MAX_CAPACITY
    budget = MAX_CAPACITY if truncate_ready else MAX_CAPACITY - total_ready
    total = total_ready if truncate_ready else total_not_ready
    remaining = budget
    for subset in subsets:
        field = "addresses" if truncate_ready else "notReadyAddresses"
        count = len(subset.get(field, []))
        take = min(math.ceil(count / total * budget) if total else 0, remaining)
        if truncate_ready:
            subset["addresses"] = subset.get("addresses", [])[:take]
            subset.pop("notReadyAddresses", None)
            remaining -= len(subset["addresses"])
        else:
            subset["notReadyAddresses"] = subset.get("notReadyAddresses", [])[:take]
            remaining -= len(subset["notReadyAddresses"])
        for key in ("addresses", "notReadyAddresses"):
            if key in subset and not subset[key]:
                del subset[key]
    return True


def compute_subsets(service: Obj, pods: Iterable[Obj]) -> list[Obj]:
    """The subsets ``syncService`` writes for ``service`` given candidate ``pods`` (pods the
    selector does not match are ignored here too)."""
    spec = service.get("spec") or {}
    tolerate = bool(spec.get("publishNotReadyAddresses"))
    ports = spec.get("ports") or []
    headless = spec.get("clusterIP") == "None"
    entries: list[tuple[Obj | None, Obj, bool]] = []
    for pod in pods:
        if not selects(service, pod):
            continue
        if not should_pod_be_in_endpoints(pod, include_terminating=tolerate):
            continue
        addr = endpoint_address(pod, service)
        if addr is None:
            continue
        ready = tolerate or is_pod_ready(pod)
        if not ports:
            if headless:
                entries.append((None, addr, ready))
            continue
        for sp in ports:
            number = find_port(pod, sp)
            if number is None:
                continue
            port: Obj = {
                "name": sp.get("name", ""),
                "port": number,
                "protocol": sp.get("protocol") or "TCP",
            }
            if sp.get("appProtocol"):
                port["appProtocol"] = sp["appProtocol"]
            entries.append((port, addr, ready))
    return repack(entries)


def desired_endpoints(service: Obj, pods: Iterable[Obj]) -> Obj:
    """The Endpoints object (metadata name/namespace/labels/annotations and subsets)."""
    meta = service["metadata"]
    subsets = compute_subsets(service, pods)
    truncated = truncate(subsets)
    labels = dict(meta.get("labels") or {})
    cluster_ip = (service.get("spec") or {}).get("clusterIP") or ""
    if cluster_ip in ("", "None"):
        labels[HEADLESS_LABEL] = ""
    else:
        labels.pop(HEADLESS_LABEL, None)
    annotations = {OVER_CAPACITY: "truncated"} if truncated else {}
    out_meta: Obj = {"name": meta["name"], "namespace": meta.get("namespace", "")}
    if labels:
        out_meta["labels"] = labels
    if annotations:
        out_meta["annotations"] = annotations
    return {"kind": "Endpoints", "apiVersion": "v1", "metadata": out_meta, "subsets": subsets}


# --- comparing with what is stored ------------------------------------------------------------

Canonical = tuple[Any, ...]


def _canonical_address(addr: Obj) -> tuple[Any, ...]:
    ref = addr.get("targetRef")
    ref_items = (
        None
        if ref is None
        else tuple(sorted((k, str(v)) for k, v in ref.items() if k != "resourceVersion"))
    )
    return (
        addr.get("ip", ""),
        ref is not None,
        (ref or {}).get("uid", ""),
        addr.get("hostname") or "",
        "nodeName" in addr and addr["nodeName"] is not None,
        addr.get("nodeName") or "",
        ref_items or (),
    )


def canonical_subsets(subsets: Iterable[Obj] | None) -> Canonical:
    """Subsets as an order-free value: a sorted tuple of (ports, ready, not ready), where the
    order of subsets and of ports carries no meaning and ``targetRef.resourceVersion`` is
    ignored (``endpointSubsetsEqualIgnoreResourceVersion``)."""
    out = []
    for subset in subsets or []:
        ports = tuple(
            sorted(
                (
                    p.get("name") or "",
                    p.get("port") or 0,
                    p.get("protocol") or "TCP",
                    p.get("appProtocol") or "",
                )
                for p in subset.get("ports") or []
            )
        )
        ready = tuple(sorted(_canonical_address(a) for a in subset.get("addresses") or []))
        not_ready = tuple(
            sorted(_canonical_address(a) for a in subset.get("notReadyAddresses") or [])
        )
        out.append((ports, ready, not_ready))
    return tuple(sorted(out))


def canonical(endpoints: Obj) -> Canonical:
    """What the controller owns in an Endpoints object, as a comparable value: labels, the
    over-capacity annotation and the subsets (order-free)."""
    meta = endpoints.get("metadata") or {}
    return (
        tuple(sorted((meta.get("labels") or {}).items())),
        (meta.get("annotations") or {}).get(OVER_CAPACITY),
        canonical_subsets(endpoints.get("subsets")),
    )


def endpoints_update(desired: Obj, current: Obj | None) -> Obj | None:
    """The object to write so that ``current`` becomes ``desired``, or None when nothing the
    controller owns differs (``syncService``'s no-op check). An update keeps what the
    controller does not own (other annotations, owner references, finalizers)."""
    if current is None:
        return desired
    if canonical(current) == canonical(desired):
        return None
    meta = current["metadata"]
    annotations = {k: v for k, v in (meta.get("annotations") or {}).items() if k != OVER_CAPACITY}
    annotations.update(desired["metadata"].get("annotations") or {})
    new_meta = dict(meta, labels=dict(desired["metadata"].get("labels") or {}))
    new_meta["annotations"] = annotations
    for key in ("labels", "annotations"):
        if not new_meta[key]:
            del new_meta[key]
    return dict(current, metadata=new_meta, subsets=desired["subsets"])
