"""Pod and the pod template (core/v1): PodSpec, Container, ContainerPort, PodStatus…"""

from __future__ import annotations

from ._dsl import (
    CORE,
    META,
    QUANTITY,
    array,
    boolean,
    define,
    define_list,
    free_object,
    int64,
    integer,
    items_of,
    map_of,
    object_members,
    ref,
    string,
    string_items,
    string_map,
    time,
)

POD = ("", "v1", "Pod")
define(
    CORE + "Pod",
    "A group of containers that run together on one node, sharing a network identity and "
    "storage. Created by users or by controllers such as ReplicaSets.",
    object_members(CORE + "PodSpec", CORE + "PodStatus", "pod"),
    gvk=POD,
)
define_list(CORE + "Pod", POD, "pods")
define(
    CORE + "PodTemplateSpec",
    "The pods a controller creates: their metadata and spec.",
    {
        "metadata": ref(META + "ObjectMeta", "Metadata given to each pod.", default={}),
        "spec": ref(CORE + "PodSpec", "The spec of each pod.", default={}),
    },
)
define(
    CORE + "PodSpec",
    "The desired state of a pod.",
    {
        "activeDeadlineSeconds": int64("Seconds the pod may run before it is failed."),
        "affinity": free_object("Scheduling constraints (node and pod affinity)."),
        "automountServiceAccountToken": boolean("Whether a service account token is mounted."),
        "containers": array(
            items_of(CORE + "Container"),
            "The containers of the pod. At least one is required; cannot be added or removed "
            "after creation.",
            list_type="map",
            map_keys=["name"],
            merge_key="name",
        ),
        "dnsPolicy": string(
            "How the pod's DNS is set up. Defaults to ClusterFirst.",
            enum=["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"],
        ),
        "enableServiceLinks": boolean(
            "Whether service environment variables are injected. Defaults to true."
        ),
        "hostIPC": boolean("Use the host's IPC namespace."),
        "hostNetwork": boolean("Use the host's network namespace."),
        "hostPID": boolean("Use the host's PID namespace."),
        "hostname": string("The pod's hostname; defaults to its name."),
        "imagePullSecrets": array(
            items_of(CORE + "LocalObjectReference"), "Secrets used to pull images."
        ),
        "initContainers": array(
            items_of(CORE + "Container"),
            "Containers run to completion, in order, before the app containers start.",
            list_type="map",
            map_keys=["name"],
            merge_key="name",
        ),
        "nodeName": string("The node the pod is bound to. Set by the scheduler when empty."),
        "nodeSelector": string_map("Labels a node must have for the pod to run on it."),
        "priority": integer("The pod's priority, resolved from priorityClassName."),
        "priorityClassName": string("The pod's priority class."),
        "readinessGates": array(
            items_of(CORE + "PodReadinessGate"),
            "Extra conditions that must be True for the pod to be ready.",
        ),
        "restartPolicy": string(
            "When containers are restarted. Defaults to Always.",
            enum=["Always", "Never", "OnFailure"],
        ),
        "schedulerName": string("The scheduler that places the pod."),
        "securityContext": free_object("Pod-level security attributes."),
        "serviceAccountName": string("The service account the pod runs as."),
        "subdomain": string("The pod's DNS subdomain (with a headless service)."),
        "terminationGracePeriodSeconds": int64(
            "Seconds the pod gets to stop gracefully. Defaults to 30."
        ),
        "tolerations": array(items_of(CORE + "Toleration"), "Taints the pod tolerates."),
        "volumes": array(
            items_of(CORE + "Volume"),
            "Volumes the containers can mount.",
            list_type="map",
            map_keys=["name"],
            merge_key="name",
        ),
    },
    required=["containers"],
)
define(
    CORE + "Container",
    "One application container of a pod.",
    {
        "args": array(string_items(), "Arguments to the entrypoint."),
        "command": array(string_items(), "The entrypoint; the image's when omitted."),
        "env": array(
            items_of(CORE + "EnvVar"),
            "Environment variables.",
            list_type="map",
            map_keys=["name"],
            merge_key="name",
        ),
        "envFrom": array(free_object(), "Sources of environment variables."),
        "image": string("The container image."),
        "imagePullPolicy": string(
            "When the image is pulled. Defaults to Always for :latest, else IfNotPresent.",
            enum=["Always", "IfNotPresent", "Never"],
        ),
        "lifecycle": free_object("Hooks run after start and before stop."),
        "livenessProbe": ref(CORE + "Probe", "Restart the container when this fails."),
        "name": string("The container's name, a DNS label unique within the pod."),
        "ports": array(
            items_of(CORE + "ContainerPort"),
            "Ports the container exposes; informational, but named ports can be referenced "
            "by services.",
            list_type="map",
            map_keys=["containerPort", "protocol"],
            merge_key="containerPort",
        ),
        "readinessProbe": ref(
            CORE + "Probe", "The container receives service traffic only while this passes."
        ),
        "resources": ref(
            CORE + "ResourceRequirements", "Compute resources requested and limits.", default={}
        ),
        "restartPolicy": string("For init containers: Always makes it a sidecar."),
        "securityContext": free_object("Container security attributes."),
        "startupProbe": ref(CORE + "Probe", "Other probes wait until this passes."),
        "stdin": boolean("Allocate a buffer for stdin."),
        "terminationMessagePath": string("File the termination message is read from."),
        "terminationMessagePolicy": string(
            "How the termination message is gathered.", enum=["FallbackToLogsOnError", "File"]
        ),
        "tty": boolean("Allocate a TTY."),
        "volumeMounts": array(
            items_of(CORE + "VolumeMount"),
            "Pod volumes mounted into the container.",
            list_type="map",
            map_keys=["mountPath"],
            merge_key="mountPath",
        ),
        "workingDir": string("The working directory."),
    },
    required=["name"],
)
define(
    CORE + "ContainerPort",
    "A network port of a container.",
    {
        "containerPort": integer("The port number on the pod's IP (1-65535)."),
        "hostIP": string("The host IP to bind a host port to."),
        "hostPort": integer("A port on the node to forward to this port."),
        "name": string(
            "An IANA service name for the port, unique in the pod; services can target it."
        ),
        "protocol": string("The protocol. Defaults to TCP.", enum=["SCTP", "TCP", "UDP"]),
    },
    required=["containerPort"],
)
define(
    CORE + "EnvVar",
    "One environment variable.",
    {
        "name": string("The variable's name."),
        "value": string("The value; $(VAR) references are expanded."),
        "valueFrom": free_object("A source for the value (field, resource, ConfigMap, Secret)."),
    },
    required=["name"],
)
define(
    CORE + "ResourceRequirements",
    "Compute resource requests and limits.",
    {
        "limits": map_of(QUANTITY, "The most of each resource the container may use."),
        "requests": map_of(QUANTITY, "The least of each resource the container needs."),
    },
)
define(
    CORE + "VolumeMount",
    "A volume mounted into a container.",
    {
        "mountPath": string("Where in the container the volume is mounted."),
        "name": string("The volume's name."),
        "readOnly": boolean("Mount read-only."),
        "subPath": string("A path inside the volume to mount instead of its root."),
    },
    required=["name", "mountPath"],
)
define(
    CORE + "Volume",
    "A named volume; exactly one source (emptyDir, configMap, secret, …) is set.",
    {
        "configMap": free_object("A ConfigMap's data as files."),
        "emptyDir": free_object("A scratch directory that lives as long as the pod."),
        "hostPath": free_object("A directory on the node."),
        "name": string("The volume's name, a DNS label unique within the pod."),
        "persistentVolumeClaim": free_object("A claimed persistent volume."),
        "secret": free_object("A Secret's data as files."),
    },
    required=["name"],
)
define(
    CORE + "Probe",
    "A health check of a container.",
    {
        "exec": free_object("Run a command; exit code 0 is healthy."),
        "failureThreshold": integer("Failures in a row that count as failed. Defaults to 3."),
        "httpGet": free_object("An HTTP GET; 2xx and 3xx are healthy."),
        "initialDelaySeconds": integer("Seconds after start before the first probe."),
        "periodSeconds": integer("Seconds between probes. Defaults to 10."),
        "successThreshold": integer("Successes in a row that count as passed. Defaults to 1."),
        "tcpSocket": free_object("A TCP connection attempt."),
        "timeoutSeconds": integer("Seconds before a probe times out. Defaults to 1."),
    },
)
define(
    CORE + "LocalObjectReference",
    "A reference to an object in the same namespace.",
    {"name": string("The object's name.")},
)
define(
    CORE + "PodReadinessGate",
    "A pod condition that must be True for the pod to be ready.",
    {"conditionType": string("The condition type.")},
    required=["conditionType"],
)
define(
    CORE + "Toleration",
    "Allows a pod onto nodes with a matching taint.",
    {
        "effect": string("The taint effect to match; empty matches all."),
        "key": string("The taint key; empty with Exists matches every taint."),
        "operator": string("Exists or Equal. Defaults to Equal."),
        "tolerationSeconds": int64("How long a NoExecute taint is tolerated."),
        "value": string("The taint value to match."),
    },
)

