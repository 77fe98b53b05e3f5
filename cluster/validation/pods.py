"""Pod spec validation from kubernetes/kubernetes ``pkg/apis/core/validation/validation.go``:
``ValidatePodSpec``, ``ValidatePodCreate``, ``ValidatePodTemplateSpec``, ``ValidateVolumes``,
``ValidateTolerations``. Field paths and messages are upstream's, quirks included."""

from __future__ import annotations

from typing import Any

from cluster.errors import FieldError, duplicate, forbidden, invalid, not_supported, required
from cluster.validation.containers import (
    dns1123_label,
    validate_containers,
    validate_init_containers,
    validate_security_context,
)
from cluster.validation.meta import (
    is_dns1123_subdomain,
    is_qualified_name,
    is_valid_label_value,
    validate_annotations,
    validate_labels,
)
from cluster.validation.net import validate_ip
from cluster.validation.shapes import Obj, as_int, as_list, as_obj, as_str, objects

RESTART_POLICIES = ["Always", "OnFailure", "Never"]
DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
PREEMPTION_POLICIES = ["PreemptLowerPriority", "Never"]
MAX_INT32 = 2147483647
VOLUME_SOURCES_REQUIRED_FIELD = {
    "configMap": "name",
    "secret": "secretName",
    "persistentVolumeClaim": "claimName",
    "hostPath": "path",
}


def subdomain(value: str, path: str) -> list[FieldError]:
    return [invalid(path, value, msg) for msg in is_dns1123_subdomain(value)]


def qualified_name(value: str, path: str) -> list[FieldError]:
    """``ValidateQualifiedName`` / ``ValidateLabelName``."""
    return [invalid(path, value, msg) for msg in is_qualified_name(value)]


def validate_enum(value: str, path: str, allowed: list[str]) -> list[FieldError]:
    """The apiserver's enum switch: empty is Required, anything else NotSupported."""
    if not value:
        return [required(path)]
    if value not in allowed:
        return [not_supported(path, value, allowed)]
    return []


# --- volumes ----------------------------------------------------------------------------------


def validate_volumes(volumes: Any, path: str) -> tuple[set[str], list[FieldError]]:
    """``ValidateVolumes``: returns the names of the valid volumes (mounts must name one)."""
    from cluster.defaults import VOLUME_SOURCES

    errs: list[FieldError] = []
    names: set[str] = set()
    for vpath, volume in objects(volumes, path):
        own: list[FieldError] = []
        sources = [s for s in VOLUME_SOURCES if volume.get(s) is not None]
        if not sources:
            own.append(required(vpath, "must specify a volume type"))
        for extra in sources[1:]:
            own.append(forbidden(f"{vpath}.{extra}", "may not specify more than 1 volume type"))
        if sources and sources[0] in VOLUME_SOURCES_REQUIRED_FIELD:
            source = sources[0]
            key = VOLUME_SOURCES_REQUIRED_FIELD[source]
            body = as_obj(volume[source], f"{vpath}.{source}")
            if not as_str(body.get(key), f"{vpath}.{source}.{key}"):
                own.append(required(f"{vpath}.{source}.{key}"))
        name = as_str(volume.get("name"), f"{vpath}.name")
        if not name:
            own.append(required(f"{vpath}.name"))
        else:
            own += dns1123_label(name, f"{vpath}.name")
        if name in names:
            own.append(duplicate(f"{vpath}.name", name))
        if own:
            errs += own
        else:
            names.add(name)
    return names, errs


# --- tolerations ------------------------------------------------------------------------------


def validate_taint_effect(effect: str, path: str, *, allow_empty: bool) -> list[FieldError]:
    """``validateTaintEffect``."""
    if not effect:
        return [] if allow_empty else [required(path)]
    if effect not in TAINT_EFFECTS:
        return [not_supported(path, effect, TAINT_EFFECTS)]
    return []


def validate_tolerations(tolerations: Any, path: str) -> list[FieldError]:
    """``ValidateTolerations``."""
    errs: list[FieldError] = []
    for tpath, tol in objects(tolerations, path):
        key = as_str(tol.get("key"), f"{tpath}.key")
        operator = as_str(tol.get("operator"), f"{tpath}.operator")
        value = as_str(tol.get("value"), f"{tpath}.value")
        effect = as_str(tol.get("effect"), f"{tpath}.effect")
        if key:
            errs += qualified_name(key, f"{tpath}.key")
        if not key and operator != "Exists":
            errs.append(
                invalid(
                    f"{tpath}.operator",
                    operator,
                    'operator must be Exists when `key` is empty, which means "match all values '
                    'and all keys"',
                )
            )
        if tol.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(
                invalid(
                    f"{tpath}.effect",
                    effect,
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                )
            )
        if operator in ("Equal", ""):
            msgs = is_valid_label_value(value)
            if msgs:
                errs.append(invalid(f"{tpath}.operator", value, ";".join(msgs)))
        elif operator == "Exists":
            if value:
                errs.append(
                    invalid(
                        f"{tpath}.operator",
                        value,
                        "value must be empty when `operator` is 'Exists'",
                    )
                )
        else:
            errs.append(not_supported(f"{tpath}.operator", operator, ["Equal", "Exists"]))
        if effect:
            errs += validate_taint_effect(effect, f"{tpath}.effect", allow_empty=True)
    return errs


