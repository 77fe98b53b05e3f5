from django.db import models

from .base import SpecStatusObject


def _ns_name_unique(prefix: str) -> list[models.UniqueConstraint]:
    return [models.UniqueConstraint(fields=["namespace", "name"], name=f"{prefix}_ns_name_unique")]


class Pod(SpecStatusObject):
    KIND = "Pod"

    node_name = models.CharField(max_length=253, blank=True, default="", db_index=True)
    pod_ip = models.CharField(max_length=45, blank=True, default="")
    phase = models.CharField(max_length=16, blank=True, default="")
    ready = models.BooleanField(default=False)

    class Meta(SpecStatusObject.Meta):
        db_table = "cluster_pod"
        constraints = _ns_name_unique("pod")

    def derive_columns(self) -> None:
        spec = self.spec or {}
        status = self.status or {}
        self.node_name = spec.get("nodeName") or ""
        self.pod_ip = status.get("podIP") or ""
        self.phase = status.get("phase") or ""
        conditions = status.get("conditions") or []
        self.ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


class Deployment(SpecStatusObject):
    KIND = "Deployment"
    API_VERSION = "apps/v1"

    class Meta(SpecStatusObject.Meta):
        db_table = "cluster_deployment"
        constraints = _ns_name_unique("deployment")


class ReplicaSet(SpecStatusObject):
    KIND = "ReplicaSet"
    API_VERSION = "apps/v1"

    class Meta(SpecStatusObject.Meta):
        db_table = "cluster_replicaset"
        constraints = _ns_name_unique("replicaset")


class StatefulSet(SpecStatusObject):
    KIND = "StatefulSet"
    API_VERSION = "apps/v1"

    class Meta(SpecStatusObject.Meta):
        db_table = "cluster_statefulset"
        constraints = _ns_name_unique("statefulset")


class DaemonSet(SpecStatusObject):
    KIND = "DaemonSet"
    API_VERSION = "apps/v1"

    class Meta(SpecStatusObject.Meta):
        db_table = "cluster_daemonset"
        constraints = _ns_name_unique("daemonset")


class Job(SpecStatusObject):
    KIND = "Job"
    API_VERSION = "batch/v1"

    class Meta(SpecStatusObject.Meta):
        db_table = "cluster_job"
        constraints = _ns_name_unique("job")
