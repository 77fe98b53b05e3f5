"""The change-log event schema and the after-commit fan-out.

Writers record events (one per object written) and reconcile keys inside their transaction;
only after the transaction commits are they handed to the listeners registered here: the
controller enqueuer and the live-view broadcaster. A listener must not raise; a lost
notification is repaired by the periodic resync (controllers) or by resume (live view).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("portolan.events")


@dataclass(frozen=True)
class Event:
    revision: int
    type: str  # ADDED | MODIFIED | DELETED
    kind: str
    namespace: str
    name: str
    object: dict[str, Any]
    # The object before this change (MODIFIED; for DELETED the object itself is the last
    # state). In memory only, for routing: the change log keeps the new state.
    previous: dict[str, Any] | None = None

    def as_message(self) -> dict[str, Any]:
        return {"revision": self.revision, "type": self.type, "object": self.object}


@dataclass
class Committed:
    """What one transaction changed, handed to listeners after commit."""

    events: list[Event] = field(default_factory=list)
    keys: set[tuple[str, str]] = field(default_factory=set)  # (controller, "ns/name")
    # The controller that wrote this ("" for users and other writers).
    origin: str = ""


Listener = Callable[[Committed], None]
_listeners: list[Listener] = []


def add_listener(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def dispatch(committed: Committed) -> None:
    for listener in list(_listeners):
        try:
            listener(committed)
        except Exception:  # noqa: BLE001 - a listener must never break a committed write
            log.exception("listener %r failed", listener)


def events_since(
    revision: int, kinds: Iterable[str] | None = None, limit: int = 10000
) -> list[Event]:
    from cluster.models import ChangeEvent

    qs = ChangeEvent.objects.filter(revision__gt=revision)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return [
        Event(e.revision, e.type, e.kind, e.namespace, e.name, e.object)
        for e in qs.order_by("revision")[:limit]
    ]


# --- the reference reducer (Zulip's verify_action contract) ---------------------------------

StateKey = tuple[str, str, str]  # (kind, namespace, name)


def reduce(
    state: dict[StateKey, dict[str, Any]], events: Iterable[Event]
) -> dict[StateKey, dict[str, Any]]:
    """Apply events to a snapshot: the state a client holds after receiving them."""
    out = dict(state)
    for e in events:
        key = (e.kind, e.namespace, e.name)
        if e.type == "DELETED":
            out.pop(key, None)
        else:
            out[key] = e.object
    return out


def snapshot() -> tuple[int, dict[StateKey, dict[str, Any]]]:
    """Every stored object with the revision it is current at."""
    from cluster.kinds import all_kinds
    from cluster.selectors import consistent_read, current_revision

    state: dict[StateKey, dict[str, Any]] = {}
    with consistent_read():
        rev = current_revision()
        for kind in all_kinds():
            for inst in kind.model.objects.all():
                state[(kind.kind, inst.namespace, inst.name)] = kind.to_k8s(inst)
    return rev, state
