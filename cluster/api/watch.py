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
from django.db.models import Min
from django.http import StreamingHttpResponse

from cluster import errors, fields, labels, selectors
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
        self.fields = fields.parse_fields(q.get("fieldSelector"), self.getters)
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
        self.seen: set[tuple[str, str]] = set()  # keys whose membership ``matching`` knows

    def _in_scope(self, obj: dict[str, Any]) -> bool:
        ns = obj["metadata"].get("namespace", "")
        if self.kind.namespaced:
            if self.namespace and ns != self.namespace:
                return False
            if self.visible is not None and ns not in self.visible:
                return False
        elif self.kind.kind == "Namespace" and self.visible is not None:
            return obj["metadata"]["name"] in self.visible
        return True

    def _matches(self, obj: dict[str, Any]) -> bool:
        return self.selector.matches(obj["metadata"].get("labels")) and fields.fields_match(
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
            key = (obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
            self.seen.add(key)
            if self._matches(obj):
                self.matching.add(key)
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
            known = key in self.matching or self._matched_before(key, revision)
            if type_ == "DELETED":
                if known:
                    self.matching.discard(key)
                    out.append(self._line("DELETED", obj))
            elif self._matches(obj):
                self.matching.add(key)
                out.append(self._line("MODIFIED" if known else "ADDED", obj))
            elif known:
                self.matching.discard(key)
                out.append(self._line("DELETED", obj))
            self.seen.add(key)
        return out

    def _matched_before(self, key: tuple[str, str], revision: int) -> bool:
        """Whether the object's previous state (its last change before ``revision``) was in
        the selection. Known without a query for every key the stream has already seen."""
        if key in self.seen:
            return False
        prev = (
            ChangeEvent.objects.filter(
                kind=self.kind.kind, namespace=key[0], name=key[1], revision__lt=revision
            )
            .order_by("-revision")
            .values_list("type", "object")
            .first()
        )
        return prev is not None and prev[0] != "DELETED" and self._matches(prev[1])

    def expired(self) -> bool:
        return time.monotonic() >= self.deadline


def _sync_events(stream: _Stream, first: list[bytes]) -> Iterator[bytes]:
    yield from first
    while not stream.expired():
        lines = stream.poll()
        yield from lines
        if not lines:
            time.sleep(POLL_SECONDS)


async def _async_events(stream: _Stream, first: list[bytes]) -> AsyncIterator[bytes]:
    for line in first:
        yield line
    while not stream.expired():
        lines = await sync_to_async(stream.poll)()
        for line in lines:
            yield line
        if not lines:
            await asyncio.sleep(POLL_SECONDS)


def _check_not_compacted(rv: int) -> None:
    """A watch from a revision older than the change log keeps is ``410 Expired``."""
    if rv <= 0:
        return
    oldest = ChangeEvent.objects.aggregate(oldest=Min("revision"))["oldest"]
    if oldest is not None and rv < oldest - 1:
        raise errors.gone(f"too old resource version: {rv} ({oldest - 1})")


def watch_response(
    request: Any, kind: Kind, namespace: str, principal: Principal
) -> StreamingHttpResponse:
    stream = _Stream(request, kind, namespace, principal)
    _check_not_compacted(stream.rv)
    # The starting point is fixed when the request is answered, not when the body is first
    # iterated: the initial list (no resourceVersion) is taken now.
    first = stream.start()
    raw = request._request if hasattr(request, "_request") else request
    content = (
        _async_events(stream, first)
        if isinstance(raw, ASGIRequest)
        else _sync_events(stream, first)
    )
    response = StreamingHttpResponse(content, content_type="application/json")
    response["Cache-Control"] = "no-cache, private"
    return response
