"""Table printers for the workload kinds and the cluster kinds (``printDeployment``,
``printReplicaSet``, ``printStatefulSet``, ``printDaemonSet``, ``printJob``,
``printNamespace``, ``printNode`` in ``pkg/printers/internalversion/printers.go``)."""

from __future__ import annotations

from typing import Any

from cluster.api.printers import (
    Obj,
    Printer,
    _d,
    _int,
    container_cells,
    format_label_selector,
    format_labels,
    selector_string,
)
from cluster.api.tables import age, age_column, column, human_duration, name_column
from cluster.objects import parse_time

CONTAINERS = column("Containers", priority=1, description="Container names in the template.")
IMAGES = column("Images", priority=1, description="Container images in the template.")


def _selector_column(description: str = "The pod label selector (spec.selector).") -> Obj:
    return column("Selector", priority=1, description=description)


def _replicas(spec: Obj) -> int:
    """``spec.replicas``, which v1 defaulting sets to 1 when absent."""
    value = spec.get("replicas")
    return 1 if value is None else _int(value)


DEPLOYMENT_COLUMNS = [
    name_column(),
    column("Ready", description="Ready pods out of desired replicas."),
    column("Up-to-date", description="Pods running the current template (updatedReplicas)."),
    column("Available", description="Pods available to serve (availableReplicas)."),
    age_column(),
    CONTAINERS,
    IMAGES,
    _selector_column(),
]


def deployment_cells(obj: Obj) -> list[Any]:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    selector = selector_string(spec.get("selector"))
    names, images = container_cells(spec.get("template"))
    return [
        obj["metadata"]["name"],
        f"{_int(status.get('readyReplicas'))}/{_replicas(spec)}",
        _int(status.get("updatedReplicas")),
        _int(status.get("availableReplicas")),
        age(obj),
        names,
        images,
        "<invalid>" if selector is None else selector,
    ]


REPLICASET_COLUMNS = [
    name_column(),
    column("Desired", "integer", description="Desired number of pods (spec.replicas)."),
    column("Current", "integer", description="Pods that exist (status.replicas)."),
    column("Ready", "integer", description="Ready pods (status.readyReplicas)."),
    age_column(),
    CONTAINERS,
    IMAGES,
    _selector_column(),
]


