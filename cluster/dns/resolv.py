"""Each pod's resolv.conf (the kubelet's ``GetPodDNS``, discovery.md §3.5) and "resolve this
name from this pod": the resolver's search-path expansion, each name tried and what the cluster
DNS answered, so a user sees why ``web.other`` resolves from one namespace and not another.

Pure. The kubelet side follows ``pkg/kubelet/network/dns/dns.go`` (``getPodDNSType``,
``generateSearchesForDNSClusterFirst``, ``appendDNSConfig``, ``mergeDNSOptions``,
``formDNSSearchFitsLimits``, ``formDNSNameserversFitsLimits``, ``parseResolvConf``) with the
expanded DNS config limits (GA). The resolver side is glibc's ``res_search``
(``resolv/res_query.c``): a name with at least ``ndots`` dots, or a trailing dot, is tried as it
is first; otherwise each search domain is tried in order and the name as it is last. NXDOMAIN,
NODATA and SERVFAIL go on to the next candidate; any other failure (REFUSED) ends the search
list (the as-is name is still tried). musl (Alpine) differs and is not modelled.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any

import dns.exception
import dns.name
import dns.rcode
import dns.rdatatype

from cluster.dns.index import Index
from cluster.dns.records import resolve
from cluster.dns.zone import Answer, ZoneConfig

Obj = dict[str, Any]

DEFAULT_NDOTS_OPTIONS = ("ndots:5",)  # defaultDNSOptions
MAX_NAMESERVERS = 3  # validation.MaxDNSNameservers
MAX_SEARCH_PATHS = 32  # validation.MaxDNSSearchPathsExpanded
MAX_SEARCH_CHARS = 2048  # validation.MaxDNSSearchListCharsExpanded
MAX_DOMAIN = 253  # utilvalidation.DNS1123SubdomainMaxLength
GLIBC_MAX_NDOTS = 15  # RES_MAXNDOTS
DNS_SERVICE_INDEX = 10  # kubeadm: the DNS Service takes the service range's 10th address


@dataclass(frozen=True)
class ResolvConf:
    nameservers: tuple[str, ...] = ()
    searches: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    # The kubelet's DNSConfigForming warning events (limits exceeded).
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def text(self) -> str:
        lines = [f"nameserver {ns}" for ns in self.nameservers]
        if self.searches:
            lines.append("search " + " ".join(self.searches))
        if self.options:
            lines.append("options " + " ".join(self.options))
        return "".join(line + "\n" for line in lines)

    @property
    def ndots(self) -> int:
        """The resolver's ndots: the last ``ndots:N`` option (glibc default 1, at most 15)."""
        value = 1
        for opt in self.options:
            name, _, arg = opt.partition(":")
            if name == "ndots" and arg.isdigit():
                value = min(int(arg), GLIBC_MAX_NDOTS)
        return value


# The simulated node's /etc/resolv.conf (the kubelet's --resolv-conf): the Docker network's
# gateway, as on a kind node. Pods with dnsPolicy Default get it.
NODE_RESOLV_CONF = ResolvConf(nameservers=("172.18.0.1",))


def cluster_dns_ip(service_cidr: str) -> str:
    """The conventional cluster DNS Service IP: the 10th address of the service range
    (``10.96.0.10`` in ``10.96.0.0/12``)."""
    net = ipaddress.ip_network(service_cidr, strict=False)
    return str(net.network_address + DNS_SERVICE_INDEX)


def parse_resolv_conf(text: str) -> ResolvConf:
    """``parseResolvConf``: nameserver lines accumulate; the last search and options lines
    win; a search domain's trailing dot is dropped. A ``nameserver`` line without an address
    is an error."""
    nameservers: list[str] = []
    searches: list[str] = []
    options: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if line.startswith("#"):
            continue
        fields = line.split()
        if not fields:
            continue
        if fields[0] == "nameserver":
            if len(fields) < 2:
                raise ValueError("nameserver list is empty")
            nameservers.append(fields[1])
        elif fields[0] == "search":
            searches = [s.removesuffix(".") for s in fields[1:]]
        elif fields[0] == "options":
            options = fields[1:]
    return ResolvConf(tuple(nameservers), tuple(searches), tuple(options))


