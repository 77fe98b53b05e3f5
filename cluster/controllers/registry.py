"""Imports the controller modules so that they register their syncs (``runtime.controller``)
and full passes (``runtime.full_sync``)."""

from __future__ import annotations

from cluster.controllers import (  # noqa: F401  (they register)
    sync_endpoints,
    sync_full,
    sync_loadbalancer,
    sync_pods,
    sync_workloads,
)