def replicaset_cells(obj: Obj) -> list[Any]:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    names, images = container_cells(spec.get("template"))
    return [
        obj["metadata"]["name"],
        _replicas(spec),
        _int(status.get("replicas")),
        _int(status.get("readyReplicas")),
        age(obj),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


STATEFULSET_COLUMNS = [
    name_column(),
    column("Ready", description="Ready pods out of desired replicas."),
    age_column(),
    CONTAINERS,
    IMAGES,
]


def statefulset_cells(obj: Obj) -> list[Any]:
    spec = obj.get("spec") or {}
    names, images = container_cells(spec.get("template"))
    ready = _int(_d(obj, "status", "readyReplicas"))
    return [obj["metadata"]["name"], f"{ready}/{_replicas(spec)}", age(obj), names, images]


DAEMONSET_COLUMNS = [
    name_column(),
    column("Desired", "integer", description="Nodes that should run the daemon pod."),
    column("Current", "integer", description="Nodes running at least one daemon pod."),
    column("Ready", "integer", description="Nodes whose daemon pod is ready."),
    column("Up-to-date", "integer", description="Nodes running the current template."),
    column("Available", "integer", description="Nodes whose daemon pod is available."),
    column("Node Selector", description="The template's spec.nodeSelector."),
    age_column(),
    CONTAINERS,
    IMAGES,
    _selector_column(),
]


def daemonset_cells(obj: Obj) -> list[Any]:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    names, images = container_cells(spec.get("template"))
    return [
        obj["metadata"]["name"],
        _int(status.get("desiredNumberScheduled")),
        _int(status.get("currentNumberScheduled")),
        _int(status.get("numberReady")),
        _int(status.get("updatedNumberScheduled")),
        _int(status.get("numberAvailable")),
        format_labels(_d(spec, "template", "spec", "nodeSelector")),
        age(obj),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


JOB_COLUMNS = [
    name_column(),
    column("Status", description="The job's state, from its conditions."),
    column("Completions", description="Succeeded pods out of the completions wanted."),
    column("Duration", description="How long the job ran (or has been running)."),
    age_column(),
    CONTAINERS,
    IMAGES,
    _selector_column(),
]

# The order in which ``printJob`` looks at the conditions (after Complete and Failed comes
# the deletion check).
_JOB_LATE_STATES = ("Suspended", "FailureTarget", "SuccessCriteriaMet")


def _job_status(obj: Obj) -> str:
    conditions = _d(obj, "status", "conditions") or []

    def has(type_: str) -> bool:
        return any(c.get("type") == type_ and c.get("status") == "True" for c in conditions)

    if has("Complete"):
        return "Complete"
    if has("Failed"):
        return "Failed"
    if _d(obj, "metadata", "deletionTimestamp"):
        return "Terminating"
    for state in _JOB_LATE_STATES:
        if has(state):
            return state
    return "Running"


def _job_completions(spec: Obj, succeeded: int) -> str:
    if spec.get("completions") is not None:
        return f"{succeeded}/{_int(spec['completions'])}"
    parallelism = _int(spec.get("parallelism"))
    if parallelism > 1:
        return f"{succeeded}/1 of {parallelism}"
    return f"{succeeded}/1"


def _job_duration(status: Obj) -> str:
    import datetime as dt

    try:
        start = parse_time(status.get("startTime"))
        end = parse_time(status.get("completionTime"))
    except (TypeError, ValueError):
        return ""
    if start is None:
        return ""
    end = end or dt.datetime.now(dt.UTC)
    return human_duration((end - start).total_seconds())


def job_cells(obj: Obj) -> list[Any]:
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    names, images = container_cells(spec.get("template"))
    return [
        obj["metadata"]["name"],
        _job_status(obj),
        _job_completions(spec, _int(status.get("succeeded"))),
        _job_duration(status),
        age(obj),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


NAMESPACE_COLUMNS = [
    name_column(),
    column("Status", description="The namespace's phase (Active or Terminating)."),
    age_column(),
]


def namespace_cells(obj: Obj) -> list[Any]:
    return [obj["metadata"]["name"], _d(obj, "status", "phase") or "", age(obj)]


NODE_COLUMNS = [
    name_column(),
    column("Status", description="Ready or NotReady, and SchedulingDisabled when cordoned."),
    column("Roles", description="Roles from node-role.kubernetes.io/* labels."),
    age_column(),
    column("Version", description="The kubelet version (status.nodeInfo.kubeletVersion)."),
    column("Internal-IP", priority=1, description="The first InternalIP address."),
    column("External-IP", priority=1, description="The first ExternalIP address."),
    column("OS-Image", priority=1, description="status.nodeInfo.osImage."),
    column("Kernel-Version", priority=1, description="status.nodeInfo.kernelVersion."),
    column("Container-Runtime", priority=1, description="status.nodeInfo.containerRuntimeVersion."),
]

ROLE_PREFIX = "node-role.kubernetes.io/"


def node_roles(labels: Any) -> list[str]:
    """``findNodeRoles``: ``node-role.kubernetes.io/<role>`` keys and ``kubernetes.io/role``."""
    roles: set[str] = set()
    for key, value in (labels or {}).items():
        if key.startswith(ROLE_PREFIX) and key[len(ROLE_PREFIX) :]:
            roles.add(key[len(ROLE_PREFIX) :])
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return sorted(roles)


def _node_address(status: Obj, type_: str) -> str:
    for address in status.get("addresses") or []:
        if address.get("type") == type_:
            return str(address.get("address", ""))
    return "<none>"


def node_cells(obj: Obj) -> list[Any]:
    status = obj.get("status") or {}
    info = status.get("nodeInfo") or {}
    ready = [c for c in status.get("conditions") or [] if c.get("type") == "Ready"]
    states = []
    if ready:
        states.append("Ready" if ready[-1].get("status") == "True" else "NotReady")
    else:
        states.append("Unknown")
    if _d(obj, "spec", "unschedulable"):
        states.append("SchedulingDisabled")
    return [
        obj["metadata"]["name"],
        ",".join(states),
        ",".join(node_roles(_d(obj, "metadata", "labels"))) or "<none>",
        age(obj),
        info.get("kubeletVersion") or "",
        _node_address(status, "InternalIP"),
        _node_address(status, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


WORKLOAD_PRINTERS: dict[str, Printer] = {
    "Deployment": Printer(DEPLOYMENT_COLUMNS, deployment_cells),
    "ReplicaSet": Printer(REPLICASET_COLUMNS, replicaset_cells),
    "StatefulSet": Printer(STATEFULSET_COLUMNS, statefulset_cells),
    "DaemonSet": Printer(DAEMONSET_COLUMNS, daemonset_cells),
    "Job": Printer(JOB_COLUMNS, job_cells),
    "Namespace": Printer(NAMESPACE_COLUMNS, namespace_cells),
    "Node": Printer(NODE_COLUMNS, node_cells),
}
