"""Issue 3's proof, embedded: the same controllers run in-process by the embedded mode's
``LocalBackend`` thread (what ``manage.py serve`` starts without Redis) pass the same
convergence test on a smaller scale.

In-process with ``transactional_db``: the controller thread is this process's, and the database
is the suite's (Postgres under ``make test``), so the test can compare with ``from_scratch()``
directly; the embedded server itself on SQLite is exercised by ``test_demo_run.py``."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from cluster.actions.bootstrap import ensure_cluster
from cluster.controllers import runtime
from tests.integration.churn import Churn, load_world, wait_converged

pytestmark = pytest.mark.slow
STOP = "h3-stop"


class _Stop(BaseException):
    """Ends the controller thread: the loop catches Exception only."""


def _stop(key: str) -> None:
    connection.close()
    raise _Stop


class StoppableLocalBackend(runtime.LocalBackend):
    """The embedded backend, plus a way to end its thread when the test is over."""

    def _run(self) -> None:
        try:
            super()._run()
        except _Stop:
            pass

    def stop(self) -> None:
        runtime.CONTROLLERS[STOP] = _stop
        try:
            self.submit(STOP, "")
            assert self._thread is not None
            self._thread.join(timeout=60)
            assert not self._thread.is_alive(), "the controller thread did not stop"
        finally:
            runtime.CONTROLLERS.pop(STOP, None)


@pytest.fixture
def local_controllers(transactional_db, settings):
    settings.PORTOLAN_READY_DELAY = 0.1
    settings.PORTOLAN_RESYNC_SECONDS = 3
    local = StoppableLocalBackend()
    previous = runtime.set_backend(local)
    local.start()
    try:
        yield local
    finally:
        local.stop()
        runtime.set_backend(previous)


def test_in_process_controllers_converge_after_churn(local_controllers):
    # Given the demo and four of the manifests
    start = time.monotonic()
    ensure_cluster()
    load_world(["bookinfo", "guestbook-all-in-one", "podinfo-kustomize", "cockroachdb-statefulset"])

    # When two threads churn
    churn = Churn(threads=2, ops=25, seed=11).start()
    churn.join()
    assert not churn.errors, churn.errors  # every change was accepted (or lost a race: 404/409)
    churned = time.monotonic() - start

    assert sum(churn.done.values()) >= 25, churn.done  # the churn really changed things

    # Then Endpoints and EndpointSlices equal the from-scratch computation, pods are Ready
    settled = wait_converged(timeout=60)
    print(f"\nchurn ({churn.done}) done at {churned:.1f} s, converged {settled:.1f} s later")
