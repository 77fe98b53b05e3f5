"""The shape every stored Kubernetes object shares, the global revision and the change log."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.db import models


class Revision(models.Model):
    """A single row holding the cluster's global revision (Kubernetes' resourceVersion).

    Every write transaction locks this row first and stores the last revision it used before it
    commits, so revisions are handed out in commit order.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=0)

    class Meta:
        db_table = "cluster_revision"

    def __str__(self) -> str:
        return str(self.value)


class EventType(models.TextChoices):
    ADDED = "ADDED"
    MODIFIED = "MODIFIED"
    DELETED = "DELETED"


class ChangeEvent(models.Model):
    """The change log: one row per object written, keyed by the revision the write got.

    ``object`` is the object's full Kubernetes JSON after the write (for DELETED, its last
    state stamped with the deletion's revision). Watch, the live view and history read this.
    """

    revision = models.BigIntegerField(primary_key=True)
    type = models.CharField(max_length=8, choices=EventType.choices)
    kind = models.CharField(max_length=40)
    namespace = models.CharField(max_length=63, blank=True)
    name = models.CharField(max_length=253)
    uid = models.UUIDField()
    object = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cluster_change_event"
        ordering = ["revision"]
        indexes = [models.Index(fields=["kind", "revision"], name="change_kind_rev")]

    def __str__(self) -> str:
        return f"{self.revision} {self.type} {self.kind} {self.namespace}/{self.name}"


class KubeObject(models.Model):
    """Metadata columns shared by every kind; the kind's body lives in JSON columns.

    Concrete kinds name their top-level body fields in ``BODY_FIELDS`` (Kubernetes field name →
    model field name) and may add indexed columns derived from the body in ``derive_columns``.
    The Kubernetes JSON (``cluster.objects.to_k8s``) is the one representation of an object: the
    API answer, the change-log payload and the export format.
    """

    KIND: ClassVar[str] = ""
    API_VERSION: ClassVar[str] = "v1"
    NAMESPACED: ClassVar[bool] = True
    BODY_FIELDS: ClassVar[dict[str, str]] = {"spec": "spec", "status": "status"}

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    namespace = models.CharField(max_length=63, blank=True, default="")
    name = models.CharField(max_length=253)
    generate_name = models.CharField(max_length=253, blank=True, default="")
    labels = models.JSONField(default=dict, blank=True)
    annotations = models.JSONField(default=dict, blank=True)
    finalizers = models.JSONField(default=list, blank=True)
    owner_references = models.JSONField(default=list, blank=True)
    # The controlling owner's uid (ownerReferences[controller=true], else the first), indexed
    # for cascading deletes and for controllers that list their children.
    owner_uid = models.UUIDField(null=True, blank=True, db_index=True)
    creation_timestamp = models.DateTimeField()
    deletion_timestamp = models.DateTimeField(null=True, blank=True)
    generation = models.BigIntegerField(default=1)
    resource_version = models.BigIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["namespace", "name"]

    def __str__(self) -> str:
        return f"{self.KIND} {self.namespace}/{self.name}" if self.namespace else self.name

    def derive_columns(self) -> None:
        """Fill indexed columns that are derived from the body. Kinds override."""

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k8s_name, field_name in self.BODY_FIELDS.items():
            value = getattr(self, field_name)
            if value is not None:
                out[k8s_name] = value
        return out


class SpecStatusObject(KubeObject):
    """The common body: ``spec`` and ``status`` (most kinds)."""

    spec = models.JSONField(default=dict, blank=True)
    status = models.JSONField(default=dict, blank=True)

    class Meta(KubeObject.Meta):
        abstract = True
