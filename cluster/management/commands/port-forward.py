"""``manage.py port-forward TYPE/NAME [LOCAL:]REMOTE…`` — ``kubectl port-forward`` against
the simulated cluster (the file name gives kubectl's hyphenated spelling).

The pod is chosen as kubectl chooses it (discovery.md §5.1: a Service's or workload's
selector, the most active matching pod, waiting up to ``--pod-running-timeout`` for one to
exist; it must be Running), the ports are translated as §5.2 says, and every local listener
answers each connection with that pod's HTTP answer on the container port
(:mod:`cluster.proxy.podhttp`). Output and errors follow kubectl's wording."""

from __future__ import annotations

import http.server
import ipaddress
import re
import socket
import socketserver
import sys
import threading
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from cluster import labels
from cluster.errors import StatusError
from cluster.kinds import Kind, by_kind
from cluster.proxy import podhttp, portforward, reads
from cluster.proxy.portforward import Forward, PortForwardError
from cluster.selectors import get_object
from cluster.validation.net import join_host_port

Obj = dict[str, Any]
RESOURCES = {
    "Pod": ("pod", "pods", "po"),
    "Service": ("service", "services", "svc"),
    "Deployment": ("deployment", "deployments", "deploy", "deployment.apps", "deployments.apps"),
    "ReplicaSet": ("replicaset", "replicasets", "rs", "replicaset.apps", "replicasets.apps"),
    "StatefulSet": ("statefulset", "statefulsets", "sts", "statefulset.apps"),
    "DaemonSet": ("daemonset", "daemonsets", "ds", "daemonset.apps"),
    "Job": ("job", "jobs", "job.batch", "jobs.batch"),
}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")


class Failure(Exception):
    """kubectl's ``error: …`` (the text after ``error: ``)."""


def parse_duration(text: str) -> float:
    """A Go duration (``1m0s``, ``30s``, ``1.5m``); a bare number is seconds."""
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    pos, total = 0, 0.0
    for m in _DURATION.finditer(text):
        if m.start() != pos:
            break
        total += float(m.group(1)) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[m.group(2)]
        pos = m.end()
    if pos != len(text) or not text:
        raise Failure(f'invalid argument "{text}" for "--pod-running-timeout" flag')
    return total


def resolve_kind(text: str) -> tuple[Kind, str]:
    """``TYPE/NAME`` (or a bare pod name) → (kind, name)."""
    if "/" not in text:
        return _kind("Pod"), text
    type_, _, name = text.partition("/")
    for kind, names in RESOURCES.items():
        if type_.lower() in names:
            return _kind(kind), name
    raise Failure(f'the server doesn\'t have a resource type "{type_}"')


def _kind(name: str) -> Kind:
    kind = by_kind(name)
    assert kind is not None
    return kind


def selector_of(kind: Kind, obj: Obj) -> labels.Selector:
    """``AttachablePodForObjectFn``'s selector."""
    spec = obj.get("spec") or {}
    if kind.kind == "Service":
        if not spec.get("selector"):
            raise Failure(
                f"invalid service '{obj['metadata']['name']}': Service is defined without a "
                "selector"
            )
        return labels.from_set(spec["selector"])
    return labels.from_label_selector(spec.get("selector"))


def first_pod(namespace: str, selector: labels.Selector, timeout: float) -> Obj:
    """``GetFirstPod``: the most active matching pod, waiting for one to exist."""
    deadline = time.monotonic() + timeout
    while True:
        pod = portforward.first_pod(reads.pods_matching(namespace, selector))
        if pod is not None:
            return pod
        if time.monotonic() >= deadline:
            raise Failure("timed out waiting for the condition")
        time.sleep(min(0.5, max(deadline - time.monotonic(), 0.0)))


def listen_addresses(text: str) -> list[tuple[str, bool]]:
    """``parseAddresses``: (address, required); ``localhost`` is 127.0.0.1 and ::1, needed
    only as a pair (one of them may fail)."""
    out: list[tuple[str, bool]] = []
    for address in [a.strip() for a in text.split(",") if a.strip()]:
        if address == "localhost":
            out += [(a, False) for a in ("127.0.0.1", "::1") if a not in [o[0] for o in out]]
            continue
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise Failure(f"{address} is not a valid IP") from None
        if address not in [o[0] for o in out]:
            out.append((address, True))
    return out


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Server6(_Server):
    address_family = socket.AF_INET6