def pod_dns_type(pod: Obj) -> str:
    """``getPodDNSType``: "cluster", "host" or "none". ``ClusterFirst`` on the host network
    falls back to the host's resolver; an unknown policy raises ValueError."""
    spec = pod.get("spec") or {}
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    if policy == "None":
        return "none"
    if policy == "ClusterFirstWithHostNet":
        return "cluster"
    if policy == "ClusterFirst":
        return "host" if spec.get("hostNetwork") else "cluster"
    if policy == "Default":
        return "host"
    raise ValueError(f"invalid DNSPolicy={policy}")


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def merge_dns_options(existing: list[str], pod_options: list[Obj]) -> list[str]:
    """``mergeDNSOptions``: by name, the pod's value wins. (The kubelet's order is a Go map's;
    here existing options keep their place and new ones follow in the pod's order.)"""
    merged: dict[str, str] = {}
    for opt in existing:
        name, sep, value = opt.partition(":")
        merged[name] = value if sep else ""
    for opt in pod_options:
        value = opt.get("value")
        merged[str(opt.get("name") or "")] = "" if value is None else str(value)
    return [f"{name}:{value}" if value else name for name, value in merged.items()]


def fit_search(searches: list[str]) -> tuple[list[str], str | None]:
    """``formDNSSearchFitsLimits``: at most 32 domains, none longer than 253 characters, the
    line at most 2048 characters (cut from the end). Returns the warning event's message."""
    exceeded = False
    if len(searches) > MAX_SEARCH_PATHS:
        searches = searches[:MAX_SEARCH_PATHS]
        exceeded = True
    kept = [s for s in searches if len(s) <= MAX_DOMAIN]
    exceeded = exceeded or len(kept) != len(searches)
    searches = kept
    length = len(" ".join(searches))
    if length > MAX_SEARCH_CHARS:
        cut = 0
        cut_len = 0
        for s in reversed(searches):
            cut_len += len(s) + 1
            cut += 1
            if length - cut_len <= MAX_SEARCH_CHARS:
                break
        searches = searches[: len(searches) - cut]
        exceeded = True
    if not exceeded:
        return searches, None
    return searches, (
        "Search Line limits were exceeded, some search paths have been omitted, the applied "
        "search line is: " + " ".join(searches)
    )


def fit_nameservers(nameservers: list[str]) -> tuple[list[str], str | None]:
    """``formDNSNameserversFitsLimits``: at most 3."""
    if len(nameservers) <= MAX_NAMESERVERS:
        return nameservers, None
    nameservers = nameservers[:MAX_NAMESERVERS]
    return nameservers, (
        "Nameserver limits were exceeded, some nameservers have been omitted, the applied "
        "nameserver line is: " + " ".join(nameservers)
    )


def get_pod_dns(
    pod: Obj,
    *,
    cluster_domain: str,
    cluster_dns: tuple[str, ...],
    host: ResolvConf = NODE_RESOLV_CONF,
) -> ResolvConf:
    """``GetPodDNS``: the resolv.conf the kubelet writes for ``pod``."""
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    servers, searches, options = list(host.nameservers), list(host.searches), list(host.options)
    try:
        dns_type = pod_dns_type(pod)
    except ValueError:
        dns_type = "cluster"  # "Falling back to DNSClusterFirst policy"
    if dns_type == "none":
        servers, searches, options = [], [], []
    elif dns_type == "cluster" and cluster_dns:
        servers = list(cluster_dns)
        if cluster_domain:
            namespace = meta.get("namespace") or "default"
            cluster_search = [f"{namespace}.svc.{cluster_domain}", f"svc.{cluster_domain}"]
            searches = _unique([*cluster_search, cluster_domain, *searches])
        options = list(DEFAULT_NDOTS_OPTIONS)
    pod_config = spec.get("dnsConfig")
    if pod_config:
        servers = _unique([*servers, *(pod_config.get("nameservers") or [])])
        searches = _unique([*searches, *(pod_config.get("searches") or [])])
        options = merge_dns_options(options, pod_config.get("options") or [])
    servers, ns_warning = fit_nameservers(servers)
    searches, search_warning = fit_search(searches)
    warnings = tuple(w for w in (ns_warning, search_warning) if w)
    return ResolvConf(tuple(servers), tuple(searches), tuple(options), warnings)


def pod_resolv_conf(pod: Obj, *, config: ZoneConfig | None = None) -> ResolvConf:
    """The resolv.conf of ``pod`` in this cluster (the configured domain and DNS Service IP,
    the simulated node's resolv.conf); ``.text()`` is the file."""
    if config is None:
        from cluster.dns.config import zone_config

        config = zone_config()
    return get_pod_dns(pod, cluster_domain=config.zone.rstrip("."), cluster_dns=config.nameservers)


