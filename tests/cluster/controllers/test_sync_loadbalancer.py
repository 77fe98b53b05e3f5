"""The ``loadbalancer`` controller: addresses from ``PORTOLAN_LB_POOL`` (MetalLB-like), the
pending condition, release on delete and type change, requested addresses, other classes."""

from __future__ import annotations

import pytest

from cluster.controllers import routing
from cluster.controllers.lbpool import CONDITION, parse_pool
from cluster.controllers.sync_loadbalancer import full_sync_loadbalancer, sync_loadbalancer
from cluster.models import Service
from tests.cluster.controllers.discovery_setup import (
    delete_service,
    kind,
    make_service,
    patch_service,
    revision,
)

POOL = "172.18.255.200-172.18.255.202"


@pytest.fixture(autouse=True)
def _pool(settings):
    settings.PORTOLAN_LB_POOL = POOL


def lb(name, **extra):
    make_service(name, type_="LoadBalancer", extra=extra or None)
    sync_loadbalancer(f"default/{name}")
    return status(name)


def status(name):
    return kind("Service").to_k8s(Service.objects.get(namespace="default", name=name))["status"]


def ingress(name):
    return [i["ip"] for i in status(name)["loadBalancer"].get("ingress", [])]


def condition(name):
    [c] = [c for c in status(name).get("conditions", []) if c["type"] == CONDITION]
    return c


@pytest.mark.parametrize(
    "text, first, last, size",
    [
        ("10.0.0.1-10.0.0.3", "10.0.0.1", "10.0.0.3", 3),
        ("10.0.0.0/30", "10.0.0.1", "10.0.0.2", 2),  # network and broadcast left out
        ("10.0.0.8/31", "10.0.0.8", "10.0.0.9", 2),
        ("fd00::1-fd00::2", "fd00::1", "fd00::2", 2),
    ],
)
def test_pool_forms(text, first, last, size):
    pool = parse_pool(text)
    addresses = list(pool.addresses())
    assert (addresses[0], addresses[-1], pool.size) == (first, last, size)
    assert first in pool and "192.0.2.1" not in pool


@pytest.mark.parametrize("text", ["10.0.0.1", "10.0.0.3-10.0.0.1", "10.0.0.1-fd00::1", "x/8"])
def test_bad_pools_are_rejected(text):
    with pytest.raises(ValueError):
        parse_pool(text)


def test_lowest_free_address_with_vip_mode_and_condition(cluster):
    first = lb("a")
    assert first["loadBalancer"] == {"ingress": [{"ip": "172.18.255.200", "ipMode": "VIP"}]}
    assert condition("a")["status"] == "True" and condition("a")["reason"] == "Allocated"
    lb("b")
    assert ingress("b") == ["172.18.255.201"]


def test_a_second_sync_writes_nothing(cluster):
    lb("a")
    before = revision()
    sync_loadbalancer("default/a")
    assert revision() == before


def test_exhausted_pool_leaves_the_service_pending_and_says_why(cluster):
    for name in ("a", "b", "c"):
        lb(name)
    lb("d")
    assert ingress("d") == []
    c = condition("d")
    assert (c["status"], c["reason"]) == ("False", "PoolExhausted")
    assert POOL in c["message"]


def test_kubectl_shows_pending(cluster, api):
    for name in ("a", "b", "c", "d"):
        lb(name)
    table = api.get(
        "/api/v1/namespaces/default/services/d",
        headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"},
    )
    assert table.status == 200
    assert "<pending>" in table.body["rows"][0]["cells"]


def test_deletion_frees_the_address_for_a_pending_service(cluster, control_plane):
    for name in ("a", "b", "c", "d"):
        lb(name)
    delete_service("b")
    sync_loadbalancer("default/b")
    assert (routing.LOADBALANCER, "default/d") in control_plane.keys
    sync_loadbalancer("default/d")
    assert ingress("d") == ["172.18.255.201"]
    assert condition("d")["status"] == "True"


def test_type_change_releases_and_clears_the_condition(
    cluster, control_plane, django_capture_on_commit_callbacks
):
    for name in ("a", "b", "c", "d"):
        lb(name)
    patch_service("a", {"spec": {"type": "ClusterIP"}})
    assert ingress("a") == []  # the Service strategy clears status.loadBalancer
    with django_capture_on_commit_callbacks(execute=True):  # the sync's write queues "d"
        sync_loadbalancer("default/a")
    assert "conditions" not in status("a")
    assert (routing.LOADBALANCER, "default/d") in control_plane.keys
    sync_loadbalancer("default/d")
    assert ingress("d") == ["172.18.255.200"]


def test_requested_free_address_in_the_pool_is_honoured(cluster):
    lb("a", loadBalancerIP="172.18.255.202")
    assert ingress("a") == ["172.18.255.202"]
    lb("b")
    assert ingress("b") == ["172.18.255.200"]


def test_requested_address_is_reserved_for_its_requester(cluster):
    make_service("req", type_="LoadBalancer", extra={"loadBalancerIP": "172.18.255.200"})
    lb("a")  # the lowest free address, but not the one "req" asked for
    assert ingress("a") == ["172.18.255.201"]


@pytest.mark.parametrize(
    "ip, reason",
    [("192.0.2.10", "RequestedIPNotInPool"), ("172.18.255.200", "RequestedIPInUse")],
)
def test_unavailable_requested_address_stays_pending(cluster, ip, reason):
    lb("first")
    lb("late", loadBalancerIP=ip)
    assert ingress("late") == []
    assert condition("late")["reason"] == reason


def test_another_load_balancer_class_is_left_alone(cluster):
    before = revision()
    lb("other", loadBalancerClass="example.com/lb")
    after_create = revision()
    assert after_create == before + 1
    assert status("other") == {"loadBalancer": {}}


def test_non_load_balancer_services_get_nothing(cluster):
    make_service("plain")
    before = revision()
    sync_loadbalancer("default/plain")
    assert revision() == before and status("plain") == {"loadBalancer": {}}


def test_full_pass_allocates_pending_services_and_keeps_holders(cluster):
    make_service("a", type_="LoadBalancer")
    make_service("b", type_="LoadBalancer")
    assert full_sync_loadbalancer() == 2
    held = {n: ingress(n) for n in ("a", "b")}
    assert sorted(sum(held.values(), [])) == ["172.18.255.200", "172.18.255.201"]
    delete_service("a")
    make_service("c", type_="LoadBalancer")
    assert full_sync_loadbalancer() == 1
    assert ingress("b") == held["b"]
    assert ingress("c") == held["a"]
    assert full_sync_loadbalancer() == 0


def test_an_address_outside_a_changed_pool_is_replaced(cluster, settings):
    lb("a")
    settings.PORTOLAN_LB_POOL = "172.18.254.1-172.18.254.9"
    assert full_sync_loadbalancer() == 1
    assert ingress("a") == ["172.18.254.1"]
