"""The real kubectl 1.32 against a live Portolan server (nothing mocked): discovery, Tables,
OpenAPI-backed create/apply and explain, expose, scale, label/annotate, describe, delete and
watch. The command lines follow ../shared/spec/kubectl.md."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.kubectl

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello-world
  labels: {run: load-balancer-example}
spec:
  replicas: 2
  selector:
    matchLabels: {run: load-balancer-example}
  template:
    metadata:
      labels: {run: load-balancer-example}
    spec:
      containers:
      - name: hello-world
        image: gcr.io/google-samples/node-hello:1.0
        ports:
        - containerPort: 8080
          protocol: TCP
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: example-service
spec:
  selector: {run: load-balancer-example}
  ports:
  - port: 8080
    targetPort: 8080
"""
POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: hello-world-abc12
  labels: {run: load-balancer-example}
spec:
  nodeName: node-1
  containers:
  - name: hello-world
    image: gcr.io/google-samples/node-hello:1.0
    ports: [{containerPort: 8080}]
"""
SLICE = """\
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: example-service-abc12
  labels: {kubernetes.io/service-name: example-service}
addressType: IPv4
endpoints:
- addresses: ["10.244.0.21"]
  conditions: {ready: true}
  nodeName: node-1
- addresses: ["10.244.0.22"]
  conditions: {ready: true}
  nodeName: node-2
ports:
- {name: "", port: 8080, protocol: TCP}
"""
RUNNING = {
    "status": {
        "phase": "Running",
        "podIP": "10.244.0.22",
        "podIPs": [{"ip": "10.244.0.22"}],
        "conditions": [{"type": "Ready", "status": "True"}],
        "containerStatuses": [
            {
                "name": "hello-world",
                "ready": True,
                "restartCount": 0,
                "image": "gcr.io/google-samples/node-hello:1.0",
                "imageID": "",
                "state": {"running": {"startedAt": "2025-01-01T00:00:00Z"}},
            }
        ],
    }
}


def kubectl_binary() -> str:
    """The SDK's bundled kubectl 1.32 next to the dispatcher if present, else ``kubectl``."""
    found = shutil.which("kubectl")
    if found:
        pinned = Path(os.path.realpath(found)).parent / "kubectl.1.32"
        if os.access(pinned, os.X_OK):
            return str(pinned)
        return found
    pytest.fail("kubectl is not installed: these tests need the real kubectl binary on PATH")


Run = Callable[..., subprocess.CompletedProcess]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("kubectl-cache")


@pytest.fixture
def kubectl(transactional_db, live_server, settings, cache_dir, tmp_path) -> Run:
    """``kubectl …`` against the live server; returns the finished process."""
    from cluster.actions.bootstrap import ensure_cluster

    settings.PORTOLAN_ANONYMOUS = True
    ensure_cluster()
    binary = kubectl_binary()
    base = [binary, "--server", live_server.url, "--cache-dir", str(cache_dir)]

    def run(*args: str, stdin: str | None = None, ok: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [*base, *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "KUBECONFIG": "/dev/null"},
            cwd=tmp_path,
        )
        if ok:
            assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
        return proc

    run.base = base  # type: ignore[attr-defined]
    return run


