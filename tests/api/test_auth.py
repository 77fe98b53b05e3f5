"""Authentication (bearer tokens, sessions, anonymous) and authorization (viewer / editor /
admin grants, namespaced or cluster-wide), including what lists and watches show."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, override_settings

from cluster.models import AccessGrant
from tests.conftest import Api, make_token

SVC = "/api/v1/namespaces/default/services"
TEAM_SVC = "/api/v1/namespaces/team-a/services"
SVC_BODY = {"metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}


@pytest.fixture
def teams(api):
    for ns in ("team-a", "team-b"):
        assert api.post("/api/v1/namespaces", {"metadata": {"name": ns}}).status == 201
        created = api.post(f"/api/v1/namespaces/{ns}/services", {**SVC_BODY})
        assert created.status == 201
    return api


def as_role(namespace: str, role: str, user: str = "") -> Api:
    return Api(make_token(user or f"{role}-{namespace or 'all'}", namespace, role))


def names(answer) -> set[tuple[str, str]]:
    assert answer.status == 200, answer
    return {
        (i["metadata"].get("namespace", ""), i["metadata"]["name"]) for i in answer.body["items"]
    }


# --- authentication -----------------------------------------------------------------------------


def test_no_credentials_is_401(anon, cluster):
    answer = anon.get(SVC)
    assert answer.status == 401
    assert answer.body["reason"] == "Unauthorized" and answer.body["message"] == "Unauthorized"


@pytest.mark.parametrize("header", ["Bearer nope", "Bearer ", "Basic dXNlcjpwYXNz", "Token x"])
def test_a_bad_token_is_401(cluster, header):
    answer = Api()._answer(Client().get(SVC, HTTP_AUTHORIZATION=header))
    assert answer.status == 401 and answer.body["reason"] == "Unauthorized"


def test_an_inactive_users_token_is_401(cluster):
    token = make_token("gone", "", "admin")
    get_user_model().objects.filter(username="gone").update(is_active=False)
    assert Api(token).get(SVC).status == 401


def test_anonymous_mode_makes_anonymous_callers_admins(anon, cluster):
    with override_settings(PORTOLAN_ANONYMOUS=True):
        assert anon.get(SVC).status == 200
        assert anon.post(SVC, SVC_BODY).status == 201
        # A bad token is still rejected: anonymous mode is for callers without credentials.
        assert Api("Bearer nope").get(SVC).status == 401


def test_discovery_and_version_need_no_credentials(anon, cluster):
    for path in ("/version", "/api", "/apis", "/api/v1", "/apis/apps/v1"):
        assert anon.get(path).status == 200, path


def test_issue_token_without_namespace_is_a_cluster_admin(cluster):
    out = StringIO()
    call_command("issue_token", "ops", stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("ptl_")
    grant = AccessGrant.objects.get(user__username="ops")
    assert (grant.namespace, grant.role) == ("", "admin")
    client = Api(token)
    assert client.post("/api/v1/namespaces", {"metadata": {"name": "made-by-ops"}}).status == 201
    assert client.delete("/api/v1/nodes/node-1").status == 200


def test_issue_token_with_namespace_and_role(cluster):
    out, err = StringIO(), StringIO()
    call_command(
        "issue_token", "dev", "--namespace", "default", "--role", "editor", stdout=out, stderr=err
    )
    token = out.getvalue().strip()
    grant = AccessGrant.objects.get(user__username="dev")
    assert (grant.namespace, grant.role) == ("default", "editor")
    client = Api(token)
    assert client.post(SVC, SVC_BODY).status == 201
    assert client.get("/api/v1/namespaces/kube-system/services").status == 403
    assert err.getvalue() == ""


def test_issue_token_with_namespace_defaults_to_admin_of_it(cluster):
    out = StringIO()
    call_command("issue_token", "lead", "--namespace", "default", stdout=out)
    grant = AccessGrant.objects.get(user__username="lead")
    assert (grant.namespace, grant.role) == ("default", "admin")


def test_issue_token_warns_about_a_missing_namespace(cluster):
    out, err = StringIO(), StringIO()
    call_command("issue_token", "early", "--namespace", "later", stdout=out, stderr=err)
    assert "later" in err.getvalue()
    assert out.getvalue().strip().startswith("ptl_")


def test_issue_token_cluster_wide_viewer(cluster):
    out = StringIO()
    call_command("issue_token", "auditor", "--role", "viewer", stdout=out)
    client = Api(out.getvalue().strip())
    assert client.get("/api/v1/services").status == 200
    assert client.post(SVC, SVC_BODY).status == 403


def test_two_tokens_for_one_user_are_independent(cluster):
    a = make_token("same", "default", "viewer")
    b = make_token("same", "default", "editor")
    assert Api(a).post(SVC, SVC_BODY).status == 403
    assert Api(b).post(SVC, SVC_BODY).status == 201


# --- sessions -------------------------------------------------------------------------------


def login(
    username: str = "alice", *, superuser: bool = False, enforce_csrf: bool = False
) -> Client:
    user = get_user_model().objects.create_user(username=username, password="pw")
    if superuser:
        user.is_superuser = True
        user.save()
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


def test_a_session_user_uses_their_grants(cluster):
    client = login()
    user = get_user_model().objects.get(username="alice")
    AccessGrant.objects.create(user=user, namespace="default", role="viewer")
    assert client.get(SVC).status_code == 200
    assert client.get("/api/v1/namespaces/kube-system/services").status_code == 403
    assert (
        client.post(SVC, json.dumps(SVC_BODY), content_type="application/json").status_code == 403
    )


def test_a_session_user_without_grants_is_forbidden_not_unauthorized(cluster):
    client = login("nobody")
    response = client.get(SVC)
    assert response.status_code == 403


def test_a_superuser_session_is_cluster_admin(cluster):
    client = login("root", superuser=True)
    response = client.post(SVC, json.dumps(SVC_BODY), content_type="application/json")
    assert response.status_code == 201


def test_session_writes_need_the_csrf_token(cluster):
    client = login("root", superuser=True, enforce_csrf=True)
    response = client.post(SVC, json.dumps(SVC_BODY), content_type="application/json")
    assert response.status_code == 403
    body = response.json()
    assert body["kind"] == "Status" and body["reason"] == "Forbidden"
    assert "CSRF" in body["message"]
    # Reads need no token; a write with the cookie's token passes.
    assert client.get(SVC).status_code == 200
    client.get("/login")
    token = client.cookies["csrftoken"].value
    response = client.post(
        SVC, json.dumps(SVC_BODY), content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201


def test_bearer_tokens_need_no_csrf_token(cluster):
    client = Client(enforce_csrf_checks=True)
    token = make_token("bot", "", "admin")
    response = client.post(
        SVC,
        json.dumps(SVC_BODY),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201


# --- authorization --------------------------------------------------------------------------


def test_viewer_reads_but_cannot_write(teams):
    viewer = as_role("team-a", "viewer")
    assert viewer.get(f"{TEAM_SVC}/web").status == 200
    answer = viewer.post(TEAM_SVC, {"metadata": {"name": "x"}, "spec": {"ports": [{"port": 80}]}})
    assert answer.status == 403
    assert answer.body["reason"] == "Forbidden"
    # The apiserver's RBAC denial text (forbiddenMessage in endpoints/handlers/responsewriters).
    assert answer.body["message"] == (
        'services is forbidden: User "viewer-team-a" cannot create resource "services" in API '
        'group "" in the namespace "team-a"'
    )
    assert answer.body["details"]["kind"] == "services"
    answer = viewer.delete(f"{TEAM_SVC}/web")
    assert answer.body["message"] == (
        'services "web" is forbidden: User "viewer-team-a" cannot delete resource "services" in '
        'API group "" in the namespace "team-a"'
    )
    assert viewer.patch(f"{TEAM_SVC}/web", {"metadata": {"labels": {"a": "b"}}}).status == 403
    body = viewer.get(f"{TEAM_SVC}/web").body
    assert viewer.put(f"{TEAM_SVC}/web", body).status == 403


def test_forbidden_at_cluster_scope_says_so(teams):
    editor = as_role("team-a", "editor")
    answer = editor.post("/api/v1/nodes", {"metadata": {"name": "n9"}})
    assert answer.status == 403
    assert answer.body["message"] == (
        'nodes is forbidden: User "editor-team-a" cannot create resource "nodes" in API group "" '
        "at the cluster scope"
    )
    answer = editor.delete("/apis/apps/v1/namespaces/team-b/deployments/d")
    assert answer.body["message"] == (
        'deployments.apps "d" is forbidden: User "editor-team-a" cannot delete resource '
        '"deployments" in API group "apps" in the namespace "team-b"'
    )
    assert answer.body["details"] == {"name": "d", "group": "apps", "kind": "deployments"}
    answer = editor.delete("/api/v1/namespaces/team-b")
    assert answer.body["message"] == (
        'namespaces "team-b" is forbidden: User "editor-team-a" cannot delete resource '
        '"namespaces" in API group "" in the namespace "team-b"'
    )
    viewer = as_role("team-a", "viewer")
    answer = viewer.patch(f"{TEAM_SVC}/web/status", {"status": {}})
    assert answer.body["message"] == (
        'services "web" is forbidden: User "viewer-team-a" cannot patch resource '
        '"services/status" in API group "" in the namespace "team-a"'
    )


def test_all_namespace_lists_are_allowed_and_filtered_for_namespaced_grants(teams):
    editor = as_role("team-a", "editor")
    assert names(editor.get("/apis/apps/v1/deployments")) == set()
    assert names(editor.get("/api/v1/services")) == {("team-a", "web")}


def test_editor_writes_in_its_namespace_only(teams):
    editor = as_role("team-a", "editor")
    body = {"metadata": {"name": "mine"}, "spec": {"ports": [{"port": 80}]}}
    assert editor.post(TEAM_SVC, body).status == 201
    assert editor.patch(f"{TEAM_SVC}/mine", {"metadata": {"labels": {"a": "b"}}}).status == 200
    assert editor.delete(f"{TEAM_SVC}/mine").status == 200
    assert editor.post("/api/v1/namespaces/team-b/services", body).status == 403
    assert editor.get("/api/v1/namespaces/team-b/services/web").status == 403
    assert editor.delete("/api/v1/namespaces/team-b/services/web").status == 403
    # Not the namespace object itself.
    assert (
        editor.patch("/api/v1/namespaces/team-a", {"metadata": {"labels": {"a": "b"}}}).status
        == 403
    )
    assert editor.delete("/api/v1/namespaces/team-a").status == 403


def test_namespace_admin_can_patch_and_delete_its_namespace(teams):
    admin = as_role("team-a", "admin")
    answer = admin.patch("/api/v1/namespaces/team-a", {"metadata": {"labels": {"a": "b"}}})
    assert answer.status == 200
    assert (
        admin.patch("/api/v1/namespaces/team-b", {"metadata": {"labels": {"a": "b"}}}).status == 403
    )
    assert admin.post("/api/v1/namespaces", {"metadata": {"name": "team-c"}}).status == 403
    assert admin.delete("/api/v1/namespaces/team-b").status == 403
    assert admin.delete("/api/v1/namespaces/team-a").status == 200


def test_namespaced_tokens_see_only_their_namespaces_in_all_namespace_lists(teams):
    editor = as_role("team-a", "editor")
    assert names(editor.get("/api/v1/services")) == {("team-a", "web")}
    assert names(editor.get("/api/v1/namespaces")) == {("", "team-a")}
    assert editor.get("/api/v1/namespaces/team-a").status == 200
    assert editor.get("/api/v1/namespaces/team-b").status == 403


def test_a_user_with_two_namespaces_sees_both(teams):
    make_token("duo", "team-a", "viewer")
    token = make_token("duo", "team-b", "viewer")
    # A token carries exactly its own grant ...
    assert names(Api(token).get("/api/v1/services")) == {("team-b", "web")}
    # ... while a session carries all of the user's grants.
    client = Client()
    client.force_login(get_user_model().objects.get(username="duo"))
    listed = client.get("/api/v1/services").json()
    assert {i["metadata"]["namespace"] for i in listed["items"]} == {"team-a", "team-b"}
    namespaces = client.get("/api/v1/namespaces").json()
    assert {i["metadata"]["name"] for i in namespaces["items"]} == {"team-a", "team-b"}


def test_cluster_wide_token_sees_everything(teams):
    viewer = as_role("", "viewer")
    listed = names(viewer.get("/api/v1/services"))
    assert {("team-a", "web"), ("team-b", "web"), ("default", "kubernetes")} <= listed
    assert len(names(viewer.get("/api/v1/namespaces"))) >= 6


def test_nodes_are_readable_by_every_authenticated_principal(teams):
    viewer = as_role("team-a", "viewer")
    assert viewer.get("/api/v1/nodes").status == 200
    assert viewer.get("/api/v1/nodes/node-1").status == 200
    assert viewer.patch("/api/v1/nodes/node-1", {"metadata": {"labels": {"a": "b"}}}).status == 403


def test_namespaced_token_cannot_write_cluster_scoped_objects(teams):
    admin = as_role("team-a", "admin")
    assert admin.patch("/api/v1/nodes/node-1", {"metadata": {"labels": {"a": "b"}}}).status == 403


def test_the_scale_and_status_subresources_follow_the_same_rules(teams):
    viewer = as_role("default", "viewer")
    api = teams
    deployment = {
        "metadata": {"name": "d"},
        "spec": {
            "selector": {"matchLabels": {"app": "d"}},
            "template": {
                "metadata": {"labels": {"app": "d"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }
    assert api.post("/apis/apps/v1/namespaces/default/deployments", deployment).status == 201
    scale = "/apis/apps/v1/namespaces/default/deployments/d/scale"
    assert viewer.get(scale).status == 200
    assert viewer.patch(scale, {"spec": {"replicas": 3}}).status == 403
    assert viewer.patch(f"{SVC}/kubernetes/status", {"status": {}}).status == 403


def test_watch_is_filtered_like_lists(teams):
    editor = as_role("team-a", "editor")
    response = Client().get(
        "/api/v1/services?watch=true&timeoutSeconds=0",
        HTTP_AUTHORIZATION=f"Bearer {editor.token}",
    )
    lines = [json.loads(x) for x in b"".join(response.streaming_content).splitlines() if x]
    assert {(e["object"]["metadata"]["namespace"], e["type"]) for e in lines} == {
        ("team-a", "ADDED")
    }
    assert (
        editor.get("/api/v1/namespaces/team-b/services?watch=true&timeoutSeconds=0").status == 403
    )


def test_issue_token_rejects_a_bad_namespace_or_role(cluster):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("issue_token", "x", "--namespace", "Not_A_Namespace", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("issue_token", "x", "--role", "owner", stdout=StringIO())
    assert not AccessGrant.objects.filter(user__username="x").exists()


def test_namespace_watch_shows_only_visible_namespaces(teams):
    editor = as_role("team-a", "editor")
    rv = teams.get("/api/v1/namespaces").body["metadata"]["resourceVersion"]
    response = Client().get(
        f"/api/v1/namespaces?watch=true&timeoutSeconds=1&resourceVersion={rv}",
        HTTP_AUTHORIZATION=f"Bearer {editor.token}",
    )
    chunks = iter(response.streaming_content)
    teams.patch("/api/v1/namespaces/team-b", {"metadata": {"labels": {"x": "1"}}})
    teams.patch("/api/v1/namespaces/team-a", {"metadata": {"labels": {"x": "1"}}})
    events = [json.loads(c) for c in chunks]
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("MODIFIED", "team-a")
    ]


def test_a_deleted_token_is_refused_once_its_cache_entry_expires(cluster, monkeypatch):
    import time

    from cluster.api import auth
    from cluster.models import ApiToken

    monkeypatch.setattr(auth, "TOKEN_CACHE_SECONDS", 0.2)
    token = make_token("temp")
    client = Api(token)
    assert client.get("/api/v1/namespaces/default/services").status == 200  # now cached
    ApiToken.objects.all().delete()
    time.sleep(0.3)
    assert client.get("/api/v1/namespaces/default/services").status == 401
