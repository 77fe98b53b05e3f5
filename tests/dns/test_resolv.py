"""Each pod's resolv.conf (GetPodDNS, discovery.md §3.5) and what resolving a name from a pod
does. Cases name their upstream source: kubernetes ``pkg/kubelet/network/dns/dns_test.go``
(TestGetPodDNSType, TestGetPodDNSCustom, TestMergeDNSOptions, TestFormDNSSearchFitsLimits,
TestFormDNSNameserversFitsLimits, TestParseResolvConf) and discovery.md's RES-nn vectors."""

from __future__ import annotations

from typing import Any

import pytest

from cluster.dns.index import Index
from cluster.dns.resolv import (
    ResolvConf,
    cluster_dns_ip,
    fit_nameservers,
    fit_search,
    get_pod_dns,
    merge_dns_options,
    parse_resolv_conf,
    pod_dns_type,
    resolve_from_pod,
    search_candidates,
)
from cluster.dns.zone import ZoneConfig
from tests.dns.fixtures import endpoint, endpoint_slice, namespace, port, service

Obj = dict[str, Any]


def pod(ns: str = "testNS", **spec: Any) -> Obj:
    return {"metadata": {"name": "test_pod", "namespace": ns}, "spec": spec}


# --- TestGetPodDNSType --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("desc", "policy", "host_network", "expected"),
    [
        ("valid DNSClusterFirst without hostnetwork", "ClusterFirst", False, "cluster"),
        (
            "valid DNSClusterFirstWithHostNet with hostnetwork",
            "ClusterFirstWithHostNet",
            True,
            "cluster",
        ),
        (
            "valid DNSClusterFirstWithHostNet without hostnetwork",
            "ClusterFirstWithHostNet",
            False,
            "cluster",
        ),
        ("valid DNSDefault without hostnetwork", "Default", False, "host"),
        ("valid DNSDefault with hostnetwork", "Default", True, "host"),
        ("DNSClusterFirst with hostnetwork, fallback to DNSDefault", "ClusterFirst", True, "host"),
        ("valid DNSNone", "None", False, "none"),
    ],
)
def test_get_pod_dns_type(desc, policy, host_network, expected):
    assert pod_dns_type(pod(dnsPolicy=policy, hostNetwork=host_network)) == expected, desc


def test_get_pod_dns_type_invalid_policy():
    # TestGetPodDNSType "invalid DNS policy, should return error"
    with pytest.raises(ValueError, match="invalid DNSPolicy=invalidPolicy"):
        pod_dns_type(pod(dnsPolicy="invalidPolicy"))


def test_default_dns_policy_is_cluster_first():
    # discovery.md §3.5: dnsPolicy defaults to ClusterFirst.
    assert pod_dns_type(pod()) == "cluster"


# --- TestGetPodDNSCustom ------------------------------------------------------------------

HOST = ResolvConf(nameservers=("8.8.8.8",), searches=("host.domain",))
CUSTOM = {
    "nameservers": ["10.0.0.11"],
    "searches": ["my.domain"],
    "options": [{"name": "ndots", "value": "3"}, {"name": "debug"}],
}
CLUSTER_SEARCH = ("testNS.svc.kubernetes.io", "svc.kubernetes.io", "kubernetes.io")


