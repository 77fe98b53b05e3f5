"""The DNS settings, read from Django settings or the environment (names below), with
CoreDNS's defaults: TTL 5 s, ``pods insecure`` (kubeadm's Corefile), the DNS Service on the
service range's 10th address (kubeadm's ``kube-dns`` at ``10.96.0.10``)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

from cluster.dns.follower import POLL_SECONDS
from cluster.dns.resolv import cluster_dns_ip
from cluster.dns.zone import DEFAULT_TTL, ZoneConfig

DEFAULT_PORT = 8053  # port 53 needs root; the DNS Service's port 53 is simulated


def setting(name: str, default: Any) -> Any:
    """``settings.<name>``, else the environment variable ``<name>``, else ``default``."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name)
    return default if value is None or value == "" else value


def zone_config(*, ttl: int | None = None, pods: str | None = None) -> ZoneConfig:
    """The cluster zone as configured (``PORTOLAN_CLUSTER_DOMAIN``, ``PORTOLAN_DNS_TTL``,
    ``PORTOLAN_DNS_PODS``, ``PORTOLAN_CLUSTER_DNS``)."""
    return ZoneConfig(
        zone=str(setting("PORTOLAN_CLUSTER_DOMAIN", "cluster.local")),
        ttl=int(setting("PORTOLAN_DNS_TTL", DEFAULT_TTL)) if ttl is None else ttl,
        pods=str(setting("PORTOLAN_DNS_PODS", "insecure")) if pods is None else pods,
        nameservers=(dns_service_ip(),),
    )


def dns_service_ip() -> str:
    """The cluster DNS Service's IP: what every ClusterFirst pod has as its nameserver."""
    explicit = setting("PORTOLAN_CLUSTER_DNS", "")
    if explicit:
        return str(explicit)
    return cluster_dns_ip(str(setting("PORTOLAN_SERVICE_CIDR", "10.96.0.0/12")))


def poll_seconds() -> float:
    return float(setting("PORTOLAN_DNS_POLL_SECONDS", POLL_SECONDS))
