"""The benchmark's own Postgres database, created fresh from a migrated template.

``DATABASE_URL`` (as ``make bench`` exports it) names the server; the benchmark uses the
database ``portolan_bench`` on that server and never touches the one the URL names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

BENCH_DB = "portolan_bench"
TEMPLATE_DB = "portolan_bench_template"


class BenchError(RuntimeError):
    """A precondition of the benchmark is not met; the message says what to do."""


@dataclass(frozen=True)
class Server:
    url: str  # the DATABASE_URL given

    def url_for(self, database: str) -> str:
        parts = urlsplit(self.url)
        return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, ""))

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url_for("postgres"), autocommit=True)


def server_from_env() -> Server:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise BenchError(
            "the benchmarks run on Postgres: set DATABASE_URL=postgres://… (make bench does)"
        )
    return Server(url)


def recreate(server: Server, name: str, *, template: str | None = None) -> None:
    """DROP (forcing other sessions off) and CREATE ``name``, optionally from ``template``."""
    from django.db import connections

    connections.close_all()
    with server.admin() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if template is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        else:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )


def drop(server: Server, name: str) -> None:
    from django.db import connections

    connections.close_all()
    with server.admin() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def setup_django(server: Server) -> None:
    """Point Django at the bench database (before settings are read) and set it up."""
    os.environ["DATABASE_URL"] = server.url_for(BENCH_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dashboard.settings")
    import django

    django.setup()


def prepare_template(server: Server) -> None:
    """A migrated, bootstrapped cluster with the namespace ``bench``, kept as a template so
    every run starts from the same fresh database in well under a second."""
    from django.core.management import call_command

    from cluster.actions.bootstrap import ensure_cluster
    from cluster.actions.objects import create_object
    from cluster.kinds import by_kind

    recreate(server, BENCH_DB)
    call_command("migrate", verbosity=0)
    ensure_cluster()
    ns_kind = by_kind("Namespace")
    assert ns_kind is not None
    create_object(ns_kind, namespace="", body={"metadata": {"name": "bench"}})
    recreate(server, TEMPLATE_DB, template=BENCH_DB)


def fresh(server: Server) -> None:
    recreate(server, BENCH_DB, template=TEMPLATE_DB)


def exists(server: Server, name: str) -> bool:
    with server.admin() as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None
