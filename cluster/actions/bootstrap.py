"""What a new cluster has: the default namespaces, Ready nodes, and ``default/kubernetes``
on the first IP of the service range. Idempotent: existing objects are left as they are."""

from __future__ import annotations

import ipaddress

from django.conf import settings

from cluster.actions.base import writing
from cluster.actions.objects import create_object
from cluster.kinds import by_kind
from cluster.models import Deployment, Endpoints, Namespace, Node, Service
from cluster.objects import format_time, now

NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
ZONES = ("zone-a", "zone-b", "zone-c")
APISERVER_PORT = 6443


def node_name(i: int) -> str:
    return f"node-{i + 1}"


def node_ip(i: int) -> str:
    return f"172.18.0.{i + 2}"


def node_body(i: int) -> dict:
    name = node_name(i)
    stamp = format_time(now())
    return {
        "metadata": {
            "name": name,
            "labels": {
                # The kubelet still applies the legacy beta OS/arch labels next to the GA
                # ones (k8s.io/api core/v1 well_known_labels.go); sock-shop selects on them.
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "topology.kubernetes.io/zone": ZONES[i % len(ZONES)],
            },
        },
        "spec": {"podCIDR": f"10.244.{i}.0/24", "podCIDRs": [f"10.244.{i}.0/24"]},
        "status": {
            "addresses": [
                {"type": "InternalIP", "address": node_ip(i)},
                {"type": "Hostname", "address": name},
            ],
            "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"},
            "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True",
                    "reason": "KubeletReady",
                    "message": "kubelet is posting ready status",
                    "lastHeartbeatTime": stamp,
                    "lastTransitionTime": stamp,
                }
            ],
            "nodeInfo": {
                "kubeletVersion": "v1.32.0",
                "kubeProxyVersion": "v1.32.0",
                "operatingSystem": "linux",
                "architecture": "amd64",
                "containerRuntimeVersion": "portolan://simulated",
            },
        },
    }


def first_service_ip() -> str:
    net = ipaddress.ip_network(settings.PORTOLAN_SERVICE_CIDR)
    return str(net.network_address + 1)


COREDNS_IMAGE = "registry.k8s.io/coredns/coredns:v1.11.3"
DNS_LABELS = {"k8s-app": "kube-dns"}


def kube_dns_body() -> dict:
    """kubeadm's ``kube-system/kube-dns`` Service (the CoreDNS addon) on the service range's
    10th address: the nameserver in every ClusterFirst pod's resolv.conf. Portolan's own DNS
    server (``manage.py dns``) answers for it."""
    from cluster.dns.config import dns_service_ip

    return {
        "metadata": {
            "name": "kube-dns",
            "labels": {
                **DNS_LABELS,
                "kubernetes.io/cluster-service": "true",
                "kubernetes.io/name": "CoreDNS",
            },
            "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"},
        },
        "spec": {
            "selector": DNS_LABELS,
            "clusterIP": dns_service_ip(),
            "ports": [
                {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153},
            ],
        },
    }


def coredns_body() -> dict:
    """kubeadm's ``coredns`` Deployment (two replicas), so kube-dns has the endpoints a real
    cluster's has."""
    return {
        "metadata": {"name": "coredns", "labels": dict(DNS_LABELS)},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": dict(DNS_LABELS)},
            "template": {
                "metadata": {"labels": dict(DNS_LABELS)},
                "spec": {
                    "priorityClassName": "system-cluster-critical",
                    "dnsPolicy": "Default",
                    "containers": [
                        {
                            "name": "coredns",
                            "image": COREDNS_IMAGE,
                            "args": ["-conf", "/etc/coredns/Corefile"],
                            "ports": [
                                {"name": "dns", "containerPort": 53, "protocol": "UDP"},
                                {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
                                {"name": "metrics", "containerPort": 9153, "protocol": "TCP"},
                            ],
                        }
                    ],
                },
            },
        },
    }


def ensure_dns_addon() -> None:
    svc_kind, deployment_kind = by_kind("Service"), by_kind("Deployment")
    assert svc_kind and deployment_kind
    if not Service.objects.filter(namespace="kube-system", name="kube-dns").exists():
        create_object(svc_kind, namespace="kube-system", body=kube_dns_body())
    if not Deployment.objects.filter(namespace="kube-system", name="coredns").exists():
        create_object(deployment_kind, namespace="kube-system", body=coredns_body())


def ensure_cluster(node_count: int | None = None, *, addons: bool = False) -> None:
    """The namespaces, nodes and ``default/kubernetes`` every cluster has; with ``addons``
    also the DNS addon (``kube-system/kube-dns`` and its ``coredns`` Deployment), as
    ``manage.py bootstrap`` makes it. (Tests start from the bare cluster.)"""
    count = settings.PORTOLAN_NODE_COUNT if node_count is None else node_count
    with writing():
        ns_kind = by_kind("Namespace")
        node_kind = by_kind("Node")
        svc_kind = by_kind("Service")
        ep_kind = by_kind("Endpoints")
        assert ns_kind and node_kind and svc_kind and ep_kind
        existing = set(Namespace.objects.values_list("name", flat=True))
        for name in NAMESPACES:
            if name not in existing:
                create_object(ns_kind, namespace="", body={"metadata": {"name": name}})
        nodes = set(Node.objects.values_list("name", flat=True))
        for i in range(count):
            if node_name(i) not in nodes:
                body = node_body(i)
                status = body.pop("status")
                create_object(node_kind, namespace="", body=body)
                from cluster.actions.objects import replace_object

                current = body | {"status": status}
                replace_object(
                    node_kind, namespace="", name=node_name(i), body=current, subresource="status"
                )
        if not Service.objects.filter(namespace="default", name="kubernetes").exists():
            ip = first_service_ip()
            create_object(
                svc_kind,
                namespace="default",
                body={
                    "metadata": {
                        "name": "kubernetes",
                        "labels": {"component": "apiserver", "provider": "kubernetes"},
                    },
                    "spec": {
                        "type": "ClusterIP",
                        "clusterIP": ip,
                        "ports": [
                            {
                                "name": "https",
                                "port": 443,
                                "protocol": "TCP",
                                "targetPort": APISERVER_PORT,
                            }
                        ],
                        "sessionAffinity": "None",
                        "ipFamilyPolicy": "SingleStack",
                    },
                },
            )
        if addons:
            ensure_dns_addon()
        if not Endpoints.objects.filter(namespace="default", name="kubernetes").exists():
            create_object(
                ep_kind,
                namespace="default",
                body={
                    "metadata": {
                        "name": "kubernetes",
                        "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"},
                    },
                    "subsets": [
                        {
                            "addresses": [{"ip": node_ip(0)}],
                            "ports": [{"name": "https", "port": APISERVER_PORT, "protocol": "TCP"}],
                        }
                    ],
                },
            )
