"""What the apiserver's Service storage does around the generic store: ``beginCreate`` /
``beginUpdate`` (``normalizeClusterIPs``, ``patchAllocatedValues``, ``allocateCreate``,
``allocateUpdate``), ``dropTypeDependentFields`` and ``releaseAllocatedResources``
(``pkg/registry/core/service/storage/{storage,alloc}.go``, ``strategy.go``).

Every allocation is a row written in the action's transaction (``cluster.allocators``), so a
request that fails later rolls its allocations back, and a "deferred" release is simply a delete
that commits with the update. Rows carry the Service's uid; releases only free rows the Service
owns.
"""

from __future__ import annotations

from typing import Any

from cluster import allocators, errors
from cluster.errors import StatusError, invalid
from cluster.validation.service import (
    EXTERNAL_NAME,
    LOAD_BALANCER,
    NODE_PORT,
    externally_accessible,
    is_headless,
    needs_health_check,
    ports_of,
)

from .service_ips import (
    alloc_cluster_ips,
    init_ip_family_fields,
    invalid_service,
    matching_prefer_dual_stack,
    needs_cluster_ip,
    normalize_cluster_ips,
    release_cluster_ips,
    same_cluster_ips,
    same_families,
    spec_obj,
)

Obj = dict[str, Any]


def _unknown(message: str) -> StatusError:
    """A plain Go error from storage: the apiserver answers 500 with reason Unknown."""
    return StatusError(500, "Unknown", message)


def needs_node_port(obj: Obj) -> bool:
    return spec_obj(obj).get("type") in (NODE_PORT, LOAD_BALANCER)


def should_allocate_node_ports(obj: Obj) -> bool:
    spec = spec_obj(obj)
    if spec.get("type") == NODE_PORT:
        return True
    if spec.get("type") == LOAD_BALANCER:
        return spec.get("allocateLoadBalancerNodePorts") is not False
    return False


def node_ports(obj: Obj) -> list[int]:
    """``collectServiceNodePorts``."""
    return [int(p["nodePort"]) for p in ports_of(obj) if p.get("nodePort")]


def patch_allocated_values(new: Obj, old: Obj) -> None:
    """``patchAllocatedValues``: a PUT that omits allocated values keeps them (C3)."""
    spec, old_spec = spec_obj(new), spec_obj(old)
    if needs_cluster_ip(old) and needs_cluster_ip(new):
        if not spec.get("clusterIP") and old_spec.get("clusterIP"):
            spec["clusterIP"] = old_spec["clusterIP"]
        if not spec.get("clusterIPs") and old_spec.get("clusterIPs"):
            spec["clusterIPs"] = list(old_spec["clusterIPs"])
    if needs_node_port(old) and needs_node_port(new):
        used = set(node_ports(old)) & set(node_ports(new))
        by_name = {p.get("name") or "": p.get("nodePort") or 0 for p in ports_of(old)}
        for port in ports_of(new):
            if not port.get("nodePort"):
                value = by_name.get(port.get("name") or "", 0)
                if value and value not in used:
                    port["nodePort"] = value
    if needs_health_check(old) and needs_health_check(new):
        if not spec.get("healthCheckNodePort") and old_spec.get("healthCheckNodePort"):
            spec["healthCheckNodePort"] = old_spec["healthCheckNodePort"]


# --- node ports -------------------------------------------------------------------------------


def _claim_node_port(obj: Obj, index: int, value: int, owner: str) -> None:
    try:
        allocators.allocate_port(value, owner=owner)
    except allocators.AllocationError as e:
        raise invalid_service(obj, [invalid(f"spec.ports[{index}].nodePort", value, str(e))]) from e


def _next_node_port(owner: str) -> int:
    try:
        return allocators.allocate_next_port(owner=owner)
    except allocators.AllocationError as e:
        raise errors.internal_error(f"failed to allocate a nodePort: {e}") from e


def init_node_ports(obj: Obj, owner: str) -> None:
    """``initNodePorts`` (create): ports with the same port number share a node port (D15)."""
    by_number: dict[Any, int] = {}
    ports = ports_of(obj)
    allocate = should_allocate_node_ports(obj)
    for i, port in enumerate(ports):
        requested = port.get("nodePort") or 0
        if not requested and not allocate:
            continue
        number = port.get("port")
        shared = by_number.get(number, 0)
        if not shared:
            wanted = next(
                (p["nodePort"] for p in ports if p.get("port") == number and p.get("nodePort")), 0
            )
            if wanted:
                _claim_node_port(obj, i, wanted, owner)
                port["nodePort"] = by_number[number] = wanted
            else:
                port["nodePort"] = by_number[number] = _next_node_port(owner)
        elif requested != shared:
            if not requested:
                port["nodePort"] = shared
            else:
                _claim_node_port(obj, i, requested, owner)


