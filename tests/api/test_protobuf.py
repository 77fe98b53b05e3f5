"""Protobuf request bodies (kubectl.md §2.6): ``k8s\\x00`` + runtime.Unknown, decoded into the
JSON object a JSON client would have sent, then created like any other body."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cluster.api.protobuf import MAGIC, message_class
from tests.api.kubectl_live import Kubectl, start_kubectl

PB = "application/vnd.kubernetes.protobuf"

# Captured on the wire from kubectl 1.32.5:
# `kubectl create service clusterip web --tcp=80:8080` (130 bytes). gogo writes every
# non-pointer field, so the body is full of zero values ("", 0, empty messages).
KUBECTL_SERVICE_BODY = bytes.fromhex(
    "6b3873000a0d0a02763112075365727669636512690a1f0a0377656212001a0022002a003200380042005a0a"
    "0a03617070120377656212420a1b0a0738302d38303830120354435018502207080010903f1a002800120a0a"
    "0361707012037765621a002209436c757374657249503a00420052005a00600068001a020a001a002200"
)
# `kubectl create deployment hello --image=nginx --replicas=2 --port=8080` (227 bytes).
KUBECTL_DEPLOYMENT_BODY = bytes.fromhex(
    "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412c1010a230a0568656c6c6f12001a0022"
    "002a003200380042005a0c0a03617070120568656c6c6f128b010802120e0a0c0a03617070120568656c6c6f"
    "1a6f0a1e0a0012001a0022002a003200380042005a0c0a03617070120568656c6c6f124d122f0a056e67696e"
    "7812056e67696e782a00320b0a00100018903f22002a0042006a007200800100880100900100a201001a0032"
    "0042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c080010001800200028"
    "0038001a002200"
)


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    unknown: Any = message_class("Unknown")()
    unknown.typeMeta.apiVersion = api_version
    unknown.typeMeta.kind = kind
    unknown.raw = raw
    unknown.contentEncoding = ""
    unknown.contentType = ""
    return MAGIC + unknown.SerializeToString()


def test_kubectl_service_bytes_create_the_service(api: Any) -> None:
    r = api.post("/api/v1/namespaces/default/services", KUBECTL_SERVICE_BODY, PB)
    assert r.status == 201, r
    assert r.headers["Content-Type"].startswith("application/json")
    stored = api.get("/api/v1/namespaces/default/services/web").body
    assert stored["metadata"]["labels"] == {"app": "web"}
    assert stored["spec"]["selector"] == {"app": "web"}
    assert stored["spec"]["type"] == "ClusterIP"
    port = stored["spec"]["ports"][0]
    assert (port["name"], port["port"], port["targetPort"], port["protocol"]) == (
        "80-8080",
        80,
        8080,
        "TCP",
    )
    # gogo's zero values are not taken literally: "" clusterIP means "allocate one".
    assert stored["spec"]["clusterIP"] not in ("", None)
    assert "nodePort" not in port


def test_kubectl_deployment_bytes_create_the_deployment(api: Any) -> None:
    r = api.post("/apis/apps/v1/namespaces/default/deployments", KUBECTL_DEPLOYMENT_BODY, PB)
    assert r.status == 201, r
    stored = api.get("/apis/apps/v1/namespaces/default/deployments/hello").body
    spec = stored["spec"]
    assert spec["replicas"] == 2
    assert spec["selector"] == {"matchLabels": {"app": "hello"}}
    assert spec["template"]["metadata"]["labels"] == {"app": "hello"}
    (container,) = spec["template"]["spec"]["containers"]
    assert container["name"] == "nginx" and container["image"] == "nginx"
    assert container["ports"][0]["containerPort"] == 8080
    # zero values kubectl never meant: no hostPort 0, no stdin false, no generation 0 kept
    assert "hostPort" not in container["ports"][0]
    assert "stdin" not in container
    assert stored["metadata"]["generation"] == 1


def build_deployment(replicas: int) -> bytes:
    dep: Any = message_class("Deployment")()
    dep.metadata.name = "built"
    dep.metadata.labels["tier"] = "web"
    dep.metadata.generation = 0
    dep.spec.replicas = replicas
    dep.spec.selector.matchLabels["tier"] = "web"
    dep.spec.template.metadata.labels["tier"] = "web"
    c = dep.spec.template.spec.containers.add()
    c.name, c.image = "app", "nginx:1.27"
    c.args.extend(["--port", "80"])
    p = c.ports.add()
    p.containerPort, p.hostPort, p.name = 80, 0, "http"
    c.resources.limits["cpu"].string = "500m"
    c.resources.requests["memory"].string = "64Mi"
    e = c.env.add()
    e.name, e.value = "MODE", "prod"
    dep.spec.strategy.type = "RollingUpdate"
    dep.spec.strategy.rollingUpdate.maxUnavailable.type = 0
    dep.spec.strategy.rollingUpdate.maxUnavailable.intVal = 0
    dep.spec.strategy.rollingUpdate.maxSurge.type = 1
    dep.spec.strategy.rollingUpdate.maxSurge.strVal = "25%"
    dep.spec.template.spec.restartPolicy = ""
    dep.spec.minReadySeconds = 0
    return envelope("apps/v1", "Deployment", dep.SerializeToString())


@pytest.mark.parametrize("replicas", [0, 3])
def test_built_deployment_keeps_pointer_zeros_and_drops_gogo_zeros(api: Any, replicas: int) -> None:
    r = api.post("/apis/apps/v1/namespaces/default/deployments", build_deployment(replicas), PB)
    assert r.status == 201, r
    stored = api.get("/apis/apps/v1/namespaces/default/deployments/built").body
    spec = stored["spec"]
    assert spec["replicas"] == replicas  # *int32: 0 is a real value
    assert spec["strategy"]["rollingUpdate"] == {"maxUnavailable": 0, "maxSurge": "25%"}
    (container,) = spec["template"]["spec"]["containers"]
    assert container["args"] == ["--port", "80"]
    port = container["ports"][0]
    assert (port["name"], port["containerPort"]) == ("http", 80)
    assert "hostPort" not in port  # gogo wrote hostPort: 0
    assert container["resources"] == {"limits": {"cpu": "500m"}, "requests": {"memory": "64Mi"}}
    assert container["env"] == [{"name": "MODE", "value": "prod"}]
    assert spec.get("minReadySeconds", 0) == 0


def test_namespace_and_job_bodies(api: Any) -> None:
    ns: Any = message_class("Namespace")()
    ns.metadata.name = "team-pb"
    ns.metadata.creationTimestamp.SetInParent()  # an empty Time: the zero time, i.e. null
    r = api.post("/api/v1/namespaces", envelope("v1", "Namespace", ns.SerializeToString()), PB)
    assert r.status == 201, r
    assert r.body["metadata"]["name"] == "team-pb"
    assert r.body["status"]["phase"] == "Active"

    job: Any = message_class("Job")()
    job.metadata.name = "once"
    job.spec.template.spec.restartPolicy = "Never"
    c = job.spec.template.spec.containers.add()
    c.name, c.image = "once", "busybox"
    c.command.extend(["echo", "hi"])
    r = api.post(
        "/apis/batch/v1/namespaces/team-pb/jobs",
        envelope("batch/v1", "Job", job.SerializeToString()),
        PB,
    )
    assert r.status == 201, r
    stored = api.get("/apis/batch/v1/namespaces/team-pb/jobs/once").body
    assert stored["spec"]["template"]["spec"]["containers"][0]["command"] == ["echo", "hi"]
    assert stored["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_unknown_type_is_415_naming_it(api: Any) -> None:
    body = envelope("apps/v1", "StatefulSet", b"")
    r = api.post("/apis/apps/v1/namespaces/default/statefulsets", body, PB)
    assert r.status == 415
    assert r.body["kind"] == "Status" and r.body["reason"] == "UnsupportedMediaType"
    assert "StatefulSet" in r.body["message"] and "apps/v1" in r.body["message"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b'{"kind":"Service"}', "expected prefix [107 56 115 0]"),
        (MAGIC + b"\x0a\xff\xff", "protobuf envelope"),
        # field 99 of ServiceSpec is not in the table: refused, never silently dropped
        (envelope("v1", "Service", b"\x12\x03\x98\x06\x01"), "field 99"),
    ],
)
def test_malformed_bodies_are_400_and_write_nothing(api: Any, body: bytes, fragment: str) -> None:
    before = api.get("/api/v1/namespaces/default/services").body
    r = api.post("/api/v1/namespaces/default/services", body, PB)
    assert r.status == 400, r
    assert fragment in r.body["message"]
    after = api.get("/api/v1/namespaces/default/services").body
    assert [i["metadata"]["name"] for i in after["items"]] == [
        i["metadata"]["name"] for i in before["items"]
    ]


# --- the real kubectl ---------------------------------------------------------------------------


@pytest.fixture
def kubectl(live_server: Any, settings: Any, tmp_path: Path, transactional_db: Any) -> Kubectl:
    return start_kubectl(live_server, settings, tmp_path)


@pytest.mark.kubectl
def test_kubectl_create_deployment_and_service(kubectl: Kubectl) -> None:
    from cluster.kinds import by_kind
    from cluster.selectors import get_object

    r = kubectl("create", "deployment", "hello", "--image=nginx", "--replicas=2", "--port=8080")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "deployment.apps/hello created"
    dep = get_object(by_kind("Deployment"), "default", "hello")
    assert dep["spec"]["replicas"] == 2
    (container,) = dep["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "nginx" and container["ports"][0]["containerPort"] == 8080

    r = kubectl("create", "service", "clusterip", "web", "--tcp=80:8080")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "service/web created"
    svc = get_object(by_kind("Service"), "default", "web")
    assert [(p["port"], p["targetPort"]) for p in svc["spec"]["ports"]] == [(80, 8080)]
    assert svc["spec"]["clusterIP"]
