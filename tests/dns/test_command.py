"""``manage.py dns --port N`` in its own process on the test database: it answers from what is
committed, follows changes another process commits (through the change log alone: no
in-process wake-up), and stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import dns.exception
import dns.message
import dns.query
import dns.rcode
import pytest
from django.db import connection

from cluster.actions.bootstrap import ensure_cluster
from cluster.actions.objects import create_object
from cluster.kinds import by_kind
from tests.integration.processes import child_env, free_port, postgres_url, tail

ROOT = Path(__file__).resolve().parent.parent.parent


def ask(port: int, name: str) -> dns.message.Message | None:
    try:
        return dns.query.udp(dns.message.make_query(name, "A"), "127.0.0.1", port=port, timeout=1)
    except (OSError, dns.exception.Timeout):
        return None


def wait_for(check, what: str, log: Path, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    pytest.fail(f"{what} within {timeout:.0f} s; log:\n{tail(log)}", pytrace=False)


def test_dns_command_serves_and_follows_another_process(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs the Postgres test database (make test)", pytrace=False)
    ensure_cluster()
    port = free_port()
    log = tmp_path / "dns.log"
    env = child_env(DATABASE_URL=postgres_url(connection.settings_dict))
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "dns", "--port", str(port), "--ttl", "30"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        name = "kubernetes.default.svc.cluster.local."
        reply = wait_for(lambda: ask(port, name), "an answer", log)
        assert [rrset.to_text() for rrset in reply.answer] == [f"{name} 30 IN A 10.96.0.1"]

        # A Service this process commits: the server learns of it from the change log.
        kind = by_kind("Service")
        assert kind is not None
        body = {"metadata": {"name": "late"}, "spec": {"ports": [{"name": "http", "port": 80}]}}
        ip = create_object(kind, namespace="default", body=body)["spec"]["clusterIP"]
        late = "late.default.svc.cluster.local."
        reply = wait_for(
            lambda: (r := ask(port, late)) is not None and r.rcode() == dns.rcode.NOERROR and r,
            "the new Service's answer",
            log,
        )
        assert [rrset.to_text() for rrset in reply.answer] == [f"{late} 30 IN A {ip}"]
        assert "Portolan DNS serving cluster.local." in log.read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(15)
            pytest.fail(f"manage.py dns did not stop on SIGTERM:\n{tail(log)}", pytrace=False)
    assert code == 0, tail(log)
