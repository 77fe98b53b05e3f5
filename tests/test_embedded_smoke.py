"""A smoke run of the embedded mode, as `make run` starts it: SQLite, no Postgres or Redis in
the environment, the demo cluster loaded, served by `manage.py serve` in its own process."""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def embedded_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "PORTOLAN_ANONYMOUS")
    }
    env["PORTOLAN_SQLITE_PATH"] = str(tmp_path / "portolan.sqlite3")
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def request(url: str, method: str = "GET", body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


class Server:
    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(self.port), *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(
                    "server exited: " + (self.proc.stdout.read() if self.proc.stdout else "")
                )
            try:
                urllib.request.urlopen(self.url + "/version", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError("server did not answer within 30 s")

    def stop(self) -> str:
        self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        return out or ""


@pytest.fixture
def embedded(tmp_path):
    env = embedded_env(tmp_path)
    manage(env, "migrate", "-v0")
    manage(env, "demo")
    return env


def test_make_run_serves_the_demo_with_an_allocated_cluster_ip(embedded):
    server = Server(embedded, "--demo-open")
    try:
        status, svc = request(server.url + "/api/v1/namespaces/default/services/example-service")
        assert status == 200
        assert ipaddress.ip_address(svc["spec"]["clusterIP"]) in ipaddress.ip_network(
            "10.96.0.0/12"
        )
        assert svc["spec"]["ports"][0]["port"] == 8080
        status, dep = request(
            server.url + "/apis/apps/v1/namespaces/default/deployments/hello-world"
        )
        assert status == 200 and dep["spec"]["replicas"] == 2
        status, created = request(
            server.url + "/api/v1/namespaces/default/services",
            "POST",
            {"metadata": {"name": "smoke"}, "spec": {"ports": [{"port": 80}]}},
        )
        assert status == 201, created
    finally:
        out = server.stop()
    assert "anonymous access is ON" in out


def test_without_the_demo_flag_anonymous_callers_are_refused(embedded):
    server = Server(embedded)
    try:
        status, body = request(server.url + "/api/v1/namespaces/default/services")
        assert status == 401 and body["reason"] == "Unauthorized"
    finally:
        server.stop()


def test_the_demo_opens_up_only_on_loopback(embedded):
    from cluster.management.commands.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
