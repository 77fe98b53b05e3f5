"""Range allocators (pkg/registry/core/service/{ipallocator,portallocator,allocator}) and the
Service allocation flow (storage/alloc.go) as pure functions and against the database."""

from __future__ import annotations

import ipaddress
import random
import uuid

import pytest

from cluster import allocators
from cluster.allocators import IPRange, PortRange, first_free, scan_with_offset
from cluster.kinds.service_alloc import drop_type_dependent_fields, patch_allocated_values
from cluster.models import ClusterIPAllocation, NodePortAllocation


# ipallocator TestCalculateRangeOffset / KEP-3070 table (spec §4.1)
@pytest.mark.parametrize(
    ("cidr", "offset"),
    [
        ("10.96.0.0/12", 256),
        ("10.0.0.0/24", 16),
        ("192.168.1.0/28", 0),
        ("192.168.1.0/27", 16),
        ("10.0.0.0/20", 256),
        ("10.0.0.0/21", 128),
        ("fd00::/120", 16),
        ("fd00::/64", 256),
    ],
)
def test_ip_calculate_range_offset(cidr: str, offset: int) -> None:
    assert allocators.ip_range_offset(ipaddress.ip_network(cidr)) == offset


# portallocator TestCalculateRangeOffset / KEP-3668 (spec §4.2)
@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("30000-32767", 86),
        ("30000-30015", 0),
        ("30000-30016", 16),
        ("30000-30599", 18),
        ("1-65535", 128),
    ],
)
def test_port_calculate_range_offset(text: str, offset: int) -> None:
    assert PortRange.parse(text).offset == offset


def test_ip_range_excludes_network_and_broadcast() -> None:
    r = IPRange.of("10.96.0.0/12")
    assert str(r.address(0)) == "10.96.0.1"
    assert str(r.address(r.size - 1)) == "10.111.255.254"
    assert str(r.address(r.offset - 1)) == "10.96.1.0"  # last address of the static band
    assert r.index_of(ipaddress.ip_address("10.96.0.0")) is None
    assert r.index_of(ipaddress.ip_address("10.111.255.255")) is None


@pytest.mark.parametrize(
    ("lo", "hi", "taken", "free"),
    [
        (0, 9, [], 0),
        (0, 9, [0, 1, 2], 3),
        (0, 9, [0, 2], 1),
        (5, 9, [5, 6, 7, 8, 9], None),
        (3, 5, [4], 3),
    ],
)
def test_first_free(lo: int, hi: int, taken: list[int], free: int | None) -> None:
    assert first_free(lo, hi, taken) == free


def test_scan_prefers_upper_band_then_wraps_then_lower_band() -> None:
    used: set[int] = set()

    def taken(lo: int, hi: int) -> list[int]:
        return sorted(v for v in used if lo <= v <= hi)

    rng = random.Random(7)
    picks = []
    for _ in range(10):
        value = scan_with_offset(10, 4, taken, rng)
        assert value is not None
        used.add(value)
        picks.append(value)
    assert sorted(picks[:6]) == [4, 5, 6, 7, 8, 9]  # the upper band fills first
    assert sorted(picks[6:]) == [0, 1, 2, 3]
    assert scan_with_offset(10, 4, taken, rng) is None


@pytest.mark.django_db
def test_allocate_ip_errors_and_release(settings) -> None:
    settings.PORTOLAN_SERVICE_CIDR = "10.200.0.0/29"
    owner = uuid.uuid4()
    assert allocators.allocate_ip("10.200.0.1", owner=owner) == "10.200.0.1"
    with pytest.raises(allocators.AlreadyAllocated, match="provided IP is already allocated"):
        allocators.allocate_ip("10.200.0.1", owner=owner)
    for bad in ("10.200.0.0", "10.200.0.7", "10.9.9.9"):
        with pytest.raises(allocators.NotInRange, match="not in the valid range"):
            allocators.allocate_ip(bad, owner=owner)
    got = {allocators.allocate_next_ip(owner=owner) for _ in range(5)}
    assert got == {f"10.200.0.{i}" for i in range(2, 7)}
    with pytest.raises(allocators.RangeFull, match="range is full"):
        allocators.allocate_next_ip(owner=owner)
    allocators.release_ips(["10.200.0.3"], owner=uuid.uuid4())  # not the owner: kept
    with pytest.raises(allocators.RangeFull):
        allocators.allocate_next_ip(owner=owner)
    allocators.release_ips(["10.200.0.3"], owner=owner)
    assert allocators.allocate_next_ip(owner=owner) == "10.200.0.3"