def manifest(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def table(text: str) -> list[list[str]]:
    """kubectl's human output split into rows of cells (columns are 2+ spaces apart)."""
    import re

    return [re.split(r"\s{2,}", line.strip()) for line in text.strip().splitlines() if line]


def get_json(kubectl: Run, *args: str) -> dict:
    return json.loads(kubectl("get", *args, "-o", "json").stdout)


def test_api_resources(kubectl):
    rows = table(kubectl("api-resources").stdout)
    assert rows[0] == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    assert ["services", "svc", "v1", "true", "Service"] in rows
    assert ["deployments", "deploy", "apps/v1", "true", "Deployment"] in rows
    assert ["endpointslices", "discovery.k8s.io/v1", "true", "EndpointSlice"] in rows
    assert ["nodes", "no", "v1", "false", "Node"] in rows


def test_create_f_and_get_wide_show_the_real_columns(kubectl, tmp_path):
    out = kubectl("create", "-f", manifest(tmp_path, "d.yaml", DEPLOYMENT + "---\n" + SERVICE))
    assert out.stdout.split("\n")[:2] == [
        "deployment.apps/hello-world created",
        "service/example-service created",
    ]
    kubectl("create", "-f", manifest(tmp_path, "pod.yaml", POD))
    kubectl(
        "patch",
        "pod",
        "hello-world-abc12",
        "--subresource=status",
        "--type=merge",
        "-p",
        json.dumps(RUNNING),
    )
    kubectl("create", "-f", manifest(tmp_path, "slice.yaml", SLICE))
    kubectl(
        "create",
        "-f",
        "-",
        stdin=json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Endpoints",
                "metadata": {"name": "example-service"},
                "subsets": [
                    {
                        "addresses": [{"ip": f"10.244.0.{i}"} for i in range(21, 25)],
                        "ports": [{"port": 8080}],
                    }
                ],
            }
        ),
    )
    out = kubectl("get", "pods,svc,ep,deploy", "-o", "wide").stdout
    sections = [table(s) for s in out.strip().split("\n\n")]
    pods, services, endpoints, deployments = sections
    assert pods[0] == [
        "NAME",
        "READY",
        "STATUS",
        "RESTARTS",
        "AGE",
        "IP",
        "NODE",
        "NOMINATED NODE",
        "READINESS GATES",
    ]
    assert pods[1][:4] == ["pod/hello-world-abc12", "1/1", "Running", "0"]
    assert pods[1][5:] == ["10.244.0.22", "node-1", "<none>", "<none>"]
    assert services[0] == [
        "NAME",
        "TYPE",
        "CLUSTER-IP",
        "EXTERNAL-IP",
        "PORT(S)",
        "AGE",
        "SELECTOR",
    ]
    svc = next(r for r in services if r[0] == "service/example-service")
    cluster_ip = get_json(kubectl, "svc", "example-service")["spec"]["clusterIP"]
    assert svc[1:5] == ["ClusterIP", cluster_ip, "<none>", "8080/TCP"]
    assert svc[6] == "run=load-balancer-example"
    assert endpoints[0] == ["NAME", "ENDPOINTS", "AGE"]
    ep = next(r for r in endpoints if r[0] == "endpoints/example-service")
    assert ep[1] == "10.244.0.21:8080,10.244.0.22:8080,10.244.0.23:8080 + 1 more..."
    assert deployments[0] == [
        "NAME",
        "READY",
        "UP-TO-DATE",
        "AVAILABLE",
        "AGE",
        "CONTAINERS",
        "IMAGES",
        "SELECTOR",
    ]
    assert deployments[1][0:2] == ["deployment.apps/hello-world", "0/2"]
    assert deployments[1][5:] == [
        "hello-world",
        "gcr.io/google-samples/node-hello:1.0",
        "run=load-balancer-example",
    ]
    plain = table(kubectl("get", "svc").stdout)
    assert plain[0] == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]


def test_get_yaml_and_json(kubectl, tmp_path):
    kubectl("create", "-f", manifest(tmp_path, "s.yaml", SERVICE))
    listed = get_json(kubectl, "svc")
    assert listed["kind"] == "List"
    assert {i["metadata"]["name"] for i in listed["items"]} == {"kubernetes", "example-service"}
    one = get_json(kubectl, "svc", "example-service")
    assert one["spec"]["ports"][0]["protocol"] == "TCP"
    out = kubectl("get", "svc", "example-service", "-o", "yaml").stdout
    assert "kind: Service" in out and "name: example-service" in out


def test_apply_creates_then_is_unchanged_then_configured(kubectl, tmp_path):
    path = manifest(tmp_path, "app.yaml", DEPLOYMENT + "---\n" + SERVICE)
    assert kubectl("apply", "-f", path).stdout.split("\n")[:2] == [
        "deployment.apps/hello-world created",
        "service/example-service created",
    ]
    svc = get_json(kubectl, "svc", "example-service")
    assert "kubectl.kubernetes.io/last-applied-configuration" in svc["metadata"]["annotations"]
    assert kubectl("apply", "-f", path).stdout.split("\n")[:2] == [
        "deployment.apps/hello-world unchanged",
        "service/example-service unchanged",
    ]
    changed = manifest(
        tmp_path,
        "app2.yaml",
        DEPLOYMENT.replace("replicas: 2", "replicas: 4")
        + "---\n"
        + SERVICE.replace("targetPort: 8080", "targetPort: 8081"),
    )
    assert kubectl("apply", "-f", changed).stdout.split("\n")[:2] == [
        "deployment.apps/hello-world configured",
        "service/example-service configured",
    ]
    assert get_json(kubectl, "deploy", "hello-world")["spec"]["replicas"] == 4
    assert get_json(kubectl, "svc", "example-service")["spec"]["ports"][0]["targetPort"] == 8081


def test_server_side_apply(kubectl, tmp_path):
    path = manifest(tmp_path, "s.yaml", SERVICE)
    assert "serverside-applied" in kubectl("apply", "--server-side", "-f", path).stdout


def test_expose_cluster_ip_and_node_port(kubectl, tmp_path):
    kubectl("create", "-f", manifest(tmp_path, "d.yaml", DEPLOYMENT))
    out = kubectl(
        "expose", "deployment", "hello-world", "--type=ClusterIP", "--name=example-service"
    )
    assert out.stdout.strip() == "service/example-service exposed"
    svc = get_json(kubectl, "svc", "example-service")
    assert svc["spec"]["ports"] == [{"port": 8080, "protocol": "TCP", "targetPort": 8080}]
    assert svc["spec"]["selector"] == {"run": "load-balancer-example"}
    kubectl(
        "expose",
        "deployment",
        "hello-world",
        "--type=NodePort",
        "--name=example-np",
        "--port=80",
        "--target-port=8080",
    )
    port = get_json(kubectl, "svc", "example-np")["spec"]["ports"][0]
    assert 30000 <= port["nodePort"] <= 32767
    row = table(kubectl("get", "svc", "example-np").stdout)[1]
    assert row[4] == f"80:{port['nodePort']}/TCP"


