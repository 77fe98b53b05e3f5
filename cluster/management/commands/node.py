from django.core.management.base import BaseCommand, CommandError

from cluster.actions.nodes import set_node_ready, set_node_schedulable
from cluster.errors import StatusError


class Command(BaseCommand):
    help = "Mark a simulated node Ready or NotReady, or cordon / uncordon it."

    def add_arguments(self, parser):
        parser.add_argument("node")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--ready", action="store_true")
        group.add_argument("--not-ready", action="store_true")
        group.add_argument("--cordon", action="store_true")
        group.add_argument("--uncordon", action="store_true")

    def handle(self, *args, **opts):
        name = opts["node"]
        try:
            if opts["ready"] or opts["not_ready"]:
                set_node_ready(name=name, ready=opts["ready"])
                line = f"node/{name} {'ready' if opts['ready'] else 'not ready'}"
            else:
                set_node_schedulable(name=name, schedulable=opts["uncordon"])
                line = f"node/{name} {'uncordoned' if opts['uncordon'] else 'cordoned'}"
        except StatusError as e:
            raise CommandError(e.message) from None
        self.stdout.write(line)
