"""A pod's DNS through the API: its resolv.conf (the kubelet's ``GetPodDNS``, discovery.md
§3.5) and "resolve this name from this pod" (glibc's ``res_search`` over the search path,
answered by the cluster DNS, §3.2-§3.3) — so a user sees why ``web.other`` works from one
namespace and not from another."""

from __future__ import annotations

import pytest

from cluster.actions.objects import create_object
from cluster.kinds import by_kind
from cluster.models import Service
from tests.cluster.controllers.settle import ControlPlane
from tests.conftest import Api, make_token

ZONE = "cluster.local"


def url(ns: str, pod: str, what: str) -> str:
    return f"/portolan/v1/namespaces/{ns}/pods/{pod}/{what}"


def resolve(api: Api, ns: str, pod: str, name: str, qtype: str | None = None):
    query = f"?name={name}" + (f"&type={qtype}" if qtype is not None else "")
    return api.get(url(ns, pod, "resolve") + query)


@pytest.fixture(autouse=True)
def _fresh_dns_index(monkeypatch):
    """Each test's database is rolled back, and two tests can end at the same revision with
    different objects: the process's shared DNS index (which skips reading when the revision
    did not move) starts empty in each test."""
    from cluster.dns import follower

    monkeypatch.setattr(follower, "_shared", None)


@pytest.fixture
def plane(cluster, django_capture_on_commit_callbacks, control_plane):
    return ControlPlane(django_capture_on_commit_callbacks, control_plane)


@pytest.fixture
def two_namespaces(plane) -> str:
    """Namespaces ``shop`` and ``other``, a pod in each, and the ClusterIP Service
    ``other/web`` with a named port (no endpoints: its A record exists all the same).
    Returns web's cluster IP."""
    for ns in ("shop", "other"):
        plane.write(
            create_object, by_kind("Namespace"), namespace="", body={"metadata": {"name": ns}}
        )
        pod = {
            "metadata": {"name": "client"},
            "spec": {"containers": [{"name": "c", "image": "busybox"}]},
        }
        plane.write(create_object, by_kind("Pod"), namespace=ns, body=pod)
    web = {
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80}]},
    }
    plane.write(create_object, by_kind("Service"), namespace="other", body=web)
    plane.settle()
    return Service.objects.get(namespace="other", name="web").cluster_ip


def tried(answer) -> list[tuple[str, str]]:
    return [(t["name"], t["rcode"]) for t in answer.body["fqdnTried"]]


# --- resolv.conf ------------------------------------------------------------------------------


def test_a_pods_resolv_conf_searches_its_own_namespace_first(api, two_namespaces):
    answer = api.get(url("shop", "client", "resolvconf"))
    assert answer.status == 200, answer
    conf = answer.body
    assert conf["kind"] == "PodResolvConf"
    assert conf["text"] == (
        "nameserver 10.96.0.10\n"
        "search shop.svc.cluster.local svc.cluster.local cluster.local\n"
        "options ndots:5\n"
    )
    assert conf["nameservers"] == ["10.96.0.10"]
    assert conf["searches"] == ["shop.svc.cluster.local", "svc.cluster.local", ZONE]
    assert (conf["ndots"], conf["dnsPolicy"], conf["resolver"]) == (5, "ClusterFirst", "cluster")
    other = api.get(url("other", "client", "resolvconf")).body
    assert other["searches"][0] == "other.svc.cluster.local"


# --- resolving from a pod ---------------------------------------------------------------------


def test_web_dot_other_fails_in_the_pods_namespace_then_answers_one_level_up(api, two_namespaces):
    """From ``shop``, ``web.other`` (1 dot < ndots 5) is tried along the search path: the first
    expansion names a namespace ``other`` below ``shop.svc`` — NXDOMAIN — the second is the
    Service."""
    ip = two_namespaces
    answer = resolve(api, "shop", "client", "web.other")
    assert answer.status == 200, answer
    assert tried(answer) == [
        ("web.other.shop.svc.cluster.local.", "NXDOMAIN"),
        ("web.other.svc.cluster.local.", "NOERROR"),
    ]
    body = answer.body
    assert body["resolvedName"] == "web.other.svc.cluster.local."
    assert body["answer"] == [f"web.other.svc.cluster.local. 5 IN A {ip}"]
    assert body["fqdnTried"][1]["answers"] == body["answer"]
    assert body["qtype"] == "A" and body["absolute"] is False and body["ndots"] == 5


def test_from_the_services_own_namespace_the_bare_name_answers_at_once(api, two_namespaces):
    answer = resolve(api, "other", "client", "web")
    assert tried(answer) == [("web.other.svc.cluster.local.", "NOERROR")]
    assert answer.body["answer"] == [f"web.other.svc.cluster.local. 5 IN A {two_namespaces}"]


