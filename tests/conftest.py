"""Shared fixtures. Tests run on whatever DATABASE_URL names (``make test``: Postgres)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client


@pytest.fixture(autouse=True)
def _fresh_token_cache():
    """Token lookups are cached per process for a few seconds; tests start without any."""
    from cluster.api.auth import forget_tokens

    forget_tokens()
    yield
    forget_tokens()


@pytest.fixture(autouse=True)
def control_plane():
    """Controller keys collect in a manual queue: a test runs them with
    ``control_plane.drain()``. (In the ``db`` fixture's transaction nothing commits, so keys
    only arrive from tests that commit: transactional ones, or
    ``django_capture_on_commit_callbacks(execute=True)``.)"""
    from cluster.controllers import runtime

    manual = runtime.ManualBackend()
    previous = runtime.set_backend(manual)
    yield manual
    runtime.set_backend(previous)


@pytest.fixture
def cluster(db):
    """A new cluster: default namespaces, three Ready nodes, default/kubernetes."""
    from cluster.actions.bootstrap import ensure_cluster

    ensure_cluster()


def make_token(username: str, namespace: str = "", role: str = "admin") -> str:
    from django.contrib.auth import get_user_model

    from cluster.models import AccessGrant, ApiToken
    from cluster.models.access import hash_token

    user, _ = get_user_model().objects.get_or_create(username=username)
    grant, _ = AccessGrant.objects.get_or_create(user=user, namespace=namespace, role=role)
    raw = ApiToken.new_raw()
    ApiToken.objects.create(key_hash=hash_token(raw), grant=grant)
    return raw


@dataclass
class Answer:
    status: int
    body: Any
    headers: Any

    def __repr__(self) -> str:
        return f"Answer({self.status}, {json.dumps(self.body)[:400]})"


class Api:
    """A Kubernetes-API client over Django's test client: JSON in, JSON out."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.token = token

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        h = {}
        if self.token:
            h["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        for k, v in (extra or {}).items():
            h["HTTP_" + k.upper().replace("-", "_")] = v
        return h

    def _answer(self, response: Any) -> Answer:
        content = b"".join(response.streaming_content) if response.streaming else response.content
        try:
            body = json.loads(content) if content else None
        except ValueError:
            body = content.decode(errors="replace")
        return Answer(response.status_code, body, response)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self._answer(self.client.get(path, **self._headers(headers)))

    def post(self, path: str, body: Any, content_type: str = "application/json") -> Answer:
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        return self._answer(
            self.client.post(path, data=data, content_type=content_type, **self._headers())
        )

    def put(self, path: str, body: Any, content_type: str = "application/json") -> Answer:
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        return self._answer(
            self.client.put(path, data=data, content_type=content_type, **self._headers())
        )

    def patch(
        self, path: str, body: Any, content_type: str = "application/merge-patch+json"
    ) -> Answer:
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        return self._answer(
            self.client.patch(path, data=data, content_type=content_type, **self._headers())
        )

    def delete(self, path: str, body: Any = None) -> Answer:
        data = "" if body is None else json.dumps(body)
        return self._answer(
            self.client.delete(path, data=data, content_type="application/json", **self._headers())
        )


@pytest.fixture
def api(cluster) -> Api:
    """A cluster admin's client."""
    return Api(make_token("admin"))


@pytest.fixture
def anon() -> Api:
    return Api()


@pytest.fixture(autouse=True)
def _fresh_dns_index(monkeypatch):
    """The process's shared DNS index follows revisions; tests roll the database back, so two
    tests can stand at the same revision with different objects: each starts a new index."""
    from cluster.dns import follower

    monkeypatch.setattr(follower, "_shared", None)


@pytest.fixture(autouse=True)
def _fresh_snapshots():
    """Consumers reuse a snapshot for a moment; a test must not get one from the previous
    test's (rolled back) database at the same revision."""
    from cluster import live

    live.forget_snapshots()
    yield
    live.forget_snapshots()
