"""The DNS server's view of the cluster: what CoreDNS's ``kubernetes`` plugin keeps in its
informer caches, reduced to what answers need and keyed for dict lookups.

CoreDNS reads Services, EndpointSlices (never v1 Endpoints), Namespaces and, for ``pods
verified``, Pods (discovery.md §3.1). An EndpointSlice address is published when its
``conditions.ready`` is true or absent (``endpointsliceReady``); a slice without ports gets one
sentinel port ``-1`` (A/AAAA answers, never SRV). Names are compared case-insensitively, so
every key is lower case.

The index is built from Kubernetes JSON (:meth:`Index.from_objects`, or one object at a time
with :meth:`Index.apply` as the change log is followed) and is pure: no database, no clock
except the SOA serial's "last modified" stamp. Writers and readers share :attr:`Index.lock`;
``generation`` counts applied changes, so a response cache knows when to forget.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]

# The kinds whose changes can change an answer.
KINDS = ("Namespace", "Service", "EndpointSlice", "Pod")
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
POD_NAME_MAX = 63  # CoreDNS ignores target pod names that are not valid labels (len < 64)


@dataclass(frozen=True, slots=True)
class Port:
    name: str  # lower case
    protocol: str  # lower case
    port: int  # -1: the sentinel of a slice without ports


SENTINEL_PORTS = (Port("", "", -1),)


@dataclass(frozen=True, slots=True)
class ServiceRecord:
    namespace: str
    name: str
    type: str  # ClusterIP, NodePort, LoadBalancer, ExternalName
    headless: bool
    cluster_ips: tuple[str, ...]  # canonical text, without "None"
    external_name: str
    ports: tuple[Port, ...]


@dataclass(frozen=True, slots=True)
class Address:
    """One published (ready) endpoint address of a slice."""

    ip: str  # canonical text
    hostname: str  # the slice endpoint's ``hostname`` ("" when unset)
    target: str  # the target pod's name when it can be a label ("" otherwise)
    dashed: str  # the IP as a label: 10-0-0-1, 5678-abcd--1

    def label(self, pod_names: bool = False) -> str:
        """CoreDNS ``endpointHostname``: the hostname, else (``endpoint_pod_names``) the pod
        name, else the dashed IP."""
        if self.hostname:
            return self.hostname
        if pod_names and self.target:
            return self.target
        return self.dashed


@dataclass(frozen=True, slots=True)
class SliceRecord:
    namespace: str
    name: str
    service: str
    ports: tuple[Port, ...]
    addresses: tuple[Address, ...]


def canonical_ip(text: str) -> str | None:
    """The IP in canonical text (lower-case, compressed IPv6), or None when not an IP. An
    IPv4-mapped IPv6 address is its IPv4 address (Go's ``net.IP.String``)."""
    if not text or "%" in text:
        return None
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ip)


def dashed(ip: str) -> str:
    """An IP as a DNS label: dots and colons become dashes; a label cannot end in a dash, so a
    trailing one is completed with ``0`` (discovery.md §3.2)."""
    label = ip.replace(".", "-").replace(":", "-")
    return label + "0" if label.endswith("-") else label


def _ports(raw: Any) -> tuple[Port, ...]:
    out = []
    for p in raw or []:
        number = p.get("port")
        out.append(
            Port(
                str(p.get("name") or "").lower(),
                str(p.get("protocol") or "").lower(),
                int(number) if number is not None else -1,
            )
        )
    return tuple(out)


def service_record(obj: Obj) -> ServiceRecord:
    meta = obj.get("metadata") or {}
    spec = obj.get("spec") or {}
    raw_ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    svc_type = spec.get("type") or "ClusterIP"
    headless = bool(raw_ips) and raw_ips[0] == "None"
    ips = []
    if svc_type != "ExternalName" and not headless:
        for raw in raw_ips:
            ip = canonical_ip(str(raw))
            if ip is not None:
                ips.append(ip)
    return ServiceRecord(
        namespace=str(meta.get("namespace") or "").lower(),
        name=str(meta.get("name") or "").lower(),
        type=svc_type,
        headless=headless and svc_type != "ExternalName",
        cluster_ips=tuple(ips),
        external_name=str(spec.get("externalName") or ""),
        ports=_ports(spec.get("ports")),
    )


