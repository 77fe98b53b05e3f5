"""Issue 3's proof, after ``make run``: the embedded server started as the Makefile starts it
(migrate, bootstrap, demo, ``manage.py serve --demo-open``; SQLite in a temporary file, a free
port) brings the demo alive within seconds — the two hello-world pods Running and Ready with
IPs, both of them endpoints of ``example-service`` on port 8080 in its Endpoints and its
EndpointSlice — and ``kubectl scale deployment hello-world --replicas=3`` adds the third."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests.api.kubectl_live import kubectl_binary
from tests.integration.processes import child_env, manage, start_server

pytestmark = [pytest.mark.slow, pytest.mark.kubectl]
LABELS = "run=load-balancer-example"


def get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


def demo_state(url: str) -> dict[str, Any]:
    """Ready pod IPs, and the addresses and ports of example-service's Endpoints and slices."""
    q = urllib.parse.quote
    pods = get(f"{url}/api/v1/namespaces/default/pods?labelSelector={q(LABELS)}")["items"]
    ready = set()
    for pod in pods:
        status = pod.get("status") or {}
        conditions = {c["type"]: c["status"] for c in status.get("conditions") or []}
        if status.get("phase") == "Running" and conditions.get("Ready") == "True":
            ready.add(status.get("podIP"))
    ep = get(f"{url}/api/v1/namespaces/default/endpoints/example-service")
    slices = get(
        f"{url}/apis/discovery.k8s.io/v1/namespaces/default/endpointslices"
        f"?labelSelector={q('kubernetes.io/service-name=example-service')}"
    )["items"]
    return {
        "pods": len(pods),
        "ready_ips": ready,
        "endpoints": {
            (a["ip"], p["port"], p.get("protocol"))
            for s in ep.get("subsets") or []
            for a in s.get("addresses") or []
            for p in s.get("ports") or []
        },
        "not_ready": [a for s in ep.get("subsets") or [] for a in s.get("notReadyAddresses") or []],
        "slices": {
            (addr, p["port"], p.get("protocol"))
            for sl in slices
            for e in sl.get("endpoints") or []
            if (e.get("conditions") or {}).get("ready")
            for addr in e.get("addresses") or []
            for p in sl.get("ports") or []
        },
    }


def wait_for_replicas(url: str, replicas: int, timeout: float) -> tuple[float, dict[str, Any]]:
    start = time.monotonic()
    state: dict[str, Any] = {}
    while time.monotonic() - start < timeout:
        state = demo_state(url)
        ips = state["ready_ips"]
        want = {(ip, 8080, "TCP") for ip in ips}
        if (
            state["pods"] == replicas
            and len(ips) == replicas
            and None not in ips
            and state["endpoints"] == want
            and state["slices"] == want
            and not state["not_ready"]
        ):
            return time.monotonic() - start, state
        time.sleep(0.2)
    raise AssertionError(f"{replicas} ready endpoints not within {timeout:.0f} s: {state}")


@pytest.fixture
def make_run(tmp_path: Path, request: pytest.FixtureRequest):
    from tests.integration.conftest import attach_log

    env = child_env(PORTOLAN_SQLITE_PATH=str(tmp_path / "portolan.sqlite3"))
    setup_log = tmp_path / "setup.log"
    attach_log(request, "make run setup", setup_log)
    manage(env, "migrate", "-v0", log=setup_log)
    manage(env, "bootstrap", log=setup_log)
    manage(env, "demo", log=setup_log)
    server, url = start_server(env, tmp_path, "--demo-open")
    attach_log(request, "server", server.log)
    try:
        yield url
    finally:
        server.stop()


def kubectl(url: str, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, KUBECONFIG="/dev/null", HOME=str(cache))
    return subprocess.run(
        [kubectl_binary(), "--server", url, "--cache-dir", str(cache), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_make_run_brings_the_demo_alive_and_kubectl_scale_adds_an_endpoint(make_run, tmp_path):
    url = make_run
    # Within seconds the two hello-world pods are Ready endpoints on 8080
    took, state = wait_for_replicas(url, 2, timeout=20)
    assert len(state["endpoints"]) == 2

    # kubectl scale adds the third
    done = kubectl(url, tmp_path / "kube", "scale", "deployment", "hello-world", "--replicas=3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "deployment.apps/hello-world scaled"
    scaled, state = wait_for_replicas(url, 3, timeout=20)
    assert len(state["endpoints"]) == 3
    print(f"\ndemo ready {took:.1f} s after the server answered; scaled to 3 in {scaled:.1f} s")
