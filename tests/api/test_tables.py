"""Server-side Tables: the apiserver's columns and cell formats per kind
(``pkg/printers/internalversion/printers_test.go`` names the upstream cases), and the Table
responses kubectl's ``get`` asks for."""

from __future__ import annotations

import datetime as dt

import pytest

from cluster.api import printers, printers_workloads, tables

TABLE_ACCEPT = (
    "application/json;as=Table;v=v1;g=meta.k8s.io,"
    "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
)


def ago(seconds: int) -> str:
    """A timestamp ``seconds`` before now. Cases are built at import, possibly minutes before
    they run: their default age (10h30m) prints "10h" for half an hour (HumanDuration prints
    whole hours from 8h to 48h)."""
    then = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=seconds)
    return then.strftime("%Y-%m-%dT%H:%M:%SZ")


AGE = 10 * 3600 + 30 * 60
AGE_TEXT = "10h"


class Ago(int):
    """A timestamp ``int`` seconds before the moment the test runs (cases are built at
    import, long before they run); ``timestamps`` turns these into RFC 3339 strings."""


def timestamps(value):
    if isinstance(value, Ago):
        return ago(int(value))
    if isinstance(value, dict):
        return {k: timestamps(v) for k, v in value.items()}
    if isinstance(value, list):
        return [timestamps(v) for v in value]
    return value


def meta(name: str = "x", created: int = AGE, **extra) -> dict:
    return {"name": name, "namespace": "default", "creationTimestamp": ago(created), **extra}


def column_names(printer: printers.Printer, priority: int | None = None) -> list[str]:
    return [c["name"] for c in printer.columns if priority is None or c["priority"] == priority]