@pytest.mark.django_db
def test_leading_zero_ip_is_claimed_canonically(settings) -> None:
    settings.PORTOLAN_SERVICE_CIDR = "10.200.0.0/24"
    assert allocators.allocate_ip("10.200.0.010", owner=uuid.uuid4()) == "10.200.0.10"
    assert ClusterIPAllocation.objects.get().ip == "10.200.0.10"


@pytest.mark.django_db
def test_auto_ips_avoid_the_static_band(settings) -> None:
    settings.PORTOLAN_SERVICE_CIDR = "10.200.0.0/24"  # static band .1-.16
    ips = [allocators.allocate_next_ip(owner=uuid.uuid4()) for _ in range(100)]
    assert all(int(ip.rsplit(".", 1)[1]) > 16 for ip in ips)


@pytest.mark.django_db
def test_node_ports(settings) -> None:
    settings.PORTOLAN_NODE_PORT_RANGE = "30000-30004"
    owner = uuid.uuid4()
    with pytest.raises(allocators.NotInRange) as info:
        allocators.allocate_port(29999, owner=owner)
    assert (
        str(info.value)
        == "provided port is not in the valid range. The range of valid ports is 30000-30004"
    )
    allocators.allocate_port(30000, owner=owner)
    with pytest.raises(allocators.AlreadyAllocated, match="provided port is already allocated"):
        allocators.allocate_port(30000, owner=owner)
    assert sorted(allocators.allocate_next_port(owner=owner) for _ in range(4)) == [
        30001,
        30002,
        30003,
        30004,
    ]
    with pytest.raises(allocators.RangeFull):
        allocators.allocate_next_port(owner=owner)
    allocators.release_ports([30002], owner=uuid.uuid4())  # not the owner: kept
    assert NodePortAllocation.objects.count() == 5
    allocators.release_ports([30002], owner=owner)
    assert NodePortAllocation.objects.count() == 4


# storage.go patchAllocatedValues (spec D18 / C3)
def test_patch_allocated_values_matches_node_ports_by_name() -> None:
    old = {"spec": {"type": "NodePort", "clusterIP": "10.96.5.5", "clusterIPs": ["10.96.5.5"],
                    "ports": [{"name": "a", "port": 80, "nodePort": 30001},
                              {"name": "b", "port": 81, "nodePort": 30002}]}}  # fmt: skip
    new = {
        "spec": {
            "type": "LoadBalancer",
            "ports": [{"name": "b", "port": 81}, {"name": "c", "port": 82}],
        }
    }
    patch_allocated_values(new, old)
    assert new["spec"]["clusterIPs"] == ["10.96.5.5"]
    assert [p.get("nodePort") for p in new["spec"]["ports"]] == [30002, None]


def test_patch_allocated_values_does_not_reuse_a_port_taken_by_another() -> None:
    old = {"spec": {"type": "NodePort", "ports": [{"name": "a", "port": 80, "nodePort": 30001}]}}
    new = {"spec": {"type": "NodePort", "ports": [{"name": "a", "port": 80},
                                                  {"name": "b", "port": 81, "nodePort": 30001}]}}  # fmt: skip
    patch_allocated_values(new, old)
    assert "nodePort" not in new["spec"]["ports"][0]


# strategy.go dropTypeDependentFields (spec §4.5)
def test_drop_type_dependent_fields_only_unchanged_values() -> None:
    old = {"spec": {"type": "LoadBalancer", "externalTrafficPolicy": "Local", "healthCheckNodePort": 30100,
                    "allocateLoadBalancerNodePorts": True, "loadBalancerClass": "x.io/lb",
                    "ports": [{"port": 80, "nodePort": 30001}]},
           "status": {"loadBalancer": {"ingress": [{"ip": "1.1.1.1"}]}}}  # fmt: skip
    new = {"spec": {"type": "ClusterIP", "externalTrafficPolicy": "Local", "healthCheckNodePort": 30100,
                    "allocateLoadBalancerNodePorts": False, "loadBalancerClass": "x.io/lb",
                    "ports": [{"port": 80, "nodePort": 30001}]},
           "status": {"loadBalancer": {"ingress": [{"ip": "1.1.1.1"}]}}}  # fmt: skip
    drop_type_dependent_fields(new, old)
    spec = new["spec"]
    assert "externalTrafficPolicy" not in spec and "healthCheckNodePort" not in spec
    assert "loadBalancerClass" not in spec and "nodePort" not in spec["ports"][0]
    assert spec["allocateLoadBalancerNodePorts"] is False  # changed by the client: kept
    assert new["status"] == {"loadBalancer": {}}


def test_drop_type_dependent_fields_keeps_new_node_port() -> None:
    old = {"spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30001}]}}
    new = {"spec": {"type": "ClusterIP", "ports": [{"port": 80, "nodePort": 30009}]}}
    drop_type_dependent_fields(new, old)
    assert new["spec"]["ports"][0]["nodePort"] == 30009
