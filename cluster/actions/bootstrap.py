"""What a new cluster has: the default namespaces, Ready nodes, and ``default/kubernetes``
on the first IP of the service range. Idempotent: existing objects are left as they are."""

from __future__ import annotations

import ipaddress

from django.conf import settings

from cluster.actions.base import writing
from cluster.actions.objects import create_object
from cluster.kinds import by_kind
from cluster.models import Endpoints, Namespace, Node, Service
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


def ensure_cluster(node_count: int | None = None) -> None:
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
