"""The revisioned change log: every write bumps the one global revision, stamps
resourceVersion and records an event with the object's full JSON; the events reduce the old
state to the new one (Zulip's verify_action contract)."""

from __future__ import annotations

import pytest

from cluster.events import events_since, reduce, snapshot
from cluster.models import ChangeEvent
from cluster.selectors import current_revision

SVC = "/api/v1/namespaces/default/services"


def verify_action(action):
    """Run ``action``; assert the events it recorded turn the old snapshot into the new one."""
    rev0, before = snapshot()
    action()
    rev1, after = snapshot()
    events = events_since(rev0)
    assert [e.revision for e in events] == list(range(rev0 + 1, rev1 + 1))
    assert reduce(before, events) == after
    return events


@pytest.mark.parametrize(
    "action",
    [
        lambda api: api.post(SVC, {"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}),
        lambda api: api.patch(f"{SVC}/kubernetes", {"metadata": {"labels": {"x": "y"}}}),
        lambda api: api.delete(f"{SVC}/kubernetes"),
        lambda api: api.post("/api/v1/namespaces", {"metadata": {"name": "team-a"}}),
    ],
    ids=["create", "patch", "delete-with-endpoints", "create-namespace"],
)
def test_every_write_is_an_event_that_reduces_old_state_to_new(api, action):
    events = verify_action(lambda: action(api))
    assert events, "a write must record at least one event"


def test_resource_version_is_the_revision_of_the_write(api):
    before = current_revision()
    created = api.post(SVC, {"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}})
    assert created.status == 201
    assert created.body["metadata"]["resourceVersion"] == str(before + 1)
    event = ChangeEvent.objects.get(revision=before + 1)
    assert (event.type, event.kind, event.name) == ("ADDED", "Service", "web")
    assert event.object == created.body


def test_delete_cascades_are_separate_events_in_one_transaction(api):
    rev0 = current_revision()
    assert api.delete(f"{SVC}/kubernetes").status == 200
    kinds = [(e.type, e.kind, e.name) for e in events_since(rev0)]
    assert ("DELETED", "Endpoints", "kubernetes") in kinds
    assert kinds[-1] == ("DELETED", "Service", "kubernetes")


def test_a_failed_write_records_nothing(api):
    rev0 = current_revision()
    bad = api.post(SVC, {"metadata": {"name": "Not_Valid"}, "spec": {"ports": [{"port": 80}]}})
    assert bad.status == 422
    assert current_revision() == rev0
    assert not events_since(rev0)


def test_a_no_op_update_writes_nothing(api):
    current = api.get(f"{SVC}/kubernetes").body
    rev0 = current_revision()
    again = api.put(f"{SVC}/kubernetes", current)
    assert again.status == 200
    assert again.body["metadata"]["resourceVersion"] == current["metadata"]["resourceVersion"]
    assert current_revision() == rev0


def test_effects_are_dispatched_only_after_commit(api, django_capture_on_commit_callbacks):
    from cluster import events as ev

    seen = []
    ev.add_listener(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            api.post(SVC, {"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}})
        assert seen == []  # nothing before commit
        for cb in callbacks:
            cb()
        assert [e.name for e in seen[0].events] == ["web"]
    finally:
        ev.remove_listener(seen.append)


def test_a_big_transaction_logs_every_object(api):
    """Past COPY_THRESHOLD rows the change log is appended with COPY on Postgres: the same
    contract holds."""
    from cluster.actions.base import COPY_THRESHOLD, writing
    from cluster.actions.objects import create_object
    from cluster.kinds import by_kind

    def many():
        with writing():
            for i in range(COPY_THRESHOLD + 10):
                create_object(
                    by_kind("Namespace"), namespace="", body={"metadata": {"name": f"ns-{i}"}}
                )

    events = verify_action(many)
    assert len(events) == COPY_THRESHOLD + 10
    assert ChangeEvent.objects.filter(kind="Namespace", name__startswith="ns-").count() == len(
        events
    )
