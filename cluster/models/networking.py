from django.db import models

from .base import KubeObject, SpecStatusObject


class Service(SpecStatusObject):
    KIND = "Service"

    type = models.CharField(max_length=16, blank=True, default="")
    cluster_ip = models.CharField(max_length=45, blank=True, default="")

    class Meta(SpecStatusObject.Meta):
        db_table = "cluster_service"
        constraints = [
            models.UniqueConstraint(fields=["namespace", "name"], name="service_ns_name_unique")
        ]

    def derive_columns(self) -> None:
        spec = self.spec or {}
        self.type = spec.get("type") or ""
        self.cluster_ip = spec.get("clusterIP") or ""


class Endpoints(KubeObject):
    KIND = "Endpoints"
    BODY_FIELDS = {"subsets": "subsets"}

    subsets = models.JSONField(null=True, blank=True)

    class Meta(KubeObject.Meta):
        db_table = "cluster_endpoints"
        verbose_name_plural = "endpoints"
        constraints = [
            models.UniqueConstraint(fields=["namespace", "name"], name="endpoints_ns_name_unique")
        ]


class EndpointSlice(KubeObject):
    KIND = "EndpointSlice"
    API_VERSION = "discovery.k8s.io/v1"
    BODY_FIELDS = {"addressType": "address_type", "endpoints": "endpoints", "ports": "ports"}

    address_type = models.CharField(max_length=8, default="IPv4")
    endpoints = models.JSONField(default=list, blank=True)
    ports = models.JSONField(null=True, blank=True)
    service_name = models.CharField(max_length=63, blank=True, default="", db_index=True)

    class Meta(KubeObject.Meta):
        db_table = "cluster_endpointslice"
        constraints = [
            models.UniqueConstraint(
                fields=["namespace", "name"], name="endpointslice_ns_name_unique"
            )
        ]

    def derive_columns(self) -> None:
        self.service_name = (self.labels or {}).get("kubernetes.io/service-name", "")


class ClusterIPAllocation(models.Model):
    """One allocated cluster IP. ``address`` is the integer form, unique across the range."""

    address = models.DecimalField(max_digits=39, decimal_places=0, unique=True)
    ip = models.CharField(max_length=45)
    service_uid = models.UUIDField(db_index=True)

    class Meta:
        db_table = "cluster_ip_allocation"
        ordering = ["address"]

    def __str__(self) -> str:
        return self.ip


class NodePortAllocation(models.Model):
    """One allocated node port (protocol-agnostic pool shared with healthCheckNodePorts)."""

    port = models.PositiveIntegerField(unique=True)
    service_uid = models.UUIDField(db_index=True)

    class Meta:
        db_table = "cluster_node_port_allocation"
        ordering = ["port"]

    def __str__(self) -> str:
        return str(self.port)