def update_node_ports(new: Obj, old: Obj, owner: str) -> None:
    """``updateNodePorts``: keep, claim or allocate; release what is no longer used."""
    old_numbers = node_ports(old)
    claimed: set[int] = set()
    seen: list[tuple[Any, int]] = []
    allocate = should_allocate_node_ports(new)
    for i, port in enumerate(ports_of(new)):
        value = port.get("nodePort") or 0
        if not value and not allocate:
            continue
        if value:
            if value not in old_numbers and value not in claimed:
                _claim_node_port(new, i, value, owner)
                claimed.add(value)
        else:
            value = port["nodePort"] = _next_node_port(owner)
        key = (port.get("protocol"), value)
        if key in seen:
            raise _unknown(f"duplicate nodePort: {{{key[0]} {key[1]}}}")
        seen.append(key)
    keep = set(node_ports(new))
    release_node_ports([p for p in old_numbers if p not in keep], owner)


def release_node_ports(values: list[int], owner: str) -> None:
    allocators.release_ports(values, owner=owner)


def alloc_health_check_node_port(obj: Obj, owner: str) -> None:
    """``allocHealthCheckNodePort`` (D16). Failures are internal errors (500), not 422."""
    spec = spec_obj(obj)
    wanted = spec.get("healthCheckNodePort") or 0
    try:
        if wanted:
            allocators.allocate_port(wanted, owner=owner)
        else:
            spec["healthCheckNodePort"] = allocators.allocate_next_port(owner=owner)
    except allocators.AllocationError as e:
        if wanted:
            raise errors.internal_error(
                f"failed to allocate requested HealthCheck NodePort {wanted}: {e}"
            ) from e
        # Upstream prints the (zero) value of a shadowed variable here.
        raise errors.internal_error(f"failed to allocate a HealthCheck NodePort 0: {e}") from e


# --- the hooks' bodies ------------------------------------------------------------------------


def allocate_create(obj: Obj, owner: str) -> None:
    normalize_cluster_ips(obj, None)
    init_ip_family_fields(obj, None)
    alloc_cluster_ips(obj, owner)
    if needs_node_port(obj):
        init_node_ports(obj, owner)
    if needs_health_check(obj):
        alloc_health_check_node_port(obj, owner)


def allocate_update(new: Obj, old: Obj, owner: str) -> None:
    patch_allocated_values(new, old)
    normalize_cluster_ips(new, old)
    init_ip_family_fields(new, old)
    # updateClusterIPs
    if not matching_prefer_dual_stack(new, old):
        old_type, new_type = spec_obj(old).get("type"), spec_obj(new).get("type")
        if old_type == EXTERNAL_NAME and new_type != EXTERNAL_NAME:
            alloc_cluster_ips(new, owner)
        elif not is_headless(old) and old_type != EXTERNAL_NAME and new_type == EXTERNAL_NAME:
            release_cluster_ips(old, owner)
    # txnUpdateNodePorts
    if needs_node_port(old) and not needs_node_port(new):
        release_node_ports(node_ports(old), owner)
    if needs_node_port(new):
        update_node_ports(new, old, owner)
    # updateHealthCheckNodePort
    needed, needs = needs_health_check(old), needs_health_check(new)
    if needs and not needed:
        alloc_health_check_node_port(new, owner)
    elif needed and not needs:
        release_node_ports([spec_obj(old).get("healthCheckNodePort") or 0], owner)


def release_all(obj: Obj, owner: str) -> None:
    """``releaseAllocatedResources`` (afterDelete)."""
    release_cluster_ips(obj, owner)
    values = node_ports(obj)
    if needs_health_check(obj):
        values.append(spec_obj(obj).get("healthCheckNodePort") or 0)
    release_node_ports([v for v in values if v], owner)


def drop_type_dependent_fields(new: Obj, old: Obj) -> None:
    """``dropTypeDependentFields``: wipe what the new type does not use, but only values the
    client left as they were (a changed value is kept, and rejected by validation)."""
    spec, old_spec = spec_obj(new), spec_obj(old)
    if needs_cluster_ip(old) and not needs_cluster_ip(new):
        if same_cluster_ips(old, new):
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
        if same_families(old, new):
            spec.pop("ipFamilies", None)
        if spec.get("ipFamilyPolicy") == old_spec.get("ipFamilyPolicy"):
            spec.pop("ipFamilyPolicy", None)
    if needs_node_port(old) and not needs_node_port(new):
        if set(node_ports(new)) <= set(node_ports(old)):
            for port in ports_of(new):
                port.pop("nodePort", None)
    if needs_health_check(old) and not needs_health_check(new):
        if spec.get("healthCheckNodePort") == old_spec.get("healthCheckNodePort"):
            spec.pop("healthCheckNodePort", None)
    if old_spec.get("type") == LOAD_BALANCER and spec.get("type") != LOAD_BALANCER:
        before, after = (
            old_spec.get("allocateLoadBalancerNodePorts"),
            spec.get("allocateLoadBalancerNodePorts"),
        )
        if before is not None and after is not None and before == after:
            spec.pop("allocateLoadBalancerNodePorts", None)
        if old_spec.get("loadBalancerClass") == spec.get("loadBalancerClass"):
            spec.pop("loadBalancerClass", None)
    if externally_accessible(old) and not externally_accessible(new):
        if spec.get("externalTrafficPolicy") == old_spec.get("externalTrafficPolicy"):
            spec.pop("externalTrafficPolicy", None)
    if spec.get("type") != LOAD_BALANCER:
        status = new.get("status")
        if not isinstance(status, dict):
            status = new["status"] = {}
        status["loadBalancer"] = {}
