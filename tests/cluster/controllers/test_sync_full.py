"""Whole-cluster passes of the endpoint controllers: the same result as per-key syncs and as a
from-scratch computation, nothing written when nothing differs, orphans removed."""

from __future__ import annotations

from cluster.actions.objects import create_object
from cluster.controllers.endpointslices import CONTROLLER_NAME, MANAGED_BY_LABEL
from cluster.controllers.sync_endpoints import sync_endpoints, sync_endpointslices
from cluster.controllers.sync_full import (
    from_scratch,
    full_sync_endpoints,
    full_sync_endpointslices,
    stored_state,
)
from cluster.models import ChangeEvent, Service
from tests.cluster.controllers.discovery_setup import (
    delete_pod,
    disown,
    endpoints_of,
    kind,
    make_pod,
    make_service,
    patch_service,
    relabel_pod,
    revision,
    set_pod_status,
    slices_of,
    stage_pods,
)


def a_small_world() -> None:
    make_service("web")
    make_service("api", selector={"app": "api"}, ports=[{"port": 81, "targetPort": "http"}])
    make_service("both", selector={"tier": "x"}, headless=True, ports=[])
    make_service("ext", selector={}, type_="ExternalName", ports=[], extra={"externalName": "e.io"})
    make_pod("w1", "10.244.0.5")
    make_pod("w2", "10.244.1.5", ready=False, node="node-2")
    make_pod("a1", "10.244.2.5", labels={"app": "api", "tier": "x"}, node="node-3")
    make_pod("a2", "10.244.2.6", labels={"app": "api"}, ports=[])
    make_pod("x1", "10.244.0.9", labels={"tier": "x"}, hostname="h", subdomain="both")
    stage_pods(120, labels={"app": "web"})


def managed_keys() -> list[str]:
    return [f"default/{n}" for n in ("web", "api", "both", "ext")]


def test_full_pass_equals_from_scratch_and_per_key_syncs(cluster):
    a_small_world()
    full_sync_endpoints()
    full_sync_endpointslices()
    expected = from_scratch()
    assert set(expected.endpoints) == {("default", n) for n in ("web", "api", "both")}
    assert stored_state() == expected
    # Per-key syncs agree: they find nothing to change.
    before = revision()
    for key in managed_keys():
        sync_endpoints(key)
        sync_endpointslices(key)
    assert revision() == before


def test_per_key_syncs_converge_to_what_the_full_pass_finds_nothing_to_add_to(cluster):
    a_small_world()
    for key in managed_keys():
        sync_endpoints(key)
        sync_endpointslices(key)
    assert stored_state() == from_scratch()
    before = revision()
    full_sync_endpoints()
    full_sync_endpointslices()
    assert revision() == before


def test_a_no_op_full_pass_writes_nothing(cluster):
    a_small_world()
    full_sync_endpoints()
    full_sync_endpointslices()
    before = revision()
    events = ChangeEvent.objects.count()
    assert full_sync_endpoints().created == 0
    assert full_sync_endpointslices().updated == 0
    assert (revision(), ChangeEvent.objects.count()) == (before, events)


def test_full_pass_after_churn_writes_only_the_changed_services(cluster):
    a_small_world()
    full_sync_endpoints()
    full_sync_endpointslices()
    set_pod_status("w2", "10.244.1.5", ready=True)
    relabel_pod("a1", {"app": "web", "tier": None})  # leaves "api" and "both"
    delete_pod("bulk-00003")
    patch_service("api", {"spec": {"selector": {"app": "nothing"}}})
    outcome = full_sync_endpoints()
    assert (outcome.created, outcome.updated, outcome.deleted) == (0, 3, 0)
    full_sync_endpointslices()
    assert stored_state() == from_scratch()


def test_full_pass_removes_orphans(cluster):
    a_small_world()
    full_sync_endpoints()
    full_sync_endpointslices()
    # An Endpoints object without a Service; a managed slice of a Service that is gone; a
    # slice of "web" owned by an earlier "web".
    create_object(kind("Endpoints"), namespace="default", body={"metadata": {"name": "gone"}})
    labels = {"kubernetes.io/service-name": "gone", MANAGED_BY_LABEL: CONTROLLER_NAME}
    create_object(
        kind("EndpointSlice"),
        namespace="default",
        body={"metadata": {"name": "gone-1", "labels": labels}, "addressType": "IPv4"},
    )
    web = slices_of("web")[0]["metadata"]["name"]
    disown(web)
    assert stored_state() != from_scratch()
    assert full_sync_endpoints().deleted == 1
    outcome = full_sync_endpointslices()
    assert outcome.deleted == 2 and outcome.created >= 1
    assert endpoints_of("gone") is None
    assert stored_state() == from_scratch()


def test_full_pass_leaves_unmanaged_services_alone(cluster):
    make_service("manual", selector={})
    body = {"metadata": {"name": "manual"}, "subsets": [{"addresses": [{"ip": "192.0.2.1"}]}]}
    create_object(kind("Endpoints"), namespace="default", body=body)
    before = revision()
    full_sync_endpoints()
    full_sync_endpointslices()
    assert revision() == before
    assert endpoints_of("manual")["subsets"][0]["addresses"][0]["ip"] == "192.0.2.1"


def test_full_pass_writes_through_the_strategies_with_one_event_each(cluster):
    a_small_world()
    first = revision()
    outcome = full_sync_endpointslices()
    events = list(ChangeEvent.objects.filter(revision__gt=first))
    assert len(events) == outcome.created == len(set(e.revision for e in events))
    assert {e.kind for e in events} == {"EndpointSlice"}
    assert all(e.object["metadata"]["generation"] == 1 for e in events)
    assert revision() == first + outcome.created
    assert Service.objects.count() >= 4


def test_the_slices_pass_reuses_a_no_op_endpoints_pass_read_only_if_nothing_changed(
    cluster, monkeypatch
):
    from cluster.controllers import sync_full

    a_small_world()
    full_sync_endpoints()
    full_sync_endpointslices()
    reads = []
    real = sync_full.read_world
    monkeypatch.setattr(sync_full, "read_world", lambda *a, **k: reads.append(k) or real(*a, **k))
    full_sync_endpoints()
    full_sync_endpointslices()
    assert len(reads) == 1  # the slices pass used the endpoints pass's read
    full_sync_endpoints()
    relabel_pod("a1", {"app": "web", "tier": None})  # committed between the two passes
    full_sync_endpointslices()
    assert len(reads) == 3  # a fresh read: the handed-over one was stale
    full_sync_endpoints()
    full_sync_endpointslices()
    assert stored_state() == from_scratch()