def endpoint_ready(endpoint: Obj) -> bool:
    """``endpointsliceReady``: ready unless ``conditions.ready`` is false."""
    ready = (endpoint.get("conditions") or {}).get("ready")
    return ready is None or bool(ready)


def slice_record(obj: Obj) -> SliceRecord | None:
    """The slice as CoreDNS keeps it, or None for slices DNS cannot use (no service-name
    label; FQDN address type)."""
    meta = obj.get("metadata") or {}
    service = ((meta.get("labels") or {}).get(SERVICE_NAME_LABEL) or "").lower()
    if not service or obj.get("addressType") == "FQDN":
        return None
    ports = _ports(obj.get("ports")) or SENTINEL_PORTS
    addresses = []
    for endpoint in obj.get("endpoints") or []:
        if not endpoint_ready(endpoint):
            continue
        ref = endpoint.get("targetRef") or {}
        target = str(ref.get("name") or "") if ref.get("kind", "Pod") == "Pod" else ""
        if len(target) > POD_NAME_MAX:
            target = ""
        for raw in endpoint.get("addresses") or []:
            ip = canonical_ip(str(raw))
            if ip is None:
                continue
            addresses.append(
                Address(ip, str(endpoint.get("hostname") or "").lower(), target.lower(), dashed(ip))
            )
    return SliceRecord(
        namespace=str(meta.get("namespace") or "").lower(),
        name=str(meta.get("name") or ""),
        service=service,
        ports=ports,
        addresses=tuple(addresses),
    )


def pod_ips(obj: Obj) -> tuple[str, ...]:
    """The IPs a pod answers for in ``pods verified`` mode; none while it terminates."""
    meta = obj.get("metadata") or {}
    if meta.get("deletionTimestamp"):
        return ()
    status = obj.get("status") or {}
    raw = [p.get("ip") for p in status.get("podIPs") or []] or [status.get("podIP")]
    ips = []
    for text in raw:
        ip = canonical_ip(str(text or ""))
        if ip is not None and ip not in ips:
            ips.append(ip)
    return tuple(ips)


