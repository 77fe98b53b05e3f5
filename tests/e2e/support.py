"""What the browser tests drive: the embedded server as a restartable process, its REST API,
and the page's test hooks (``window.portolan``, see the frontend contract).

The server is ``manage.py serve`` in the embedded mode (SQLite file of its own, controllers
in a thread of the server, in-process channel layer) opened to anonymous users as ``make run``
does. Killing it and starting it again keeps the SQLite file, so a page that was open resumes
from the revision it had reached; writes made while it is down go through management
commands on the same file (``LiveServer.manage``), as an operator's would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from tests.integration.processes import (
    PYTHON,
    ROOT,
    Process,
    child_env,
    free_port,
    start_web,
    tail,
)

Obj = dict[str, Any]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BUNDLE = ROOT / "static" / "dist" / "portolan.js"
VIEWPORT = {"width": 1280, "height": 800}
SCREENSHOTS = ROOT / "var" / "e2e"
DEMO_LABELS = "run=load-balancer-example"


class LiveServer:
    """``manage.py serve`` on its own SQLite file and a port fixed for its lifetime, so that
    :meth:`restart` brings it back where the page reconnects."""

    def __init__(self, directory: Path, *, anonymous: bool = True, **env: str) -> None:
        self.dir = directory
        self.database = directory / "portolan.sqlite3"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = child_env(
            PORTOLAN_SQLITE_PATH=str(self.database),
            PORTOLAN_ANONYMOUS="1" if anonymous else "0",
            **env,
        )
        self.log = directory / "server.log"
        self.process: Process | None = None
        self.starts = 0

    # --- the process ----------------------------------------------------------------------

    def start(self) -> None:
        assert not self.running, "the server is already running"
        self.process, url = start_web("server", self.env, self.dir, port=self.port)
        assert url == self.url
        self.starts += 1

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs; open WebSockets drop without a close frame."""
        assert self.process is not None and self.process.alive(), "the server is not running"
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.proc.wait(timeout=10)
        self.process.stop()  # closes the log file

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def restart(self) -> None:
        self.kill()
        self.start()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.alive()

    def manage(self, *args: str, stdin: str | None = None) -> str:
        """A management command on the server's database (the server may be down); returns
        its output, fails the test with it when the command fails."""
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        output = done.stdout + done.stderr
        if done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{output}")
        return output

    def log_tail(self) -> str:
        return tail(self.log)


class Api:
    """The server's REST API as an anonymous client (the server is opened to anonymous users)
    or with a bearer token. Answers are (status, JSON body)."""

    def __init__(self, server: LiveServer, token: str | None = None) -> None:
        self.server = server
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def _answer(self, response: requests.Response) -> tuple[int, Any]:
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, response.text

    def get(self, path: str) -> tuple[int, Any]:
        return self._answer(self.http.get(self.server.url + path, timeout=30))

    def post(self, path: str, body: Obj) -> tuple[int, Any]:
        return self._answer(self.http.post(self.server.url + path, json=body, timeout=30))

    def patch(
        self, path: str, body: Obj, content_type: str = "application/merge-patch+json"
    ) -> tuple[int, Any]:
        import json

        return self._answer(
            self.http.patch(
                self.server.url + path,
                data=json.dumps(body),
                headers={"Content-Type": content_type},
                timeout=30,
            )
        )

    def delete(self, path: str) -> tuple[int, Any]:
        return self._answer(self.http.delete(self.server.url + path, timeout=30))

    def ok(self, method: str, path: str, *body: Obj) -> Any:
        """``method`` (get/post/patch/delete) that must succeed; returns the body."""
        status, answer = getattr(self, method)(path, *body)
        assert 200 <= status < 300, f"{method.upper()} {path}: {status} {answer}"
        return answer

    def demo_state(self) -> Obj:
        """The demo's pods (name → ready?) and example-service's ready endpoint IPs."""
        pods = self.ok("get", f"/api/v1/namespaces/default/pods?labelSelector={DEMO_LABELS}")
        status, ep = self.get("/api/v1/namespaces/default/endpoints/example-service")
        ips = (
            sorted(a["ip"] for s in ep.get("subsets") or [] for a in s.get("addresses") or [])
            if status == 200
            else []
        )
        return {
            "pods": {p["metadata"]["name"]: pod_ready(p) for p in pods["items"]},
            "endpoints": ips,
            "revision": int(pods["metadata"]["resourceVersion"]),
        }

    def wait_demo_alive(self, replicas: int = 2, timeout: float = 30) -> Obj:
        """Until the demo's ``replicas`` pods are Ready endpoints of example-service; returns
        :meth:`demo_state` then."""

        def alive() -> Obj | None:
            state = self.demo_state()
            pods = state["pods"]
            if len(pods) == replicas and all(pods.values()) and len(state["endpoints"]) == replicas:
                return state
            return None

        return wait_until(
            alive, timeout=timeout, what=f"the demo's {replicas} pods as ready endpoints"
        )

    def revision(self) -> int:
        """The cluster's current revision (a list's resourceVersion)."""
        return int(self.ok("get", "/api/v1/namespaces")["metadata"]["resourceVersion"])


