"""Per-kind Table columns and cells, as the apiserver's printers
(``pkg/printers/internalversion/printers.go``: ``printPod``, ``printService``, …). The server
always prints the wide form; kubectl drops ``priority: 1`` columns without ``-o wide``.
Kinds without a printer get Name and Age."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cluster.api.tables import (
    age,
    age_column,
    column,
    default_cells,
    default_columns,
    name_column,
    since,
)
from cluster.validation.net import join_host_port

Obj = dict[str, Any]
Cells = Callable[[Obj], list[Any]]


@dataclass(frozen=True)
class Printer:
    columns: list[Obj]
    cells: Cells
    conditions: Callable[[Obj], list[Obj] | None] | None = None


def for_kind(kind: str) -> Printer:
    _load()
    return PRINTERS.get(kind, DEFAULT)


DEFAULT = Printer(default_columns(), default_cells)


# --- shared formatting ------------------------------------------------------------------------
def _d(obj: Obj, *path: str) -> Any:
    """Nested lookup that treats missing or null members as empty."""
    cur: Any = obj
    for key in path:
        if not isinstance(cur, dict):
            return None
        cur = cur.get(key)
    return cur


def _int(value: Any) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def format_labels(values: Any) -> str:
    """``labels.FormatLabels``: sorted ``k=v`` pairs, ``<none>`` when empty."""
    if not values:
        return "<none>"
    return ",".join(f"{k}={values[k]}" for k in sorted(values))


def selector_string(selector: Any) -> str | None:
    """``metav1.LabelSelectorAsSelector(...).String()``; None for an invalid selector."""
    if not isinstance(selector, dict):
        return ""
    reqs: list[tuple[str, str]] = []
    for key, value in (selector.get("matchLabels") or {}).items():
        reqs.append((key, f"{key}={value}"))
    for expr in selector.get("matchExpressions") or []:
        key = expr.get("key", "")
        op = expr.get("operator")
        values = sorted(expr.get("values") or [])
        if op == "In":
            reqs.append((key, f"{key} in ({','.join(values)})"))
        elif op == "NotIn":
            reqs.append((key, f"{key} notin ({','.join(values)})"))
        elif op == "Exists":
            reqs.append((key, key))
        elif op == "DoesNotExist":
            reqs.append((key, f"!{key}"))
        else:
            return None
    reqs.sort(key=lambda r: r[0])
    return ",".join(text for _, text in reqs)


def format_label_selector(selector: Any) -> str:
    """``metav1.FormatLabelSelector``: ``<none>`` for an empty, ``<error>`` for a bad one."""
    text = selector_string(selector)
    if text is None:
        return "<error>"
    return text or "<none>"


def container_cells(template: Any) -> tuple[str, str]:
    """``layoutContainerCells``: container names and images, comma-separated."""
    containers = _d(template or {}, "spec", "containers") or []
    names = ",".join(str(c.get("name", "")) for c in containers)
    images = ",".join(str(c.get("image", "")) for c in containers)
    return names, images


def list_with_more(items: list[str], more: bool, count: int, limit: int) -> str:
    """``listWithMoreString``."""
    text = ",".join(items)
    if more:
        return f"{text} + {count - limit} more..."
    return text or "<unset>"


# --- pods -------------------------------------------------------------------------------------
POD_COLUMNS = [
    name_column(),
    column("Ready", description="Ready containers out of all containers in the pod."),
    column("Status", description="The pod's aggregate status, from its phase and containers."),
    column("Restarts", description="Container restarts, and how long ago the last one was."),
    age_column(),
    column("IP", priority=1, description="The pod's first IP address (status.podIPs)."),
    column("Node", priority=1, description="The node the pod is bound to (spec.nodeName)."),
    column("Nominated Node", priority=1, description="status.nominatedNodeName."),
    column("Readiness Gates", priority=1, description="Readiness gates that are True."),
]


def _true_condition(conditions: Any, type_: str) -> bool:
    return any(c.get("type") == type_ and c.get("status") == "True" for c in conditions or [] if c)


def _terminated_reason(state: Obj, prefix: str = "") -> str:
    if state.get("reason"):
        return prefix + state["reason"]
    if _int(state.get("signal")):
        return f"{prefix}Signal:{_int(state['signal'])}"
    return f"{prefix}ExitCode:{_int(state.get('exitCode'))}"


def _later(current: str, candidate: Any) -> str:
    return candidate if candidate and (not current or str(candidate) > current) else current


def pod_cells(obj: Obj) -> list[Any]:
    """``printPod``."""
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    meta = obj.get("metadata") or {}
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    restartable = {n for n, c in init_specs.items() if c.get("restartPolicy") == "Always"}
    total = len(spec.get("containers") or []) + len(restartable)
    ready = restarts = sidecar_restarts = 0
    last_restart = sidecar_last_restart = ""

    initializing = False
    init_statuses = status.get("initContainerStatuses") or []
    for i, cs in enumerate(init_statuses):
        restarts += _int(cs.get("restartCount"))
        finished = _d(cs, "lastState", "terminated", "finishedAt")
        last_restart = _later(last_restart, finished)
        sidecar = cs.get("name") in restartable
        if sidecar:
            sidecar_restarts += _int(cs.get("restartCount"))
            sidecar_last_restart = _later(sidecar_last_restart, finished)
        state = cs.get("state") or {}
        terminated = state.get("terminated")
        waiting = state.get("waiting")
        if terminated is not None and _int(terminated.get("exitCode")) == 0:
            continue
        if sidecar and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if terminated is not None:
            reason = _terminated_reason(terminated, "Init:")
        elif waiting and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(init_specs)}"
        initializing = True
        break

    if not initializing or _true_condition(status.get("conditions"), "Initialized"):
        restarts, last_restart = sidecar_restarts, sidecar_last_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += _int(cs.get("restartCount"))
            last_restart = _later(last_restart, _d(cs, "lastState", "terminated", "finishedAt"))
            state = cs.get("state") or {}
            waiting, terminated = state.get("waiting"), state.get("terminated")
            if waiting and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None:
                reason = _terminated_reason(terminated)
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _true_condition(status.get("conditions"), "Ready") else "NotReady"

    if meta.get("deletionTimestamp") and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif meta.get("deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"

    restarts_text = str(restarts)
    if restarts and last_restart:
        restarts_text = f"{restarts} ({since(last_restart)} ago)"

    pod_ips = status.get("podIPs") or []
    pod_ip = (pod_ips[0].get("ip") if pod_ips else "") or "<none>"
    gates = spec.get("readinessGates") or []
    gates_text = "<none>"
    if gates:
        conditions = {c.get("type"): c for c in status.get("conditions") or []}
        true = sum(
            1
            for g in gates
            if (conditions.get(g.get("conditionType")) or {}).get("status") == "True"
        )
        gates_text = f"{true}/{len(gates)}"
    return [
        meta.get("name", ""),
        f"{ready}/{total}",
        reason,
        restarts_text,
        age(obj),
        pod_ip,
        spec.get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        gates_text,
    ]


def pod_conditions(obj: Obj) -> list[Obj] | None:
    """Row conditions for finished pods (``podSuccessConditions``/``podFailedConditions``)."""
    phase = _d(obj, "status", "phase")
    if phase == "Succeeded":
        return [_completed("Succeeded", "The pod has completed successfully.")]
    if phase == "Failed":
        return [_completed("Failed", "The pod failed.")]
    return None


def _completed(reason: str, message: str) -> Obj:
    return {"type": "Completed", "status": "True", "reason": reason, "message": message}


# --- services and endpoints -------------------------------------------------------------------
SERVICE_COLUMNS = [
    name_column(),
    column("Type", description="How the service is exposed (spec.type)."),
    column("Cluster-IP", description="The service's first cluster IP (spec.clusterIPs)."),
    column("External-IP", description="Load-balancer ingress points and spec.externalIPs."),
    column("Port(s)", description="Service ports as port[:nodePort]/protocol."),
    age_column(),
    column("Selector", priority=1, description="The pod label selector (spec.selector)."),
]


def load_balancer_ips(status: Any) -> str:
    """``loadBalancerStatusStringer`` (wide): sorted, de-duplicated ingress IPs or hostnames."""
    found: set[str] = set()
    for ingress in _d(status or {}, "loadBalancer", "ingress") or []:
        if ingress.get("ip"):
            found.add(ingress["ip"])
        elif ingress.get("hostname"):
            found.add(ingress["hostname"])
    return ",".join(sorted(found))


def service_external_ip(obj: Obj) -> str:
    """``getServiceExternalIP``."""
    spec = obj.get("spec") or {}
    external = [str(ip) for ip in spec.get("externalIPs") or []]
    svc_type = spec.get("type")
    if svc_type in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else "<none>"
    if svc_type == "LoadBalancer":
        lb = load_balancer_ips(obj.get("status"))
        if external:
            return ",".join(([*lb.split(",")] if lb else []) + external)
        return lb or "<pending>"
    if svc_type == "ExternalName":
        return spec.get("externalName") or ""
    return "<unknown>"


def port_string(ports: Any) -> str:
    """``makePortString``."""
    pieces = []
    for port in ports or []:
        node_port = _int(port.get("nodePort"))
        protocol = port.get("protocol") or ""
        if node_port > 0:
            pieces.append(f"{port.get('port')}:{node_port}/{protocol}")
        else:
            pieces.append(f"{port.get('port')}/{protocol}")
    return ",".join(pieces)


def service_cells(obj: Obj) -> list[Any]:
    """``printService``."""
    spec = obj.get("spec") or {}
    cluster_ips = spec.get("clusterIPs") or []
    return [
        obj["metadata"]["name"],
        spec.get("type") or "",
        cluster_ips[0] if cluster_ips else "<none>",
        service_external_ip(obj),
        port_string(spec.get("ports")) or "<none>",
        age(obj),
        format_labels(spec.get("selector")),
    ]


ENDPOINTS_COLUMNS = [
    name_column(),
    column("Endpoints", description="Ready addresses and ports (subsets), at most three."),
    age_column(),
]


def format_endpoints(subsets: Any, limit: int = 3) -> str:
    """``formatEndpoints`` (all ports): ``ip:port`` for ready addresses, ``+ N more...``."""
    if not subsets:
        return "<none>"
    items: list[str] = []
    more = False
    count = 0
    for subset in subsets:
        addresses = subset.get("addresses") or []
        ports = subset.get("ports") or []
        if not ports:
            count += len(addresses)
            for addr in addresses:
                if len(items) == limit:
                    more = True
                    break
                items.append(str(addr.get("ip", "")))
            continue
        for port in ports:
            count += len(addresses)
            for addr in addresses:
                if len(items) == limit:
                    more = True
                    break
                items.append(join_host_port(str(addr.get("ip", "")), port.get("port")))
    text = ",".join(items)
    return f"{text} + {count - limit} more..." if more else text


def endpoints_cells(obj: Obj) -> list[Any]:
    return [obj["metadata"]["name"], format_endpoints(obj.get("subsets")), age(obj)]


ENDPOINTSLICE_COLUMNS = [
    name_column(),
    column("AddressType", description="The address family of the endpoints (addressType)."),
    column("Ports", description="The slice's port numbers, at most three."),
    column("Endpoints", description="The slice's endpoint addresses, at most three."),
    age_column(),
]


def discovery_ports(ports: Any, limit: int = 3) -> str:
    """``formatDiscoveryPorts``: the port number, else its name, else ``*``."""
    items: list[str] = []
    more = False
    count = 0
    for port in ports or []:
        if len(items) < limit:
            if port.get("port") is not None:
                items.append(str(port["port"]))
            elif port.get("name") is not None:
                items.append(str(port["name"]))
            else:
                items.append("*")
        elif len(items) == limit:
            more = True
        count += 1
    return list_with_more(items, more, count, limit)


def discovery_endpoints(endpoints: Any, limit: int = 3) -> str:
    """``formatDiscoveryEndpoints``."""
    items: list[str] = []
    more = False
    count = 0
    for endpoint in endpoints or []:
        for address in endpoint.get("addresses") or []:
            if len(items) < limit:
                items.append(str(address))
            elif len(items) == limit:
                more = True
            count += 1
    return list_with_more(items, more, count, limit)


def endpointslice_cells(obj: Obj) -> list[Any]:
    return [
        obj["metadata"]["name"],
        obj.get("addressType") or "",
        discovery_ports(obj.get("ports")),
        discovery_endpoints(obj.get("endpoints")),
        age(obj),
    ]


PRINTERS: dict[str, Printer] = {
    "Pod": Printer(POD_COLUMNS, pod_cells, pod_conditions),
    "Service": Printer(SERVICE_COLUMNS, service_cells),
    "Endpoints": Printer(ENDPOINTS_COLUMNS, endpoints_cells),
    "EndpointSlice": Printer(ENDPOINTSLICE_COLUMNS, endpointslice_cells),
}
_loaded = False


def _load() -> None:
    """The workload and cluster printers live in ``printers_workloads`` (it imports the
    helpers above, so it is loaded on first use)."""
    global _loaded
    if not _loaded:
        from cluster.api.printers_workloads import WORKLOAD_PRINTERS

        PRINTERS.update(WORKLOAD_PRINTERS)
        _loaded = True
