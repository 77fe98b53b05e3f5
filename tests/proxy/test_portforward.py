"""``kubectl port-forward``'s choices (discovery.md §5) and the simulated containers' answer,
pure: port translation (the rows of upstream ``pkg/cmd/portforward/portforward_test.go``
``TestTranslateServicePortToTargetPort``, ``TestConvertPodNamedPortToNumber``,
``TestCheckUDPPort``), pod choice (``podutils.ActivePods``, reversed) and ``parsePorts``."""

from __future__ import annotations

import pytest

from cluster.proxy import podhttp
from cluster.proxy.portforward import (
    Forward,
    PortForwardError,
    check_udp_pod,
    check_udp_service,
    convert_pod_named_ports,
    first_pod,
    parse_forwards,
    translate_service_ports,
)


def svc(*ports: dict, headless: bool = False) -> dict:
    spec: dict = {"ports": list(ports)}
    if headless:
        spec["clusterIP"] = "None"
    return {"metadata": {"name": "svc"}, "spec": spec}


def pod_with(*ports: dict) -> dict:
    return {"metadata": {"name": "pod"}, "spec": {"containers": [{"ports": list(ports)}]}}


HTTP_8080 = pod_with({"name": "http", "containerPort": 8080})
HTTP_HTTPS = pod_with(
    {"name": "http", "containerPort": 8080}, {"name": "https", "containerPort": 8443}
)
UNNAMED = pod_with({"containerPort": 8080}, {"containerPort": 8443})
HTTP_80 = pod_with({"name": "http", "containerPort": 80})
HTTPS_443 = pod_with({"name": "https", "containerPort": 443})

TRANSLATE = [
    (
        "test success 1 (int port)",
        svc({"port": 80, "targetPort": 8080}),
        HTTP_8080,
        ["80"],
        ["80:8080"],
    ),
    (
        "test success 1 (int port with random local port)",
        svc({"port": 80, "targetPort": 8080}),
        HTTP_8080,
        [":80"],
        [":8080"],
    ),
    (
        "test success 1 (int port with explicit local port)",
        svc({"port": 8080, "targetPort": 8080}),
        HTTP_8080,
        ["8000:8080"],
        ["8000:8080"],
    ),
    (
        "test success 2 (clusterIP: None)",
        svc({"port": 80, "targetPort": 8080}, headless=True),
        HTTP_8080,
        ["80"],
        ["80"],
    ),
    (
        "test success 2 (clusterIP: None with random local port)",
        svc({"port": 80, "targetPort": 8080}, headless=True),
        HTTP_8080,
        [":80"],
        [":80"],
    ),
    (
        "test success 3 (named target port)",
        svc({"port": 80, "targetPort": "http"}, {"port": 443, "targetPort": "https"}),
        HTTP_HTTPS,
        ["80", "443"],
        ["80:8080", "443:8443"],
    ),
    (
        "test success 3 (named target port with random local port)",
        svc({"port": 80, "targetPort": "http"}, {"port": 443, "targetPort": "https"}),
        HTTP_HTTPS,
        [":80", ":443"],
        [":8080", ":8443"],
    ),
    (
        "test success 4 (named service port)",
        svc(
            {"port": 80, "name": "http", "targetPort": 8080},
            {"port": 443, "name": "https", "targetPort": 8443},
        ),
        UNNAMED,
        ["http", "https"],
        ["80:8080", "443:8443"],
    ),
    (
        "test success 4 (named service port with random local port)",
        svc(
            {"port": 80, "name": "http", "targetPort": 8080},
            {"port": 443, "name": "https", "targetPort": 8443},
        ),
        UNNAMED,
        [":http", ":https"],
        [":8080", ":8443"],
    ),
    (
        "test success 4 (named service port and named pod container port)",
        svc({"port": 80, "name": "http", "targetPort": "http"}),
        HTTP_80,
        ["http"],
        ["80"],
    ),
    ("test success (targetPort omitted)", svc({"port": 80}), HTTP_80, ["80"], ["80"]),
    (
        "test success (targetPort omitted with random local port)",
        svc({"port": 80}),
        HTTP_80,
        [":80"],
        [":80"],
    ),
]