# --- the pod spec -----------------------------------------------------------------------------


def _validate_dns_config(spec: Obj, path: str) -> list[FieldError]:
    """``validatePodDNSConfig`` (nameservers and the DNSNone requirement)."""
    policy = spec.get("dnsPolicy")
    config = spec.get("dnsConfig")
    if policy == "None":
        if config is None:
            return [
                required(f"{path}.dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None")
            ]
        if not as_list(as_obj(config, f"{path}.dnsConfig").get("nameservers"), path):
            return [
                required(
                    f"{path}.dnsConfig.nameservers",
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                )
            ]
    errs: list[FieldError] = []
    config = as_obj(config, f"{path}.dnsConfig")
    servers = as_list(config.get("nameservers"), f"{path}.dnsConfig.nameservers")
    if len(servers) > 3:
        errs.append(
            invalid(
                f"{path}.dnsConfig.nameservers", servers, "must not have more than 3 nameservers"
            )
        )
    for i, server in enumerate(servers):
        errs += validate_ip(f"{path}.dnsConfig.nameservers[{i}]", server)
    return errs


def _validate_host_network(spec: Obj, path: str, *, is_pod: bool) -> list[FieldError]:
    """``validatePodHostNetworkDeps``: with hostNetwork, hostPort must equal containerPort."""
    if not spec.get("hostNetwork"):
        return []
    errs: list[FieldError] = []
    for cpath, container in objects(spec.get("containers"), f"{path}.containers"):
        for ppath, port in objects(container.get("ports"), f"{cpath}.ports"):
            host_port = port.get("hostPort") or 0
            if (is_pod or host_port != 0) and host_port != port.get("containerPort"):
                errs.append(
                    invalid(
                        f"{ppath}.hostPort",
                        host_port,
                        "must match `containerPort` when `hostNetwork` is true",
                    )
                )
    return errs


def _validate_topology_spread(constraints: Any, path: str) -> list[FieldError]:
    errs: list[FieldError] = []
    for cpath, item in objects(constraints, path):
        skew = as_int(item.get("maxSkew"), f"{cpath}.maxSkew") or 0
        if skew <= 0:
            errs.append(invalid(f"{cpath}.maxSkew", skew, "must be greater than zero"))
        if not as_str(item.get("topologyKey"), f"{cpath}.topologyKey"):
            errs.append(required(f"{cpath}.topologyKey", "can not be empty"))
        action = as_str(item.get("whenUnsatisfiable"), f"{cpath}.whenUnsatisfiable")
        if action not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.append(
                not_supported(
                    f"{cpath}.whenUnsatisfiable", action, ["DoNotSchedule", "ScheduleAnyway"]
                )
            )
    return errs


