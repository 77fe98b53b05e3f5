"""``python manage.py port-forward`` as a user runs it: a child process on the test database
(Postgres) opens a local port, says so as kubectl does, and every connection gets the HTTP
answer of the pod kubectl would choose, on the translated container port."""

from __future__ import annotations

import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from cluster.actions.demo import load_demo
from cluster.actions.objects import create_object
from cluster.kinds import by_kind
from cluster.models import Pod
from tests.integration.processes import PYTHON, ROOT, Process, child_env, free_port, postgres_url

pytestmark = pytest.mark.slow
FORWARDING = re.compile(r"Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)")


@pytest.fixture
def env(transactional_db, settings, control_plane) -> dict[str, str]:
    """The demo, run by the controllers, committed where the child process can read it."""
    from cluster.actions.bootstrap import ensure_cluster

    if connection.vendor != "postgresql":
        pytest.fail(
            "these tests start manage.py on the test database: run them on Postgres", pytrace=False
        )
    settings.PORTOLAN_READY_DELAY = 0
    ensure_cluster()
    load_demo()
    control_plane.drain()
    return child_env(DATABASE_URL=postgres_url(connection.settings_dict))


class Forward:
    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.process = Process(
            "port-forward", [PYTHON, "manage.py", "port-forward", *args], env, log
        )

    def wait_forwarding(self) -> tuple[int, int]:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            found = FORWARDING.search(self.process.log.read_text())
            if found:
                return int(found.group(1)), int(found.group(2))
            self.process.fail_if_dead("before forwarding")
            time.sleep(0.1)
        raise AssertionError(f"no 'Forwarding from' line:\n{self.process.log.read_text()}")

    def output(self) -> str:
        return self.process.log.read_text()


@pytest.fixture
def forward(env, tmp_path):
    started: list[Forward] = []

    def start(*args: str) -> Forward:
        f = Forward(env, tmp_path / f"port-forward-{len(started)}.log", *args)
        started.append(f)
        return f

    yield start
    for f in started:
        f.process.stop()


def get(port: int, path: str = "/") -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        assert r.status == 200
        return r.read().decode()


def demo_pods() -> set[str]:
    return set(
        Pod.objects.filter(labels__run="load-balancer-example").values_list("name", flat=True)
    )


def pod_in(body: str) -> str:
    found = re.search(r"^pod:\s+default/(\S+)$", body, re.M)
    assert found, body
    return found.group(1)


def test_port_forward_to_the_demo_service(forward):
    local = free_port()
    f = forward("service/example-service", f"{local}:8080")
    assert f.wait_forwarding() == (local, 8080)
    first = get(local)
    assert first.startswith("Hello Kubernetes!")
    chosen = pod_in(first)
    assert chosen in demo_pods()
    assert "port:      8080" in first
    # Every connection goes to that one pod: port-forward does not balance.
    assert {pod_in(get(local, f"/{i}")) for i in range(5)} == {chosen}
    out = f.output()
    assert f"Forwarding from 127.0.0.1:{local} -> 8080" in out
    assert f"Handling connection for {local}" in out


def test_port_forward_to_a_deployment_or_a_pod_with_a_random_local_port(forward):
    f = forward("deployment/hello-world", ":8080")
    port, remote = f.wait_forwarding()
    assert remote == 8080 and port != 8080
    assert pod_in(get(port)) in demo_pods()
    name = sorted(demo_pods())[0]
    local = free_port()
    g = forward(f"pod/{name}", f"{local}:8080", "--address", "127.0.0.1")
    g.wait_forwarding()
    assert pod_in(get(local)) == name
    assert "[::1]" not in g.output()


def run_failing(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [PYTHON, "manage.py", "port-forward", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, (done.stdout, done.stderr)
    return done


def test_port_forward_errors_are_kubectls(env):
    assert run_failing(env, "service/example-service", "80").stderr.strip() == (
        "error: Service example-service does not have a service port 80"
    )
    assert run_failing(env, "svc/kubernetes", "443").stderr.strip() == (
        "error: invalid service 'kubernetes': Service is defined without a selector"
    )
    assert run_failing(env, "service/nope", "80").stderr.strip() == (
        'Error from server (NotFound): services "nope" not found'
    )
    create_object(
        by_kind("Pod"),
        namespace="default",
        body={
            "metadata": {"name": "waiting"},
            "spec": {"schedulerName": "nobody", "containers": [{"name": "c", "image": "x"}]},
        },
    )
    assert run_failing(env, "pod/waiting", "80").stderr.strip() == (
        "error: unable to forward port because pod is not running. Current status=Pending"
    )
