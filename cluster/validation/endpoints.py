"""Endpoints validation (``ValidateEndpoints`` in kubernetes/kubernetes
``pkg/apis/core/validation/validation.go``) and EndpointSlice validation
(``ValidateEndpointSlice`` in ``pkg/apis/discovery/validation/validation.go``)."""

from __future__ import annotations

from typing import Any

from cluster.errors import FieldError, duplicate, invalid, not_supported, required
from cluster.validation.containers import PROTOCOLS, dns1123_label
from cluster.validation.meta import (
    is_dns1123_label,
    is_dns1123_subdomain,
    is_valid_port_num,
    validate_labels,
)
from cluster.validation.net import (
    validate_ip,
    validate_ipv4,
    validate_ipv6,
    validate_non_special_ip,
)
from cluster.validation.pods import qualified_name, subdomain
from cluster.validation.shapes import Obj, as_list, as_obj, as_str, immutable, objects

ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"]
MAX_ENDPOINTS = 1000
MAX_PORTS = 100
MAX_ADDRESSES = 100
MAX_TOPOLOGY_LABELS = 16
MAX_ZONE_HINTS = 8


def too_many(path: str, actual: int, limit: int) -> FieldError:
    """``field.TooMany``."""
    return FieldError("FieldValueTooMany", path, actual, f"must have at most {limit} items")


# --- Endpoints --------------------------------------------------------------------------------


def _endpoint_address(address: Obj, path: str) -> list[FieldError]:
    """``validateEndpointAddress``."""
    ip = address.get("ip")
    errs = validate_ip(f"{path}.ip", ip)
    hostname = as_str(address.get("hostname"), f"{path}.hostname")
    if hostname:
        errs += dns1123_label(hostname, f"{path}.hostname")
    if address.get("nodeName") is not None:
        errs += subdomain(as_str(address["nodeName"], f"{path}.nodeName"), f"{path}.nodeName")
    return errs + validate_non_special_ip(ip, f"{path}.ip")


def _endpoint_port(port: Obj, path: str, *, require_name: bool) -> list[FieldError]:
    """``validateEndpointPort``."""
    errs: list[FieldError] = []
    name = as_str(port.get("name"), f"{path}.name")
    if require_name and not name:
        errs.append(required(f"{path}.name"))
    elif name:
        errs += dns1123_label(name, f"{path}.name")
    number = port.get("port")
    errs += [invalid(f"{path}.port", number, m) for m in is_valid_port_num(number)]
    protocol = as_str(port.get("protocol"), f"{path}.protocol")
    if not protocol:
        errs.append(required(f"{path}.protocol"))
    elif protocol not in PROTOCOLS:
        errs.append(not_supported(f"{path}.protocol", protocol, PROTOCOLS))
    if port.get("appProtocol") is not None:
        app = as_str(port["appProtocol"], f"{path}.appProtocol")
        errs += qualified_name(app, f"{path}.appProtocol")
    return errs


def validate_endpoints(obj: Obj) -> list[FieldError]:
    """``validateEndpointSubsets``: each subset has addresses; several ports need names."""
    errs: list[FieldError] = []
    for spath, subset in objects(obj.get("subsets"), "subsets"):
        addresses = objects(subset.get("addresses"), f"{spath}.addresses")
        not_ready = objects(subset.get("notReadyAddresses"), f"{spath}.notReadyAddresses")
        if not addresses and not not_ready:
            errs.append(required(spath, "must specify `addresses` or `notReadyAddresses`"))
        for apath, address in addresses + not_ready:
            errs += _endpoint_address(address, apath)
        ports = objects(subset.get("ports"), f"{spath}.ports")
        for ppath, port in ports:
            errs += _endpoint_port(port, ppath, require_name=len(ports) > 1)
    return errs


# --- EndpointSlices ---------------------------------------------------------------------------


def fqdn(path: str, name: str) -> list[FieldError]:
    """``validation.IsFullyQualifiedDomainName``."""
    if not name:
        return [required(path)]
    name = name.removesuffix(".")
    msgs = is_dns1123_subdomain(name)
    if msgs:
        return [invalid(path, name, ",".join(msgs))]
    labels = name.split(".")
    if len(labels) < 2:
        return [
            invalid(path, name, "should be a domain with at least two segments separated by dots")
        ]
    for label in labels:
        msgs = is_dns1123_label(label)
        if msgs:
            return [invalid(path, label, ",".join(msgs))]
    return []