@pytest.mark.parametrize(
    ("desc", "spec", "expected"),
    [
        (
            "DNSNone without DNSConfig should have empty DNS settings",
            {"dnsPolicy": "None"},
            ResolvConf(),
        ),
        (
            "DNSNone with DNSConfig should have a merged DNS settings",
            {
                "dnsPolicy": "None",
                "dnsConfig": {
                    "nameservers": ["203.0.113.1"],
                    "searches": ["my.domain", "second.domain"],
                    "options": [{"name": "ndots", "value": "3"}, {"name": "debug"}],
                },
            },
            ResolvConf(("203.0.113.1",), ("my.domain", "second.domain"), ("ndots:3", "debug")),
        ),
        (
            "DNSClusterFirst with DNSConfig should have a merged DNS settings",
            {"dnsPolicy": "ClusterFirst", "dnsConfig": CUSTOM},
            ResolvConf(
                ("10.0.0.10", "10.0.0.11"),
                (*CLUSTER_SEARCH, "host.domain", "my.domain"),
                ("ndots:3", "debug"),
            ),
        ),
        (
            "DNSClusterFirstWithHostNet with DNSConfig should have a merged DNS settings",
            {"dnsPolicy": "ClusterFirstWithHostNet", "hostNetwork": True, "dnsConfig": CUSTOM},
            ResolvConf(
                ("10.0.0.10", "10.0.0.11"),
                (*CLUSTER_SEARCH, "host.domain", "my.domain"),
                ("ndots:3", "debug"),
            ),
        ),
        (
            "DNSDefault with DNSConfig should have a merged DNS settings",
            {"dnsPolicy": "Default", "dnsConfig": CUSTOM},
            ResolvConf(
                ("8.8.8.8", "10.0.0.11"), ("host.domain", "my.domain"), ("ndots:3", "debug")
            ),
        ),
    ],
)
def test_get_pod_dns_custom(desc, spec, expected):
    got = get_pod_dns(
        pod(**spec), cluster_domain="kubernetes.io", cluster_dns=("10.0.0.10",), host=HOST
    )
    assert got == expected, desc


def test_cluster_first_example_res01():
    # discovery.md §3.5 RES-01: the whole file of a pod in default.
    conf = get_pod_dns(
        pod("default"),
        cluster_domain="cluster.local",
        cluster_dns=("10.96.0.10",),
        host=ResolvConf(nameservers=("192.168.1.1",), searches=("example.com",)),
    )
    assert conf.text() == (
        "nameserver 10.96.0.10\n"
        "search default.svc.cluster.local svc.cluster.local cluster.local example.com\n"
        "options ndots:5\n"
    )
    assert conf.ndots == 5


def test_cluster_first_drops_duplicate_search_domains():
    # generateSearchesForDNSClusterFirst: omitDuplicates over cluster + host searches.
    conf = get_pod_dns(
        pod("shop"),
        cluster_domain="cluster.local",
        cluster_dns=("10.96.0.10",),
        host=ResolvConf(nameservers=("1.1.1.1",), searches=("cluster.local", "corp")),
    )
    assert conf.searches == ("shop.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp")


# --- TestMergeDNSOptions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("desc", "existing", "pod_options", "expected"),
    [
        ("Empty dnsConfigOptions", ["ndots:5", "debug"], [], ["ndots:5", "debug"]),
        (
            "No duplicated entries",
            ["ndots:5", "debug"],
            [{"name": "single-request"}, {"name": "attempts", "value": "3"}],
            ["ndots:5", "debug", "single-request", "attempts:3"],
        ),
        (
            "Overwrite duplicated entries",
            ["ndots:5", "debug"],
            [
                {"name": "ndots", "value": "3"},
                {"name": "debug"},
                {"name": "single-request"},
                {"name": "attempts", "value": "3"},
            ],
            ["ndots:3", "debug", "single-request", "attempts:3"],
        ),
    ],
)
def test_merge_dns_options(desc, existing, pod_options, expected):
    assert merge_dns_options(existing, pod_options) == expected, desc


# --- TestFormDNSSearchFitsLimits / TestFormDNSNameserversFitsLimits ---------------------------

LONG_2048 = ["A" * 128] + ["A" * 127] * 15  # 2048 = 128 + 127 * 15 + 15
BASE = ["testNS.svc.TEST", "svc.TEST", "TEST"]


