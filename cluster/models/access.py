"""Who may do what: grants per user and namespace, and bearer tokens bound to one grant."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer"  # read
    EDITOR = "editor"  # read and write namespaced objects
    ADMIN = "admin"  # editor, plus the namespace object itself


class AccessGrant(models.Model):
    """``namespace`` empty means cluster-wide: every namespace and the cluster-scoped kinds."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    namespace = models.CharField(max_length=63, blank=True, default="")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.ADMIN)

    class Meta:
        db_table = "cluster_access_grant"
        ordering = ["user_id", "namespace", "role"]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.namespace or '*'}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token is printed once when issued."""

    key_hash = models.CharField(max_length=64, unique=True)
    grant = models.ForeignKey(AccessGrant, on_delete=models.CASCADE, related_name="tokens")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cluster_api_token"
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"token {self.key_hash[:8]}… for {self.grant}"

    @staticmethod
    def new_raw() -> str:
        return "ptl_" + secrets.token_urlsafe(32)
