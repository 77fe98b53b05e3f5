from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cluster.models import AccessGrant, ApiToken, Namespace, Role
from cluster.models.access import hash_token
from cluster.validation.meta import is_dns1123_label


class Command(BaseCommand):
    help = (
        "Create USERNAME if needed and print a new bearer token. Without --namespace the token "
        "covers the whole cluster; with it, only that namespace. --role is viewer, editor or "
        "admin (default admin)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--namespace", default="")
        parser.add_argument("--role", choices=[r.value for r in Role], default=Role.ADMIN.value)

    def handle(self, *args: Any, **opts: Any) -> None:
        namespace: str = opts["namespace"]
        role: str = opts["role"]
        if namespace:
            problems = is_dns1123_label(namespace)
            if problems:
                raise CommandError(f"invalid namespace {namespace!r}: {'; '.join(problems)}")
            if not Namespace.objects.filter(name=namespace).exists():
                self.stderr.write(f"warning: namespace {namespace!r} does not exist (yet)")
        user, _ = get_user_model().objects.get_or_create(username=opts["username"])
        if not user.is_active:
            raise CommandError(f"user {user.get_username()!r} is inactive")
        grant, _ = AccessGrant.objects.get_or_create(user=user, namespace=namespace, role=role)
        raw = ApiToken.new_raw()
        ApiToken.objects.create(key_hash=hash_token(raw), grant=grant)
        self.stdout.write(raw)