class Forwarder:
    """The listeners of one ``port-forward`` and what each connection gets."""

    def __init__(self, command: BaseCommand, pod: Obj, forward: Forward) -> None:
        self.command = command
        self.namespace = pod["metadata"].get("namespace", "")
        self.name = pod["metadata"]["name"]
        self.forward = forward
        self.lost = threading.Event()

    def handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        forwarder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            server_version = "portolan-pod"
            sys_version = ""

            def handle(self) -> None:
                forwarder.out(f"Handling connection for {forwarder.forward.local}")
                super().handle()

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                return

            def answer(self) -> None:
                try:
                    result = forwarder.answer(self.command, self.path)
                finally:
                    connection.close()
                if result is None:
                    self.close_connection = True
                    return
                data = b"" if self.command == "HEAD" else result.data
                self.send_response(result.status)
                self.send_header("Content-Type", result.content_type)
                self.send_header("Content-Length", str(len(result.data)))
                for key, value in result.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = answer

        return Handler

    def out(self, text: str) -> None:
        self.command.stdout.write(text)
        self.command.stdout.flush()

    def answer(self, method: str, path: str) -> podhttp.Answer | None:
        pod = reads.get_pod(self.namespace, self.name)
        remote = self.forward.remote
        if pod is None or (pod.get("status") or {}).get("phase") != "Running":
            self.command.stderr.write("error: lost connection to pod")
            self.lost.set()
            return None
        try:
            return podhttp.answer(pod, remote, method=method, path=path)
        except podhttp.NotListening as e:
            self.command.stderr.write(
                f"an error occurred forwarding {self.forward.local} -> {remote}: error "
                f"forwarding port {remote} to pod {self.namespace}/{self.name}: {e}"
            )
            return None

    def listen(self, addresses: list[tuple[str, bool]]) -> list[socketserver.TCPServer]:
        servers: list[socketserver.TCPServer] = []
        failures = []
        for address, required in addresses:
            cls = _Server6 if ":" in address else _Server
            try:
                server = cls((address, self.forward.local), self.handler())
            except OSError as e:
                failures.append(f"unable to create listener: Error listen {address}: {e}")
                if required:
                    raise Failure(
                        f"Unable to listen on port {self.forward.local}: {'; '.join(failures)}"
                    ) from None
                continue
            if self.forward.local == 0:
                self.forward = Forward(server.server_address[1], self.forward.remote)
            self.out(
                f"Forwarding from {join_host_port(address, self.forward.local)} -> "
                f"{self.forward.remote}"
            )
            servers.append(server)
        if not servers:
            raise Failure(
                f"Unable to listen on port {self.forward.local}: Listeners failed to create "
                f"with the following errors: [{' '.join(failures)}]"
            )
        return servers


class Command(BaseCommand):
    help = (
        "Forward one or more local ports to a pod, as kubectl port-forward does: TYPE/NAME "
        "is pod/NAME (or NAME), service/NAME, deployment/NAME, replicaset/NAME, "
        "statefulset/NAME, daemonset/NAME or job/NAME; ports are [LOCAL:]REMOTE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", help="TYPE/NAME")
        parser.add_argument("ports", nargs="*", help="[LOCAL_PORT:]REMOTE_PORT")
        parser.add_argument("-n", "--namespace", default="default")
        parser.add_argument(
            "--address",
            default="localhost",
            help="addresses to listen on (comma separated): only IPs or localhost",
        )
        parser.add_argument(
            "--pod-running-timeout",
            default="1m0s",
            help="how long to wait until at least one pod is running",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            servers, forwarders = self.start(opts)
        except (Failure, PortForwardError) as e:
            self.stderr.write(f"error: {e}")
            sys.exit(1)
        except StatusError as e:
            self.stderr.write(f"Error from server ({e.reason}): {e.message}")
            sys.exit(1)
        threads = [
            threading.Thread(target=s.serve_forever, daemon=True, name="port-forward")
            for s in servers
        ]
        for t in threads:
            t.start()
        try:
            while not any(f.lost.is_set() for f in forwarders):
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass
        finally:
            for s in servers:
                s.shutdown()
                s.server_close()
        if any(f.lost.is_set() for f in forwarders):
            sys.exit(1)

    def start(self, opts: Obj) -> tuple[list[socketserver.TCPServer], list[Forwarder]]:
        ports: list[str] = opts["ports"]
        if not ports:
            raise Failure("TYPE/NAME and list of ports are required for port-forward")
        namespace = opts["namespace"]
        timeout = parse_duration(opts["pod_running_timeout"])
        addresses = listen_addresses(opts["address"])
        kind, name = resolve_kind(opts["target"])
        obj = get_object(kind, namespace, name)
        if kind.kind == "Pod":
            pod = obj
        else:
            pod = first_pod(namespace, selector_of(kind, obj), timeout)
        if kind.kind == "Service":
            portforward.check_udp_service(ports, obj)
            translated = portforward.translate_service_ports(ports, obj, pod)
        else:
            portforward.check_udp_pod(ports, pod)
            translated = portforward.convert_pod_named_ports(ports, pod)
        forwards = portforward.parse_forwards(translated)
        current = reads.get_pod(namespace, pod["metadata"]["name"])
        phase = ((current or pod).get("status") or {}).get("phase") or "Pending"
        if current is None or phase != "Running":
            raise Failure(
                f"unable to forward port because pod is not running. Current status={phase}"
            )
        servers: list[socketserver.TCPServer] = []
        forwarders = []
        for forward in forwards:
            forwarder = Forwarder(self, current, forward)
            servers += forwarder.listen(addresses)
            forwarders.append(forwarder)
        connection.close()
        return servers, forwarders
