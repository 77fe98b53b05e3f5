from django.db import models

from .base import KubeObject


class Namespace(KubeObject):
    KIND = "Namespace"
    NAMESPACED = False

    spec = models.JSONField(default=dict, blank=True)
    status = models.JSONField(default=dict, blank=True)

    class Meta(KubeObject.Meta):
        db_table = "cluster_namespace"
        constraints = [models.UniqueConstraint(fields=["name"], name="namespace_name_unique")]