class Index:
    """Namespaces, Services, EndpointSlices and pod IPs, with reverse (IP → name) maps."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.namespaces: set[str] = set()
        self.services: dict[tuple[str, str], ServiceRecord] = {}
        # (namespace, service) → slice name → slice
        self.slices: dict[tuple[str, str], dict[str, SliceRecord]] = {}
        self._slice_owner: dict[tuple[str, str], tuple[str, str]] = {}  # (ns, slice) → service
        self.service_ips: dict[str, dict[tuple[str, str], None]] = {}  # ip → services
        # ip → (namespace, service, slice) → addresses of that slice with this IP
        self.endpoint_ips: dict[str, dict[tuple[str, str, str], tuple[Address, ...]]] = {}
        self.pods: dict[tuple[str, str], tuple[str, ...]] = {}
        self.pod_ips: dict[str, dict[str, int]] = {}  # ip → namespace → number of pods
        self.revision = 0  # the change-log revision the index is current at
        self.synced = False  # False until the first full read (answers SERVFAIL, not NXDOMAIN)
        self.generation = 0  # bumped by every applied change that can alter an answer
        self.modified = int(time.time())  # the SOA serial: last change, unix seconds

    # --- building ------------------------------------------------------------------------
    @classmethod
    def from_objects(cls, objects: Iterable[Obj], *, revision: int = 0) -> Index:
        """An index of ``objects`` (Kubernetes JSON of any kinds; others are ignored)."""
        index = cls()
        index.load(objects, revision=revision)
        return index

    def load(self, objects: Iterable[Obj], *, revision: int) -> None:
        """Replace the whole content (a snapshot)."""
        fresh = Index()
        for obj in objects:
            fresh._apply(str(obj.get("kind") or ""), "ADDED", obj)
        with self.lock:
            for attr in (
                "namespaces",
                "services",
                "slices",
                "_slice_owner",
                "service_ips",
                "endpoint_ips",
                "pods",
                "pod_ips",
            ):
                setattr(self, attr, getattr(fresh, attr))
            self.revision = revision
            self.synced = True
            self.touch()

    def apply(self, kind: str, event_type: str, obj: Obj) -> bool:
        """Apply one change-log event; returns whether an answer may have changed."""
        with self.lock:
            changed = self._apply(kind, event_type, obj)
            if changed:
                self.touch()
            return changed

    def touch(self) -> None:
        self.generation += 1
        self.modified = int(time.time())

    def _apply(self, kind: str, event_type: str, obj: Obj) -> bool:
        meta = obj.get("metadata") or {}
        name = str(meta.get("name") or "")
        namespace = str(meta.get("namespace") or "").lower()
        deleted = event_type == "DELETED"
        if kind == "Namespace":
            key = name.lower()
            if deleted:
                if key not in self.namespaces:
                    return False
                self.namespaces.discard(key)
            else:
                if key in self.namespaces:
                    return False
                self.namespaces.add(key)
            return True
        if kind == "Service":
            return self._apply_service(namespace, name.lower(), None if deleted else obj)
        if kind == "EndpointSlice":
            return self._apply_slice(namespace, name, None if deleted else obj)
        if kind == "Pod":
            return self._apply_pod(namespace, name, () if deleted else pod_ips(obj))
        return False

    def _apply_service(self, namespace: str, name: str, obj: Obj | None) -> bool:
        key = (namespace, name)
        old = self.services.get(key)
        new = service_record(obj) if obj is not None else None
        if old == new:
            return False
        if old is not None:
            for ip in old.cluster_ips:
                owners = self.service_ips.get(ip)
                if owners is not None:
                    owners.pop(key, None)
                    if not owners:
                        del self.service_ips[ip]
            del self.services[key]
        if new is not None:
            self.services[key] = new
            for ip in new.cluster_ips:
                self.service_ips.setdefault(ip, {})[key] = None
        return True

    def _apply_slice(self, namespace: str, name: str, obj: Obj | None) -> bool:
        owner = self._slice_owner.get((namespace, name))
        old = self.slices.get(owner, {}).get(name) if owner is not None else None
        new = slice_record(obj) if obj is not None else None
        if old == new:
            return False
        if old is not None and owner is not None:
            for addr in old.addresses:
                entries = self.endpoint_ips.get(addr.ip)
                if entries is not None:
                    entries.pop((namespace, old.service, name), None)
                    if not entries:
                        del self.endpoint_ips[addr.ip]
            by_name = self.slices[owner]
            del by_name[name]
            if not by_name:
                del self.slices[owner]
            del self._slice_owner[(namespace, name)]
        if new is not None:
            svc_key = (namespace, new.service)
            self.slices.setdefault(svc_key, {})[name] = new
            self._slice_owner[(namespace, name)] = svc_key
            same_ip: dict[str, list[Address]] = {}
            for addr in new.addresses:
                same_ip.setdefault(addr.ip, []).append(addr)
            for ip, addrs in same_ip.items():
                self.endpoint_ips.setdefault(ip, {})[(namespace, new.service, name)] = tuple(addrs)
        return True

    def _apply_pod(self, namespace: str, name: str, ips: tuple[str, ...]) -> bool:
        key = (namespace, name)
        old = self.pods.get(key, ())
        if old == ips:
            return False
        for ip in old:
            counts = self.pod_ips.get(ip)
            if counts is not None:
                counts[namespace] = counts.get(namespace, 1) - 1
                if counts[namespace] <= 0:
                    del counts[namespace]
                if not counts:
                    del self.pod_ips[ip]
        if ips:
            self.pods[key] = ips
            for ip in ips:
                counts = self.pod_ips.setdefault(ip, {})
                counts[namespace] = counts.get(namespace, 0) + 1
        else:
            self.pods.pop(key, None)
        return True

    # --- reading (callers hold ``lock`` for a consistent view) ---------------------------
    def service(self, namespace: str, name: str) -> ServiceRecord | None:
        return self.services.get((namespace, name))

    def slices_of(self, namespace: str, service: str) -> list[SliceRecord]:
        """The service's slices in name order (answers are deterministic)."""
        by_name = self.slices.get((namespace, service))
        if not by_name:
            return []
        return [by_name[n] for n in sorted(by_name)]