# --- status --------------------------------------------------------------------------------------
define(
    CORE + "PodStatus",
    "The observed state of a pod.",
    {
        "conditions": array(
            items_of(CORE + "PodCondition"),
            "The pod's conditions (PodScheduled, Initialized, ContainersReady, Ready).",
            list_type="map",
            map_keys=["type"],
            merge_key="type",
        ),
        "containerStatuses": array(items_of(CORE + "ContainerStatus"), "One entry per container."),
        "hostIP": string("The IP of the node the pod runs on."),
        "hostIPs": array(items_of(CORE + "HostIP"), "The node's IPs."),
        "initContainerStatuses": array(
            items_of(CORE + "ContainerStatus"), "One entry per init container."
        ),
        "message": string("Why the pod is in its condition."),
        "nominatedNodeName": string("A node the pod may be placed on after preemption."),
        "phase": string(
            "Where the pod is in its lifecycle.",
            enum=["Failed", "Pending", "Running", "Succeeded", "Unknown"],
        ),
        "podIP": string("The pod's IP address."),
        "podIPs": array(
            items_of(CORE + "PodIP"),
            "The pod's IP addresses, one per family; the first equals podIP.",
            list_type="map",
            map_keys=["ip"],
            merge_key="ip",
        ),
        "qosClass": string(
            "The quality-of-service class.", enum=["BestEffort", "Burstable", "Guaranteed"]
        ),
        "reason": string("A short CamelCase reason for the pod's state, such as Evicted."),
        "startTime": time("When the kubelet acknowledged the pod."),
    },
)
define(
    CORE + "PodCondition",
    "One condition of a pod.",
    {
        "lastProbeTime": time("When the condition was last probed."),
        "lastTransitionTime": time("When the status last changed."),
        "message": string("Details of the last transition."),
        "reason": string("A CamelCase reason for the last transition."),
        "status": string("True, False or Unknown."),
        "type": string("The condition type."),
    },
    required=["type", "status"],
)
define(CORE + "PodIP", "A pod IP address.", {"ip": string("The address.")}, required=["ip"])
define(CORE + "HostIP", "A node IP address.", {"ip": string("The address.")}, required=["ip"])
define(
    CORE + "ContainerStatus",
    "The observed state of one container.",
    {
        "containerID": string("The runtime's ID for the container."),
        "image": string("The image the container runs."),
        "imageID": string("The image's ID."),
        "lastState": ref(CORE + "ContainerState", "The previous state.", default={}),
        "name": string("The container's name."),
        "ready": boolean("Whether the readiness probe passes."),
        "restartCount": integer("How often the container was restarted."),
        "started": boolean("Whether the startup probe passed."),
        "state": ref(CORE + "ContainerState", "The current state.", default={}),
    },
    required=["name", "ready", "restartCount", "image", "imageID"],
)
define(
    CORE + "ContainerState",
    "A container's state: exactly one member is set.",
    {
        "running": ref(CORE + "ContainerStateRunning", "The container is running."),
        "terminated": ref(CORE + "ContainerStateTerminated", "The container has stopped."),
        "waiting": ref(CORE + "ContainerStateWaiting", "The container is not running yet."),
    },
)
define(
    CORE + "ContainerStateRunning",
    "A running container.",
    {"startedAt": time("When it started.")},
)
define(
    CORE + "ContainerStateWaiting",
    "A waiting container.",
    {"message": string("Details."), "reason": string("Why it is waiting.")},
)
define(
    CORE + "ContainerStateTerminated",
    "A stopped container.",
    {
        "containerID": string("The runtime's ID for the container."),
        "exitCode": integer("The exit code."),
        "finishedAt": time("When it stopped."),
        "message": string("Details."),
        "reason": string("Why it stopped."),
        "signal": integer("The signal that stopped it."),
        "startedAt": time("When it started."),
    },
    required=["exitCode"],
)
