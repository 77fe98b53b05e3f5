from django.core.management.base import BaseCommand

from cluster.actions.bootstrap import ensure_cluster
from cluster.actions.demo import load_demo


class Command(BaseCommand):
    help = "Load the demo cluster (hello-world Deployment and example-service) if missing."

    def handle(self, *args, **opts):
        ensure_cluster(addons=True)
        for name in load_demo():
            self.stdout.write(f"{name} created")
