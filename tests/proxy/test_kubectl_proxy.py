"""The real kubectl reaching the demo's pods through the apiserver's service proxy:
``kubectl get --raw …/services/example-service:8080/proxy/`` and ``kubectl proxy`` + an HTTP
client, against a live Portolan server (nothing mocked)."""

from __future__ import annotations

import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from cluster.actions.demo import load_demo
from cluster.actions.pods import set_pod_readiness
from cluster.models import Pod
from tests.api.kubectl_live import Kubectl, kubectl_binary, start_kubectl

pytestmark = pytest.mark.kubectl
RAW = "/api/v1/namespaces/default/services/example-service:8080/proxy/"


@pytest.fixture
def demo_pods(transactional_db, live_server, settings, tmp_path, control_plane) -> Kubectl:
    """The demo run by the controllers in this process (the server's writes queue keys here)."""
    settings.PORTOLAN_READY_DELAY = 0
    kubectl = start_kubectl(live_server, settings, tmp_path)
    load_demo()
    control_plane.drain()
    return kubectl


def pod_names() -> set[str]:
    return set(
        Pod.objects.filter(labels__run="load-balancer-example").values_list("name", flat=True)
    )


def test_kubectl_get_raw_through_the_service_proxy(demo_pods, control_plane):
    names = pod_names()
    assert len(names) == 2
    seen = set()
    for _ in range(12):
        done = demo_pods("get", "--raw", RAW)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Hello Kubernetes!")
        seen |= {n for n in names if f"default/{n}" in done.stdout}
    assert seen == names  # both pods answer, picked at random

    for name in names:
        set_pod_readiness(namespace="default", name=name, ready=False)
    control_plane.drain()
    failed = demo_pods("get", "--raw", RAW)
    assert failed.returncode != 0
    assert failed.stderr == (
        "Error from server (ServiceUnavailable): no endpoints available for service "
        '"example-service:8080"\n'
    )


def test_kubectl_proxy_then_an_http_client(demo_pods, tmp_path: Path):
    env = dict(os.environ, KUBECONFIG="/dev/null", HOME=str(tmp_path))
    proc = subprocess.Popen(
        [kubectl_binary(), "--server", demo_pods.server, "proxy", "--port=0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("Starting to serve on 127.0.0.1:"), line
        port = int(line.rsplit(":", 1)[1])
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{RAW}", timeout=10) as r:
                    body = r.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert body.startswith("Hello Kubernetes!")
        assert any(f"pod:       default/{n}" in body for n in pod_names())
    finally:
        proc.terminate()
        proc.wait(timeout=10)
