"""The demo cluster: the tutorial Portolan started from (``../shared/SEED.md``).

``kubectl run hello-world --replicas=2 --labels=run=load-balancer-example
--image=gcr.io/google-samples/node-hello:1.0 --port=8080`` and ``kubectl expose deployment
hello-world --type=ClusterIP --name=example-service``."""

from __future__ import annotations

from cluster.actions.base import writing
from cluster.actions.objects import create_object
from cluster.kinds import by_kind
from cluster.models import Deployment, Service

LABELS = {"run": "load-balancer-example"}


def deployment_body() -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "hello-world", "labels": dict(LABELS)},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": dict(LABELS)},
            "template": {
                "metadata": {"labels": dict(LABELS)},
                "spec": {
                    "containers": [
                        {
                            "name": "hello-world",
                            "image": "gcr.io/google-samples/node-hello:1.0",
                            "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                        }
                    ]
                },
            },
        },
    }


def service_body() -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "example-service", "labels": dict(LABELS)},
        "spec": {
            "type": "ClusterIP",
            "selector": dict(LABELS),
            "ports": [{"port": 8080, "protocol": "TCP", "targetPort": 8080}],
        },
    }


def load_demo(namespace: str = "default") -> list[str]:
    """Create what is missing; returns what was created."""
    created = []
    with writing():
        if not Deployment.objects.filter(namespace=namespace, name="hello-world").exists():
            create_object(by_kind("Deployment"), namespace=namespace, body=deployment_body())  # type: ignore[arg-type]
            created.append("deployment.apps/hello-world")
        if not Service.objects.filter(namespace=namespace, name="example-service").exists():
            create_object(by_kind("Service"), namespace=namespace, body=service_body())  # type: ignore[arg-type]
            created.append("service/example-service")
    return created