# --- columns ------------------------------------------------------------------------------------
# AddHandlers in printers.go: the column sets and which are wide-only (priority 1).
COLUMNS = [
    (
        "Pod",
        ["Name", "Ready", "Status", "Restarts", "Age"],
        ["IP", "Node", "Nominated Node", "Readiness Gates"],
    ),
    ("Service", ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age"], ["Selector"]),
    ("Endpoints", ["Name", "Endpoints", "Age"], []),
    ("EndpointSlice", ["Name", "AddressType", "Ports", "Endpoints", "Age"], []),
    (
        "Deployment",
        ["Name", "Ready", "Up-to-date", "Available", "Age"],
        ["Containers", "Images", "Selector"],
    ),
    (
        "ReplicaSet",
        ["Name", "Desired", "Current", "Ready", "Age"],
        ["Containers", "Images", "Selector"],
    ),
    ("StatefulSet", ["Name", "Ready", "Age"], ["Containers", "Images"]),
    (
        "DaemonSet",
        ["Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age"],
        ["Containers", "Images", "Selector"],
    ),
    (
        "Job",
        ["Name", "Status", "Completions", "Duration", "Age"],
        ["Containers", "Images", "Selector"],
    ),
    ("Namespace", ["Name", "Status", "Age"], []),
    (
        "Node",
        ["Name", "Status", "Roles", "Age", "Version"],
        ["Internal-IP", "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime"],
    ),
]


@pytest.mark.parametrize(("kind", "normal", "wide"), COLUMNS, ids=[c[0] for c in COLUMNS])
def test_columns_match_the_apiserver(kind, normal, wide):
    printer = printers.for_kind(kind)
    assert column_names(printer, 0) == normal
    assert column_names(printer, 1) == wide
    assert printer.columns[0]["format"] == "name"
    assert all(c["description"] for c in printer.columns)


def test_unknown_kinds_get_name_and_age():
    assert column_names(printers.for_kind("Nope")) == ["Name", "Age"]


# --- durations ----------------------------------------------------------------------------------
# TestHumanDuration (apimachinery/pkg/util/duration).
DURATIONS = [
    (-2, "<invalid>"),
    (-1, "0s"),
    (0, "0s"),
    (119, "119s"),
    (120, "2m"),
    (121, "2m1s"),
    (599, "9m59s"),
    (600, "10m"),
    (3 * 3600 - 1, "179m"),
    (3 * 3600, "3h"),
    (3 * 3600 + 60, "3h1m"),
    (8 * 3600, "8h"),
    (47 * 3600 + 59 * 60, "47h"),
    (48 * 3600, "2d"),
    (48 * 3600 + 3600, "2d1h"),
    (8 * 86400, "8d"),
    (2 * 365 * 86400, "2y"),
    (2 * 365 * 86400 + 86400, "2y1d"),
    (8 * 365 * 86400, "8y"),
]


@pytest.mark.parametrize(("seconds", "text"), DURATIONS)
def test_human_duration(seconds, text):
    assert tables.human_duration(seconds) == text


def test_age_of_an_object_without_a_timestamp_is_unknown():
    assert tables.age({"metadata": {"name": "x"}}) == "<unknown>"


# --- services ------------------------------------------------------------------------------------
def service(spec: dict, status: dict | None = None) -> dict:
    return {"metadata": meta("svc"), "spec": spec, "status": status or {}}


# TestPrintService / TestPrintServiceLoadBalancer: (spec, status) -> Type, Cluster-IP,
# External-IP, Port(s), Selector.
SERVICES = [
    (
        "cluster ip",
        {
            "type": "ClusterIP",
            "clusterIPs": ["10.96.8.57"],
            "ports": [{"port": 8080, "protocol": "TCP"}],
            "selector": {"app": "hello-world"},
        },
        None,
        ["ClusterIP", "10.96.8.57", "<none>", "8080/TCP", "app=hello-world"],
    ),
    (
        "node port shows port:nodePort",
        {
            "type": "NodePort",
            "clusterIPs": ["10.96.10.71"],
            "ports": [
                {"port": 80, "nodePort": 30130, "protocol": "TCP"},
                {"port": 53, "protocol": "UDP"},
            ],
        },
        None,
        ["NodePort", "10.96.10.71", "<none>", "80:30130/TCP,53/UDP", "<none>"],
    ),
    (
        "external ips on a cluster ip service",
        {
            "type": "ClusterIP",
            "clusterIPs": ["10.0.0.1"],
            "externalIPs": ["1.2.3.4", "5.6.7.8"],
            "ports": [{"port": 80, "protocol": "TCP"}],
        },
        None,
        ["ClusterIP", "10.0.0.1", "1.2.3.4,5.6.7.8", "80/TCP", "<none>"],
    ),
    (
        "load balancer without ingress is pending",
        {
            "type": "LoadBalancer",
            "clusterIPs": ["10.0.0.2"],
            "ports": [{"port": 80, "nodePort": 31000, "protocol": "TCP"}],
        },
        {"loadBalancer": {}},
        ["LoadBalancer", "10.0.0.2", "<pending>", "80:31000/TCP", "<none>"],
    ),
    (
        "load balancer ingress ips and hostnames, sorted, then external ips",
        {
            "type": "LoadBalancer",
            "clusterIPs": ["10.0.0.3"],
            "externalIPs": ["9.9.9.9"],
            "ports": [],
        },
        {
            "loadBalancer": {
                "ingress": [{"ip": "3.3.3.3"}, {"hostname": "lb.example.com"}, {"ip": "2.2.2.2"}]
            }
        },
        ["LoadBalancer", "10.0.0.3", "2.2.2.2,3.3.3.3,lb.example.com,9.9.9.9", "<none>", "<none>"],
    ),
    (
        "external name",
        {"type": "ExternalName", "externalName": "db.example.com"},
        None,
        ["ExternalName", "<none>", "db.example.com", "<none>", "<none>"],
    ),
    (
        "headless",
        {
            "type": "ClusterIP",
            "clusterIP": "None",
            "clusterIPs": ["None"],
            "ports": [{"port": 5432, "protocol": "TCP"}],
            "selector": {"b": "2", "a": "1"},
        },
        None,
        ["ClusterIP", "None", "<none>", "5432/TCP", "a=1,b=2"],
    ),
]


@pytest.mark.parametrize(
    ("case", "spec", "status", "cells"), SERVICES, ids=[s[0] for s in SERVICES]
)
def test_service_cells(case, spec, status, cells):
    row = printers.service_cells(service(spec, status))
    assert row[0] == "svc"
    assert row[1:5] + row[6:] == cells
    assert row[5] == AGE_TEXT


# --- endpoints and slices ------------------------------------------------------------------------
def subset(ips: list[str], ports: list[int]) -> dict:
    return {"addresses": [{"ip": ip} for ip in ips], "ports": [{"port": p} for p in ports]}


# TestPrintEndpoint: formatEndpoints shows at most three ip:port pairs.
ENDPOINTS = [
    ("no subsets", None, "<none>"),
    ("one address", [subset(["10.244.0.21"], [8080])], "10.244.0.21:8080"),
    (
        "two addresses",
        [subset(["10.244.0.21", "10.244.0.22"], [8080])],
        "10.244.0.21:8080,10.244.0.22:8080",
    ),
    (
        "more than three",
        [subset(["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"], [80]), subset(["5.5.5.5"], [81])],
        "1.1.1.1:80,2.2.2.2:80,3.3.3.3:80 + 2 more...",
    ),
    ("every port of every address", [subset(["1.1.1.1"], [80, 443])], "1.1.1.1:80,1.1.1.1:443"),
    ("headless without ports", [subset(["1.1.1.1", "2.2.2.2"], [])], "1.1.1.1,2.2.2.2"),
    ("ipv6 is bracketed", [subset(["fd00::1"], [80])], "[fd00::1]:80"),
    (
        "only not-ready addresses",
        [{"notReadyAddresses": [{"ip": "1.1.1.1"}], "ports": [{"port": 80}]}],
        "",
    ),
]


@pytest.mark.parametrize(("case", "subsets", "text"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_endpoints_cells(case, subsets, text):
    assert printers.endpoints_cells({"metadata": meta("ep"), "subsets": subsets}) == [
        "ep",
        text,
        AGE_TEXT,
    ]


# TestPrintEndpointSlice: ports and addresses, at most three, "<unset>" when empty.
SLICES = [
    ("empty", [], [], "<unset>", "<unset>"),
    (
        "ports by number, else name, else *",
        [{"port": 80}, {"name": "http"}, {}],
        [{"addresses": ["10.0.0.1"]}, {"addresses": ["10.0.0.2"]}],
        "80,http,*",
        "10.0.0.1,10.0.0.2",
    ),
    (
        "more than three",
        [{"port": p} for p in (1, 2, 3, 4, 5)],
        [{"addresses": [f"10.0.0.{i}"]} for i in range(1, 6)],
        "1,2,3 + 2 more...",
        "10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...",
    ),
]


@pytest.mark.parametrize(
    ("case", "ports", "endpoints", "ports_text", "eps_text"), SLICES, ids=[s[0] for s in SLICES]
)
def test_endpointslice_cells(case, ports, endpoints, ports_text, eps_text):
    obj = {"metadata": meta("s"), "addressType": "IPv4", "ports": ports, "endpoints": endpoints}
    assert printers.endpointslice_cells(obj) == ["s", "IPv4", ports_text, eps_text, AGE_TEXT]


# --- pods ----------------------------------------------------------------------------------------
def running(name: str, ready: bool = True, restarts: int = 0, **extra) -> dict:
    return {
        "name": name,
        "ready": ready,
        "restartCount": restarts,
        "state": {"running": {}},
        **extra,
    }


def pod(spec: dict, status: dict, **meta_extra) -> dict:
    return {"metadata": meta("p", **meta_extra), "spec": spec, "status": status}


TWO = {"containers": [{"name": "a"}, {"name": "b"}], "nodeName": "node-1"}

# TestPrintPod / TestPrintPodwide: Ready, Status, Restarts, and the wide cells.
PODS = [
    ("pending without statuses", TWO, {"phase": "Pending"}, {}, ["0/2", "Pending", "0"]),
    (
        "running and ready",
        TWO,
        {"phase": "Running", "containerStatuses": [running("a"), running("b")]},
        {},
        ["2/2", "Running", "0"],
    ),
    (
        "waiting reason wins",
        TWO,
        {
            "phase": "Running",
            "containerStatuses": [
                running("a"),
                {
                    "name": "b",
                    "restartCount": 3,
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                },
            ],
        },
        {},
        ["1/2", "CrashLoopBackOff", "3"],
    ),
    (
        "terminated without a reason shows the exit code",
        {"containers": [{"name": "a"}]},
        {
            "phase": "Failed",
            "containerStatuses": [{"name": "a", "state": {"terminated": {"exitCode": 2}}}],
        },
        {},
        ["0/1", "ExitCode:2", "0"],
    ),
    (
        "terminated by a signal",
        {"containers": [{"name": "a"}]},
        {
            "phase": "Failed",
            "containerStatuses": [
                {"name": "a", "state": {"terminated": {"exitCode": 137, "signal": 9}}}
            ],
        },
        {},
        ["0/1", "Signal:9", "0"],
    ),
    (
        "status reason overrides the phase",
        TWO,
        {"phase": "Failed", "reason": "Evicted"},
        {},
        ["0/2", "Evicted", "0"],
    ),
    (
        "deleting a running pod is Terminating",
        TWO,
        {"phase": "Running", "containerStatuses": [running("a"), running("b")]},
        {"deletionTimestamp": Ago(1)},
        ["2/2", "Terminating", "0"],
    ),
    (
        "init container waiting",
        {"initContainers": [{"name": "init"}], "containers": [{"name": "a"}]},
        {
            "phase": "Pending",
            "initContainerStatuses": [
                {"name": "init", "state": {"waiting": {"reason": "PodInitializing"}}}
            ],
        },
        {},
        ["0/1", "Init:0/1", "0"],
    ),
    (
        "init container crashing",
        {"initContainers": [{"name": "init"}], "containers": [{"name": "a"}]},
        {
            "phase": "Pending",
            "initContainerStatuses": [
                {"name": "init", "state": {"waiting": {"reason": "CrashLoopBackOff"}}}
            ],
        },
        {},
        ["0/1", "Init:CrashLoopBackOff", "0"],
    ),
    (
        "restartable init containers count as containers",
        {
            "initContainers": [{"name": "side", "restartPolicy": "Always"}],
            "containers": [{"name": "a"}],
        },
        {
            "phase": "Running",
            "initContainerStatuses": [running("side", started=True)],
            "containerStatuses": [running("a")],
        },
        {},
        ["2/2", "Running", "0"],
    ),
    (
        "restarts with the last restart's age",
        {"containers": [{"name": "a"}]},
        {
            "phase": "Running",
            "containerStatuses": [
                running(
                    "a",
                    restarts=4,
                    lastState={"terminated": {"exitCode": 1, "finishedAt": Ago(900)}},
                )
            ],
        },
        {},
        ["1/1", "Running", "4 (15m ago)"],
    ),
]


@pytest.mark.parametrize(
    ("case", "spec", "status", "meta_extra", "cells"), PODS, ids=[p[0] for p in PODS]
)
def test_pod_cells(case, spec, status, meta_extra, cells):
    row = printers.pod_cells(timestamps(pod(spec, status, **meta_extra)))
    assert row[1:4] == cells


def test_pod_wide_cells():
    # TestPrintPodwide: IP, Node, Nominated Node, Readiness Gates.
    obj = pod(
        {**TWO, "readinessGates": [{"conditionType": "example.com/ready"}, {"conditionType": "x"}]},
        {
            "phase": "Running",
            "podIPs": [{"ip": "10.244.0.22"}, {"ip": "fd00::22"}],
            "nominatedNodeName": "node-2",
            "conditions": [{"type": "example.com/ready", "status": "True"}],
        },
    )
    assert printers.pod_cells(obj)[5:] == ["10.244.0.22", "node-1", "node-2", "1/2"]
    bare = pod({"containers": [{"name": "a"}]}, {"phase": "Pending"})
    assert printers.pod_cells(bare)[5:] == ["<none>", "<none>", "<none>", "<none>"]


def test_finished_pods_carry_a_completed_row_condition():
    assert printers.pod_conditions(pod(TWO, {"phase": "Running"})) is None
    (succeeded,) = printers.pod_conditions(pod(TWO, {"phase": "Succeeded"}))
    assert (succeeded["type"], succeeded["reason"]) == ("Completed", "Succeeded")
    (failed,) = printers.pod_conditions(pod(TWO, {"phase": "Failed"}))
    assert failed["reason"] == "Failed"


# --- workloads ----------------------------------------------------------------------------------
TEMPLATE = {
    "spec": {
        "containers": [{"name": "web", "image": "nginx:1"}, {"name": "log", "image": "busybox"}]
    }
}


def test_deployment_cells():
    # TestPrintDeployment
    obj = {
        "metadata": meta("hello-world"),
        "spec": {
            "replicas": 5,
            "selector": {
                "matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["b", "a"]}],
            },
            "template": TEMPLATE,
        },
        "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 1},
    }
    assert printers_workloads.deployment_cells(obj) == [
        "hello-world",
        "2/5",
        3,
        1,
        AGE_TEXT,
        "web,log",
        "nginx:1,busybox",
        "app=web,tier in (a,b)",
    ]
    no_status = {"metadata": meta("d"), "spec": {"template": TEMPLATE}}
    assert printers_workloads.deployment_cells(no_status)[1:4] == ["0/1", 0, 0]


def test_replicaset_statefulset_daemonset_cells():
    # TestPrintReplicaSet, TestPrintStatefulSet, TestPrintDaemonSet
    selector = {"matchLabels": {"app": "web"}}
    rs = {
        "metadata": meta("rs"),
        "spec": {"replicas": 3, "selector": selector, "template": TEMPLATE},
        "status": {"replicas": 2, "readyReplicas": 1},
    }
    assert printers_workloads.replicaset_cells(rs) == [
        "rs",
        3,
        2,
        1,
        AGE_TEXT,
        "web,log",
        "nginx:1,busybox",
        "app=web",
    ]
    sts = {
        "metadata": meta("db"),
        "spec": {"replicas": 3, "template": TEMPLATE},
        "status": {"readyReplicas": 2},
    }
    assert printers_workloads.statefulset_cells(sts) == [
        "db",
        "2/3",
        AGE_TEXT,
        "web,log",
        "nginx:1,busybox",
    ]
    ds = {
        "metadata": meta("agent"),
        "spec": {
            "selector": {},
            "template": {"spec": {**TEMPLATE["spec"], "nodeSelector": {"os": "linux"}}},
        },
        "status": {
            "desiredNumberScheduled": 3,
            "currentNumberScheduled": 3,
            "numberReady": 2,
            "updatedNumberScheduled": 3,
            "numberAvailable": 2,
        },
    }
    assert printers_workloads.daemonset_cells(ds) == [
        "agent",
        3,
        3,
        2,
        3,
        2,
        "os=linux",
        AGE_TEXT,
        "web,log",
        "nginx:1,busybox",
        "<none>",
    ]


# TestPrintJob: Status, Completions, Duration.
JOBS = [
    (
        "running with completions",
        {"completions": 3},
        {"succeeded": 1, "startTime": Ago(660)},
        {},
        ["Running", "1/3", "11m"],
    ),
    ("no completions, parallel", {"parallelism": 4}, {}, {}, ["Running", "0/1 of 4", ""]),
    ("no completions", {}, {"succeeded": 1}, {}, ["Running", "1/1", ""]),
    (
        "complete: duration from start to completion",
        {"completions": 1},
        {
            "succeeded": 1,
            "startTime": Ago(600),
            "completionTime": Ago(300),
            "conditions": [{"type": "Complete", "status": "True"}],
        },
        {},
        ["Complete", "1/1", "5m"],
    ),
    (
        "failed",
        {"completions": 1},
        {"conditions": [{"type": "Failed", "status": "True"}]},
        {},
        ["Failed", "0/1", ""],
    ),
    (
        "terminating",
        {"completions": 1},
        {},
        {"deletionTimestamp": Ago(1)},
        ["Terminating", "0/1", ""],
    ),
    (
        "suspended",
        {"completions": 1},
        {"conditions": [{"type": "Suspended", "status": "True"}]},
        {},
        ["Suspended", "0/1", ""],
    ),
    (
        "a False condition does not count",
        {"completions": 1},
        {"conditions": [{"type": "Complete", "status": "False"}]},
        {},
        ["Running", "0/1", ""],
    ),
]


@pytest.mark.parametrize(
    ("case", "spec", "status", "meta_extra", "cells"), JOBS, ids=[j[0] for j in JOBS]
)
def test_job_cells(case, spec, status, meta_extra, cells):
    obj = {
        "metadata": meta("j", **meta_extra),
        "spec": {**spec, "template": TEMPLATE},
        "status": status,
    }
    assert printers_workloads.job_cells(timestamps(obj))[1:4] == cells


# --- cluster kinds -------------------------------------------------------------------------------
# TestPrintNodeStatus / TestPrintNodeRole / TestPrintNodeExternalIP / TestPrintNodeOSImage.
NODES = [
    ("ready", {}, {}, {"conditions": [{"type": "Ready", "status": "True"}]}, ["Ready", "<none>"]),
    (
        "not ready",
        {},
        {},
        {"conditions": [{"type": "Ready", "status": "False"}]},
        ["NotReady", "<none>"],
    ),
    ("no ready condition", {}, {}, {}, ["Unknown", "<none>"]),
    (
        "cordoned",
        {},
        {"unschedulable": True},
        {"conditions": [{"type": "Ready", "status": "True"}]},
        ["Ready,SchedulingDisabled", "<none>"],
    ),
    (
        "roles from labels, sorted",
        {
            "node-role.kubernetes.io/worker": "",
            "node-role.kubernetes.io/control-plane": "",
            "kubernetes.io/role": "infra",
            "node-role.kubernetes.io/": "",
        },
        {},
        {},
        ["Unknown", "control-plane,infra,worker"],
    ),
]


@pytest.mark.parametrize(
    ("case", "labels", "spec", "status", "cells"), NODES, ids=[n[0] for n in NODES]
)
def test_node_status_and_roles(case, labels, spec, status, cells):
    obj = {"metadata": {**meta("n"), "labels": labels}, "spec": spec, "status": status}
    assert printers_workloads.node_cells(obj)[1:3] == cells


def test_node_wide_cells():
    obj = {
        "metadata": meta("node-1"),
        "status": {
            "addresses": [
                {"type": "Hostname", "address": "node-1"},
                {"type": "InternalIP", "address": "172.18.0.2"},
                {"type": "ExternalIP", "address": "34.1.2.3"},
            ],
            "nodeInfo": {"kubeletVersion": "v1.32.0", "osImage": "Debian", "kernelVersion": "6.1"},
        },
    }
    assert printers_workloads.node_cells(obj)[4:] == [
        "v1.32.0",
        "172.18.0.2",
        "34.1.2.3",
        "Debian",
        "6.1",
        "<unknown>",
    ]


def test_namespace_cells():
    # TestPrintNamespace
    obj = {"metadata": meta("team-a"), "status": {"phase": "Terminating"}}
    assert printers_workloads.namespace_cells(obj) == ["team-a", "Terminating", AGE_TEXT]


# --- the API -------------------------------------------------------------------------------------
SVC = "/api/v1/namespaces/default/services"


def create_service(api, name: str, **spec) -> dict:
    body = {
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {"ports": [{"port": 80}], **spec},
    }
    answer = api.post(SVC, body)
    assert answer.status == 201, answer
    return answer.body


def test_list_as_table(api):
    created = create_service(api, "web", type="NodePort", selector={"app": "web"})
    answer = api.get(SVC, headers={"Accept": TABLE_ACCEPT})
    assert answer.status == 200
    table = answer.body
    assert (table["kind"], table["apiVersion"]) == ("Table", "meta.k8s.io/v1")
    assert table["metadata"]["resourceVersion"]
    assert [c["name"] for c in table["columnDefinitions"]] == column_names(
        printers.for_kind("Service")
    )
    rows = {row["cells"][0]: row for row in table["rows"]}
    assert set(rows) == {"kubernetes", "web"}
    cells = rows["web"]["cells"]
    node_port = created["spec"]["ports"][0]["nodePort"]
    assert cells[1:5] == ["NodePort", created["spec"]["clusterIP"], "<none>", f"80:{node_port}/TCP"]
    assert cells[6] == "app=web"
    embedded = rows["web"]["object"]
    assert embedded["kind"] == "PartialObjectMetadata"
    assert embedded["metadata"]["labels"] == {"app": "web"}
    assert embedded["metadata"]["uid"] == created["metadata"]["uid"]
    assert "spec" not in embedded


def test_get_one_object_as_table(api):
    create_service(api, "one")
    answer = api.get(f"{SVC}/one", headers={"Accept": TABLE_ACCEPT})
    assert answer.body["kind"] == "Table"
    assert [r["cells"][0] for r in answer.body["rows"]] == ["one"]


@pytest.mark.parametrize(
    ("include", "expected"),
    [("None", None), ("Metadata", "PartialObjectMetadata"), ("Object", "Service")],
)
def test_include_object(api, include, expected):
    create_service(api, "inc")
    answer = api.get(f"{SVC}?includeObject={include}", headers={"Accept": TABLE_ACCEPT})
    row = next(r for r in answer.body["rows"] if r["cells"][0] == "inc")
    assert (row.get("object") or {}).get("kind") == expected


def test_bad_include_object_is_a_bad_request(api):
    answer = api.get(f"{SVC}?includeObject=All", headers={"Accept": TABLE_ACCEPT})
    assert answer.status == 400
    assert answer.body["reason"] == "BadRequest"


def test_plain_json_without_the_table_accept(api):
    answer = api.get(SVC, headers={"Accept": "application/json"})
    assert answer.body["kind"] == "ServiceList"


def test_every_kind_answers_a_table(api):
    paths = [
        "/api/v1/namespaces",
        "/api/v1/nodes",
        "/api/v1/pods",
        "/api/v1/services",
        "/api/v1/endpoints",
        "/apis/discovery.k8s.io/v1/endpointslices",
        "/apis/apps/v1/deployments",
        "/apis/apps/v1/replicasets",
        "/apis/apps/v1/statefulsets",
        "/apis/apps/v1/daemonsets",
        "/apis/batch/v1/jobs",
    ]
    for path in paths:
        table = api.get(path, headers={"Accept": TABLE_ACCEPT}).body
        assert table["kind"] == "Table", path
        width = len(table["columnDefinitions"])
        assert all(len(r["cells"]) == width for r in table["rows"]), path
    nodes = api.get("/api/v1/nodes", headers={"Accept": TABLE_ACCEPT}).body["rows"]
    assert [r["cells"][1] for r in nodes] == ["Ready", "Ready", "Ready"]
