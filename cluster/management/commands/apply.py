"""``manage.py apply -f FILE|DIR|-``: import manifests like ``kubectl apply -f``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cluster.errors import StatusError
from cluster.manifests import Document, apply_documents, parse_stream

EXTENSIONS = (".yaml", ".yml", ".json")


def read_documents(target: str, stdin: Any) -> list[Document]:
    """The documents of one ``-f`` argument: a file, every manifest file of a directory
    (sorted, not recursive, as kubectl without ``-R``), or ``-`` for standard input."""
    if target == "-":
        return parse_stream(stdin.read(), source="STDIN")
    path = Path(target)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix in EXTENSIONS)
    elif path.is_file():
        files = [path]
    else:
        raise CommandError(f'the path "{target}" does not exist')
    docs: list[Document] = []
    for f in files:
        docs += parse_stream(f.read_bytes(), source=str(f), json_only=f.suffix == ".json")
    return docs


class Command(BaseCommand):
    # call_command(..., stdin=StringIO(...)) replaces standard input (tests).
    stealth_options = ("stdin",)
    help = (
        "Apply Kubernetes manifests (multi-document YAML, JSON, or a v1 List) to the cluster, "
        "like kubectl apply -f. Kinds Portolan does not store are skipped with a warning."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-f",
            "--filename",
            action="append",
            required=True,
            help="a manifest file, a directory of *.yaml/*.yml/*.json files, or - for stdin "
            "(repeatable)",
        )
        parser.add_argument(
            "-n",
            "--namespace",
            default=None,
            help="namespace for documents that name none (default: default); documents that "
            "name another namespace are then refused, as kubectl does",
        )
        parser.add_argument(
            "--dry-run",
            nargs="?",
            const="server",
            default="none",
            choices=("none", "server"),
            help="--dry-run (or --dry-run=server): validate every document on the server side "
            "without writing anything",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        documents: list[Document] = []
        try:
            for target in opts["filename"]:
                documents += read_documents(target, opts.get("stdin") or sys.stdin)
            report = apply_documents(
                documents=documents,
                default_namespace=opts["namespace"] or "default",
                enforce_namespace=opts["namespace"] is not None,
                dry_run=opts["dry_run"] == "server",
            )
        except StatusError as e:
            raise CommandError(e.message) from e
        for outcome in report.items:
            stream = self.stderr if outcome.result == "invalid" else self.stdout
            stream.write(outcome.line)
        if report.failed:
            raise CommandError(
                f"{report.failed} of {len(report.items)} documents failed", returncode=1
            )
