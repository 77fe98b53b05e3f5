"""Serve the cluster DNS (UDP and TCP) on HOST:PORT until interrupted."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal

from django.core.management.base import BaseCommand, CommandError

from cluster.dns.config import DEFAULT_PORT, poll_seconds, zone_config
from cluster.dns.follower import Follower
from cluster.dns.server import DNSServer, new_event_loop
from cluster.dns.zone import POD_MODES


class Command(BaseCommand):
    help = (
        "Serve the cluster DNS zone over UDP and TCP on HOST:PORT (env PORTOLAN_DNS_HOST, "
        f"PORTOLAN_DNS_PORT; default 127.0.0.1:{DEFAULT_PORT}), answering from the database and "
        "following its change log."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("PORTOLAN_DNS_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORTOLAN_DNS_PORT", DEFAULT_PORT))
        )
        parser.add_argument("--ttl", type=int, default=None, help="answer TTL (CoreDNS: 5)")
        parser.add_argument("--pods", choices=POD_MODES, default=None, help="pod records mode")
        parser.add_argument(
            "--no-cache", action="store_true", help="build every answer (no response cache)"
        )

    def handle(self, *args, **opts):
        try:
            config = zone_config(ttl=opts["ttl"], pods=opts["pods"])
        except ValueError as e:
            raise CommandError(str(e)) from e
        follower = Follower(interval=poll_seconds())
        follower.sync()
        index = follower.index
        follower.start()
        server = DNSServer(follower, config, cache=not opts["no_cache"])
        loop = new_event_loop()
        asyncio.set_event_loop(loop)
        started: asyncio.Future[int] = loop.create_future()
        task = loop.create_task(server.serve(opts["host"], opts["port"], started))
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, task.cancel)

        def announce(f: asyncio.Future[int]) -> None:
            if f.cancelled() or f.exception() is not None:
                return
            self.stdout.write(
                f"Portolan DNS serving {config.zone_text} (and reverse zones) on "
                f"{opts['host']}:{f.result()} (UDP, TCP): {len(index.services)} services in "
                f"{len(index.namespaces)} namespaces at revision {index.revision}; "
                f"TTL {config.ttl} s, pods {config.pods}, cluster DNS IP "
                f"{', '.join(config.nameservers)}"
            )
            self.stdout.flush()

        started.add_done_callback(announce)
        try:
            loop.run_until_complete(task)
        except asyncio.CancelledError:
            pass
        except OSError as e:
            raise CommandError(f"cannot serve on {opts['host']}:{opts['port']}: {e}") from e
        finally:
            follower.stop()
            loop.close()