@pytest.mark.parametrize(
    "service,pod,ports,translated", [c[1:] for c in TRANSLATE], ids=[c[0] for c in TRANSLATE]
)
def test_translate_service_port_to_target_port(service, pod, ports, translated):
    assert translate_service_ports(ports, service, pod) == translated


@pytest.mark.parametrize(
    "name,service,pod,ports,message",
    [
        (
            "test failure 1 (named target port lookup failure)",
            svc({"port": 80, "targetPort": "http"}),
            HTTPS_443,
            ["80"],
            "Pod 'pod' does not have a named port 'http'",
        ),
        (
            "test failure 1 (named service port lookup failure)",
            svc({"port": 80, "targetPort": "http"}),
            HTTP_8080,
            ["https"],
            "Service 'svc' does not have a named port 'https'",
        ),
        (
            "test failure 2 (service port not declared)",
            svc({"port": 80, "targetPort": "http"}),
            HTTPS_443,
            ["443"],
            "Service svc does not have a service port 443",
        ),
    ],
)
def test_translate_failures_say_what_is_missing(name, service, pod, ports, message):
    with pytest.raises(PortForwardError) as e:
        translate_service_ports(ports, service, pod)
    assert str(e.value) == message


def test_named_target_ports_are_also_found_in_init_containers():
    """``LookupContainerPortNumberByName`` searches every init container (unlike FindPort)."""
    pod = {
        "metadata": {"name": "p"},
        "spec": {
            "containers": [{"ports": []}],
            "initContainers": [{"ports": [{"name": "metrics", "containerPort": 9090}]}],
        },
    }
    assert translate_service_ports(["9000"], svc({"port": 9000, "targetPort": "metrics"}), pod) == [
        "9000:9090"
    ]


@pytest.mark.parametrize(
    "ports,converted",
    [
        (["80"], ["80"]),
        (["8000:80"], ["8000:80"]),
        ([":80"], [":80"]),
        (["http"], ["80"]),
        (["8000:http"], ["8000:80"]),
        ([":http"], [":80"]),
    ],
    ids=[
        "port number without local port",
        "port number with local port",
        "port number with random local port",
        "named port without local port",
        "named port with local port",
        "named port with random local port",
    ],
)
def test_convert_pod_named_port_to_number(ports, converted):
    assert convert_pod_named_ports(ports, HTTP_80) == converted


@pytest.mark.parametrize(
    "ports",
    [["http"], ["https", "http"], ["28015:"]],
    ids=[
        "named port can not be found",
        "one of the requested named ports can not be found",
        "empty port name",
    ],
)
def test_convert_pod_named_port_failures(ports):
    with pytest.raises(PortForwardError):
        convert_pod_named_ports(ports, HTTPS_443 if ports != ["28015:"] else UNNAMED)


