"""The kind registry loads once, and a thread that looks a kind up while another thread is
still importing the kind modules waits for them (a Celery worker's threads pool did get
``None`` for "Node" and "Endpoints" on its first tasks)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import threading
    import django

    django.setup()
    from cluster import kinds

    start = threading.Barrier(8)
    found = []

    def look_up(name):
        start.wait()
        found.append((name, kinds.by_kind(name) is not None))

    names = ["Node", "Endpoints", "Pod", "Service", "Deployment", "ReplicaSet", "Job", "Node"]
    threads = [threading.Thread(target=look_up, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(sorted(found))
    """
)


def test_concurrent_first_lookups_all_find_their_kind():
    env_python = sys.executable
    for _ in range(3):  # a fresh interpreter each time: the first lookups race
        done = subprocess.run(
            [env_python, "-c", SCRIPT],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env={"DJANGO_SETTINGS_MODULE": "dashboard.settings", "PATH": "/usr/bin:/bin"},
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert "False" not in done.stdout, done.stdout
