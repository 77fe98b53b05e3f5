"""The official Python client (``kubernetes`` package) against a live server, with a bearer
token over http: the calls of the spec's section 7 (kubectl.md)."""

from __future__ import annotations

import json
import threading
import time

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from tests.conftest import make_token

_open: list[client.ApiClient] = []


@pytest.fixture
def k8s(live_server, transactional_db):
    from cluster.actions.bootstrap import ensure_cluster

    ensure_cluster()
    yield connect(live_server.url, make_token("py-client"))
    # Close the kept-alive connections: the server thread serving one holds a DB session.
    while _open:
        _open.pop().close()


def connect(url: str, token: str) -> client.ApiClient:
    config = client.Configuration(host=url)
    config.api_key["authorization"] = token
    config.api_key_prefix["authorization"] = "Bearer"
    api_client = client.ApiClient(config)
    _open.append(api_client)
    return api_client


def service(name: str) -> client.V1Service:
    # No kind and no apiVersion: the client sends only what the caller sets.
    return client.V1Service(
        metadata=client.V1ObjectMeta(name=name, labels={"app": name}),
        spec=client.V1ServiceSpec(
            selector={"app": name}, ports=[client.V1ServicePort(port=80, target_port=8080)]
        ),
    )


def test_service_lifecycle(k8s):
    v1 = client.CoreV1Api(k8s)
    names = [s.metadata.name for s in v1.list_namespaced_service("default").items]
    assert "kubernetes" in names

    created = v1.create_namespaced_service("default", service("py-svc"))
    assert created.kind == "Service" and created.api_version == "v1"
    assert created.spec.cluster_ip
    assert created.metadata.creation_timestamp.tzinfo is not None

    read = v1.read_namespaced_service("py-svc", "default")
    assert read.metadata.uid == created.metadata.uid
    assert read.spec.ports[0].target_port == 8080

    patched = v1.patch_namespaced_service("py-svc", "default", {"metadata": {"labels": {"x": "y"}}})
    assert patched.metadata.labels == {"app": "py-svc", "x": "y"}

    patched.metadata.annotations = {"note": "replaced"}
    replaced = v1.replace_namespaced_service("py-svc", "default", patched)
    assert replaced.metadata.annotations == {"note": "replaced"}

    stale = read
    stale.metadata.annotations = {"note": "stale"}
    with pytest.raises(ApiException) as info:
        v1.replace_namespaced_service("py-svc", "default", stale)
    assert info.value.status == 409
    assert json.loads(info.value.body)["reason"] == "Conflict"

    v1.delete_namespaced_service("py-svc", "default")
    with pytest.raises(ApiException) as info:
        v1.read_namespaced_service("py-svc", "default")
    assert info.value.status == 404
    assert json.loads(info.value.body)["message"] == 'services "py-svc" not found'


def test_all_namespace_list_and_namespaces(k8s):
    v1 = client.CoreV1Api(k8s)
    assert "default" in [n.metadata.name for n in v1.list_namespace().items]
    found = v1.list_service_for_all_namespaces(label_selector="component=apiserver")
    assert [s.metadata.name for s in found.items] == ["kubernetes"]
    assert found.metadata.resource_version


def test_deployment_scale(k8s):
    apps = client.AppsV1Api(k8s)
    labels = {"app": "hello"}
    deployment = client.V1Deployment(
        metadata=client.V1ObjectMeta(name="hello"),
        spec=client.V1DeploymentSpec(
            replicas=2,
            selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="nginx")]),
            ),
        ),
    )
    apps.create_namespaced_deployment("default", deployment)
    scale = apps.patch_namespaced_deployment_scale("hello", "default", {"spec": {"replicas": 3}})
    assert scale.kind == "Scale" and scale.spec.replicas == 3
    assert apps.read_namespaced_deployment_scale("hello", "default").spec.replicas == 3
    assert apps.read_namespaced_deployment("hello", "default").spec.replicas == 3


def test_watch_stream_sees_a_change(k8s):
    v1 = client.CoreV1Api(k8s)

    def later():
        time.sleep(0.5)
        v1.create_namespaced_service("default", service("watched"))

    writer = threading.Thread(target=later)
    writer.start()
    seen = []
    for event in watch.Watch().stream(v1.list_namespaced_service, "default", timeout_seconds=2):
        seen.append((event["type"], event["object"].metadata.name))
    writer.join()
    assert ("ADDED", "kubernetes") in seen
    assert ("ADDED", "watched") in seen
    assert seen.index(("ADDED", "kubernetes")) < seen.index(("ADDED", "watched"))


def test_a_bad_token_is_rejected(k8s, live_server):
    v1 = client.CoreV1Api(connect(live_server.url, "not-a-token"))
    with pytest.raises(ApiException) as info:
        v1.list_namespaced_service("default")
    assert info.value.status == 401


def test_a_viewer_token_cannot_create(k8s, live_server):
    v1 = client.CoreV1Api(connect(live_server.url, make_token("ro", "default", "viewer")))
    assert v1.list_namespaced_service("default").items
    with pytest.raises(ApiException) as info:
        v1.create_namespaced_service("default", service("nope"))
    assert info.value.status == 403
    assert json.loads(info.value.body)["reason"] == "Forbidden"
