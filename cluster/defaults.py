"""v1 defaulting (``SetDefaults_*``) for pods, pod templates, the workload kinds, Namespaces,
Nodes, Endpoints and EndpointSlices, on Kubernetes JSON dicts.

Sources: kubernetes/kubernetes ``pkg/apis/core/v1/defaults.go``, ``pkg/apis/apps/v1/defaults.go``,
``pkg/apis/batch/v1/defaults.go``, ``pkg/apis/discovery/v1/defaults.go`` and the declarative
``+default`` tags of ``k8s.io/api`` (container port protocol). Each function is idempotent: the
write layer defaults every decoded body, including update bodies.

Wrong JSON types raise ``TypeError`` (a 400 through ``run_strategy``).
"""

from __future__ import annotations

from cluster.validation.shapes import Obj, as_list, as_obj, as_str

TERMINATION_MESSAGE_PATH = "/dev/termination-log"
DEFAULT_SCHEDULER = "default-scheduler"
DEFAULT_GRACE_PERIOD = 30
VOLUME_DEFAULT_MODE = 0o644  # 420: secret, configMap, downwardAPI and projected volumes
VOLUME_SOURCES = (
    "hostPath",
    "emptyDir",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "persistentVolumeClaim",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "downwardAPI",
    "fc",
    "azureFile",
    "configMap",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "projected",
    "portworxVolume",
    "scaleIO",
    "storageos",
    "csi",
    "ephemeral",
    "image",
)


def _child(obj: Obj, key: str, path: str) -> Obj:
    """``obj[key]`` as an object, created when absent."""
    value = as_obj(obj.get(key), f"{path}.{key}")
    obj[key] = value
    return value


# --- containers -------------------------------------------------------------------------------


def image_tag(image: str) -> str:
    """The tag ``parsers.ParseImageName`` finds: ``latest`` when neither tag nor digest is
    given, empty when only a digest is (or the name does not parse)."""
    if not image or image != image.strip():
        return ""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        return last.split(":", 1)[1]
    return "" if digest else "latest"


def default_probe(probe: Obj, path: str) -> None:
    """``SetDefaults_Probe`` and, for its HTTP handler, ``SetDefaults_HTTPGetAction``."""
    for key, value in (
        ("timeoutSeconds", 1),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("failureThreshold", 3),
    ):
        if not probe.get(key):
            probe[key] = value
    _default_handler(probe, path)


def _default_handler(handler: Obj, path: str) -> None:
    http = handler.get("httpGet")
    if http is not None:
        http = as_obj(http, f"{path}.httpGet")
        if not http.get("path"):
            http["path"] = "/"
        if not http.get("scheme"):
            http["scheme"] = "HTTP"


def default_container(container: Obj, path: str) -> None:
    """``SetDefaults_Container`` plus the defaults of what a container holds."""
    if not container.get("imagePullPolicy"):
        tag = image_tag(as_str(container.get("image"), f"{path}.image"))
        container["imagePullPolicy"] = "Always" if tag == "latest" else "IfNotPresent"
    if not container.get("terminationMessagePath"):
        container["terminationMessagePath"] = TERMINATION_MESSAGE_PATH
    if not container.get("terminationMessagePolicy"):
        container["terminationMessagePolicy"] = "File"
    if container.get("resources") is None:
        container["resources"] = {}
    for i, port in enumerate(as_list(container.get("ports"), f"{path}.ports")):
        port = as_obj(port, f"{path}.ports[{i}]")
        if not port.get("protocol"):
            port["protocol"] = "TCP"
    for i, env in enumerate(as_list(container.get("env"), f"{path}.env")):
        source = as_obj(as_obj(env, f"{path}.env[{i}]").get("valueFrom"), f"{path}.env[{i}]")
        field_ref = source.get("fieldRef")
        if field_ref is not None:
            field_ref = as_obj(field_ref, f"{path}.env[{i}].valueFrom.fieldRef")
            if not field_ref.get("apiVersion"):
                field_ref["apiVersion"] = "v1"
    for probe_key in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(probe_key)
        if probe is not None:
            default_probe(as_obj(probe, f"{path}.{probe_key}"), f"{path}.{probe_key}")
    lifecycle = as_obj(container.get("lifecycle"), f"{path}.lifecycle")
    for hook in ("postStart", "preStop"):
        if lifecycle.get(hook) is not None:
            _default_handler(as_obj(lifecycle[hook], f"{path}.lifecycle.{hook}"), path)


