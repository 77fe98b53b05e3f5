"""The live topology feed: one WebSocket per browser.

Protocol (JSON messages, server → client):

* ``{"type": "snapshot", "revision": R, "objects": [...]}`` — every object the user may see;
* ``{"type": "events", "revision": R, "events": [{"revision", "type", "object"}, ...]}`` —
  changes after the previous message, in revision order;
* ``{"type": "error", "code": 401|403, "message": …}`` before closing.

````?view=topology`` trims every object to the fields the browser graph draws (see
``cluster.liveview``); the default ``full`` sends objects whole.

``R`` is where the client now stands; it reconnects with ``?since=R`` and gets the missed
events replayed from the change log, or a fresh snapshot (same path as start-up) when that
history is gone. Thin by design: auth, then ``cluster.live`` does the reading.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from urllib.parse import parse_qs

import orjson
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from cluster import live
from cluster.api.auth import BEARER_PROTOCOL_PREFIX, principal_for_scope
from cluster.liveview import VIEWS

IDLE_CHECK_SECONDS = 1.0  # a lost broadcast costs a client at most this long


def encode(content: Any) -> str:
    """orjson: a tier-M snapshot (5.5 MB) serialises in about a fifth of json.dumps' time."""
    return orjson.dumps(content).decode()


class TopologyConsumer(AsyncJsonWebsocketConsumer):
    namespaces: set[str] | None
    last: int
    view: str

    async def connect(self) -> None:
        live.register_server_loop(asyncio.get_running_loop())
        principal = await database_sync_to_async(principal_for_scope)(self.scope)
        subprotocol = next(
            (
                p
                for p in self.scope.get("subprotocols") or []
                if not p.startswith(BEARER_PROTOCOL_PREFIX)
            ),
            None,
        )
        await self.accept(subprotocol)
        if principal is None or (not principal.grants and not principal.authenticated):
            await self.send_json({"type": "error", "code": 401, "message": "Unauthorized"})
            await self.close(code=4401)
            return
        self.view = self._query("view") or "full"
        if self.view not in VIEWS:
            message = f'view: Unsupported value: "{self.view}": supported values: ' + ", ".join(
                f'"{v}"' for v in VIEWS
            )
            await self.send_json({"type": "error", "code": 400, "message": message})
            await self.close(code=4400)
            return
        self.namespaces = principal.visible_namespaces()
        self.lock = asyncio.Lock()
        await self.channel_layer.group_add(live.GROUP, self.channel_name)
        since = self._since()
        async with self.lock:
            if since is not None and await database_sync_to_async(live.can_resume)(since):
                self.last = since
                await self._catch_up()
            else:
                revision, text = await database_sync_to_async(live.snapshot_message)(
                    self.namespaces, self.view, encode
                )
                self.last = revision
                await self.send(text_data=text)
                await self._catch_up()  # a reused snapshot is a little behind
        self.ticker = asyncio.ensure_future(self._tick())

    @classmethod
    async def encode_json(cls, content: Any) -> str:
        return encode(content)

    def _query(self, name: str) -> str | None:
        query = parse_qs((self.scope.get("query_string") or b"").decode())
        values = query.get(name)
        return values[0] if values else None

    def _since(self) -> int | None:
        try:
            return int(self._query("since") or "")
        except ValueError:
            return None

    async def disconnect(self, code: int) -> None:
        ticker = getattr(self, "ticker", None)
        if ticker is not None:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
        await self.channel_layer.group_discard(live.GROUP, self.channel_name)

    async def cluster_changes(self, message: dict[str, Any]) -> None:
        """A committed transaction's events (or just its range, for big ones)."""
        async with self.lock:
            if message["last"] <= self.last:
                return  # already delivered (e.g. read during a catch-up)
            if message["after"] == self.last and message["events"] is not None:
                events = live.filter_events(message["events"], self.namespaces, self.view)
                self.last = message["last"]
                if events:
                    await self.send_json(
                        {"type": "events", "revision": self.last, "events": events}
                    )
                return
            await self._catch_up()  # a gap: a lost or reordered broadcast

    async def _catch_up(self) -> None:
        while True:
            events, reached = await database_sync_to_async(live.read_events)(
                self.last, self.namespaces, view=self.view
            )
            if reached == self.last:
                return
            self.last = reached
            if events:
                await self.send_json({"type": "events", "revision": self.last, "events": events})

    async def _tick(self) -> None:
        """If the last broadcast of a burst was lost, nothing else would wake us: look."""
        while True:
            await asyncio.sleep(IDLE_CHECK_SECONDS)
            current = await database_sync_to_async(live.current_revision)()
            if current > self.last:
                async with self.lock:
                    await self._catch_up()