def search_candidates(name: str, conf: ResolvConf) -> list[tuple[str, bool]]:
    """The names glibc would try, in order, each with whether it ends the search list on a
    hard failure (search-list entries do; as-is attempts do not). An absolute name (a
    trailing dot) is tried once, as it is."""
    dots = name.count(".")
    trailing = name.endswith(".")
    as_is = name if trailing else name + "."
    if trailing:
        return [(as_is, False)]
    out: list[tuple[str, bool]] = []
    tried_as_is = False
    if dots >= conf.ndots:
        out.append((as_is, False))
        tried_as_is = True
    root_on_list = False
    for domain in conf.searches:
        domain = domain.removeprefix(".")
        if domain == "":
            root_on_list = True
            out.append((as_is, True))
        else:
            out.append((f"{name}.{domain.removesuffix('.')}.", True))
    if not (tried_as_is or root_on_list):
        out.append((as_is, False))
    return out


def resolve_from_pod(
    pod: Obj,
    name: str,
    qtype: str = "A",
    *,
    index: Index | None = None,
    config: ZoneConfig | None = None,
    host: ResolvConf = NODE_RESOLV_CONF,
) -> dict[str, Any]:
    """What ``getaddrinfo``/``res_search`` in ``pod`` does for ``name``: the resolv.conf the
    kubelet gave it, each fully qualified name tried with the cluster DNS's rcode and answers,
    and the answer the application gets (``resolved_name`` None when nothing resolved).

    Queries go to the pod's first nameserver. When that is the cluster DNS the answers are the
    cluster DNS's (the same :func:`~cluster.dns.records.resolve`); names outside the cluster
    zones are REFUSED, as Portolan has no upstream. Another nameserver (dnsPolicy Default or
    None) is not simulated: it answers NXDOMAIN for names in the cluster zone, which it does
    not know, and REFUSED for the rest.

    Without ``index``/``config``: the process's shared index, brought up to date, and the
    configured zone."""
    if index is None:
        from cluster.dns.follower import current_index

        index = current_index()
    if config is None:
        from cluster.dns.config import zone_config

        config = zone_config()
    conf = get_pod_dns(
        pod, cluster_domain=config.zone.rstrip("."), cluster_dns=config.nameservers, host=host
    )
    nameserver = conf.nameservers[0] if conf.nameservers else ""
    cluster_dns = nameserver in config.nameservers
    rdtype = dns.rdatatype.from_text(qtype)

    def ask(fqdn: str) -> Answer:
        qname = dns.name.from_text(fqdn)
        if cluster_dns:
            with index.lock:
                return resolve(index, config, qname, rdtype)
        inside = config.match(qname) is not None
        return Answer(dns.rcode.NXDOMAIN if inside else dns.rcode.REFUSED)

    tried: list[dict[str, Any]] = []
    answer: list[str] = []
    resolved: str | None = None
    candidates = search_candidates(name, conf) if conf.nameservers else []
    search_done = False
    for fqdn, in_search_list in candidates:
        if in_search_list and search_done:
            continue
        try:
            result = ask(fqdn)
        except dns.exception.DNSException as e:  # a name too long or with an empty label
            tried.append({"name": fqdn, "rcode": "FORMERR", "answers": [], "error": str(e)})
            continue
        lines = Answer.lines(result.answer)
        tried.append({"name": fqdn, "rcode": result.rcode_text, "answers": lines})
        if result.rcode == dns.rcode.NOERROR and result.answer:
            resolved, answer = fqdn, lines  # res_search succeeds on any answer record
            break
        if in_search_list and result.rcode not in (
            dns.rcode.NXDOMAIN,
            dns.rcode.NOERROR,
            dns.rcode.SERVFAIL,
        ):
            search_done = True  # "anything else implies that we're done" with the search list
    meta = pod.get("metadata") or {}
    return {
        "pod": f"{meta.get('namespace') or 'default'}/{meta.get('name') or ''}",
        "name": name,
        "qtype": dns.rdatatype.to_text(rdtype),
        "nameserver": nameserver,
        "cluster_dns": cluster_dns,
        "ndots": conf.ndots,
        "search": list(conf.searches),
        "resolv_conf": conf.text(),
        "warnings": list(conf.warnings),
        "fqdn_tried": tried,
        "answer": answer,
        "resolved_name": resolved,
    }