def test_the_bare_name_from_another_namespace_resolves_nowhere(api, two_namespaces):
    """Every search domain is NXDOMAIN; the name as it is (``web.``) lies outside the cluster
    zone, which Portolan's DNS refuses (it has no upstream)."""
    answer = resolve(api, "shop", "client", "web")
    assert tried(answer) == [
        ("web.shop.svc.cluster.local.", "NXDOMAIN"),
        ("web.svc.cluster.local.", "NXDOMAIN"),
        ("web.cluster.local.", "NXDOMAIN"),
        ("web.", "REFUSED"),
    ]
    assert answer.body["resolvedName"] is None and answer.body["answer"] == []


@pytest.mark.parametrize(
    "name,expected",
    [
        ("web.other.svc.cluster.local.", [("web.other.svc.cluster.local.", "NOERROR")]),
        ("web.other.", [("web.other.", "REFUSED")]),
    ],
    ids=["fully qualified", "short but absolute"],
)
def test_a_trailing_dot_makes_the_name_absolute(api, two_namespaces, name, expected):
    answer = resolve(api, "shop", "client", name)
    assert tried(answer) == expected
    assert answer.body["absolute"] is True


def test_srv_and_ptr_questions(api, two_namespaces):
    srv = resolve(api, "shop", "client", "_http._tcp.web.other", "SRV")
    assert srv.body["resolvedName"] == "_http._tcp.web.other.svc.cluster.local."
    assert srv.body["answer"][0].endswith("IN SRV 0 100 80 web.other.svc.cluster.local.")
    # dig -x: an IP stands for its reverse name
    ptr = resolve(api, "shop", "client", two_namespaces, "ptr")
    assert ptr.status == 200, ptr
    assert ptr.body["qtype"] == "PTR" and ptr.body["absolute"] is True
    assert ptr.body["answer"][0].endswith("IN PTR web.other.svc.cluster.local.")


def test_resolving_follows_the_cluster_as_it_changes(api, two_namespaces, plane):
    assert resolve(api, "shop", "client", "cache").body["resolvedName"] is None
    body = {"metadata": {"name": "cache"}, "spec": {"ports": [{"port": 6379}]}}
    plane.write(create_object, by_kind("Service"), namespace="shop", body=body)
    answer = resolve(api, "shop", "client", "cache")
    assert answer.body["resolvedName"] == "cache.shop.svc.cluster.local."


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query,fields",
    [
        ("?name=web&type=MX", ["type"]),
        ("?name=&type=A", ["name"]),
        ("", ["name"]),
        ("?name=a..b", ["name"]),
        ("?name=" + "x" * 64 + ".other", ["name"]),
        ("?type=BOGUS", ["type", "name"]),
    ],
    ids=["type not answered", "empty name", "no name", "empty label", "long label", "both"],
)
def test_bad_questions_are_invalid_statuses_with_causes(api, two_namespaces, query, fields):
    answer = api.get(url("shop", "client", "resolve") + query)
    assert answer.status == 422, answer
    assert (answer.body["kind"], answer.body["reason"]) == ("Status", "Invalid")
    assert [c["field"] for c in answer.body["details"]["causes"]] == fields


def test_a_missing_pod_is_not_found(api, two_namespaces):
    for what in ("resolvconf", "resolve?name=web"):
        answer = api.get(url("shop", "ghost", what))
        assert answer.status == 404, answer
        assert answer.body["reason"] == "NotFound"
        assert answer.body["message"] == 'pods "ghost" not found'


def test_the_views_need_access(api, two_namespaces):
    assert Api().get(url("shop", "client", "resolvconf")).status == 401
    assert Api().get(url("shop", "client", "resolve") + "?name=web").status == 401
    outsider = Api(make_token("eve", namespace="team-a", role="viewer"))
    forbidden = outsider.get(url("shop", "client", "resolvconf"))
    assert forbidden.status == 403 and forbidden.body["reason"] == "Forbidden"
    assert outsider.get(url("shop", "client", "resolve") + "?name=web.other").status == 403


def test_an_answer_about_another_namespace_needs_access_to_it(api, two_namespaces, plane):
    """A viewer of ``shop`` resolves ``shop``'s names, but the answer for ``web.other`` names
    a Service of ``other`` (as simulated traffic would reach it): Forbidden."""
    body = {"metadata": {"name": "cache"}, "spec": {"ports": [{"port": 6379}]}}
    plane.write(create_object, by_kind("Service"), namespace="shop", body=body)
    shopper = Api(make_token("sam", namespace="shop", role="viewer"))
    own = resolve(shopper, "shop", "client", "cache")
    assert own.status == 200 and own.body["resolvedName"] == "cache.shop.svc.cluster.local."
    across = resolve(shopper, "shop", "client", "web.other")
    assert across.status == 403, across
    assert '"services"' in across.body["message"] and '"other"' in across.body["message"]
    # A name that answers nothing reveals nothing: no extra check.
    assert resolve(shopper, "shop", "client", "nope.other").status == 200