def test_udp_only_ports_are_refused():
    """TestCheckUDPPort: a UDP port without a TCP twin cannot be forwarded."""
    udp = pod_with({"protocol": "UDP", "containerPort": 53, "name": "dns"})
    both = pod_with(
        {"protocol": "UDP", "containerPort": 53}, {"protocol": "TCP", "containerPort": 53}
    )
    with pytest.raises(PortForwardError, match="UDP protocol is not supported for 53"):
        check_udp_pod(["53"], udp)
    with pytest.raises(PortForwardError, match="UDP protocol is not supported for dns"):
        check_udp_pod(["dns"], udp)
    check_udp_pod([":53"], both)
    with pytest.raises(PortForwardError, match="UDP protocol is not supported for 53"):
        check_udp_service(["53"], svc({"port": 53, "protocol": "UDP"}))
    check_udp_service(["53"], svc({"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}))


def test_parse_ports():
    assert parse_forwards(["8080", "9000:80", ":443"]) == [
        Forward(8080, 8080),
        Forward(9000, 80),
        Forward(0, 443),
    ]
    for bad, message in [
        ("1:2:3", "invalid port format '1:2:3'"),
        ("x:80", "error parsing local port 'x'"),
        ("80:70000", "error parsing remote port '70000'"),
        ("80:0", "remote port must be > 0"),
    ]:
        with pytest.raises(PortForwardError) as e:
            parse_forwards([bad])
        assert str(e.value) == message


# --- which pod ------------------------------------------------------------------------------


def candidate(
    name: str,
    *,
    node: str = "node-1",
    phase: str = "Running",
    ready: bool = True,
    ready_since: str = "2024-01-01T00:00:00Z",
    created: str = "2024-01-01T00:00:00Z",
    deleting: str = "",
    restarts: int = 0,
) -> dict:
    meta = {"name": name, "creationTimestamp": created}
    if deleting:
        meta["deletionTimestamp"] = deleting
    return {
        "metadata": meta,
        "spec": {"nodeName": node},
        "status": {
            "phase": phase,
            "conditions": [
                {
                    "type": "Ready",
                    "status": "True" if ready else "False",
                    "lastTransitionTime": ready_since,
                }
            ],
            "containerStatuses": [{"restartCount": restarts}],
        },
    }


@pytest.mark.parametrize(
    "winner,loser",
    [
        (candidate("a"), candidate("b", node="")),
        (candidate("a"), candidate("b", phase="Pending")),
        (
            candidate("a", phase="Unknown", ready=False),
            candidate("b", phase="Pending", ready=False),
        ),
        (candidate("a"), candidate("b", ready=False)),
        (candidate("a"), candidate("b", deleting="2024-01-02T00:00:00Z")),
        (
            candidate("a", deleting="2024-01-03T00:00:00Z"),
            candidate("b", deleting="2024-01-02T00:00:00Z"),
        ),
        (
            candidate("a", ready_since="2024-01-01T00:00:00Z"),
            candidate("b", ready_since="2024-01-01T00:05:00Z"),
        ),
        (candidate("a", restarts=0), candidate("b", restarts=3)),
        (
            candidate("a", created="2024-01-01T00:00:00Z"),
            candidate("b", created="2024-01-01T00:10:00Z"),
        ),
    ],
    ids=[
        "assigned before unassigned",
        "Running before Pending",
        "Unknown before Pending",
        "ready before not ready",
        "not deleting before deleting",
        "later deletion first",
        "ready for longer first",
        "fewer restarts first",
        "older first",
    ],
)
def test_the_most_active_pod_is_chosen(winner, loser):
    """``GetFirstPod`` sorts with ``sort.Reverse(podutils.ActivePods)``."""
    for order in ([winner, loser], [loser, winner]):
        assert first_pod(order)["metadata"]["name"] == "a"


def test_no_pods_no_choice():
    assert first_pod([]) is None


# --- the container's answer -----------------------------------------------------------------


def running_pod(ports: list[dict] | None) -> dict:
    return {
        "metadata": {"name": "hello-1", "namespace": "default"},
        "spec": {
            "nodeName": "node-2",
            "containers": [
                {
                    "name": "hello",
                    "image": "gcr.io/google-samples/node-hello:1.0",
                    "ports": ports or [],
                }
            ],
        },
        "status": {"phase": "Running", "podIP": "10.244.1.7"},
    }


def test_a_container_port_answers_hello_kubernetes_naming_the_pod():
    answer = podhttp.answer(running_pod([{"containerPort": 8080}]), 8080, path="/hi")
    assert answer.status == 200
    assert answer.body.startswith("Hello Kubernetes!\n")
    for text in ("default/hello-1", "node-2", "10.244.1.7", "8080", "GET /hi"):
        assert text in answer.body


def test_only_declared_ports_answer_unless_none_is_declared():
    with pytest.raises(podhttp.NotListening, match="nothing listens on 10.244.1.7:9090/TCP"):
        podhttp.answer(running_pod([{"containerPort": 8080}]), 9090)
    with pytest.raises(podhttp.NotListening):
        podhttp.answer(running_pod([{"containerPort": 8080, "protocol": "UDP"}]), 8080)
    assert podhttp.answer(running_pod(None), 1234).status == 200


def test_a_pod_that_is_not_running_does_not_answer():
    pending = running_pod([{"containerPort": 8080}])
    pending["status"] = {"phase": "Pending"}
    with pytest.raises(podhttp.NotListening, match="not running"):
        podhttp.answer(pending, 8080)
