"""Celery entry points only: each takes a controller name and a key, or nothing."""

from __future__ import annotations

from celery import shared_task

from cluster.controllers import runtime


@shared_task(name="portolan.reconcile", acks_late=True, ignore_result=True)
def reconcile(controller: str, key: str) -> None:
    backend = runtime.backend()
    if isinstance(backend, runtime.CeleryBackend):
        backend.run(controller, key)
    else:  # eager or embedded: just sync
        runtime.execute(controller, key)


@shared_task(name="portolan.reconcile_batch", acks_late=True, ignore_result=True)
def reconcile_batch(controller: str, keys: list[str]) -> None:
    """Several keys of one controller queued by one commit, synced one after another (each
    with its own marker and lock, exactly as ``reconcile``)."""
    for key in keys:
        reconcile(controller, key)


@shared_task(name="portolan.resync", ignore_result=True)
def resync() -> None:
    runtime.resync_all()
