"""What a traffic request names (:mod:`cluster.proxy.traffic`), resolved against the cluster:
the source (a pod, a node or a client outside the cluster), the destination (a name, an
address and a port, a protocol), the DNS answer for a name as the source pod gets it, and the
:class:`Cluster` reads the simulation makes (over lists of objects here, over the database in
``cluster.proxy.reads``). Invalid input raises :class:`BadRequest` with one cause per field."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from cluster.controllers.kubelet import node_internal_ip
from cluster.proxy import podhttp
from cluster.proxy.rules import FROM_NODE, FROM_OTHER, FROM_POD

Obj = dict[str, Any]
Resolver = Callable[..., Obj]
PROTOCOLS = ("TCP", "UDP", "SCTP")


class Cluster(Protocol):
    """What the simulation reads (:class:`MemoryCluster` in tests, ``reads.DbCluster``)."""

    def pod(self, namespace: str, name: str) -> Obj | None: ...
    def node(self, name: str) -> Obj | None: ...
    def nodes(self) -> list[Obj]: ...
    def pods_by_ip(self, ips: Iterable[str]) -> dict[str, Obj]: ...
    def services_at(self, ip: str) -> list[Obj]: ...
    def service_with_node_port(self, port: int) -> Obj | None: ...
    def backends(self, service: Obj) -> tuple[list[Obj], Obj | None]: ...


class MemoryCluster:
    """A :class:`Cluster` over lists of objects."""

    def __init__(
        self,
        *,
        services: Iterable[Obj] = (),
        slices: Iterable[Obj] = (),
        endpoints: Iterable[Obj] = (),
        nodes: Iterable[Obj] = (),
        pods: Iterable[Obj] = (),
    ) -> None:
        self._services = list(services)
        self._slices = list(slices)
        self._endpoints = list(endpoints)
        self._nodes = list(nodes)
        self._pods = list(pods)

    def pod(self, namespace: str, name: str) -> Obj | None:
        return next(
            (
                p
                for p in self._pods
                if p["metadata"].get("namespace") == namespace and p["metadata"]["name"] == name
            ),
            None,
        )

    def node(self, name: str) -> Obj | None:
        return next((n for n in self._nodes if n["metadata"]["name"] == name), None)

    def nodes(self) -> list[Obj]:
        return list(self._nodes)

    def pods_by_ip(self, ips: Iterable[str]) -> dict[str, Obj]:
        wanted = set(ips)
        return {
            podhttp.pod_ip(p): p
            for p in self._pods
            if podhttp.pod_ip(p) in wanted
            and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
        }

    def services_at(self, ip: str) -> list[Obj]:
        out = []
        for s in self._services:
            spec, status = s.get("spec") or {}, s.get("status") or {}
            ingress = (status.get("loadBalancer") or {}).get("ingress") or []
            if (
                ip == spec.get("clusterIP")
                or ip in (spec.get("clusterIPs") or [])
                or ip in (spec.get("externalIPs") or [])
                or any(i.get("ip") == ip for i in ingress)
            ):
                out.append(s)
        return out

    def service_with_node_port(self, port: int) -> Obj | None:
        for s in self._services:
            if any(p.get("nodePort") == port for p in (s.get("spec") or {}).get("ports") or []):
                return s
        return None

    def backends(self, service: Obj) -> tuple[list[Obj], Obj | None]:
        meta = service["metadata"]
        ns, name = meta.get("namespace", ""), meta["name"]
        slices = [
            s
            for s in self._slices
            if s["metadata"].get("namespace") == ns
            and (s["metadata"].get("labels") or {}).get("kubernetes.io/service-name") == name
        ]
        eps = next(
            (
                e
                for e in self._endpoints
                if e["metadata"].get("namespace") == ns and e["metadata"]["name"] == name
            ),
            None,
        )
        return slices, eps


# --- the request ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    kind: str  # "Pod", "Node" or "External"
    ip: str
    node: str = ""
    name: str = ""  # "namespace/name" for a pod, the node's name, or the IP
    pod: Obj | None = None
    host_network: bool = False

    def hop(self) -> Obj:
        out: Obj = {"hop": "source", "kind": self.kind, "name": self.name, "ip": self.ip}
        if self.kind == "Pod":
            ns, _, name = self.name.partition("/")
            out.update(namespace=ns, name=name)
        if self.node:
            out["nodeName"] = self.node
        return out

    @property
    def traffic_class(self) -> str:
        if self.kind == "Pod" and not self.host_network:
            return FROM_POD
        if self.kind in ("Pod", "Node"):
            return FROM_NODE
        return FROM_OTHER


class BadRequest(Exception):
    """Invalid input: ``(field, reason, value, detail)`` tuples for a 422."""

    def __init__(self, causes: list[tuple[str, str, Any, str]]) -> None:
        super().__init__("; ".join(f"{c[0]}: {c[3]}" for c in causes))
        self.causes = causes


class NoResolver(Exception):
    """A name was given and no cluster DNS resolver is available."""


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def resolve_source(text: str, cluster: Cluster) -> Source:
    """``namespace/name`` (a pod), a node's name, or an IP (a node's or pod's IP names that
    node or pod; any other IP is a client outside the cluster)."""
    text = text.strip()
    if "/" in text:
        ns, _, name = text.partition("/")
        pod = cluster.pod(ns, name) if ns and name else None
        if pod is None:
            raise BadRequest([("source", "FieldValueNotFound", text, f'pod "{text}" not found')])
        return _pod_source(pod, text)
    if _is_ip(text):
        for n in cluster.nodes():
            if node_internal_ip(n) == text:
                return Source("Node", text, n["metadata"]["name"], n["metadata"]["name"])
        pod = cluster.pods_by_ip([text]).get(text)
        if pod is not None:
            meta = pod["metadata"]
            return _pod_source(pod, f"{meta.get('namespace', '')}/{meta['name']}")
        return Source("External", text, "", text)
    node = cluster.node(text) if text else None
    if node is None:
        raise BadRequest(
            [
                (
                    "source",
                    "FieldValueInvalid",
                    text,
                    "must be a pod (namespace/name), a node's name or an IP address",
                )
            ]
        )
    name = node["metadata"]["name"]
    return Source("Node", node_internal_ip(node), name, name)


def _pod_source(pod: Obj, name: str) -> Source:
    status, spec = pod.get("status") or {}, pod.get("spec") or {}
    ip = podhttp.pod_ip(pod)
    phase = status.get("phase") or "Pending"
    if phase != "Running" or not ip or not spec.get("nodeName"):
        raise BadRequest(
            [
                (
                    "source",
                    "FieldValueInvalid",
                    name,
                    f"the pod is not running (phase {phase}): it cannot open connections",
                )
            ]
        )
    return Source(
        "Pod",
        ip,
        str(spec["nodeName"]),
        name,
        pod,
        host_network=bool(spec.get("hostNetwork")),
    )


@dataclass(frozen=True)
class Destination:
    text: str
    host: str
    port: int
    protocol: str
    is_ip: bool


def parse_destination(text: str, port: Any, protocol: Any) -> Destination:
    """``host``, ``host:port`` or ``[v6]:port``; ``port`` may come separately (and must then
    agree)."""
    causes: list[tuple[str, str, Any, str]] = []
    raw = text.strip()
    host, given = raw, None
    if raw.startswith("["):
        end = raw.find("]")
        host = raw[1:end] if end > 0 else raw
        rest = raw[end + 1 :] if end > 0 else ""
        given = rest[1:] if rest.startswith(":") else None
    elif raw.count(":") == 1:
        host, given = raw.split(":")
    if not host:
        causes.append(("destination", "FieldValueRequired", raw, "a name or an address"))
    number: int | None = None
    if given is not None:
        if not given.isdigit() or not 0 < int(given) < 65536:
            causes.append(("destination", "FieldValueInvalid", raw, "the port must be 1-65535"))
        else:
            number = int(given)
    if port is not None:
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            causes.append(("port", "FieldValueInvalid", port, "must be between 1 and 65535"))
        elif number is not None and number != port:
            causes.append(
                ("port", "FieldValueInvalid", port, f"the destination already names port {number}")
            )
        else:
            number = port
    if number is None and not causes:
        causes.append(("port", "FieldValueRequired", "", "give it here or as host:port"))
    proto = "TCP" if protocol in (None, "") else protocol
    if proto not in PROTOCOLS:
        causes.append(("protocol", "FieldValueNotSupported", protocol, ""))
    if causes:
        raise BadRequest(causes)
    assert number is not None
    return Destination(raw, host, number, str(proto), _is_ip(host))


# --- names -----------------------------------------------------------------------------------


def resolve_destination(
    source: Source, dest: Destination, resolver: Resolver | None
) -> tuple[list[str], Obj | None, str]:
    """(addresses, the DNS answer as reported, why nothing resolved)."""
    if dest.is_ip:
        return [dest.host], None, ""
    if source.kind != "Pod" or source.pod is None:
        raise BadRequest(
            [
                (
                    "destination",
                    "FieldValueInvalid",
                    dest.text,
                    "a name is resolved as a pod would resolve it: from a node or an external "
                    "client give an IP address",
                )
            ]
        )
    if resolver is None:
        raise NoResolver(dest.host)
    qtype = "AAAA" if ":" in source.ip else "A"
    result = resolver(source.pod, dest.host, qtype)
    addresses, aliases = answer_addresses(result.get("answer") or [])
    tried = [
        str(t.get("name")) if isinstance(t, dict) else str(t)
        for t in result.get("fqdn_tried") or []
    ]
    report: Obj = {
        "name": dest.host,
        "qtype": qtype,
        "fqdnTried": result.get("fqdn_tried") or [],
        "resolvedName": result.get("resolved_name"),
        "answer": list(result.get("answer") or []),
        "addresses": addresses,
    }
    for key, out in (
        ("search", "search"),
        ("ndots", "ndots"),
        ("nameserver", "nameserver"),
        ("resolv_conf", "resolvConf"),
    ):
        if key in result:
            report[out] = result[key]
    if addresses:
        return addresses, report, ""
    if aliases:
        return (
            [],
            report,
            (
                f"{dest.host} is an alias (CNAME) of {aliases[-1]}, outside the cluster: Portolan "
                "does not simulate networks outside the cluster"
            ),
        )
    names = ", ".join(tried) or dest.host
    return [], report, f"{dest.host} does not resolve from pod {source.name} (tried {names})"


def answer_addresses(answer: Iterable[Any]) -> tuple[list[str], list[str]]:
    """(A/AAAA addresses, CNAME targets) of an answer: bare IPs, or records in zone-file text
    (``name TTL IN TYPE DATA``)."""
    addresses: list[str] = []
    aliases: list[str] = []
    for item in answer:
        text = str(item).strip()
        if _is_ip(text):
            addresses.append(text)
            continue
        fields = text.split()
        if len(fields) >= 5 and fields[3] in ("A", "AAAA") and _is_ip(fields[4]):
            addresses.append(fields[4])
        elif len(fields) >= 5 and fields[3] == "CNAME":
            aliases.append(fields[4].rstrip("."))
    return addresses, aliases
