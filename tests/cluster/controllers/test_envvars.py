"""The kubelet's service environment variables (discovery.md §2): ``FromServices`` with the
upstream ``TestFromServices`` vectors (ENV-01), the master service (ENV-02), which services a
pod sees (``getServiceEnvVarMap``) and precedence (ENV-04)."""

from __future__ import annotations

import pytest

from cluster.controllers.envvars import (
    from_services,
    make_env_variable_name,
    pod_service_environment,
    services_for_pod,
)


def svc(name, ip, ports, ns="default"):
    return {
        "metadata": {"name": name, "namespace": ns},
        "spec": {"selector": {"bar": "baz"}, "clusterIP": ip, "ports": ports},
    }


# TestFromServices (pkg/kubelet/envvars/envvars_test.go): the services and the full expected list.
FROM_SERVICES_INPUT = [
    svc("foo-bar", "1.2.3.4", [{"port": 8080, "protocol": "TCP"}]),
    svc(
        "abc-123",
        "5.6.7.8",
        [
            {"name": "u-d-p", "port": 8081, "protocol": "UDP"},
            {"name": "t-c-p", "port": 8081, "protocol": "TCP"},
        ],
    ),
    svc(
        "q-u-u-x",
        "9.8.7.6",
        [{"port": 8082, "protocol": "TCP"}, {"name": "8083", "port": 8083, "protocol": "TCP"}],
    ),
    svc("svrc-clusterip-none", "None", [{"port": 8082, "protocol": "TCP"}]),
    svc("svrc-clusterip-empty", "", [{"port": 8082, "protocol": "TCP"}]),
    svc(
        "super-ipv6",
        "2001:DB8::",
        [
            {"name": "u-d-p", "port": 8084, "protocol": "UDP"},
            {"name": "t-c-p", "port": 8084, "protocol": "TCP"},
        ],
    ),
    svc("sctp-1", "1.2.3.4", [{"port": 777, "protocol": "SCTP"}]),
]
FROM_SERVICES_EXPECTED = [
    ("FOO_BAR_SERVICE_HOST", "1.2.3.4"),
    ("FOO_BAR_SERVICE_PORT", "8080"),
    ("FOO_BAR_PORT", "tcp://1.2.3.4:8080"),
    ("FOO_BAR_PORT_8080_TCP", "tcp://1.2.3.4:8080"),
    ("FOO_BAR_PORT_8080_TCP_PROTO", "tcp"),
    ("FOO_BAR_PORT_8080_TCP_PORT", "8080"),
    ("FOO_BAR_PORT_8080_TCP_ADDR", "1.2.3.4"),
    ("ABC_123_SERVICE_HOST", "5.6.7.8"),
    ("ABC_123_SERVICE_PORT", "8081"),
    ("ABC_123_SERVICE_PORT_U_D_P", "8081"),
    ("ABC_123_SERVICE_PORT_T_C_P", "8081"),
    ("ABC_123_PORT", "udp://5.6.7.8:8081"),
    ("ABC_123_PORT_8081_UDP", "udp://5.6.7.8:8081"),
    ("ABC_123_PORT_8081_UDP_PROTO", "udp"),
    ("ABC_123_PORT_8081_UDP_PORT", "8081"),
    ("ABC_123_PORT_8081_UDP_ADDR", "5.6.7.8"),
    ("ABC_123_PORT_8081_TCP", "tcp://5.6.7.8:8081"),
    ("ABC_123_PORT_8081_TCP_PROTO", "tcp"),
    ("ABC_123_PORT_8081_TCP_PORT", "8081"),
    ("ABC_123_PORT_8081_TCP_ADDR", "5.6.7.8"),
    ("Q_U_U_X_SERVICE_HOST", "9.8.7.6"),
    ("Q_U_U_X_SERVICE_PORT", "8082"),
    ("Q_U_U_X_SERVICE_PORT_8083", "8083"),
    ("Q_U_U_X_PORT", "tcp://9.8.7.6:8082"),
    ("Q_U_U_X_PORT_8082_TCP", "tcp://9.8.7.6:8082"),
    ("Q_U_U_X_PORT_8082_TCP_PROTO", "tcp"),
    ("Q_U_U_X_PORT_8082_TCP_PORT", "8082"),
    ("Q_U_U_X_PORT_8082_TCP_ADDR", "9.8.7.6"),
    ("Q_U_U_X_PORT_8083_TCP", "tcp://9.8.7.6:8083"),
    ("Q_U_U_X_PORT_8083_TCP_PROTO", "tcp"),
    ("Q_U_U_X_PORT_8083_TCP_PORT", "8083"),
    ("Q_U_U_X_PORT_8083_TCP_ADDR", "9.8.7.6"),
    ("SUPER_IPV6_SERVICE_HOST", "2001:DB8::"),
    ("SUPER_IPV6_SERVICE_PORT", "8084"),
    ("SUPER_IPV6_SERVICE_PORT_U_D_P", "8084"),
    ("SUPER_IPV6_SERVICE_PORT_T_C_P", "8084"),
    ("SUPER_IPV6_PORT", "udp://[2001:DB8::]:8084"),
    ("SUPER_IPV6_PORT_8084_UDP", "udp://[2001:DB8::]:8084"),
    ("SUPER_IPV6_PORT_8084_UDP_PROTO", "udp"),
    ("SUPER_IPV6_PORT_8084_UDP_PORT", "8084"),
    ("SUPER_IPV6_PORT_8084_UDP_ADDR", "2001:DB8::"),
    ("SUPER_IPV6_PORT_8084_TCP", "tcp://[2001:DB8::]:8084"),
    ("SUPER_IPV6_PORT_8084_TCP_PROTO", "tcp"),
    ("SUPER_IPV6_PORT_8084_TCP_PORT", "8084"),
    ("SUPER_IPV6_PORT_8084_TCP_ADDR", "2001:DB8::"),
    ("SCTP_1_SERVICE_HOST", "1.2.3.4"),
    ("SCTP_1_SERVICE_PORT", "777"),
    ("SCTP_1_PORT", "sctp://1.2.3.4:777"),
    ("SCTP_1_PORT_777_SCTP", "sctp://1.2.3.4:777"),
    ("SCTP_1_PORT_777_SCTP_PROTO", "sctp"),
    ("SCTP_1_PORT_777_SCTP_PORT", "777"),
    ("SCTP_1_PORT_777_SCTP_ADDR", "1.2.3.4"),
]


