from django.apps import AppConfig


class ClusterConfig(AppConfig):
    name = "cluster"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Simulated cluster"

    def ready(self) -> None:
        from cluster import events, live
        from cluster.controllers import runtime

        # Reconcile keys reach the controllers, and changes the live feed, only after a write
        # commits.
        events.add_listener(runtime.on_commit)
        events.add_listener(live.broadcast)