def pod_ready(pod: Obj) -> bool:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def wait_until(
    check: Callable[[], Any], *, timeout: float, what: str, interval: float = 0.2
) -> Any:
    """Poll ``check()`` until it returns something truthy, and return that."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(interval)


# --- the page's test hooks (window.portolan) -------------------------------------------------

# Awaited in the page with a deadline, so that a promise that never settles fails the test
# with what the page had reached instead of hanging it.
_WITH_DEADLINE = """
async ([what, ms, arg]) => {
  const p = window.portolan;
  const work = what === "firstFrame" ? p.firstFrame : p.whenRendered(arg);
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(
      `${what}(${arg ?? ""}) did not resolve within ${ms} ms (store revision ` +
      `${p.store && p.store.revision}, status ${p.store && p.store.status}, ` +
      `renderedRevision ${p.renderedRevision})`)), ms);
  });
  try { return await Promise.race([work, late]); } finally { clearTimeout(timer); }
}
"""


def wait_hooks(page: Any, timeout: float = 15) -> None:
    """Until the app has installed ``window.portolan``."""
    page.wait_for_function(
        "() => window.portolan && window.portolan.firstFrame && window.portolan.store",
        timeout=timeout * 1000,
    )


def wait_first_frame(page: Any, timeout: float = 30) -> Obj:
    """``window.portolan.firstFrame``: ``{ms, elements}`` once the snapshot is drawn."""
    wait_hooks(page, timeout)
    return page.evaluate(_WITH_DEADLINE, ["firstFrame", int(timeout * 1000), None])


def open_dashboard(page: Any, url: str, timeout: float = 30) -> Obj:
    """Navigate to ``url`` (the page ``/``) and wait for the first complete frame."""
    page.goto(url + "/", wait_until="domcontentloaded")
    return wait_first_frame(page, timeout)


def wait_rendered(page: Any, revision: int, timeout: float = 15) -> int:
    """``window.portolan.whenRendered(revision)``; returns the revision then drawn."""
    page.evaluate(_WITH_DEADLINE, ["whenRendered", int(timeout * 1000), revision])
    return int(page.evaluate("() => window.portolan.renderedRevision"))


def stats(page: Any) -> Obj:
    return page.evaluate("() => window.portolan.stats()")


def drawn_view(page: Any) -> Obj:
    """The current view (``window.portolan.view()``): its node ids, and its edges as
    ``[source, target, type]``."""
    return page.evaluate(
        """() => { const v = window.portolan.view();
          return {nodes: v.nodes.map(n => n.id),
                  edges: v.edges.map(e => [e.source, e.target, e.type])}; }"""
    )


def store_revision(page: Any) -> int:
    return int(page.evaluate("() => window.portolan.store.revision"))


def store_status(page: Any) -> str:
    return str(page.evaluate("() => window.portolan.store.status"))


def store_objects(page: Any, kind: str) -> list[Obj]:
    """Every object of ``kind`` the page's store holds."""
    return page.evaluate("(kind) => [...window.portolan.store.all(kind)]", kind)


def store_get(page: Any, kind: str, namespace: str, name: str) -> Obj | None:
    return page.evaluate(
        "([k, ns, n]) => window.portolan.store.get(k, ns, n) ?? null", [kind, namespace, name]
    )


def wait_store(page: Any, predicate: str, arg: Any = None, timeout: float = 15) -> None:
    """Until ``predicate`` (a JS function of ``(store, arg)``) holds in the page."""
    page.wait_for_function(
        f"([arg]) => ({predicate})(window.portolan.store, arg)", arg=[arg], timeout=timeout * 1000
    )


def record_batches(page: Any) -> None:
    """From now on keep every batch the store applies as ``{reset, revision, changes}`` (the
    count of changes) in ``window.__e2eBatches``; read them with :func:`batches`."""
    page.evaluate(
        """() => {
          window.__e2eBatches = [];
          window.portolan.store.subscribe((b) => window.__e2eBatches.push(
            {reset: !!b.reset, revision: b.revision, changes: (b.changes || []).length}));
        }"""
    )


def batches(page: Any) -> list[Obj]:
    return page.evaluate("() => window.__e2eBatches || []")


def screenshot(page: Any, name: str, dest: Path | None = None) -> Path:
    """Save a PNG of the page (``var/e2e/<name>.png`` unless ``dest`` names the file)."""
    path = dest or SCREENSHOTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path
