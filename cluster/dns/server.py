"""The cluster DNS server: UDP and TCP on one address, asyncio for the sockets, dnspython for
every message (``from_wire``, ``make_response``, ``to_wire``).

Over UDP an answer larger than the client's EDNS payload (512 bytes without EDNS) is cut at an
RRset boundary with the TC bit set (``to_wire(prefer_truncation=True)``), so the client retries
over TCP, where messages carry their two-byte length (RFC 1035 §4.2.2) and a connection may
carry many queries.

Repeated questions are answered from a cache of the bytes dnspython produced, keyed by the
query's bytes after its ID (flags, question, EDNS: everything the answer depends on) and
forgotten as soon as the index changes, so a cached answer is never older than the cluster.
Only the two ID bytes of a cached answer are replaced.

``start_in_thread(host, port)`` runs a server and the change-log follower beside another server
(the web server) in the same process; ``manage.py dns`` runs one on its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from typing import Any

import dns.exception
import dns.flags
import dns.message
import dns.opcode
import dns.rcode
import dns.rdataclass

from cluster.dns.follower import Follower, shared
from cluster.dns.records import resolve
from cluster.dns.zone import ZoneConfig

log = logging.getLogger("portolan.dns")

UDP_MIN = 512  # RFC 1035 without EDNS; RFC 6891: a smaller advertised size means 512
OUR_PAYLOAD = 1232  # the EDNS size we advertise (DNS flag day 2020)
TCP_IDLE_SECONDS = 10.0
CACHE_MAX = 65536


class DNSServer:
    """Answers wire-format queries from an index that a :class:`Follower` keeps current."""

    def __init__(self, follower: Follower, config: ZoneConfig, *, cache: bool = True) -> None:
        self.follower = follower
        self.index = follower.index
        self.config = config
        self.cache_enabled = cache
        self._cache: dict[bytes, bytes] = {}
        self._cache_generation = -1

    # --- one message -----------------------------------------------------------------------
    def handle(self, wire: bytes, *, tcp: bool = False) -> bytes | None:
        """The response to one query message (None: nothing to send back)."""
        if self.cache_enabled and not tcp:
            generation = self.index.generation
            if generation != self._cache_generation:
                self._cache.clear()
                self._cache_generation = generation
            hit = self._cache.get(wire[2:])
            if hit is not None:
                return wire[:2] + hit
        try:
            query = dns.message.from_wire(wire)
        except dns.message.ShortHeader:
            return None
        except dns.exception.DNSException:
            return self._format_error(wire)
        if query.flags & dns.flags.QR:
            return None  # a response: never answer one
        response, cacheable = self.respond(query)
        if tcp:
            return response.to_wire(max_size=65535, prepend_length=True)
        limit = max(UDP_MIN, query.payload) if query.edns >= 0 else UDP_MIN
        out = response.to_wire(max_size=limit, prefer_truncation=True)
        if self.cache_enabled and cacheable:
            if len(self._cache) >= CACHE_MAX:
                self._cache.clear()
            self._cache[wire[2:]] = out[2:]
        return out

    def respond(self, query: dns.message.Message) -> tuple[dns.message.Message, bool]:
        """The response message, and whether it may be cached (it depends only on the query
        bytes and the index)."""
        response = dns.message.make_response(query, our_payload=OUR_PAYLOAD)
        if query.opcode() != dns.opcode.QUERY:
            response.set_rcode(dns.rcode.NOTIMP)
            return response, True
        if query.edns > 0:
            response.set_rcode(dns.rcode.BADVERS)
            return response, True
        if len(query.question) != 1:
            response.set_rcode(dns.rcode.FORMERR)
            return response, True
        question = query.question[0]
        if question.rdclass != dns.rdataclass.IN:
            response.set_rcode(dns.rcode.REFUSED)
            return response, True
        with self.index.lock:
            answer = resolve(self.index, self.config, question.name, question.rdtype)
            synced = self.index.synced
        response.set_rcode(answer.rcode)
        if answer.rcode != dns.rcode.REFUSED:
            response.flags |= dns.flags.AA
        response.answer = answer.answer
        response.authority = answer.authority
        response.additional = answer.additional
        return response, synced

    @staticmethod
    def _format_error(wire: bytes) -> bytes | None:
        """FORMERR for a query dnspython cannot parse (its header still names the ID); nothing
        for a malformed response (never answer a response)."""
        if int.from_bytes(wire[2:4], "big") & dns.flags.QR:
            return None
        response = dns.message.Message(id=int.from_bytes(wire[:2], "big"))
        response.flags = dns.flags.QR
        response.set_rcode(dns.rcode.FORMERR)
        return response.to_wire()

    # --- sockets ---------------------------------------------------------------------------
    async def serve(self, host: str, port: int, started: asyncio.Future[int] | None = None) -> None:
        """Serve UDP and TCP on ``host:port`` (port 0: a free one) until cancelled."""
        loop = asyncio.get_running_loop()
        # With port 0 the UDP socket picks a free port, and TCP may find that number taken (by
        # any TCP socket, an outgoing connection included): try another.
        attempts = 20 if port == 0 else 1
        for attempt in range(attempts):
            udp: asyncio.DatagramTransport | None = None
            try:
                udp, _ = await loop.create_datagram_endpoint(
                    lambda: _UDPProtocol(self), local_addr=(host, port)
                )
                bound = udp.get_extra_info("sockname")[1]
                tcp = await asyncio.start_server(self._tcp_client, host, bound, reuse_address=True)
                break
            except BaseException as e:
                if udp is not None:
                    udp.close()
                if isinstance(e, OSError) and attempt + 1 < attempts:
                    continue
                if started is not None and not started.done():
                    started.set_exception(e)
                raise
        try:
            if started is not None and not started.done():
                started.set_result(bound)
            await asyncio.Future()  # until cancelled
        finally:
            udp.close()
            tcp.close()
            with contextlib.suppress(Exception):
                await tcp.wait_closed()

    async def _tcp_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await asyncio.wait_for(reader.readexactly(2), TCP_IDLE_SECONDS)
                size = int.from_bytes(head, "big")
                wire = await asyncio.wait_for(reader.readexactly(size), TCP_IDLE_SECONDS)
                out = self.handle(wire, tcp=True)
                if out is None:
                    break
                writer.write(out)
                await writer.drain()
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError):
            pass
        except Exception:  # noqa: BLE001 - one bad connection must not stop the server
            log.exception("dns: TCP client failed")
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


class _UDPProtocol(asyncio.DatagramProtocol):
    def __init__(self, server: DNSServer) -> None:
        self.server = server
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: Any) -> None:
        try:
            out = self.server.handle(data)
        except Exception:  # noqa: BLE001 - one bad query must not stop the server
            log.exception("dns: UDP query failed")
            return
        if out is not None and self.transport is not None:
            self.transport.sendto(out, addr)

    def error_received(self, exc: Exception) -> None:
        log.debug("dns: UDP error %s", exc)


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop when installed (it comes with uvicorn[standard]), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


class DNSHandle:
    """A DNS server running in a thread of this process; :meth:`stop` ends it."""

    def __init__(self, server: DNSServer, host: str, *, own_follower: bool) -> None:
        self.server = server
        self.host = host
        self.port = 0
        self._own_follower = own_follower
        self._loop = new_event_loop()
        self._task: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None

    @property
    def follower(self) -> Follower:
        return self.server.follower

    def start(self, port: int, timeout: float = 30.0) -> DNSHandle:
        started: asyncio.Future[int] = self._loop.create_future()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            self._task = self._loop.create_task(self.server.serve(self.host, port, started))
            try:
                self._loop.run_until_complete(self._task)
            except (asyncio.CancelledError, Exception):
                pass  # stopped, or failed to bind (reported through ``started``)
            finally:
                self._loop.close()

        self._thread = threading.Thread(target=run, name="portolan-dns", daemon=True)
        self._thread.start()
        done = threading.Event()
        result: dict[str, Any] = {}

        def report(f: asyncio.Future[int]) -> None:
            result["port"] = f.result() if not f.exception() else f.exception()
            done.set()

        self._loop.call_soon_threadsafe(started.add_done_callback, report)
        if not done.wait(timeout):
            raise RuntimeError(f"the DNS server did not start within {timeout:.0f} s")
        if isinstance(result["port"], BaseException):
            self._thread.join(timeout)
            raise result["port"]
        self.port = int(result["port"])
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is None:
            return
        if self._task is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._task.cancel)
        self._thread.join(timeout)
        self._thread = None
        if self._own_follower:
            self.server.follower.stop(timeout)

    def __enter__(self) -> DNSHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_in_thread(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    config: ZoneConfig | None = None,
    follower: Follower | None = None,
    cache: bool = True,
) -> DNSHandle:
    """Start the cluster DNS on ``host:port`` (UDP and TCP; port 0 picks a free one, see
    ``handle.port``) in a thread of this process, with the change-log follower in another.
    Without ``follower`` it uses the process's shared one (the index "resolve from a pod"
    reads). Returns once the sockets are bound and the index holds a first snapshot."""
    if config is None:
        from cluster.dns.config import zone_config

        config = zone_config()
    follower = follower if follower is not None else shared()
    follower.sync()
    started_follower = not follower.running
    follower.start()
    handle = DNSHandle(
        DNSServer(follower, config, cache=cache), host, own_follower=started_follower
    )
    try:
        return handle.start(port)
    except BaseException:
        if started_follower:
            follower.stop()
        raise
