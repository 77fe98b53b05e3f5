"""Serve Portolan (ASGI: the REST API, the pages and, later, the live feed)."""

from __future__ import annotations

import ipaddress
import os

from django.conf import settings
from django.core.management.base import BaseCommand


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Command(BaseCommand):
    help = "Serve Portolan on HOST:PORT (env HOST, PORT; default 127.0.0.1:8000)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=1, help="ASGI worker processes")
        parser.add_argument(
            "--dns-port",
            type=int,
            default=int(os.environ.get("PORTOLAN_DNS_PORT", "-1")),
            help="also serve the cluster DNS on this UDP and TCP port (env PORTOLAN_DNS_PORT; "
            "0: a free port; -1, the default: no DNS server; `make run` uses 8053)",
        )
        parser.add_argument(
            "--demo-open",
            action="store_true",
            help="open the API to anonymous users when bound to loopback, unless "
            "PORTOLAN_ANONYMOUS is set in the environment",
        )

    def handle(self, *args, **opts):
        import uvicorn

        host, port = opts["host"], opts["port"]
        if opts["demo_open"] and "PORTOLAN_ANONYMOUS" not in os.environ and is_loopback(host):
            os.environ["PORTOLAN_ANONYMOUS"] = "1"
            settings.PORTOLAN_ANONYMOUS = True
        mode = (
            "distributed (Postgres, Redis)"
            if settings.DISTRIBUTED
            else "embedded (SQLite, in-process)"
        )
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
        self.stdout.write(f"Portolan is serving on {url}  [{mode}]")
        if settings.PORTOLAN_ANONYMOUS:
            self.stdout.write(
                "WARNING: anonymous access is ON (PORTOLAN_ANONYMOUS=1): anyone who can reach "
                "this address can read and change the cluster."
            )
        self.stdout.write(
            "  kubectl:  kubectl --server " + url + " get svc\n"
            "  token:    .venv/bin/python manage.py issue_token admin   "
            "(then: curl -H 'Authorization: Bearer TOKEN' " + url + "/api/v1/services)\n"
            "  log in:   .venv/bin/python manage.py createsuperuser, then open " + url + "/login"
        )
        if not settings.DISTRIBUTED and settings.PORTOLAN_CONTROLLERS and opts["workers"] == 1:
            from cluster.controllers import runtime

            runtime.start_local()
            self.stdout.write("  controllers: running in this process")
        dns_server = None
        if opts["dns_port"] >= 0:
            from cluster.dns.server import start_in_thread

            dns_server = start_in_thread(host, opts["dns_port"])
            dns_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
            self.stdout.write(
                f"  dns:      dig @{dns_host} -p {dns_server.port} "
                f"kubernetes.default.svc.{settings.PORTOLAN_CLUSTER_DOMAIN}"
            )
        self.stdout.flush()
        try:
            uvicorn.run(
                "dashboard.asgi:application",
                host=host,
                port=port,
                log_level="warning",
                lifespan="off",
            )
        finally:
            if dns_server is not None:
                dns_server.stop()
