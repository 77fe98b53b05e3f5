from django.core.management.base import BaseCommand, CommandError

from cluster.actions.pods import set_pod_readiness
from cluster.errors import StatusError


class Command(BaseCommand):
    help = (
        "Make a pod fail or pass its readiness (Ready and ContainersReady conditions). A pod "
        "failed this way stays not ready until it is passed again."
    )

    def add_arguments(self, parser):
        parser.add_argument("pod")
        parser.add_argument("-n", "--namespace", default="default")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--fail", action="store_true", help="readiness fails: not ready")
        group.add_argument("--pass", dest="pass_", action="store_true", help="ready again")

    def handle(self, *args, **opts):
        try:
            set_pod_readiness(namespace=opts["namespace"], name=opts["pod"], ready=opts["pass_"])
        except StatusError as e:
            raise CommandError(e.message) from None
        state = "ready" if opts["pass_"] else "not ready"
        self.stdout.write(f"pod/{opts['pod']} {state}")
