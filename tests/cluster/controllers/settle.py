"""Stepping the control plane in tests: commit writes (the test's transaction never commits, so
on-commit callbacks are captured and run), then run the queued syncs until nothing is left."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from cluster.controllers.runtime import ManualBackend

Capture = Callable[..., AbstractContextManager[Any]]


class ControlPlane:
    def __init__(self, capture: Capture, backend: ManualBackend) -> None:
        self.capture = capture
        self.backend = backend

    def write(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run one write and route what it committed to the controllers' queue."""
        with self.capture(execute=True):
            return fn(*args, **kwargs)

    def settle(self, max_rounds: int = 200) -> int:
        """Run queued syncs (and what their writes queue) until the queue is empty."""
        total = 0
        for _ in range(max_rounds):
            with self.capture(execute=True):
                ran = self.backend.drain()
            total += ran
            if ran == 0 and not self.backend.pending:
                return total
        raise AssertionError("the control plane did not settle")
