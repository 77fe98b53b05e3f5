"""Running the real kubectl 1.32 (kubectl.md §1) against pytest-django's ``live_server``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any


def kubectl_binary() -> str:
    """The Cloud SDK's pinned ``kubectl.1.32`` next to the dispatcher, else ``kubectl``."""
    found = shutil.which("kubectl")
    if found:
        pinned = Path(os.path.realpath(found)).with_name("kubectl.1.32")
        if pinned.exists():
            return str(pinned)
        return found
    raise AssertionError("kubectl is not installed; deselect these tests with -m 'not kubectl'")


class Kubectl:
    def __init__(self, server: str, cache: Path) -> None:
        self.server = server
        self.cache = cache

    def __call__(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        cmd = [kubectl_binary(), "--server", self.server, "--cache-dir", str(self.cache), *args]
        env = dict(os.environ, KUBECONFIG="/dev/null", HOME=str(self.cache))
        return subprocess.run(
            cmd, input=stdin, capture_output=True, text=True, timeout=60, env=env, check=False
        )


def start_kubectl(live_server: Any, settings: Any, tmp_path: Path) -> Kubectl:
    """Body of each module's ``kubectl`` fixture (which must also request
    ``transactional_db``): anonymous access on, a bootstrapped cluster, a fresh cache dir."""
    from cluster.actions.bootstrap import ensure_cluster

    settings.PORTOLAN_ANONYMOUS = True
    ensure_cluster()
    return Kubectl(live_server.url, tmp_path / "kube-cache")
