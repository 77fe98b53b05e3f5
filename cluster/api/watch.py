"""``?watch=true``: a chunked stream of newline-delimited watch events read from the change
log. Semantics as the apiserver's: from ``resourceVersion`` if given, else synthetic ADDED
events for the current objects first; selectors filter the stream (an object leaving the
selection is sent as DELETED, one entering it as ADDED); ``timeoutSeconds`` ends it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse

from cluster import errors, labels, selectors
from cluster.api.auth import Principal
from cluster.api.negotiation import wants_table
from cluster.kinds import Kind
from cluster.models import ChangeEvent

POLL_SECONDS = 0.05
DEFAULT_TIMEOUT = 1800


class _Stream:
    def __init__(self, request: Any, kind: Kind, namespace: str, principal: Principal) -> None:
        q = request.query_params
        self.kind = kind
        self.namespace = namespace
        self.visible = None if namespace else principal.visible_namespaces()
        self.selector = labels.parse(q.get("labelSelector"))
        self.getters = selectors.field_getters(kind)
        self.fields = labels.parse_fields(q.get("fieldSelector"), self.getters)
        self.table = wants_table(request)
        rv_text = q.get("resourceVersion") or ""
        try:
            self.rv = int(rv_text) if rv_text else 0
        except ValueError:
            raise errors.bad_request(f"invalid resource version: {rv_text!r}") from None
        self.initial = self.rv == 0
        try:
            timeout = int(q.get("timeoutSeconds") or DEFAULT_TIMEOUT)
        except ValueError:
            timeout = DEFAULT_TIMEOUT
        self.deadline = time.monotonic() + max(timeout, 0)
        self.matching: set[tuple[str, str]] = set()

    def _in_scope(self, obj: dict[str, Any]) -> bool:
        ns = obj["metadata"].get("namespace", "")
        if self.kind.namespaced:
            if self.namespace and ns != self.namespace:
                return False
            if self.visible is not None and ns not in self.visible:
                return False
        return True

    def _matches(self, obj: dict[str, Any]) -> bool:
        return self.selector.matches(obj["metadata"].get("labels")) and labels.fields_match(
            self.fields, obj, self.getters
        )

    def _line(self, type_: str, obj: dict[str, Any]) -> bytes:
        if self.table:
            from cluster.api.tables import table_for

            obj = table_for(self.kind, [obj], obj["metadata"]["resourceVersion"])
        return json.dumps({"type": type_, "object": obj}, separators=(",", ":")).encode() + b"\n"

    def start(self) -> list[bytes]:
        """The synthetic ADDED events (no resourceVersion given), and the starting revision."""
        if not self.initial:
            return []
        page = selectors.list_objects(
            self.kind,
            namespace=self.namespace or None,
            namespaces=self.visible,
        )
        self.rv = int(page.resource_version)
        out = []
        for obj in page.items:
            if self._matches(obj):
                self.matching.add((obj["metadata"].get("namespace", ""), obj["metadata"]["name"]))
                out.append(self._line("ADDED", obj))
        return out

    def poll(self) -> list[bytes]:
        rows = list(
            ChangeEvent.objects.filter(kind=self.kind.kind, revision__gt=self.rv)
            .order_by("revision")
            .values_list("revision", "type", "namespace", "name", "object")[:500]
        )
        out = []
        filtered = not self.selector.empty() or bool(self.fields)
        for revision, type_, ns, name, obj in rows:
            self.rv = revision
            if not self._in_scope(obj):
                continue
            if not filtered:
                out.append(self._line(type_, obj))
                continue
            key = (ns, name)
            known = key in self.matching
            if type_ == "DELETED":
                if known or self._matches(obj):
                    self.matching.discard(key)
                    out.append(self._line("DELETED", obj))
            elif self._matches(obj):
                self.matching.add(key)
                out.append(self._line("MODIFIED" if known else "ADDED", obj))
            elif known:
                self.matching.discard(key)
                out.append(self._line("DELETED", obj))
        return out

    def expired(self) -> bool:
        return time.monotonic() >= self.deadline


def _fix_initial_matching(stream: _Stream) -> None:
    """With a resourceVersion and no initial list, objects that exist already match by
    definition of "watching from here": seed the set so leaving a selection is noticed."""
    if stream.initial or (stream.selector.empty() and not stream.fields):
        return
    page = selectors.list_objects(
        stream.kind, namespace=stream.namespace or None, namespaces=stream.visible
    )
    for obj in page.items:
        if stream._matches(obj):
            stream.matching.add((obj["metadata"].get("namespace", ""), obj["metadata"]["name"]))


def _sync_events(stream: _Stream) -> Iterator[bytes]:
    _fix_initial_matching(stream)
    yield from stream.start()
    while not stream.expired():
        lines = stream.poll()
        yield from lines
        if not lines:
            time.sleep(POLL_SECONDS)


async def _async_events(stream: _Stream) -> AsyncIterator[bytes]:
    await sync_to_async(_fix_initial_matching)(stream)
    for line in await sync_to_async(stream.start)():
        yield line
    while not stream.expired():
        lines = await sync_to_async(stream.poll)()
        for line in lines:
            yield line
        if not lines:
            await asyncio.sleep(POLL_SECONDS)


def watch_response(
    request: Any, kind: Kind, namespace: str, principal: Principal
) -> StreamingHttpResponse:
    stream = _Stream(request, kind, namespace, principal)
    raw = request._request if hasattr(request, "_request") else request
    content = _async_events(stream) if isinstance(raw, ASGIRequest) else _sync_events(stream)
    response = StreamingHttpResponse(content, content_type="application/json")
    response["Cache-Control"] = "no-cache, private"
    return response
