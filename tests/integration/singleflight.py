"""The single-flight check: the test process reads the sync intervals that the workers' probe
(``tests.integration.probe``) recorded in Redis and looks for two syncs of one key at once."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

PREFIX = "h3probe:"
READY_KEY = PREFIX + "ready:"
INFLIGHT = PREFIX + "inflight"
SYNCS = PREFIX + "syncs"

# (controller, key, pid, start, end)
Interval = tuple[str, str, int, float, float]


# --- read by the test process -------------------------------------------------------------------


def intervals(r, killed: dict[int, float]) -> list[Interval]:  # noqa: ANN001
    """Every recorded sync; one still in flight in a killed worker (pid → time of the kill)
    lasted until the kill (the key's lock stays taken after it, until its TTL)."""
    out: list[Interval] = []
    for raw in r.lrange(SYNCS, 0, -1):
        name, key, pid, start, end = json.loads(raw)
        out.append((name, key, int(pid), float(start), float(end)))
    for raw in r.hvals(INFLIGHT):
        name, key, pid, start = json.loads(raw)
        if int(pid) in killed:
            out.append((name, key, int(pid), float(start), killed[int(pid)]))
    return out


def inflight_pids(r) -> list[int]:  # noqa: ANN001
    return [int(json.loads(raw)[2]) for raw in r.hvals(INFLIGHT)]


def overlaps(syncs: Iterable[Interval]) -> list[tuple[Interval, Interval]]:
    """Pairs of syncs of the same (controller, key) whose intervals intersect."""
    by_key: dict[tuple[str, str], list[Interval]] = defaultdict(list)
    for s in syncs:
        by_key[(s[0], s[1])].append(s)
    found = []
    for runs in by_key.values():
        runs.sort(key=lambda s: s[3])
        latest = runs[0] if runs else None
        for run in runs[1:]:
            assert latest is not None
            if run[3] < latest[4]:
                found.append((latest, run))
            if run[4] > latest[4]:
                latest = run
    return found


def summary(syncs: Iterable[Interval]) -> str:
    """Syncs per controller and the time they took, for the test's printout."""
    count: dict[str, int] = defaultdict(int)
    busy: dict[str, float] = defaultdict(float)
    for name, _, _, start, end in syncs:
        count[name] += 1
        busy[name] += end - start
    return ", ".join(f"{n} {count[n]} ({busy[n]:.1f} s)" for n in sorted(count))
