"""The dashboard for a user who logs in (what they may see, in the header and in the live
graph), the table view used by keyboard alone, and the export of the current view."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.support import Api, LiveServer, open_dashboard, store_objects

pytestmark = pytest.mark.slow

CREATE_USERS = """
from django.contrib.auth import get_user_model
from cluster.models import AccessGrant
User = get_user_model()
vera = User.objects.create_user("vera", password="s3cret-vera")
AccessGrant.objects.create(user=vera, namespace="kube-system", role="viewer")
"""


def by_testid(page: Any, testid: str) -> Any:
    return page.locator(f'[data-testid="{testid}"]')


@pytest.fixture
def closed_server(tmp_path: Path, demo_database: Path) -> Iterator[LiveServer]:
    """The demo with anonymous access off (the secure default) and a viewer of kube-system."""
    live = LiveServer(tmp_path, anonymous=False)
    shutil.copyfile(demo_database, live.database)
    live.manage("shell", stdin=CREATE_USERS)
    live.start()
    try:
        yield live
    finally:
        live.stop()


def test_a_viewer_logs_in_sees_only_their_namespace_and_logs_out(
    context: Any, closed_server: LiveServer
) -> None:
    page = context.new_page()
    page.goto(closed_server.url + "/")
    # Not logged in: the page asks to log in and the feed shows nothing.
    by_testid(page, "login-prompt").wait_for(state="visible")
    by_testid(page, "login-prompt-link").click()
    page.fill("input[name=username]", "vera")
    page.fill("input[name=password]", "s3cret-vera")
    by_testid(page, "login-submit").click()
    page.wait_for_url(closed_server.url + "/")
    open_dashboard(page, closed_server.url)

    assert by_testid(page, "user-name").inner_text() == "vera"
    assert by_testid(page, "header-namespaces").inner_text() == "namespaces: kube-system"
    services = {
        (s["metadata"]["namespace"], s["metadata"]["name"]) for s in store_objects(page, "Service")
    }
    assert services == {("kube-system", "kube-dns")}
    pods = {p["metadata"]["namespace"] for p in store_objects(page, "Pod")}
    assert pods == {"kube-system"}
    # A viewer gets no write actions.
    assert by_testid(page, "toolbar-action-new-service").count() == 0
    page.evaluate("() => window.portolan.select('svc:kube-system/kube-dns')")
    by_testid(page, "details-actions").wait_for(state="attached")
    assert by_testid(page, "object-action-delete").count() == 0
    assert by_testid(page, "object-action-yaml").count() == 1

    by_testid(page, "logout").click()  # back to the login page, with the session gone
    by_testid(page, "login-form").wait_for(state="visible")
    page.goto(closed_server.url + "/")
    by_testid(page, "login-prompt").wait_for(state="visible")
    assert Api(closed_server).get("/api/v1/namespaces/kube-system/services")[0] == 401


def test_the_table_view_by_keyboard(page: Any) -> None:
    by_testid(page, "view-table").click()
    table = by_testid(page, "services-table")
    table.wait_for(state="visible")
    rows = by_testid(page, "service-row")
    ids = [rows.nth(i).get_attribute("data-id") for i in range(rows.count())]
    assert "svc:default/example-service" in ids and "svc:kube-system/kube-dns" in ids

    # Tab reaches the one focusable row; arrows move; Enter shows the service's pods.
    rows.first.focus()
    target = ids.index("svc:default/example-service")
    for _ in range(target):
        page.keyboard.press("ArrowDown")
    focused = page.evaluate("() => document.activeElement.dataset.id")
    assert focused == "svc:default/example-service"
    page.keyboard.press("Enter")
    row = page.locator('[data-testid="service-row"][data-id="svc:default/example-service"]')
    assert row.get_attribute("aria-expanded") == "true"
    pods = page.locator(
        '[data-testid="pods-row"][data-for="svc:default/example-service"] [data-testid="pod-row"]'
    )
    assert pods.count() == 2
    assert {pods.nth(i).get_attribute("data-endpoint") for i in range(2)} == {"ready"}
    chain = pods.first.locator('[data-testid="cell-chain"]').inner_text()
    assert "8080" in chain
    # Status is text, not only colour.
    assert "2/2" in row.locator('[data-testid="cell-endpoints"]').inner_text()
    page.keyboard.press("ArrowLeft")
    assert row.get_attribute("aria-expanded") == "false"
    # Selecting in the table selects in the graph's details panel.
    assert (
        by_testid(page, "details").get_attribute("data-selected") == "svc:default/example-service"
    )


def test_export_the_current_view_as_svg_and_png(page: Any, tmp_path: Path) -> None:
    with page.expect_download() as svg_download:
        by_testid(page, "export-svg").click()
    svg = tmp_path / svg_download.value.suggested_filename
    svg_download.value.save_as(svg)
    assert svg.name.startswith("portolan-topology-r") and svg.suffix == ".svg"
    text = svg.read_text()
    assert text.lstrip().startswith(("<?xml", "<svg")) and "example-service" in text

    with page.expect_download() as png_download:
        by_testid(page, "export-png").click()
    png = tmp_path / png_download.value.suggested_filename
    png_download.value.save_as(png)
    assert png.suffix == ".png" and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 5_000
