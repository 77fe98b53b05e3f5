"""YAML in and out, the way Kubernetes tooling reads it: timestamps stay strings (the Go YAML
→ JSON path never makes dates), multi-document streams, and empty documents skipped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    pass


# Drop the timestamp resolver: "2026-11-26" must stay a string, as in Kubernetes.
_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(text: str | bytes) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


def load_all(text: str | bytes) -> Iterator[Any]:
    """Every non-empty document of a multi-document stream."""
    for doc in yaml.load_all(text, Loader=_Loader):  # noqa: S506
        if doc is not None:
            yield doc


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    if "\n" in data:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_presenter)


def dump(obj: Any) -> str:
    return yaml.dump(
        obj, Dumper=_Dumper, sort_keys=False, default_flow_style=False, allow_unicode=True
    )
