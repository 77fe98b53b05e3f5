"""What kube-proxy knows of a Service port (``pkg/proxy/serviceport.go``
``newBaseServiceInfo``, ``endpointslicecache.go``), pure: cluster IPs, node port,
load-balancer VIPs, external IPs, traffic policies and session affinity, and the endpoints of
the port from the Service's EndpointSlices (or, for a Service without a selector and no
slices, its Endpoints as the mirroring controller would copy them). Services that get no rules
at all (``ShouldSkipService``): headless, ExternalName, no cluster IP, no ports
(:func:`skip_reason`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cluster.controllers.podutil import ip_family
from cluster.validation.net import join_host_port
from cluster.validation.service_common import externally_accessible

Obj = dict[str, Any]
DEFAULT_AFFINITY_TIMEOUT = 10800


@dataclass(frozen=True)
class Endpoint:
    """One endpoint of one service port, as kube-proxy keeps it (``BaseEndpointInfo``)."""

    ip: str
    port: int
    ready: bool = True
    serving: bool = True
    terminating: bool = False
    node: str = ""
    zone: str = ""
    zone_hints: frozenset[str] = frozenset()
    node_hints: frozenset[str] = frozenset()
    pod: str = ""  # "namespace/name" when the targetRef is a Pod

    @property
    def address(self) -> str:
        return join_host_port(self.ip, self.port)

    @property
    def family(self) -> str:
        return ip_family(self.ip)

    def is_local(self, node: str) -> bool:
        return bool(node) and self.node == node

    def to_json(self) -> Obj:
        out: Obj = {
            "address": self.address,
            "ip": self.ip,
            "port": self.port,
            "ready": self.ready,
            "serving": self.serving,
            "terminating": self.terminating,
            "nodeName": self.node or None,
            "zone": self.zone or None,
            "pod": self.pod or None,
        }
        if self.zone_hints or self.node_hints:
            out["hints"] = {
                "forZones": sorted(self.zone_hints),
                "forNodes": sorted(self.node_hints),
            }
        return out


@dataclass(frozen=True)
class PortInfo:
    """One service port (``ServicePortName`` ``ns/name:port/protocol``) and its endpoints."""

    namespace: str
    service: str
    name: str
    protocol: str
    port: int
    target_port: int | str
    node_port: int = 0
    cluster_ips: tuple[str, ...] = ()
    external_ips: tuple[str, ...] = ()
    lb_vips: tuple[str, ...] = ()  # ingress IPs with ipMode VIP (or unset): rules
    lb_proxy_ips: tuple[str, ...] = ()  # ipMode Proxy: no rules, the load balancer proxies
    source_ranges: tuple[str, ...] = ()
    internal_local: bool = False
    external_local: bool = False
    affinity_timeout: int | None = None  # ClientIP affinity; None: no affinity
    health_check_node_port: int = 0
    endpoints: tuple[Endpoint, ...] = ()
    endpoints_source: str = "EndpointSlice"

    @property
    def port_name_string(self) -> str:
        """``ServicePortName.String()``: ``ns/name`` plus ``:port`` for a named port."""
        base = f"{self.namespace}/{self.service}"
        return f"{base}:{self.name}" if self.name else base

    @property
    def externally_accessible(self) -> bool:
        """``ExternallyAccessible`` of ``serviceport.go``: a node port, LB VIPs or external IPs."""
        return bool(self.node_port or self.lb_vips or self.external_ips)

    @property
    def uses_cluster_endpoints(self) -> bool:
        return not self.internal_local or self.externally_accessible

    @property
    def uses_local_endpoints(self) -> bool:
        return self.internal_local or (self.external_local and self.externally_accessible)

    def endpoints_for(self, family: str) -> tuple[Endpoint, ...]:
        """The endpoints a proxier of ``family`` sees (slices of that address type)."""
        return tuple(e for e in self.endpoints if e.family == family)


# --- the Service and its endpoints ---------------------------------------------------------


def _spec(obj: Obj) -> Obj:
    spec = obj.get("spec")
    return spec if isinstance(spec, dict) else {}


def skip_reason(service: Obj) -> str | None:
    """``ShouldSkipService`` (and a Service without ports): why kube-proxy writes nothing."""
    spec = _spec(service)
    if spec.get("type") == "ExternalName":
        name = spec.get("externalName") or ""
        return (
            "an ExternalName service has no proxy rules: DNS answers its name with a CNAME "
            f"to {name!r} and clients connect there"
        )
    cluster_ip = spec.get("clusterIP") or ""
    if cluster_ip == "None":
        return (
            "a headless service (clusterIP None) has no virtual IP and no proxy rules: DNS "
            "answers with the endpoints' addresses and clients connect to the pods directly"
        )
    if not cluster_ip:
        return "the service has no cluster IP yet: kube-proxy skips it"
    if not [p for p in spec.get("ports") or [] if isinstance(p, dict)]:
        return "the service has no ports: there is nothing to forward"
    return None


def cluster_ips(service: Obj) -> tuple[str, ...]:
    spec = _spec(service)
    ips = [ip for ip in spec.get("clusterIPs") or [] if ip and ip != "None"]
    if not ips and spec.get("clusterIP") not in (None, "", "None"):
        ips = [spec["clusterIP"]]
    return tuple(ips)


def _lb_ingress(service: Obj) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """LoadBalancer ingress IPs with rules (ipMode VIP or unset) and without (Proxy)."""
    if _spec(service).get("type") != "LoadBalancer":
        return (), ()
    vips, proxied = [], []
    status = service.get("status") or {}
    for ing in (status.get("loadBalancer") or {}).get("ingress") or []:
        if not isinstance(ing, dict) or not ing.get("ip"):
            continue
        (proxied if ing.get("ipMode") == "Proxy" else vips).append(str(ing["ip"]))
    return tuple(vips), tuple(proxied)


def affinity_timeout(service: Obj) -> int | None:
    spec = _spec(service)
    if spec.get("sessionAffinity") != "ClientIP":
        return None
    config = (spec.get("sessionAffinityConfig") or {}).get("clientIP") or {}
    timeout = config.get("timeoutSeconds")
    return int(timeout) if isinstance(timeout, int) and timeout > 0 else DEFAULT_AFFINITY_TIMEOUT


def _hint_names(hints: Obj | None, key: str) -> frozenset[str]:
    return frozenset(
        str(h.get("name"))
        for h in (hints or {}).get(key) or []
        if isinstance(h, dict) and h.get("name")
    )


def _pod_ref(ref: Obj | None, namespace: str) -> str:
    if not isinstance(ref, dict) or ref.get("kind") != "Pod" or not ref.get("name"):
        return ""
    return f"{ref.get('namespace') or namespace}/{ref['name']}"


def slice_endpoints(
    slices: Iterable[Obj], port_name: str, protocol: str, namespace: str
) -> list[Endpoint]:
    """``endpointslicecache.go``: the endpoints of the slice port named ``port_name`` with
    ``protocol``; endpoints without addresses and ports without a number are ignored;
    ``ready``/``serving`` default to true and ``terminating`` to false; one endpoint per
    ``IP:port`` (a later slice wins)."""
    found: dict[str, Endpoint] = {}
    for s in slices:
        for sp in s.get("ports") or []:
            if not isinstance(sp, dict) or not sp.get("port"):
                continue
            if (sp.get("name") or "") != port_name or (sp.get("protocol") or "TCP") != protocol:
                continue
            for ep in s.get("endpoints") or []:
                addresses = ep.get("addresses") or []
                if not addresses:
                    continue
                cond = ep.get("conditions") or {}
                e = Endpoint(
                    ip=str(addresses[0]),
                    port=int(sp["port"]),
                    ready=cond.get("ready") is not False,
                    serving=cond.get("serving") is not False,
                    terminating=cond.get("terminating") is True,
                    node=str(ep.get("nodeName") or ""),
                    zone=str(ep.get("zone") or ""),
                    zone_hints=_hint_names(ep.get("hints"), "forZones"),
                    node_hints=_hint_names(ep.get("hints"), "forNodes"),
                    pod=_pod_ref(ep.get("targetRef"), namespace),
                )
                found[e.address] = e
    return sorted(found.values(), key=lambda e: e.address)


def mirrored_slices(endpoints: Obj | None) -> list[Obj]:
    """An Endpoints object as the EndpointSlice mirroring controller copies it for a Service
    without a selector: ``addresses`` ready, ``notReadyAddresses`` not ready (serving and
    terminating left unset)."""
    out = []
    for subset in (endpoints or {}).get("subsets") or []:
        eps = []
        for key, ready in (("addresses", True), ("notReadyAddresses", False)):
            for a in subset.get(key) or []:
                if not isinstance(a, dict) or not a.get("ip"):
                    continue
                ep: Obj = {"addresses": [a["ip"]], "conditions": {"ready": ready}}
                if a.get("nodeName"):
                    ep["nodeName"] = a["nodeName"]
                if a.get("targetRef"):
                    ep["targetRef"] = a["targetRef"]
                eps.append(ep)
        out.append({"endpoints": eps, "ports": subset.get("ports") or []})
    return out


def port_infos(service: Obj, slices: Iterable[Obj], endpoints: Obj | None = None) -> list[PortInfo]:
    """Every port of a Service that gets rules (empty when :func:`skip_reason` says none)."""
    if skip_reason(service) is not None:
        return []
    spec = _spec(service)
    meta = service.get("metadata") or {}
    namespace = str(meta.get("namespace") or "")
    slices = list(slices)
    source = "EndpointSlice"
    if not slices and not spec.get("selector") and endpoints is not None:
        slices, source = mirrored_slices(endpoints), "Endpoints"
    vips, proxied = _lb_ingress(service)
    external_local = externally_accessible(service) and spec.get("externalTrafficPolicy") == "Local"
    out = []
    for p in spec.get("ports") or []:
        if not isinstance(p, dict):
            continue
        name, protocol = str(p.get("name") or ""), str(p.get("protocol") or "TCP")
        out.append(
            PortInfo(
                namespace=namespace,
                service=str(meta.get("name") or ""),
                name=name,
                protocol=protocol,
                port=int(p.get("port") or 0),
                target_port=p.get("targetPort", p.get("port")),
                node_port=int(p.get("nodePort") or 0),
                cluster_ips=cluster_ips(service),
                external_ips=tuple(str(ip) for ip in spec.get("externalIPs") or []),
                lb_vips=vips,
                lb_proxy_ips=proxied,
                source_ranges=tuple(str(r) for r in spec.get("loadBalancerSourceRanges") or []),
                internal_local=spec.get("internalTrafficPolicy") == "Local",
                external_local=external_local,
                affinity_timeout=affinity_timeout(service),
                health_check_node_port=int(spec.get("healthCheckNodePort") or 0),
                endpoints=tuple(slice_endpoints(slices, name, protocol, namespace)),
                endpoints_source=source,
            )
        )
    return out
