"""The topology page tells the browser app who is looking, at what, and whether they may write."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from tests.conftest import make_token

pytestmark = pytest.mark.django_db


def boot(response):
    html = response.content.decode()
    start = html.index('<script id="portolan-boot" type="application/json">')
    body = html[start:].split(">", 1)[1].split("</script>", 1)[0]
    return json.loads(body)


@override_settings(PORTOLAN_ANONYMOUS=False)
def test_a_visitor_who_is_not_logged_in_may_read_nothing():
    data = boot(Client().get("/"))
    assert data["mayRead"] is False and data["mayWrite"] is False
    assert data["user"] == "system:anonymous" and data["loginUrl"] == "/login"


@override_settings(PORTOLAN_ANONYMOUS=True)
def test_the_open_mode_lets_anonymous_visitors_see_and_change_everything():
    data = boot(Client().get("/"))
    assert data["anonymousMode"] is True
    assert data["mayRead"] and data["mayWrite"] and data["namespaces"] is None


@override_settings(PORTOLAN_ANONYMOUS=False)
def test_a_namespace_viewer_sees_their_namespace_read_only():
    from django.contrib.auth import get_user_model

    make_token("vera", namespace="team-a", role="viewer")
    client = Client()
    client.force_login(get_user_model().objects.get(username="vera"))
    response = client.get("/")
    data = boot(response)
    assert data["user"] == "vera" and data["authenticated"] is True
    assert data["namespaces"] == ["team-a"]
    assert data["mayRead"] is True and data["mayWrite"] is False
    assert data["csrfToken"] and data["wsPath"] == "/ws/topology"