def _slice_address(address: Any, address_type: str, path: str) -> list[FieldError]:
    if address_type == "IPv4":
        return validate_ipv4(path, address) + validate_non_special_ip(address, path)
    if address_type == "IPv6":
        return validate_ipv6(path, address) + validate_non_special_ip(address, path)
    if address_type == "FQDN":
        return fqdn(path, as_str(address, path))
    return []


def _slice_endpoints(endpoints: Any, address_type: str) -> list[FieldError]:
    items = objects(endpoints, "endpoints")
    if len(items) > MAX_ENDPOINTS:
        return [too_many("endpoints", len(items), MAX_ENDPOINTS)]
    errs: list[FieldError] = []
    for epath, endpoint in items:
        apath = f"{epath}.addresses"
        addresses = as_list(endpoint.get("addresses"), apath)
        if not addresses:
            errs.append(required(apath, "must contain at least 1 address"))
        elif len(addresses) > MAX_ADDRESSES:
            errs.append(too_many(apath, len(addresses), MAX_ADDRESSES))
        for i, address in enumerate(addresses):
            errs += _slice_address(address, address_type, f"{apath}[{i}]")
        conditions = as_obj(endpoint.get("conditions"), f"{epath}.conditions")
        for key in ("ready", "serving", "terminating"):
            if conditions.get(key) is not None and not isinstance(conditions[key], bool):
                raise TypeError(f"{epath}.conditions.{key} must be a boolean")
        topology = as_obj(endpoint.get("deprecatedTopology"), f"{epath}.deprecatedTopology")
        if len(topology) > MAX_TOPOLOGY_LABELS:
            errs.append(too_many(f"{epath}.deprecatedTopology", len(topology), MAX_TOPOLOGY_LABELS))
        errs += validate_labels(topology or None, f"{epath}.deprecatedTopology")
        if endpoint.get("nodeName") is not None:
            errs += subdomain(as_str(endpoint["nodeName"], epath), f"{epath}.nodeName")
        if endpoint.get("hostname") is not None:
            errs += dns1123_label(as_str(endpoint["hostname"], epath), f"{epath}.hostname")
        hints = as_obj(endpoint.get("hints"), f"{epath}.hints")
        zones = objects(hints.get("forZones"), f"{epath}.hints.forZones")
        if len(zones) > MAX_ZONE_HINTS:
            errs.append(too_many(f"{epath}.hints.forZones", len(zones), MAX_ZONE_HINTS))
        seen: set[str] = set()
        for zpath, zone in zones:
            name = as_str(zone.get("name"), f"{zpath}.name")
            if name in seen:
                errs.append(duplicate(f"{zpath}.name", name))
            seen.add(name)
    return errs


def _slice_ports(ports: Any) -> list[FieldError]:
    items = objects(ports, "ports")
    if len(items) > MAX_PORTS:
        return [too_many("ports", len(items), MAX_PORTS)]
    errs: list[FieldError] = []
    names: set[str] = set()
    for ppath, port in items:
        name = as_str(port.get("name"), f"{ppath}.name")
        if name:
            errs += dns1123_label(name, f"{ppath}.name")
        if name in names:
            errs.append(duplicate(f"{ppath}.name", name))
        names.add(name)
        protocol = port.get("protocol")
        if protocol is None:
            errs.append(required(f"{ppath}.protocol"))
        elif protocol not in PROTOCOLS:
            errs.append(not_supported(f"{ppath}.protocol", protocol, PROTOCOLS))
        if port.get("appProtocol") is not None:
            app = as_str(port["appProtocol"], f"{ppath}.appProtocol")
            errs += qualified_name(app, f"{ppath}.appProtocol")
    return errs


def validate_endpoint_slice(obj: Obj) -> list[FieldError]:
    """``ValidateEndpointSlice`` (create: IPv4, IPv6 or FQDN)."""
    address_type = as_str(obj.get("addressType"), "addressType")
    errs: list[FieldError] = []
    if not address_type:
        errs.append(required("addressType"))
    elif address_type not in ADDRESS_TYPES:
        errs.append(not_supported("addressType", address_type, ADDRESS_TYPES))
    errs += _slice_endpoints(obj.get("endpoints"), address_type)
    return errs + _slice_ports(obj.get("ports"))


def validate_endpoint_slice_update(new: Obj, old: Obj) -> list[FieldError]:
    """``ValidateEndpointSliceUpdate``: addressType is immutable."""
    errs = validate_endpoint_slice(new)
    return errs + immutable(new.get("addressType"), old.get("addressType"), "addressType")