def test_scale_uses_the_scale_subresource(kubectl, tmp_path):
    kubectl("create", "-f", manifest(tmp_path, "d.yaml", DEPLOYMENT))
    out = kubectl("scale", "deployment", "hello-world", "--replicas=3")
    assert out.stdout.strip() == "deployment.apps/hello-world scaled"
    assert get_json(kubectl, "deploy", "hello-world")["spec"]["replicas"] == 3


def test_label_and_annotate(kubectl, tmp_path):
    kubectl("create", "-f", manifest(tmp_path, "s.yaml", SERVICE))
    assert kubectl("label", "svc", "example-service", "foo=bar").stdout.strip() == (
        "service/example-service labeled"
    )
    kubectl("annotate", "svc", "example-service", "note=hello")
    meta = get_json(kubectl, "svc", "example-service")["metadata"]
    assert meta["labels"] == {"foo": "bar"}
    assert meta["annotations"]["note"] == "hello"
    refused = kubectl("label", "svc", "example-service", "foo=baz", ok=False)
    assert refused.returncode == 1 and "already has a value (bar)" in refused.stderr
    kubectl("label", "svc", "example-service", "foo-")
    assert "labels" not in get_json(kubectl, "svc", "example-service")["metadata"]


def test_describe_service_reads_endpoint_slices(kubectl, tmp_path):
    kubectl("create", "-f", manifest(tmp_path, "s.yaml", SERVICE))
    before = kubectl("describe", "svc", "example-service").stdout
    assert "Endpoints:                <none>" in before
    kubectl("create", "-f", manifest(tmp_path, "slice.yaml", SLICE))
    out = kubectl("describe", "svc", "example-service").stdout
    assert "Endpoints:                10.244.0.21:8080,10.244.0.22:8080" in out
    assert "Port:                     <unset>  8080/TCP" in out


def test_delete_waits_for_404(kubectl, tmp_path):
    kubectl("create", "-f", manifest(tmp_path, "s.yaml", SERVICE))
    out = kubectl("delete", "svc", "example-service")
    assert out.stdout.strip() == 'service "example-service" deleted'
    gone = kubectl("get", "svc", "example-service", ok=False)
    assert gone.returncode == 1
    assert 'Error from server (NotFound): services "example-service" not found' in gone.stderr


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            "service",
            [
                "KIND:       Service",
                "VERSION:    v1",
                "spec\t<ServiceSpec>",
                "status\t<ServiceStatus>",
            ],
        ),
        (
            "service.spec.ports",
            [
                "FIELD: ports <[]ServicePort>",
                "port\t<integer> -required-",
                "targetPort\t<IntOrString>",
            ],
        ),
        (
            "pod.spec.containers",
            ["FIELD: containers <[]Container>", "image\t<string>", "ports\t<[]ContainerPort>"],
        ),
        (
            "deployment.spec",
            [
                "GROUP:      apps",
                "FIELD: spec <DeploymentSpec>",
                "template\t<PodTemplateSpec> -required-",
            ],
        ),
    ],
)
def test_explain(kubectl, target, expected):
    out = kubectl("explain", target).stdout
    for line in expected:
        assert line in out, (line, out)


def test_get_watch_prints_changes_as_rows(kubectl, tmp_path):
    kubectl("create", "-f", manifest(tmp_path, "s.yaml", SERVICE))
    proc = subprocess.Popen(
        [*kubectl.base, "get", "svc", "-w"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "KUBECONFIG": "/dev/null"},
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")))
    reader.start()
    try:
        wait_for(lambda: len(lines) >= 3)  # header + kubernetes + example-service
        assert lines[0].split()[:3] == ["NAME", "TYPE", "CLUSTER-IP"]
        kubectl(
            "patch", "svc", "example-service", "--type=merge", "-p", '{"spec":{"type":"NodePort"}}'
        )
        wait_for(lambda: any(line.split()[:2] == ["example-service", "NodePort"] for line in lines))
        assert proc.poll() is None  # the stream stays open
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        reader.join(timeout=10)
        # One more change lets the server notice the closed stream and end it.
        kubectl("label", "svc", "example-service", "done=yes")
        time.sleep(0.5)
    assert len([line for line in lines if line.startswith("example-service")]) == 2


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_create_deployment_sends_protobuf(kubectl):
    """``kubectl create deployment`` (1.32) POSTs a protobuf body (kubectl.md §2.6)."""
    out = kubectl(
        "create",
        "deployment",
        "hello-pb",
        "--replicas=2",
        "--image=gcr.io/google-samples/node-hello:1.0",
        "--port=8080",
    )
    assert out.stdout.strip() == "deployment.apps/hello-pb created"
    spec = get_json(kubectl, "deploy", "hello-pb")["spec"]
    assert spec["replicas"] == 2
    assert spec["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] == 8080