def test_from_services_upstream_vectors():
    # ENV-01 = TestFromServices: order, names and values exactly.
    got = [(v["name"], v["value"]) for v in from_services(FROM_SERVICES_INPUT)]
    assert got == FROM_SERVICES_EXPECTED


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("foo-bar", "FOO_BAR"),  # TestFromServices: "foo-bar"
        ("abc-123", "ABC_123"),  # TestFromServices: "abc-123"
        ("q-u-u-x", "Q_U_U_X"),  # TestFromServices: "q-u-u-x"
        ("8083", "8083"),  # TestFromServices: port named "8083" (no leading-digit handling)
    ],
)
def test_make_env_variable_name(name, expected):
    assert make_env_variable_name(name) == expected


MASTER = svc("kubernetes", "10.96.0.1", [{"name": "https", "port": 443, "protocol": "TCP"}])


def test_master_service_variables():
    # ENV-02: default/kubernetes on 10.96.0.1, port https 443/TCP.
    got = {v["name"]: v["value"] for v in from_services([MASTER])}
    assert got == {
        "KUBERNETES_SERVICE_HOST": "10.96.0.1",
        "KUBERNETES_SERVICE_PORT": "443",
        "KUBERNETES_SERVICE_PORT_HTTPS": "443",
        "KUBERNETES_PORT": "tcp://10.96.0.1:443",
        "KUBERNETES_PORT_443_TCP": "tcp://10.96.0.1:443",
        "KUBERNETES_PORT_443_TCP_PROTO": "tcp",
        "KUBERNETES_PORT_443_TCP_PORT": "443",
        "KUBERNETES_PORT_443_TCP_ADDR": "10.96.0.1",
    }


def names(services):
    return [(s["metadata"]["namespace"], s["metadata"]["name"]) for s in services]


@pytest.mark.parametrize(
    ("namespace", "links", "services", "expected"),
    [
        # getServiceEnvVarMap: the master service always, even without service links.
        ("app", False, [MASTER, svc("web", "10.0.0.9", [], "app")], [("default", "kubernetes")]),
        # Same-namespace services with a cluster IP when enableServiceLinks.
        (
            "app",
            True,
            [MASTER, svc("web", "10.0.0.9", [], "app"), svc("other", "10.0.0.8", [], "elsewhere")],
            [("default", "kubernetes"), ("app", "web")],
        ),
        # Headless and ExternalName (no cluster IP) services never contribute.
        (
            "app",
            True,
            [MASTER, svc("headless", "None", [], "app"), svc("ext", "", [], "app")],
            [("default", "kubernetes")],
        ),
        # A same-namespace service named "kubernetes" overwrites the master entry.
        (
            "app",
            True,
            [MASTER, svc("kubernetes", "10.0.0.7", [], "app")],
            [("app", "kubernetes")],
        ),
        # ... unless it is headless: then default/kubernetes stays.
        (
            "app",
            True,
            [MASTER, svc("kubernetes", "None", [], "app")],
            [("default", "kubernetes")],
        ),
        # Pods in the default namespace see default's services once.
        (
            "default",
            True,
            [MASTER, svc("web", "10.0.0.9", [], "default")],
            [("default", "kubernetes"), ("default", "web")],
        ),
    ],
)
def test_services_for_pod(namespace, links, services, expected):
    got = services_for_pod(services, namespace=namespace, enable_service_links=links)
    assert names(got) == expected


def pod(env=None, links=None, ns="default"):
    spec = {
        "containers": [
            {"name": "a", "image": "x", "env": env or []},
            {"name": "b", "image": "x"},
        ]
    }
    if links is not None:
        spec["enableServiceLinks"] = links
    return {"metadata": {"name": "p", "namespace": ns}, "spec": spec}


def test_container_env_wins_over_service_variables():
    # ENV-04 (makeEnvironmentVariables): service variables only for names the container lacks.
    out = pod_service_environment(
        pod(env=[{"name": "KUBERNETES_SERVICE_HOST", "value": "mine"}]), [MASTER]
    )
    assert "KUBERNETES_SERVICE_HOST" not in {v["name"] for v in out["a"]}
    assert "KUBERNETES_SERVICE_HOST" in {v["name"] for v in out["b"]}
    assert len(out["a"]) == len(out["b"]) - 1


def test_enable_service_links_false_keeps_only_the_master_service():
    services = [MASTER, svc("web", "10.0.0.9", [{"port": 80}])]
    out = pod_service_environment(pod(links=False), services)
    assert {v["name"].split("_")[0] for v in out["a"]} == {"KUBERNETES"}
    out = pod_service_environment(pod(), services)
    assert "WEB_SERVICE_HOST" in {v["name"] for v in out["a"]}