@pytest.mark.parametrize(
    ("desc", "given", "expected", "warned"),
    [
        ("valid: 3 search paths", BASE, BASE, False),
        ("valid: 5 search paths", [*BASE, "AAA", "BBB"], [*BASE, "AAA", "BBB"], False),
        (
            "invalid ExpandedDNSConfig: 256 characters search path",
            [*BASE, "AAA", "B" * 256, "BBB"],
            [*BASE, "AAA", "BBB"],
            True,
        ),
        (
            "valid ExpandedDNSConfig: 2048 characters in search path list",
            LONG_2048,
            LONG_2048,
            False,
        ),
        (
            "invalid ExpandedDNSConfig: 2050 characters in search path list",
            [*LONG_2048, "B"],
            LONG_2048,
            True,
        ),
        (
            "valid ExpandedDNSConfig: 32 search paths",
            [*BASE, *(str(i) for i in range(4, 33))],
            [*BASE, *(str(i) for i in range(4, 33))],
            False,
        ),
        (
            "invalid ExpandedDNSConfig: 33 search paths",
            [*BASE, *(str(i) for i in range(4, 34))],
            [*BASE, *(str(i) for i in range(4, 33))],
            True,
        ),
    ],
)
def test_form_dns_search_fits_limits(desc, given, expected, warned):
    searches, warning = fit_search(list(given))
    assert searches == expected, desc
    assert (warning is not None) == warned
    if warning:
        assert warning == (
            "Search Line limits were exceeded, some search paths have been omitted, the applied "
            "search line is: " + " ".join(expected)
        )


@pytest.mark.parametrize(
    ("desc", "given", "expected", "warned"),
    [
        ("valid: 1 nameserver", ["127.0.0.1"], ["127.0.0.1"], False),
        (
            "valid: 3 nameservers",
            ["127.0.0.1", "10.0.0.10", "8.8.8.8"],
            ["127.0.0.1", "10.0.0.10", "8.8.8.8"],
            False,
        ),
        (
            "invalid: 4 nameservers, trimmed to 3",
            ["127.0.0.1", "10.0.0.10", "8.8.8.8", "1.2.3.4"],
            ["127.0.0.1", "10.0.0.10", "8.8.8.8"],
            True,
        ),
    ],
)
def test_form_dns_nameservers_fits_limits(desc, given, expected, warned):
    servers, warning = fit_nameservers(given)
    assert servers == expected, desc
    assert (warning is not None) == warned


def test_get_pod_dns_reports_the_limit_warning():
    # GetPodDNS → formDNSConfigFitsLimits: the DNSConfigForming event's message.
    conf = get_pod_dns(
        pod(
            dnsPolicy="None",
            dnsConfig={"nameservers": ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"]},
        ),
        cluster_domain="cluster.local",
        cluster_dns=("10.96.0.10",),
    )
    assert conf.nameservers == ("1.1.1.1", "2.2.2.2", "3.3.3.3")
    assert conf.warnings and conf.warnings[0].startswith("Nameserver limits were exceeded")


# --- TestParseResolvConf ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "nameservers", "searches", "options"),
    [
        ("", [], [], []),
        ("\t\n\t", [], [], []),
        (" #comment\n", [], [], []),
        ("#comment\nnameserver 1.2.3.4\nsearch", ["1.2.3.4"], [], []),
        ("nameserver\t1.2.3.4", ["1.2.3.4"], [], []),
        ("nameserver 1.2.3.4 #comment", ["1.2.3.4"], [], []),
        ("nameserver 1.2.3.4\nnameserver 5.6.7.8", ["1.2.3.4", "5.6.7.8"], [], []),
        ("search foo. bar", [], ["foo", "bar"], []),
        ("search foo\nsearch bar", [], ["bar"], []),
        ("options ndots:1\noptions ndots:5 attempts:3", [], [], ["ndots:5", "attempts:3"]),
        (
            "nameserver 1.2.3.4\nsearch foo\nnameserver 5.6.7.8\nsearch bar\noptions ndots:5 attempts:4",
            ["1.2.3.4", "5.6.7.8"],
            ["bar"],
            ["ndots:5", "attempts:4"],
        ),
    ],
)
def test_parse_resolv_conf(data, nameservers, searches, options):
    conf = parse_resolv_conf(data)
    assert (list(conf.nameservers), list(conf.searches), list(conf.options)) == (
        nameservers,
        searches,
        options,
    )


def test_parse_resolv_conf_empty_nameserver_is_an_error():
    # TestParseResolvConf "#comment\nnameserver": nameserver empty
    with pytest.raises(ValueError):
        parse_resolv_conf("#comment\nnameserver")


