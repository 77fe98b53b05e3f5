from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cluster.models import AccessGrant, ApiToken, Namespace, Role
from cluster.models.access import hash_token


class Command(BaseCommand):
    help = (
        "Create USERNAME if needed and print a new bearer token. Without --namespace the token "
        "is a cluster admin's; with it, it is scoped to that namespace with --role."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--namespace", default="")
        parser.add_argument("--role", choices=[r.value for r in Role], default=None)

    def handle(self, *args, **opts):
        namespace = opts["namespace"]
        role = opts["role"] or Role.ADMIN
        if opts["role"] and not namespace and role != Role.ADMIN:
            pass  # a cluster-wide viewer or editor is allowed
        if namespace and not Namespace.objects.filter(name=namespace).exists():
            self.stderr.write(f"warning: namespace {namespace!r} does not exist (yet)")
        if not namespace and opts["role"] is None:
            role = Role.ADMIN
        User = get_user_model()
        user, _ = User.objects.get_or_create(username=opts["username"])
        if not user.is_active:
            raise CommandError(f"user {user.username!r} is inactive")
        grant, _ = AccessGrant.objects.get_or_create(user=user, namespace=namespace, role=role)
        raw = ApiToken.new_raw()
        ApiToken.objects.create(key_hash=hash_token(raw), grant=grant)
        self.stdout.write(raw)
