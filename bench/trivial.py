"""A trivial controller for B9, imported by the bench's Celery workers (``--include``): its
sync records when it started and ended on the bench's Redis and does nothing else. Keys are
``<run>/<seq>/<enqueue time>``."""

from __future__ import annotations

import time

from cluster.controllers import runtime

NAME = "bench-trivial"
RECORDS = "portolan:bench:trivial"


@runtime.controller(NAME)
def sync_trivial(key: str) -> None:
    started = time.time()
    from bench.workers import client

    client().rpush(RECORDS, f"{key}|{started:.6f}|{time.time():.6f}")
