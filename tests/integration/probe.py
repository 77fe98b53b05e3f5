"""Imported into the test's Celery workers (``celery worker --include tests.integration.probe``),
never into the application.

* When the worker is consuming it sets ``READY_KEY + hostname`` in Redis.
* It wraps ``runtime.execute`` — the call ``CeleryBackend.run`` makes while holding the key's
  lock — so that every sync leaves its interval in Redis: ``INFLIGHT`` (a hash) while it runs,
  ``SYNCS`` (a list) once it ends. A worker killed mid-sync leaves its entry in ``INFLIGHT``.
  ``tests.integration.singleflight`` reads them.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid

from celery.signals import worker_ready

from cluster.controllers import runtime
from tests.integration.singleflight import INFLIGHT, READY_KEY, SYNCS

_redis = None
_original_execute = runtime.execute


def _client():  # noqa: ANN202
    global _redis
    if _redis is None:
        import redis
        from django.conf import settings

        _redis = redis.Redis.from_url(settings.REDIS_URL)
    return _redis


def recording_execute(name: str, key: str) -> None:
    r = _client()
    token = f"{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"
    start = time.time()
    r.hset(INFLIGHT, token, json.dumps([name, key, os.getpid(), start]))
    try:
        _original_execute(name, key)
    finally:
        record = json.dumps([name, key, os.getpid(), start, time.time()])
        r.pipeline().rpush(SYNCS, record).hdel(INFLIGHT, token).execute()


runtime.execute = recording_execute


@worker_ready.connect
def _announce(sender=None, **_: object) -> None:  # noqa: ANN001
    _client().set(READY_KEY + str(getattr(sender, "hostname", "")), str(os.getpid()))
