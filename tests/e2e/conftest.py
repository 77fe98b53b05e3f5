"""Fixtures of the browser tests: Debian's Chromium driven by Playwright against the embedded
server (``manage.py serve`` on a SQLite file of the test's own, with the demo loaded), which a
test may kill and start again (``server.kill()``, ``server.start()``, ``server.restart()``).

The browser is shared by the tests of this package and closed when they are done: Playwright's
synchronous API keeps an event loop running in the main thread while it is started, which the
other packages' Django and asyncio tests must not see. These tests never touch the test
database; they read and write through the server's REST API (``api``) and the page.

When a test fails, its report carries the server's log, the page's console and errors, and a
screenshot of the page (in the test's temporary directory).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.support import (
    BUNDLE,
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    Api,
    LiveServer,
    open_dashboard,
)

SERVER = pytest.StashKey[LiveServer]()
CONSOLE = pytest.StashKey[list[str]]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if not report.failed:
        return
    funcargs = getattr(item, "funcargs", {})
    page = funcargs.get("page")
    if page is not None and report.when == "call" and "tmp_path" in funcargs:
        path = Path(funcargs["tmp_path"]) / "failure.png"
        try:
            page.screenshot(path=str(path))
            report.sections.append(("screenshot", str(path)))
        except Exception as e:  # noqa: BLE001 - the page may be gone; the report says so
            report.sections.append(("screenshot", f"(none: {e})"))
    console = item.stash.get(CONSOLE, None)
    if console:
        report.sections.append(("browser console", "\n".join(console[-200:])))
    server = item.stash.get(SERVER, None)
    if server is not None:
        report.sections.append((f"server log ({server.log})", server.log_tail()))


def _require_prerequisites() -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests use Debian's Chromium "
            "(`make browser` installs it; `make test` does that first)",
            pytrace=False,
        )
    if not BUNDLE.exists() or BUNDLE.stat().st_size < 1000:
        pytest.fail(
            f"{BUNDLE} is missing or empty: build the browser app with `npm run -s build` "
            "(`make test` does that first)",
            pytrace=False,
        )


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium, shared by the package's tests."""
    _require_prerequisites()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="package")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file as ``make run`` prepares it (migrate, bootstrap, demo), made once; each
    test's server starts from a copy."""
    template = LiveServer(tmp_path_factory.mktemp("e2e-demo"))
    template.manage("migrate", "-v0")
    template.manage("bootstrap")
    template.manage("demo")
    return template.database


@pytest.fixture
def server(
    request: pytest.FixtureRequest, tmp_path: Path, demo_database: Path
) -> Iterator[LiveServer]:
    """The embedded server on a copy of the demo database, open to anonymous users, once the
    demo's two pods are Ready endpoints of example-service."""
    live = LiveServer(tmp_path)
    shutil.copyfile(demo_database, live.database)
    request.node.stash[SERVER] = live
    live.start()
    try:
        Api(live).wait_demo_alive()
        yield live
    finally:
        live.stop()


@pytest.fixture
def api(server: LiveServer) -> Api:
    return Api(server)


@pytest.fixture
def context(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies), 1280×800 at pixel ratio 1, whose pages' console
    messages and errors are kept for the failure report."""
    ctx = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    console: list[str] = []
    request.node.stash[CONSOLE] = console

    def watch(tab: Any) -> None:
        tab.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
        tab.on("pageerror", lambda e: console.append(f"pageerror: {e}"))

    ctx.on("page", watch)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: Any, server: LiveServer) -> Any:
    """The dashboard ``/`` open on the demo, after ``window.portolan.firstFrame`` resolved
    (its value: ``page.evaluate("window.portolan.firstFrame")``)."""
    tab = context.new_page()
    open_dashboard(tab, server.url)
    return tab
