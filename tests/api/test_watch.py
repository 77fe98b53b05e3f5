"""``?watch=true``: newline-delimited events with the apiserver's resourceVersion semantics,
selectors applied to the stream, Table-wrapped events, and ``timeoutSeconds``."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from django.test import Client

from tests.conftest import make_token

SVC = "/api/v1/namespaces/default/services"
TABLE_ACCEPT = (
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;"
    "g=meta.k8s.io,application/json"
)


def service(name: str, **labels: str) -> dict:
    return {"metadata": {"name": name, "labels": labels}, "spec": {"ports": [{"port": 80}]}}


class Watch:
    """One watch request; events are read one at a time, so writes can happen in between."""

    def __init__(self, token: str, path: str, accept: str = "application/json") -> None:
        self.response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT=accept)
        self.raw: list[bytes] = []
        self._chunks: Iterator[bytes] | None = (
            iter(self.response.streaming_content) if self.response.streaming else None
        )

    def next(self) -> dict:
        assert self._chunks is not None, self.response.content
        chunk = next(self._chunks)
        self.raw.append(chunk)
        return json.loads(chunk)

    def take(self, n: int) -> list[dict]:
        return [self.next() for _ in range(n)]

    def rest(self) -> list[dict]:
        assert self._chunks is not None
        out = []
        for chunk in self._chunks:
            self.raw.append(chunk)
            out.append(json.loads(chunk))
        return out


@pytest.fixture
def token(cluster) -> str:
    return make_token("watcher")


def summary(events: list[dict]) -> list[tuple[str, str]]:
    return [(e["type"], e["object"]["metadata"]["name"]) for e in events]


def test_without_resource_version_existing_objects_come_first_as_added(api, token):
    api.post(SVC, service("a"))
    watch = Watch(token, f"{SVC}?watch=true&timeoutSeconds=5")
    assert watch.response.status_code == 200
    assert watch.response["Content-Type"] == "application/json"
    assert summary(watch.take(2)) == [("ADDED", "a"), ("ADDED", "kubernetes")]
    api.post(SVC, service("b"))
    api.patch(f"{SVC}/b", {"metadata": {"labels": {"x": "1"}}})
    deleted_rv = None
    api.delete(f"{SVC}/b")
    events = watch.take(3)
    assert summary(events) == [("ADDED", "b"), ("MODIFIED", "b"), ("DELETED", "b")]
    rvs = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
    assert rvs == sorted(rvs) and len(set(rvs)) == 3
    deleted_rv = rvs[-1]
    assert deleted_rv > rvs[1]  # the DELETED event carries the deletion's revision
    assert all(chunk.endswith(b"\n") and chunk.count(b"\n") == 1 for chunk in watch.raw)


def test_resource_version_zero_is_like_none(api, token):
    watch = Watch(token, f"{SVC}?watch=true&resourceVersion=0&timeoutSeconds=5")
    assert summary(watch.take(1)) == [("ADDED", "kubernetes")]


def test_with_a_resource_version_only_newer_changes_are_sent(api, token):
    rv = api.get(SVC).body["metadata"]["resourceVersion"]
    api.post(SVC, service("after"))  # newer than rv: sent
    watch = Watch(token, f"{SVC}?watch=true&resourceVersion={rv}&timeoutSeconds=5")
    first = watch.next()
    assert (first["type"], first["object"]["metadata"]["name"]) == ("ADDED", "after")
    api.patch(f"{SVC}/kubernetes", {"metadata": {"labels": {"x": "1"}}})
    assert summary(watch.take(1)) == [("MODIFIED", "kubernetes")]


def test_the_watch_is_scoped_to_its_namespace_and_kind(api, token):
    api.post("/api/v1/namespaces", {"metadata": {"name": "other"}})
    rv = api.get(SVC).body["metadata"]["resourceVersion"]
    watch = Watch(token, f"{SVC}?watch=true&resourceVersion={rv}&timeoutSeconds=5")
    api.post("/api/v1/namespaces/other/services", service("elsewhere"))
    api.post("/api/v1/namespaces/default/pods", {
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    })  # fmt: skip
    api.post(SVC, service("here"))
    assert summary(watch.take(1)) == [("ADDED", "here")]


def test_all_namespace_watch(api, token):
    api.post("/api/v1/namespaces", {"metadata": {"name": "other"}})
    rv = api.get(SVC).body["metadata"]["resourceVersion"]
    watch = Watch(token, f"/api/v1/services?watch=true&resourceVersion={rv}&timeoutSeconds=5")
    api.post("/api/v1/namespaces/other/services", service("elsewhere"))
    api.post(SVC, service("here"))
    events = watch.take(2)
    assert [(e["object"]["metadata"]["namespace"], e["type"]) for e in events] == [
        ("other", "ADDED"),
        ("default", "ADDED"),
    ]


def test_label_selector_filters_and_reports_entering_and_leaving(api, token):
    api.post(SVC, service("blue", color="blue"))
    watch = Watch(token, f"{SVC}?watch=true&labelSelector=color%3Dblue&timeoutSeconds=5")
    assert summary(watch.take(1)) == [("ADDED", "blue")]
    api.post(SVC, service("red", color="red"))  # never matches: nothing sent
    api.patch(f"{SVC}/blue", {"metadata": {"labels": {"color": "green"}}})  # leaves
    api.patch(f"{SVC}/red", {"metadata": {"labels": {"color": "blue"}}})  # enters
    api.patch(f"{SVC}/red", {"metadata": {"labels": {"size": "l"}}})  # still matches
    api.delete(f"{SVC}/red")
    assert summary(watch.take(4)) == [
        ("DELETED", "blue"),
        ("ADDED", "red"),
        ("MODIFIED", "red"),
        ("DELETED", "red"),
    ]


def test_label_selector_with_a_resource_version_knows_current_members(api, token):
    api.post(SVC, service("blue", color="blue"))
    rv = api.get(SVC).body["metadata"]["resourceVersion"]
    watch = Watch(
        token, f"{SVC}?watch=true&labelSelector=color%3Dblue&resourceVersion={rv}&timeoutSeconds=5"
    )
    api.patch(f"{SVC}/blue", {"metadata": {"labels": {"color": "red"}}})
    assert summary(watch.take(1)) == [("DELETED", "blue")]


def test_field_selector_on_the_name(api, token):
    # What kubectl delete --wait, rollout status and wait use.
    watch = Watch(token, f"{SVC}?watch=true&fieldSelector=metadata.name%3Dweb&timeoutSeconds=5")
    api.post(SVC, service("other"))
    api.post(SVC, service("web"))
    api.delete(f"{SVC}/web")
    assert summary(watch.take(2)) == [("ADDED", "web"), ("DELETED", "web")]


def test_table_accept_wraps_each_object_in_a_one_row_table(api, token):
    watch = Watch(token, f"{SVC}?watch=true&timeoutSeconds=5", accept=TABLE_ACCEPT)
    event = watch.next()
    assert event["type"] == "ADDED"
    table = event["object"]
    assert (table["kind"], table["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    assert len(table["rows"]) == 1
    assert table["rows"][0]["object"]["metadata"]["name"] == "kubernetes"
    assert table["columnDefinitions"][0]["name"] == "Name"
    assert table["metadata"]["resourceVersion"]


def test_timeout_seconds_ends_the_stream(api, token):
    started = time.monotonic()
    watch = Watch(token, f"{SVC}?watch=true&timeoutSeconds=1")
    assert summary(watch.rest()) == [("ADDED", "kubernetes")]
    assert 0.9 <= time.monotonic() - started < 5


def test_a_bad_resource_version_is_400(api, token):
    watch = Watch(token, f"{SVC}?watch=true&resourceVersion=abc")
    assert watch.response.status_code == 400
    assert json.loads(watch.response.content)["reason"] == "BadRequest"


def test_a_bad_selector_is_400_before_streaming(api, token):
    watch = Watch(token, f"{SVC}?watch=true&labelSelector=a%20in%20(")
    assert watch.response.status_code == 400


def test_watch_of_a_single_object_by_name(api, token):
    # client-go's watch for one object: a list watch with metadata.name.
    api.post(SVC, service("one"))
    watch = Watch(token, f"{SVC}?watch=1&fieldSelector=metadata.name%3Done&timeoutSeconds=5")
    assert summary(watch.take(1)) == [("ADDED", "one")]
