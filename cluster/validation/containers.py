"""Container validation from kubernetes/kubernetes ``pkg/apis/core/validation/validation.go``:
``validateContainers``, ``validateInitContainers``, ``validateContainerCommon``,
``validateContainerPorts``, ``checkHostPortConflicts``, probes and lifecycle handlers, env,
volume mounts and resource requirements. Field paths and messages are upstream's."""

from __future__ import annotations

from typing import Any

from cluster.errors import FieldError, duplicate, forbidden, invalid, not_supported, required
from cluster.validation.meta import (
    is_dns1123_label,
    is_qualified_name,
    is_valid_port_name,
    is_valid_port_num,
)
from cluster.validation.quantity import parse_quantity
from cluster.validation.shapes import Obj, as_int, as_list, as_obj, as_str, nonnegative, objects

PROTOCOLS = ["SCTP", "TCP", "UDP"]  # sets.List(supportedPortProtocols)
PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"]
STANDARD_CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")
NOT_FOUND = "FieldValueNotFound"


def dns1123_label(value: str, path: str) -> list[FieldError]:
    """``ValidateDNS1123Label``."""
    return [invalid(path, value, msg) for msg in is_dns1123_label(value)]


def port_num_or_name(value: Any, path: str) -> list[FieldError]:
    """``ValidatePortNumOrName`` for an IntOrString port."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"{path} must be an integer or a string")
    if isinstance(value, int):
        return [invalid(path, value, msg) for msg in is_valid_port_num(value)]
    if isinstance(value, str):
        return [invalid(path, value, msg) for msg in is_valid_port_name(value)]
    raise TypeError(f"{path} must be an integer or a string")


# --- ports ------------------------------------------------------------------------------------


def validate_container_ports(ports: Any, path: str) -> list[FieldError]:
    """``validateContainerPorts``: names are unique within one container."""
    errs: list[FieldError] = []
    names: set[str] = set()
    for ppath, port in objects(ports, path):
        name = as_str(port.get("name"), f"{ppath}.name")
        if name:
            msgs = is_valid_port_name(name)
            if msgs:
                errs += [invalid(f"{ppath}.name", name, m) for m in msgs]
            elif name in names:
                errs.append(duplicate(f"{ppath}.name", name))
            else:
                names.add(name)
        container_port = as_int(port.get("containerPort"), f"{ppath}.containerPort") or 0
        if container_port == 0:
            errs.append(required(f"{ppath}.containerPort"))
        else:
            errs += [
                invalid(f"{ppath}.containerPort", container_port, m)
                for m in is_valid_port_num(container_port)
            ]
        host_port = as_int(port.get("hostPort"), f"{ppath}.hostPort") or 0
        if host_port != 0:
            errs += [
                invalid(f"{ppath}.hostPort", host_port, m) for m in is_valid_port_num(host_port)
            ]
        protocol = as_str(port.get("protocol"), f"{ppath}.protocol")
        if not protocol:
            errs.append(required(f"{ppath}.protocol"))
        elif protocol not in PROTOCOLS:
            errs.append(not_supported(f"{ppath}.protocol", protocol, PROTOCOLS))
    return errs


def check_host_port_conflicts(containers: list[tuple[str, Obj]], path: str) -> list[FieldError]:
    """``checkHostPortConflicts`` (``AccumulateUniqueHostPorts``): hostIP/protocol/hostPort."""
    errs: list[FieldError] = []
    seen: set[str] = set()
    for i, (_, container) in enumerate(containers):
        for j, port in enumerate(as_list(container.get("ports"), "ports")):
            host_port = port.get("hostPort") or 0
            if not host_port:
                continue
            key = f"{port.get('hostIP') or ''}/{port.get('protocol') or ''}/{host_port}"
            if key in seen:
                errs.append(duplicate(f"{path}[{i}].ports[{j}].hostPort", key))
            seen.add(key)
    return errs


# --- handlers and probes ----------------------------------------------------------------------


def _validate_handler(handler: Obj, path: str, kinds: tuple[str, ...]) -> list[FieldError]:
    """``validateHandler``: exactly one handler type."""
    errs: list[FieldError] = []
    count = 0
    for kind in kinds:
        if handler.get(kind) is None:
            continue
        if count > 0:
            errs.append(forbidden(f"{path}.{kind}", "may not specify more than 1 handler type"))
            continue
        count += 1
        body = as_obj(handler[kind], f"{path}.{kind}")
        if kind == "exec" and not as_list(body.get("command"), f"{path}.exec.command"):
            errs.append(required(f"{path}.exec.command"))
        elif kind == "httpGet":
            if not as_str(body.get("path"), f"{path}.httpGet.path"):
                errs.append(required(f"{path}.httpGet.path"))
            errs += port_num_or_name(body.get("port"), f"{path}.httpGet.port")
            scheme = as_str(body.get("scheme"), f"{path}.httpGet.scheme")
            if scheme not in ("HTTP", "HTTPS"):
                errs.append(not_supported(f"{path}.httpGet.scheme", scheme, ["HTTP", "HTTPS"]))
        elif kind == "tcpSocket":
            errs += port_num_or_name(body.get("port"), f"{path}.tcpSocket.port")
        elif kind == "grpc":
            grpc_port = as_int(body.get("port"), f"{path}.grpc.port") or 0
            errs += [
                invalid(f"{path}.grpc.port", grpc_port, m) for m in is_valid_port_num(grpc_port)
            ]
        elif kind == "sleep":
            errs += nonnegative(body.get("seconds"), f"{path}.sleep.seconds")
    if count == 0:
        errs.append(required(path, "must specify a handler type"))
    return errs


def validate_probe(probe: Any, path: str, *, success_must_be_one: bool) -> list[FieldError]:
    """``validateProbe``; liveness and startup probes also need ``successThreshold`` 1."""
    if probe is None:
        return []
    probe = as_obj(probe, path)
    errs = _validate_handler(probe, path, ("exec", "httpGet", "tcpSocket", "grpc"))
    for key in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        errs += nonnegative(probe.get(key), f"{path}.{key}")
    grace = as_int(probe.get("terminationGracePeriodSeconds"), path)
    if grace is not None and grace <= 0:
        errs.append(
            invalid(f"{path}.terminationGracePeriodSeconds", grace, "must be greater than 0")
        )
    success = as_int(probe.get("successThreshold"), f"{path}.successThreshold")
    if success_must_be_one and success != 1:
        errs.append(invalid(f"{path}.successThreshold", success, "must be 1"))
    return errs


def validate_lifecycle(lifecycle: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    lifecycle = as_obj(lifecycle, path)
    for hook in ("postStart", "preStop"):
        if lifecycle.get(hook) is not None:
            errs += _validate_handler(
                as_obj(lifecycle[hook], f"{path}.{hook}"),
                f"{path}.{hook}",
                ("exec", "httpGet", "tcpSocket", "sleep"),
            )
    return errs


# --- env, mounts, resources -------------------------------------------------------------------


def validate_env(env: Any, path: str) -> list[FieldError]:
    """``ValidateEnv`` with relaxed names (RelaxedEnvironmentVariableValidation, on in 1.32)."""
    errs: list[FieldError] = []
    for epath, var in objects(env, path):
        name = as_str(var.get("name"), f"{epath}.name")
        if not name:
            errs.append(required(f"{epath}.name"))
        elif "=" in name or not all(" " <= ch <= "~" for ch in name):
            errs.append(
                invalid(
                    f"{epath}.name",
                    name,
                    "a valid environment variable name must consist only of printable ASCII "
                    "characters other than '='",
                )
            )
        source = as_obj(var.get("valueFrom"), f"{epath}.valueFrom")
        if var.get("valueFrom") is None:
            continue
        kinds = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef")
        count = sum(1 for k in kinds if source.get(k) is not None)
        vpath = f"{epath}.valueFrom"
        if count == 0:
            errs.append(
                invalid(
                    vpath,
                    "",
                    "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or "
                    "`secretKeyRef`",
                )
            )
        elif var.get("value"):
            errs.append(invalid(vpath, "", "may not be specified when `value` is not empty"))
        elif count > 1:
            errs.append(invalid(vpath, "", "may not have more than one field specified at a time"))
    return errs


def validate_volume_mounts(mounts: Any, volumes: set[str], path: str) -> list[FieldError]:
    """``ValidateVolumeMounts``: names must name a volume, mount paths are unique."""
    errs: list[FieldError] = []
    mount_points: set[str] = set()
    for mpath, mount in objects(mounts, path):
        name = as_str(mount.get("name"), f"{mpath}.name")
        if not name:
            errs.append(required(f"{mpath}.name"))
        if name not in volumes:
            errs.append(FieldError(NOT_FOUND, f"{mpath}.name", name))
        mount_path = as_str(mount.get("mountPath"), f"{mpath}.mountPath")
        if not mount_path:
            errs.append(required(f"{mpath}.mountPath"))
        if mount_path in mount_points:
            errs.append(invalid(f"{mpath}.mountPath", mount_path, "must be unique"))
        mount_points.add(mount_path)
    return errs


def _resource_name(name: str, path: str) -> list[FieldError]:
    """``validateContainerResourceName``."""
    msgs = is_qualified_name(name)
    if msgs:
        return [invalid(path, name, m) for m in msgs]
    if "/" not in name and not (
        name in STANDARD_CONTAINER_RESOURCES or name.startswith("hugepages-")
    ):
        return [invalid(path, name, "must be a standard resource for containers")]
    return []


def validate_resources(resources: Any, path: str) -> list[FieldError]:
    """``ValidateContainerResourceRequirements``: names, non-negative quantities, and
    requests not above limits."""
    errs: list[FieldError] = []
    resources = as_obj(resources, path)
    limits = as_obj(resources.get("limits"), f"{path}.limits")
    requests = as_obj(resources.get("requests"), f"{path}.requests")
    parsed_limits = {}
    for name, value in limits.items():
        qpath = f"{path}.limits[{name}]"
        errs += _resource_name(name, qpath)
        parsed_limits[name] = parse_quantity(value)
        if parsed_limits[name] < 0:
            errs.append(invalid(qpath, str(value), "must be greater than or equal to 0"))
    for name, value in requests.items():
        qpath = f"{path}.requests[{name}]"
        errs += _resource_name(name, qpath)
        quantity = parse_quantity(value)
        if quantity < 0:
            errs.append(invalid(qpath, str(value), "must be greater than or equal to 0"))
        limit = parsed_limits.get(name)
        if limit is not None and quantity > limit:
            errs.append(
                invalid(
                    f"{path}.requests",
                    str(value),
                    f"must be less than or equal to {name} limit of {limits[name]}",
                )
            )
    return errs


# --- containers -------------------------------------------------------------------------------


def validate_container_common(container: Obj, path: str, volumes: set[str]) -> list[FieldError]:
    """``validateContainerCommon``."""
    errs: list[FieldError] = []
    name = as_str(container.get("name"), f"{path}.name")
    if not name:
        errs.append(required(f"{path}.name"))
    else:
        errs += dns1123_label(name, f"{path}.name")
    if not as_str(container.get("image"), f"{path}.image"):
        errs.append(required(f"{path}.image"))
    policy = as_str(container.get("terminationMessagePolicy"), f"{path}.terminationMessagePolicy")
    if not policy:
        errs.append(required(f"{path}.terminationMessagePolicy"))
    elif policy not in TERMINATION_MESSAGE_POLICIES:
        errs.append(
            not_supported(f"{path}.terminationMessagePolicy", policy, TERMINATION_MESSAGE_POLICIES)
        )
    errs += validate_container_ports(container.get("ports"), f"{path}.ports")
    errs += validate_env(container.get("env"), f"{path}.env")
    errs += validate_volume_mounts(container.get("volumeMounts"), volumes, f"{path}.volumeMounts")
    pull = as_str(container.get("imagePullPolicy"), f"{path}.imagePullPolicy")
    if not pull:
        errs.append(required(f"{path}.imagePullPolicy"))
    elif pull not in PULL_POLICIES:
        errs.append(not_supported(f"{path}.imagePullPolicy", pull, PULL_POLICIES))
    errs += validate_resources(container.get("resources"), f"{path}.resources")
    errs += validate_security_context(container.get("securityContext"), f"{path}.securityContext")
    return errs


def validate_security_context(context: Any, path: str) -> list[FieldError]:
    """The user and group checks of ``ValidateSecurityContext``."""
    errs: list[FieldError] = []
    context = as_obj(context, path)
    for key in ("runAsUser", "runAsGroup"):
        value = as_int(context.get(key), f"{path}.{key}")
        if value is not None and not 0 <= value <= 2147483647:
            errs.append(
                invalid(f"{path}.{key}", value, "must be between 0 and 2147483647, inclusive")
            )
    if context.get("allowPrivilegeEscalation") is False and context.get("privileged") is True:
        errs.append(
            invalid(
                path,
                context,
                "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
            )
        )
    return errs


def validate_containers(containers: Any, path: str, volumes: set[str]) -> list[FieldError]:
    """``validateContainers``: at least one, names unique, probes and lifecycle allowed."""
    items = objects(containers, path)
    if not items:
        return [required(path)]
    errs: list[FieldError] = []
    names: set[str] = set()
    for cpath, container in items:
        errs += validate_container_common(container, cpath, volumes)
        name = container.get("name") or ""
        if name in names:
            errs.append(duplicate(f"{cpath}.name", name))
        names.add(name)
        if container.get("lifecycle") is not None:
            errs += validate_lifecycle(container["lifecycle"], f"{cpath}.lifecycle")
        for key in ("livenessProbe", "startupProbe"):
            errs += validate_probe(container.get(key), f"{cpath}.{key}", success_must_be_one=True)
        errs += validate_probe(
            container.get("readinessProbe"), f"{cpath}.readinessProbe", success_must_be_one=False
        )
        if container.get("restartPolicy") is not None:
            errs.append(
                forbidden(f"{cpath}.restartPolicy", "may not be set for non-init containers")
            )
    errs += check_host_port_conflicts(items, path)
    return errs


def validate_init_containers(
    containers: Any, regular: Any, path: str, volumes: set[str]
) -> list[FieldError]:
    """``validateInitContainers``: names unique across regular and init containers; probes and
    lifecycle only for restartable (sidecar) init containers."""
    errs: list[FieldError] = []
    names = {c.get("name") for c in as_list(regular, "containers") if isinstance(c, dict)}
    for cpath, container in objects(containers, path):
        errs += validate_container_common(container, cpath, volumes)
        restart_always = False
        if container.get("restartPolicy") is not None:
            policy = as_str(container.get("restartPolicy"), f"{cpath}.restartPolicy")
            if policy != "Always":
                errs.append(not_supported(f"{cpath}.restartPolicy", policy, ["Always"]))
            restart_always = policy == "Always"
        name = container.get("name") or ""
        if name in names:
            errs.append(duplicate(f"{cpath}.name", name))
        elif name:
            names.add(name)
        errs += check_host_port_conflicts([(cpath, container)], path)
        if restart_always:
            if container.get("lifecycle") is not None:
                errs += validate_lifecycle(container["lifecycle"], f"{cpath}.lifecycle")
            for key in ("livenessProbe", "startupProbe"):
                errs += validate_probe(
                    container.get(key), f"{cpath}.{key}", success_must_be_one=True
                )
            errs += validate_probe(
                container.get("readinessProbe"),
                f"{cpath}.readinessProbe",
                success_must_be_one=False,
            )
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if container.get(key) is not None:
                    errs.append(
                        forbidden(
                            f"{cpath}.{key}",
                            "may not be set for init containers without restartPolicy=Always",
                        )
                    )
    return errs