def validate_pod_spec(spec: Obj, path: str, *, is_pod: bool) -> list[FieldError]:
    """``ValidatePodSpec`` (plus ``validateContainersOnlyForPod`` when ``is_pod``)."""
    errs: list[FieldError] = []
    if spec.get("terminationGracePeriodSeconds") is None:
        errs.append(required(f"{path}.terminationGracePeriodSeconds"))
    volumes, volume_errs = validate_volumes(spec.get("volumes"), f"{path}.volumes")
    errs += volume_errs
    errs += validate_containers(spec.get("containers"), f"{path}.containers", volumes)
    errs += validate_init_containers(
        spec.get("initContainers"), spec.get("containers"), f"{path}.initContainers", volumes
    )
    errs += _validate_host_network(spec, path, is_pod=is_pod)
    errs += validate_enum(
        as_str(spec.get("restartPolicy"), f"{path}.restartPolicy"),
        f"{path}.restartPolicy",
        RESTART_POLICIES,
    )
    errs += validate_enum(
        as_str(spec.get("dnsPolicy"), f"{path}.dnsPolicy"), f"{path}.dnsPolicy", DNS_POLICIES
    )
    errs += validate_labels(spec.get("nodeSelector"), f"{path}.nodeSelector")
    errs += validate_security_context(spec.get("securityContext"), f"{path}.securityContext")
    for ipath, secret in objects(spec.get("imagePullSecrets"), f"{path}.imagePullSecrets"):
        if set(secret) - {"name"}:
            errs.append(invalid(ipath, secret, "only name may be set"))
    errs += _validate_dns_config(spec, path)
    for gpath, gate in objects(spec.get("readinessGates"), f"{path}.readinessGates"):
        condition = as_str(gate.get("conditionType"), f"{gpath}.conditionType")
        errs += qualified_name(condition, f"{gpath}.conditionType")
    errs += _validate_topology_spread(
        spec.get("topologySpreadConstraints"), f"{path}.topologySpreadConstraints"
    )
    for key in ("serviceAccountName", "nodeName", "priorityClassName"):
        value = as_str(spec.get(key), f"{path}.{key}")
        if value:
            errs += subdomain(value, f"{path}.{key}")
    deadline = as_int(spec.get("activeDeadlineSeconds"), f"{path}.activeDeadlineSeconds")
    if deadline is not None and not 1 <= deadline <= MAX_INT32:
        errs.append(
            invalid(
                f"{path}.activeDeadlineSeconds",
                deadline,
                f"must be between 1 and {MAX_INT32}, inclusive",
            )
        )
    for key in ("hostname", "subdomain"):
        value = as_str(spec.get(key), f"{path}.{key}")
        if value:
            errs += dns1123_label(value, f"{path}.{key}")
    errs += validate_tolerations(spec.get("tolerations"), f"{path}.tolerations")
    for hpath, alias in objects(spec.get("hostAliases"), f"{path}.hostAliases"):
        errs += validate_ip(f"{hpath}.ip", alias.get("ip"))
        for j, hostname in enumerate(as_list(alias.get("hostnames"), f"{hpath}.hostnames")):
            errs += subdomain(as_str(hostname, hpath), f"{hpath}.hostnames[{j}]")
    if spec.get("preemptionPolicy") is not None:
        errs += validate_enum(
            as_str(spec["preemptionPolicy"], f"{path}.preemptionPolicy"),
            f"{path}.preemptionPolicy",
            PREEMPTION_POLICIES,
        )
    if spec.get("os") is not None:
        os_name = as_str(as_obj(spec["os"], f"{path}.os").get("name"), f"{path}.os.name")
        if not os_name:
            errs.append(required(f"{path}.os.name", "cannot be empty"))
        elif os_name not in ("linux", "windows"):
            errs.append(not_supported(f"{path}.os", os_name, ["linux", "windows"]))
    if is_pod:
        for key in ("containers", "initContainers"):
            for cpath, container in objects(spec.get(key), f"{path}.{key}"):
                image = container.get("image") or ""
                if isinstance(image, str) and image != image.strip():
                    errs.append(
                        invalid(
                            f"{cpath}.image", image, "must not have leading or trailing whitespace"
                        )
                    )
    return errs


def validate_pod_template(template: Any, path: str) -> list[FieldError]:
    """``ValidatePodTemplateSpec``: note the upstream paths ``<path>.labels`` and
    ``<path>.annotations`` (not ``<path>.metadata.labels``)."""
    template = as_obj(template, path)
    meta = as_obj(template.get("metadata"), f"{path}.metadata")
    spec = as_obj(template.get("spec"), f"{path}.spec")
    errs = validate_labels(meta.get("labels"), f"{path}.labels")
    errs += validate_annotations(meta.get("annotations"), f"{path}.annotations")
    errs += validate_pod_spec(spec, f"{path}.spec", is_pod=False)
    if as_list(spec.get("ephemeralContainers"), f"{path}.spec.ephemeralContainers"):
        errs.append(
            forbidden(
                f"{path}.spec.ephemeralContainers",
                "ephemeral containers not allowed in pod template",
            )
        )
    return errs


def validate_pod(pod: Obj) -> list[FieldError]:
    """``validatePodMetadataAndSpec`` without ObjectMeta (the write layer checks it)."""
    return validate_pod_spec(as_obj(pod.get("spec"), "spec"), "spec", is_pod=True)


def validate_pod_create(pod: Obj) -> list[FieldError]:
    """``ValidatePodCreate``."""
    errs = validate_pod(pod)
    spec = as_obj(pod.get("spec"), "spec")
    if as_list(spec.get("ephemeralContainers"), "spec.ephemeralContainers"):
        errs.append(forbidden("spec.ephemeralContainers", "cannot be set on create"))
    if spec.get("nodeName") and as_list(spec.get("schedulingGates"), "spec.schedulingGates"):
        errs.append(
            forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared")
        )
    return errs