def default_volume(volume: Obj, path: str) -> None:
    """``SetDefaults_Volume`` and the volume sources' default modes."""
    if not any(volume.get(source) is not None for source in VOLUME_SOURCES):
        volume["emptyDir"] = {}
    for source in ("secret", "configMap", "downwardAPI", "projected"):
        if volume.get(source) is not None:
            body = as_obj(volume[source], f"{path}.{source}")
            if body.get("defaultMode") is None:
                body["defaultMode"] = VOLUME_DEFAULT_MODE
    if volume.get("hostPath") is not None:
        host_path = as_obj(volume["hostPath"], f"{path}.hostPath")
        if host_path.get("type") is None:
            host_path["type"] = ""
    if volume.get("projected") is not None:
        sources = as_list(volume["projected"].get("sources"), f"{path}.projected.sources")
        for i, item in enumerate(sources):
            token = as_obj(item, f"{path}.projected.sources[{i}]").get("serviceAccountToken")
            if token is not None and as_obj(token, path).get("expirationSeconds") is None:
                token["expirationSeconds"] = 3600


# --- pod specs --------------------------------------------------------------------------------


def _all_containers(spec: Obj, path: str) -> list[tuple[str, Obj]]:
    out = []
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for i, c in enumerate(as_list(spec.get(key), f"{path}.{key}")):
            out.append((f"{path}.{key}[{i}]", as_obj(c, f"{path}.{key}[{i}]")))
    return out


def default_pod_spec(spec: Obj, path: str = "spec") -> None:
    """``SetDefaults_PodSpec`` with the defaults of containers and volumes: what every pod
    template gets (Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs)."""
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if spec.get("securityContext") is None:
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = DEFAULT_GRACE_PERIOD
    if not spec.get("schedulerName"):
        spec["schedulerName"] = DEFAULT_SCHEDULER
    for cpath, container in _all_containers(spec, path):
        default_container(container, cpath)
    for i, volume in enumerate(as_list(spec.get("volumes"), f"{path}.volumes")):
        default_volume(as_obj(volume, f"{path}.volumes[{i}]"), f"{path}.volumes[{i}]")


def default_pod_template(template: Obj, path: str) -> None:
    """A ``PodTemplateSpec``: its spec gets ``SetDefaults_PodSpec`` (not ``SetDefaults_Pod``)."""
    default_pod_spec(_child(template, "spec", path), f"{path}.spec")


def default_pod(pod: Obj) -> None:
    """``SetDefaults_Pod`` on top of the pod spec defaults, and the v1 → internal conversion of
    ``status.podIP``/``hostIP`` (the single-IP fields are authoritative)."""
    spec = _child(pod, "spec", "")
    default_pod_spec(spec)
    for key in ("containers", "initContainers"):
        for i, container in enumerate(as_list(spec.get(key), f"spec.{key}")):
            resources = as_obj(container.get("resources"), f"spec.{key}[{i}].resources")
            limits = as_obj(resources.get("limits"), f"spec.{key}[{i}].resources.limits")
            if limits:
                requests = as_obj(resources.get("requests"), f"spec.{key}[{i}].resources")
                resources["requests"] = {**limits, **requests}
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True
    if spec.get("hostNetwork"):
        for _, container in _all_containers(spec, "spec"):
            for port in as_list(container.get("ports"), "ports"):
                if not port.get("hostPort"):
                    port["hostPort"] = port.get("containerPort")
    status = pod.get("status")
    if isinstance(status, dict):
        sync_single_ip(status, "podIP", "podIPs", "ip")
        sync_single_ip(status, "hostIP", "hostIPs", "ip")


def sync_single_ip(body: Obj, single: str, plural: str, key: str | None) -> None:
    """The v1 conversion of a legacy single-value field and its list (``podIP``/``podIPs``,
    ``hostIP``/``hostIPs``, ``podCIDR``/``podCIDRs``): the single value wins when both are set
    and differ; the list is filled from it when empty; the single value follows the list."""
    first = body.get(single)
    items = as_list(body.get(plural), plural)
    listed = [(i.get(key) if key and isinstance(i, dict) else i) for i in items]
    if first and (not listed or listed[0] != first):
        body[plural] = [{key: first} if key else first]
    elif listed and not first:
        body[single] = listed[0]


# --- workloads --------------------------------------------------------------------------------


def _spec(obj: Obj) -> Obj:
    return _child(obj, "spec", "")


def default_deployment(obj: Obj) -> None:
    """``SetDefaults_Deployment``."""
    spec = _spec(obj)
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    strategy = _child(spec, "strategy", "spec")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = _child(strategy, "rollingUpdate", "spec.strategy")
        rolling.setdefault("maxUnavailable", "25%")
        rolling.setdefault("maxSurge", "25%")
        for key in ("maxUnavailable", "maxSurge"):
            if rolling[key] is None:
                rolling[key] = "25%"
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    if spec.get("progressDeadlineSeconds") is None:
        spec["progressDeadlineSeconds"] = 600
    default_pod_template(_child(spec, "template", "spec"), "spec.template")


def default_replica_set(obj: Obj) -> None:
    """``SetDefaults_ReplicaSet``."""
    spec = _spec(obj)
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    default_pod_template(_child(spec, "template", "spec"), "spec.template")


