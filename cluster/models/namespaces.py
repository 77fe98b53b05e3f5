from django.db import models

from .base import SpecStatusObject


class Namespace(SpecStatusObject):
    KIND = "Namespace"
    NAMESPACED = False

    class Meta(SpecStatusObject.Meta):
        db_table = "cluster_namespace"
        constraints = [models.UniqueConstraint(fields=["name"], name="namespace_name_unique")]