# --- the cluster DNS Service IP -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cidr", "ip"),
    [("10.96.0.0/12", "10.96.0.10"), ("10.0.0.0/16", "10.0.0.10"), ("fd00:10::/108", "fd00:10::a")],
)
def test_cluster_dns_ip_is_the_tenth_address(cidr, ip):
    # kubeadm: the DNS Service's IP is the service subnet's 10th address (GetDNSIP).
    assert cluster_dns_ip(cidr) == ip


# --- the resolver's search list (glibc res_search) -------------------------------------------------

NDOTS5 = ResolvConf(
    ("10.96.0.10",), ("shop.svc.cluster.local", "svc.cluster.local", "cluster.local"), ("ndots:5",)
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "web",
            [
                "web.shop.svc.cluster.local.",
                "web.svc.cluster.local.",
                "web.cluster.local.",
                "web.",
            ],
        ),
        (
            "web.other",
            [
                "web.other.shop.svc.cluster.local.",
                "web.other.svc.cluster.local.",
                "web.other.cluster.local.",
                "web.other.",
            ],
        ),
        # 5 dots ≥ ndots: as it is first, then the search list.
        (
            "a.b.c.d.e.f",
            [
                "a.b.c.d.e.f.",
                "a.b.c.d.e.f.shop.svc.cluster.local.",
                "a.b.c.d.e.f.svc.cluster.local.",
                "a.b.c.d.e.f.cluster.local.",
            ],
        ),
        ("web.other.svc.cluster.local.", ["web.other.svc.cluster.local."]),  # absolute
    ],
)
def test_search_candidates(name, expected):
    candidates = search_candidates(name, NDOTS5)
    assert [c for c, _ in candidates] == expected


def test_search_list_entries_and_as_is_attempts_are_marked():
    # glibc res_search: only a search-list attempt can end the search list ("done").
    assert search_candidates("web", NDOTS5) == [
        ("web.shop.svc.cluster.local.", True),
        ("web.svc.cluster.local.", True),
        ("web.cluster.local.", True),
        ("web.", False),
    ]
    assert search_candidates("a.b.c.d.e.f", NDOTS5)[0] == ("a.b.c.d.e.f.", False)
    assert search_candidates("web.", NDOTS5) == [("web.", False)]


# --- resolve from a pod (RES-05) -------------------------------------------------------------------


def shop_and_other() -> Index:
    return Index.from_objects(
        [
            namespace("shop"),
            namespace("other"),
            service("web", "shop", ips=["10.96.0.20"], ports=[port("http", 80)]),
            service("web", "other", ips=["10.96.0.30"], ports=[port("http", 80)]),
            service("db", "other", ips=["None"]),
            endpoint_slice("db-1", "db", [endpoint("10.244.1.7")], ns="other", ports=None),
        ]
    )


def tried(result: dict) -> list[tuple[str, str]]:
    return [(t["name"], t["rcode"]) for t in result["fqdn_tried"]]


def test_web_other_resolves_through_the_second_search_domain_res05():
    # discovery.md §3.5 RES-05: from shop, web.other first tries web.other.shop.svc… (NXDOMAIN)
    # and then hits web.other.svc.cluster.local.
    result = resolve_from_pod(pod("shop"), "web.other", index=shop_and_other(), config=ZoneConfig())
    assert tried(result) == [
        ("web.other.shop.svc.cluster.local.", "NXDOMAIN"),
        ("web.other.svc.cluster.local.", "NOERROR"),
    ]
    assert result["resolved_name"] == "web.other.svc.cluster.local."
    assert result["answer"] == ["web.other.svc.cluster.local. 5 IN A 10.96.0.30"]
    assert result["search"] == ["shop.svc.cluster.local", "svc.cluster.local", "cluster.local"]
    assert result["nameserver"] == "10.96.0.10" and result["cluster_dns"]


