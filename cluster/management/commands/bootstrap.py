from django.core.management.base import BaseCommand

from cluster.actions.bootstrap import ensure_cluster


class Command(BaseCommand):
    help = (
        "Create the default namespaces, the nodes, default/kubernetes and the DNS addon "
        "(kube-system/kube-dns, coredns) if they are missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--nodes", type=int, default=None, help="number of nodes (default: PORTOLAN_NODE_COUNT)"
        )

    def handle(self, *args, **opts):
        ensure_cluster(opts["nodes"], addons=True)
        self.stdout.write("cluster ready")
