from django.db import models

from .base import SpecStatusObject


class Node(SpecStatusObject):
    KIND = "Node"
    NAMESPACED = False

    ready = models.BooleanField(default=False)
    unschedulable = models.BooleanField(default=False)

    class Meta(SpecStatusObject.Meta):
        db_table = "cluster_node"
        constraints = [models.UniqueConstraint(fields=["name"], name="node_name_unique")]

    def derive_columns(self) -> None:
        self.unschedulable = bool((self.spec or {}).get("unschedulable"))
        conditions = (self.status or {}).get("conditions") or []
        self.ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)