def test_web_is_the_pods_own_namespace_service():
    # RES-05: web hits on the first candidate, the pod's own namespace.
    index = shop_and_other()
    from_shop = resolve_from_pod(pod("shop"), "web", index=index, config=ZoneConfig())
    from_other = resolve_from_pod(pod("other"), "web", index=index, config=ZoneConfig())
    assert from_shop["answer"] == ["web.shop.svc.cluster.local. 5 IN A 10.96.0.20"]
    assert from_other["answer"] == ["web.other.svc.cluster.local. 5 IN A 10.96.0.30"]


def test_a_name_no_namespace_has_tries_every_search_domain_then_the_bare_name():
    # From shop, "db" is no service of shop: every search domain answers NXDOMAIN and the
    # name as it is ("db.") is outside the cluster zones: REFUSED (no upstream).
    result = resolve_from_pod(pod("shop"), "db", index=shop_and_other(), config=ZoneConfig())
    assert tried(result) == [
        ("db.shop.svc.cluster.local.", "NXDOMAIN"),
        ("db.svc.cluster.local.", "NXDOMAIN"),
        ("db.cluster.local.", "NXDOMAIN"),
        ("db.", "REFUSED"),
    ]
    assert result["resolved_name"] is None and result["answer"] == []


def test_nodata_keeps_searching():
    # glibc res_search: "On a NO_DATA error, keep trying".
    result = resolve_from_pod(
        pod("shop"), "web", "AAAA", index=shop_and_other(), config=ZoneConfig()
    )
    assert tried(result)[:2] == [
        ("web.shop.svc.cluster.local.", "NOERROR"),
        ("web.svc.cluster.local.", "NXDOMAIN"),
    ]
    assert result["resolved_name"] is None


def test_a_headless_service_in_another_namespace():
    result = resolve_from_pod(pod("shop"), "db.other", index=shop_and_other(), config=ZoneConfig())
    assert result["answer"] == ["db.other.svc.cluster.local. 5 IN A 10.244.1.7"]


def test_dns_policy_default_does_not_reach_the_cluster_dns():
    # GetPodDNS: Default copies the node's resolv.conf; its resolver knows no cluster zone.
    result = resolve_from_pod(
        pod("shop", dnsPolicy="Default"),
        "web.shop.svc.cluster.local",
        index=shop_and_other(),
        config=ZoneConfig(),
    )
    assert result["nameserver"] == "172.18.0.1" and not result["cluster_dns"]
    assert result["resolved_name"] is None
    assert tried(result)[0] == ("web.shop.svc.cluster.local.", "NXDOMAIN")


def test_pod_resolv_conf_follows_the_cluster_settings(settings):
    # The kubelet's --cluster-domain and --cluster-dns: PORTOLAN_CLUSTER_DOMAIN and the DNS
    # Service on the 10th address of PORTOLAN_SERVICE_CIDR.
    from cluster.dns.resolv import pod_resolv_conf

    settings.PORTOLAN_CLUSTER_DOMAIN = "corp.local"
    settings.PORTOLAN_SERVICE_CIDR = "10.0.0.0/16"
    assert pod_resolv_conf(pod("team-a")).text() == (
        "nameserver 10.0.0.10\n"
        "search team-a.svc.corp.local svc.corp.local corp.local\n"
        "options ndots:5\n"
    )


def test_a_refused_search_domain_ends_the_search_list():
    # glibc res_search: an answer other than NXDOMAIN, NODATA or SERVFAIL ("anything else
    # implies that we're done") skips the rest of the search list; the name as it is is still
    # tried. example.com is outside the cluster zones: REFUSED (no upstream).
    p = pod(
        "shop",
        dnsPolicy="None",
        dnsConfig={
            "nameservers": ["10.96.0.10"],
            "searches": ["example.com", "svc.cluster.local"],
            "options": [{"name": "ndots", "value": "5"}],
        },
    )
    result = resolve_from_pod(p, "web.other", index=shop_and_other(), config=ZoneConfig())
    assert tried(result) == [
        ("web.other.example.com.", "REFUSED"),
        ("web.other.", "REFUSED"),
    ]
    assert result["resolved_name"] is None
