"""Cluster-IP and node-port allocation, as rows in the action's transaction.

Each allocated value is one row (``ClusterIPAllocation`` / ``NodePortAllocation``) with a unique
constraint. Writers are serialised by the revision row lock (``cluster.actions.base``), so a scan
for a free value and the insert that claims it cannot interleave with another writer; a failed
request rolls its rows back with everything else it wrote.

Both pools split into a lower "static" band and an upper "dynamic" band (KEP-3070 for IPs,
KEP-3668 for ports): automatic allocation starts at a random point of the upper band, scans
forward with wrap-around, and only then tries the lower band, so users can pick static values in
the lower band without racing the allocator.
"""

from __future__ import annotations

import functools
import ipaddress
import random
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from cluster.models import ClusterIPAllocation, NodePortAllocation
from cluster.validation.net import IPAddress, IPNetwork, parse_ip_sloppy, unmap


class AllocationError(Exception):
    """An allocator refused; ``str()`` is the upstream allocator's message."""


class RangeFull(AllocationError):
    def __init__(self) -> None:
        super().__init__("range is full")


class AlreadyAllocated(AllocationError):
    pass


class NotInRange(AllocationError):
    pass


# --- range offsets (static band size) ---------------------------------------------------------


def _graduated(size: int, *, low: int, high: int, step: int) -> int:
    """``min(max(low, size/step), high)``, and 0 when the range is too small for a band."""
    if size <= low:
        return 0
    return min(max(low, size // step), high)


def ip_range_offset(network: IPNetwork) -> int:
    """``ipallocator.calculateRangeOffset`` (KEP-3070): the size of the static band."""
    return _graduated(network.num_addresses, low=16, high=256, step=16)


def port_range_offset(size: int) -> int:
    """``portallocator.calculateRangeOffset`` (KEP-3668): the size of the static band."""
    return _graduated(size, low=16, high=128, step=32)


# --- the scan ---------------------------------------------------------------------------------


def first_free(lo: int, hi: int, taken: Iterable[int]) -> int | None:
    """The smallest value in ``[lo, hi]`` missing from ``taken`` (ascending, within range)."""
    expected = lo
    for value in taken:
        if value > expected:
            return expected
        expected = max(expected, value + 1)
        if expected > hi:
            return None
    return expected if expected <= hi else None


def scan_with_offset(
    size: int,
    offset: int,
    taken_between: Callable[[int, int], Iterable[int]],
    rng: random.Random | None = None,
) -> int | None:
    """``randomScanStrategyWithOffset``: a free index in ``[0, size)``.

    Try the upper band ``[offset, size)`` from a random start with wrap-around, then the lower
    band ``[0, offset)`` the same way. ``taken_between(lo, hi)`` yields the used indexes in
    ``[lo, hi]`` in ascending order.
    """
    rng = rng or random
    for lo, hi in ((offset, size - 1), (0, offset - 1)):
        if hi < lo:
            continue
        start = lo + rng.randrange(hi - lo + 1)
        found = first_free(start, hi, taken_between(start, hi))
        if found is None and start > lo:
            found = first_free(lo, start - 1, taken_between(lo, start - 1))
        if found is not None:
            return found
    return None


def _claim(create: Callable[[], object], error: AllocationError) -> None:
    try:
        with transaction.atomic():
            create()
    except IntegrityError as e:  # only without the revision lock; kept as a safety net
        raise error from e


# --- cluster IPs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IPRange:
    """The usable addresses of a service CIDR: IPv4 excludes network and broadcast addresses,
    IPv6 only the subnet address (and is capped at 65536 entries, like the bitmap)."""

    network: IPNetwork
    base: int  # integer form of the first usable address
    size: int  # number of usable addresses
    offset: int  # size of the static band

    @classmethod
    def of(cls, cidr: str) -> IPRange:
        network = ipaddress.ip_network(cidr, strict=False)
        size = network.num_addresses - 1
        if network.version == 4:
            size -= 1
        else:
            size = min(size, 65536 - 1)
        return cls(
            network, int(network.network_address) + 1, max(size, 0), ip_range_offset(network)
        )

    @property
    def family(self) -> str:
        return "IPv4" if self.network.version == 4 else "IPv6"

    def index_of(self, ip: IPAddress) -> int | None:
        ip = unmap(ip)
        if ip.version != self.network.version or ip not in self.network:
            return None
        index = int(ip) - self.base
        return index if 0 <= index < self.size else None

    def address(self, index: int) -> IPAddress:
        return ipaddress.ip_address(self.base + index)

    def not_in_range(self, ip: str) -> NotInRange:
        return NotInRange(f"provided IP {ip} is not in the valid range")


@functools.lru_cache(maxsize=8)
def _ip_range(cidr: str) -> IPRange:
    return IPRange.of(cidr)


def service_ip_range() -> IPRange:
    return _ip_range(settings.PORTOLAN_SERVICE_CIDR)


def allocate_ip(ip: str, *, owner: uuid.UUID | str, ip_range: IPRange | None = None) -> str:
    """``Allocate``: claim a requested IP. Returns it in canonical form."""
    r = ip_range or service_ip_range()
    parsed = parse_ip_sloppy(ip)
    index = None if parsed is None else r.index_of(parsed)
    if parsed is None or index is None:
        raise r.not_in_range(ip)
    address = r.base + index
    if ClusterIPAllocation.objects.filter(address=address).exists():
        raise AlreadyAllocated("provided IP is already allocated")
    text = str(r.address(index))
    _claim(
        lambda: ClusterIPAllocation.objects.create(address=address, ip=text, service_uid=owner),
        AlreadyAllocated("provided IP is already allocated"),
    )
    return text


def allocate_next_ip(*, owner: uuid.UUID | str, ip_range: IPRange | None = None) -> str:
    """``AllocateNext``: a free IP, dynamic band first. Raises :class:`RangeFull`."""
    r = ip_range or service_ip_range()

    def taken(lo: int, hi: int) -> Iterable[int]:
        rows = ClusterIPAllocation.objects.filter(
            address__gte=r.base + lo, address__lte=r.base + hi
        ).order_by("address")
        return (int(a) - r.base for a in rows.values_list("address", flat=True).iterator())

    index = scan_with_offset(r.size, r.offset, taken)
    if index is None:
        raise RangeFull()
    text = str(r.address(index))
    _claim(
        lambda: ClusterIPAllocation.objects.create(
            address=r.base + index, ip=text, service_uid=owner
        ),
        RangeFull(),
    )
    return text


def release_ips(ips: Iterable[str], *, owner: uuid.UUID | str) -> None:
    """``Release``: free ``owner``'s allocations of these IPs. Freeing an unallocated,
    out-of-range or someone else's IP is a no-op."""
    addresses = []
    for ip in ips:
        parsed = parse_ip_sloppy(ip)
        if parsed is not None:
            addresses.append(int(unmap(parsed)))
    if addresses:
        ClusterIPAllocation.objects.filter(address__in=addresses, service_uid=owner).delete()


# --- node ports -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortRange:
    base: int
    size: int
    offset: int

    @classmethod
    def parse(cls, text: str) -> PortRange:
        """``net.ParsePortRange``: ``"30000-32767"`` or a single port."""
        low, _, high = text.strip().partition("-")
        base = int(low)
        last = int(high) if high else base
        if not 0 <= base <= last <= 65535:
            raise ValueError(f"invalid port range {text!r}")
        size = last - base + 1
        return cls(base, size, port_range_offset(size))

    def __str__(self) -> str:
        return f"{self.base}-{self.base + self.size - 1}"

    def contains(self, port: int) -> bool:
        return self.base <= port < self.base + self.size


@functools.lru_cache(maxsize=8)
def _port_range(text: str) -> PortRange:
    return PortRange.parse(text)


def node_port_range() -> PortRange:
    return _port_range(settings.PORTOLAN_NODE_PORT_RANGE)


def allocate_port(
    port: int, *, owner: uuid.UUID | str, port_range: PortRange | None = None
) -> None:
    r = port_range or node_port_range()
    if not r.contains(port):
        raise NotInRange(
            f"provided port is not in the valid range. The range of valid ports is {r}"
        )
    if NodePortAllocation.objects.filter(port=port).exists():
        raise AlreadyAllocated("provided port is already allocated")
    _claim(
        lambda: NodePortAllocation.objects.create(port=port, service_uid=owner),
        AlreadyAllocated("provided port is already allocated"),
    )


def allocate_next_port(*, owner: uuid.UUID | str, port_range: PortRange | None = None) -> int:
    r = port_range or node_port_range()

    def taken(lo: int, hi: int) -> Iterable[int]:
        rows = NodePortAllocation.objects.filter(port__gte=r.base + lo, port__lte=r.base + hi)
        return (p - r.base for p in rows.order_by("port").values_list("port", flat=True))

    index = scan_with_offset(r.size, r.offset, taken)
    if index is None:
        raise RangeFull()
    port = r.base + index
    _claim(lambda: NodePortAllocation.objects.create(port=port, service_uid=owner), RangeFull())
    return port


def release_ports(ports: Iterable[int], *, owner: uuid.UUID | str) -> None:
    """Free ``owner``'s allocations of these node ports (others' are left alone)."""
    values = sorted({p for p in ports if p})
    if values:
        NodePortAllocation.objects.filter(port__in=values, service_uid=owner).delete()