def default_daemon_set(obj: Obj) -> None:
    """``SetDefaults_DaemonSet``."""
    spec = _spec(obj)
    strategy = _child(spec, "updateStrategy", "spec")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = _child(strategy, "rollingUpdate", "spec.updateStrategy")
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = 1
        if rolling.get("maxSurge") is None:
            rolling["maxSurge"] = 0
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    default_pod_template(_child(spec, "template", "spec"), "spec.template")


def default_stateful_set(obj: Obj) -> None:
    """``SetDefaults_StatefulSet`` (with StatefulSetAutoDeletePVC on, as in 1.32), and the
    ``PersistentVolumeClaim`` defaults of the claim templates."""
    spec = _spec(obj)
    if not spec.get("podManagementPolicy"):
        spec["podManagementPolicy"] = "OrderedReady"
    strategy = _child(spec, "updateStrategy", "spec")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
        if strategy.get("rollingUpdate") is None:
            strategy["rollingUpdate"] = {}
    rolling = strategy.get("rollingUpdate")
    if strategy["type"] == "RollingUpdate" and isinstance(rolling, dict):
        if rolling.get("partition") is None:
            rolling["partition"] = 0
    retention = _child(spec, "persistentVolumeClaimRetentionPolicy", "spec")
    for key in ("whenDeleted", "whenScaled"):
        if not retention.get(key):
            retention[key] = "Retain"
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    for i, claim in enumerate(
        as_list(spec.get("volumeClaimTemplates"), "spec.volumeClaimTemplates")
    ):
        path = f"spec.volumeClaimTemplates[{i}]"
        claim = as_obj(claim, path)
        claim_spec = _child(claim, "spec", path)
        if claim_spec.get("volumeMode") is None:
            claim_spec["volumeMode"] = "Filesystem"
        status = _child(claim, "status", path)
        if not status.get("phase"):
            status["phase"] = "Pending"
    default_pod_template(_child(spec, "template", "spec"), "spec.template")


def default_job(obj: Obj) -> None:
    """``SetDefaults_Job`` (1.32: podReplacementPolicy is on)."""
    spec = _spec(obj)
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = 2147483647 if spec.get("backoffLimitPerIndex") is not None else 6
    template = _child(spec, "template", "spec")
    meta = as_obj(obj.get("metadata"), "metadata")
    template_labels = as_obj(template.get("metadata"), "spec.template.metadata").get("labels")
    if template_labels and not meta.get("labels"):
        meta["labels"] = dict(template_labels)
    if not spec.get("completionMode"):
        spec["completionMode"] = "NonIndexed"
    if spec.get("suspend") is None:
        spec["suspend"] = False
    if not spec.get("podReplacementPolicy"):
        failure_policy = spec.get("podFailurePolicy") is not None
        spec["podReplacementPolicy"] = "Failed" if failure_policy else "TerminatingOrFailed"
    default_pod_template(template, "spec.template")


# --- cluster and discovery kinds --------------------------------------------------------------


def default_namespace(obj: Obj) -> None:
    """``SetDefaults_Namespace``: the immutable ``kubernetes.io/metadata.name`` label."""
    meta = as_obj(obj.get("metadata"), "metadata")
    name = meta.get("name")
    if name:
        labels = as_obj(meta.get("labels"), "metadata.labels")
        labels["kubernetes.io/metadata.name"] = name
        meta["labels"] = labels


def default_node(obj: Obj) -> None:
    """``SetDefaults_NodeStatus`` and the v1 conversion of ``spec.podCIDR``."""
    spec = obj.get("spec")
    if isinstance(spec, dict):
        sync_single_ip(spec, "podCIDR", "podCIDRs", None)
    status = obj.get("status")
    if isinstance(status, dict) and status.get("capacity") and status.get("allocatable") is None:
        status["allocatable"] = dict(as_obj(status["capacity"], "status.capacity"))


def default_endpoints(obj: Obj) -> None:
    """``SetDefaults_Endpoints``: port protocol TCP."""
    for i, subset in enumerate(as_list(obj.get("subsets"), "subsets")):
        subset = as_obj(subset, f"subsets[{i}]")
        for j, port in enumerate(as_list(subset.get("ports"), f"subsets[{i}].ports")):
            port = as_obj(port, f"subsets[{i}].ports[{j}]")
            if not port.get("protocol"):
                port["protocol"] = "TCP"


def default_endpoint_slice(obj: Obj) -> None:
    """discovery/v1 ``SetDefaults_EndpointPort``: name "" and protocol TCP."""
    for i, port in enumerate(as_list(obj.get("ports"), "ports")):
        port = as_obj(port, f"ports[{i}]")
        if port.get("name") is None:
            port["name"] = ""
        if port.get("protocol") is None:
            port["protocol"] = "TCP"
