from django.db import models

from .base import KubeObject


class Node(KubeObject):
    KIND = "Node"
    NAMESPACED = False

    spec = models.JSONField(default=dict, blank=True)
    status = models.JSONField(default=dict, blank=True)
    ready = models.BooleanField(default=False)
    unschedulable = models.BooleanField(default=False)

    class Meta(KubeObject.Meta):
        db_table = "cluster_node"
        constraints = [models.UniqueConstraint(fields=["name"], name="node_name_unique")]

    def derive_columns(self) -> None:
        self.unschedulable = bool((self.spec or {}).get("unschedulable"))
        conditions = (self.status or {}).get("conditions") or []
        self.ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)
