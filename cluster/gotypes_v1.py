"""The Go types of the served kinds (``k8s.io/api``), reduced to the fields the simulator reads
or stores; see :mod:`cluster.gotypes` for how a body is checked against them."""

from __future__ import annotations

from cluster.gotypes import ListOf, MapOf, Schema, Struct

# --- the types ----------------------------------------------------------------------------------

STRINGS = ListOf("string")
STRING_MAP = MapOf("string")
OBJECTS = ListOf("object")

OWNER_REFERENCE = Struct(
    "OwnerReference",
    {
        "apiVersion": "string",
        "kind": "string",
        "name": "string",
        "uid": "string",
        "controller": "bool",
        "blockOwnerDeletion": "bool",
    },
)
OBJECT_META = Struct(
    "ObjectMeta",
    {
        "name": "string",
        "generateName": "string",
        "namespace": "string",
        "selfLink": "string",
        "uid": "string",
        "resourceVersion": "string",
        "generation": "int64",
        "creationTimestamp": "time",
        "deletionTimestamp": "time",
        "deletionGracePeriodSeconds": "int64",
        "labels": STRING_MAP,
        "annotations": STRING_MAP,
        "ownerReferences": ListOf(OWNER_REFERENCE),
        "finalizers": STRINGS,
        "managedFields": OBJECTS,
    },
)
LABEL_SELECTOR = Struct(
    "LabelSelector",
    {
        "matchLabels": STRING_MAP,
        "matchExpressions": ListOf(
            Struct(
                "LabelSelectorRequirement",
                {"key": "string", "operator": "string", "values": STRINGS},
            )
        ),
    },
)
OBJECT_REFERENCE = Struct(
    "ObjectReference",
    {
        "kind": "string",
        "namespace": "string",
        "name": "string",
        "uid": "string",
        "apiVersion": "string",
        "resourceVersion": "string",
        "fieldPath": "string",
    },
)
CONDITIONS = ListOf(
    Struct(
        "Condition",
        {"type": "string", "status": "string", "reason": "string", "message": "string"},
    )
)

CONTAINER_PORT = Struct(
    "ContainerPort",
    {
        "name": "string",
        "hostPort": "int32",
        "containerPort": "int32",
        "protocol": "string",
        "hostIP": "string",
    },
)
CONTAINER = Struct(
    "Container",
    {
        "name": "string",
        "image": "string",
        "command": STRINGS,
        "args": STRINGS,
        "workingDir": "string",
        "ports": ListOf(CONTAINER_PORT),
        "env": ListOf(
            Struct("EnvVar", {"name": "string", "value": "string", "valueFrom": "object"})
        ),
        "resources": Struct(
            "ResourceRequirements",
            {"limits": MapOf("quantity"), "requests": MapOf("quantity")},
        ),
        "imagePullPolicy": "string",
        "livenessProbe": "object",
        "readinessProbe": "object",
        "startupProbe": "object",
        "volumeMounts": OBJECTS,
        "securityContext": "object",
    },
)
POD_SPEC = Struct(
    "PodSpec",
    {
        "containers": ListOf(CONTAINER),
        "initContainers": ListOf(CONTAINER),
        "volumes": OBJECTS,
        "restartPolicy": "string",
        "terminationGracePeriodSeconds": "int64",
        "activeDeadlineSeconds": "int64",
        "dnsPolicy": "string",
        "nodeSelector": STRING_MAP,
        "serviceAccountName": "string",
        "nodeName": "string",
        "hostNetwork": "bool",
        "hostname": "string",
        "subdomain": "string",
        "schedulerName": "string",
        "tolerations": OBJECTS,
        "affinity": "object",
        "priority": "int32",
        "enableServiceLinks": "bool",
    },
)
POD_TEMPLATE_SPEC = Struct("PodTemplateSpec", {"metadata": OBJECT_META, "spec": POD_SPEC})
POD_STATUS = Struct(
    "PodStatus",
    {
        "phase": "string",
        "conditions": CONDITIONS,
        "message": "string",
        "reason": "string",
        "hostIP": "string",
        "podIP": "string",
        "podIPs": ListOf(Struct("PodIP", {"ip": "string"})),
        "startTime": "time",
        "containerStatuses": OBJECTS,
        "qosClass": "string",
    },
)

SERVICE_PORT = Struct(
    "ServicePort",
    {
        "name": "string",
        "protocol": "string",
        "appProtocol": "string",
        "port": "int32",
        "targetPort": "intstr",
        "nodePort": "int32",
    },
)
SERVICE_SPEC = Struct(
    "ServiceSpec",
    {
        "ports": ListOf(SERVICE_PORT),
        "selector": STRING_MAP,
        "clusterIP": "string",
        "clusterIPs": STRINGS,
        "type": "string",
        "externalIPs": STRINGS,
        "sessionAffinity": "string",
        "loadBalancerIP": "string",
        "loadBalancerSourceRanges": STRINGS,
        "externalName": "string",
        "externalTrafficPolicy": "string",
        "healthCheckNodePort": "int32",
        "publishNotReadyAddresses": "bool",
        "sessionAffinityConfig": Struct(
            "SessionAffinityConfig",
            {"clientIP": Struct("ClientIPConfig", {"timeoutSeconds": "int32"})},
        ),
        "ipFamilies": STRINGS,
        "ipFamilyPolicy": "string",
        "allocateLoadBalancerNodePorts": "bool",
        "loadBalancerClass": "string",
        "internalTrafficPolicy": "string",
        "trafficDistribution": "string",
    },
)
SERVICE_STATUS = Struct(
    "ServiceStatus",
    {
        "loadBalancer": Struct(
            "LoadBalancerStatus",
            {
                "ingress": ListOf(
                    Struct(
                        "LoadBalancerIngress",
                        {
                            "ip": "string",
                            "hostname": "string",
                            "ipMode": "string",
                            "ports": OBJECTS,
                        },
                    )
                )
            },
        ),
        "conditions": OBJECTS,
    },
)

ENDPOINT_ADDRESS = Struct(
    "EndpointAddress",
    {"ip": "string", "hostname": "string", "nodeName": "string", "targetRef": OBJECT_REFERENCE},
)
ENDPOINT_SUBSET = Struct(
    "EndpointSubset",
    {
        "addresses": ListOf(ENDPOINT_ADDRESS),
        "notReadyAddresses": ListOf(ENDPOINT_ADDRESS),
        "ports": ListOf(
            Struct(
                "EndpointPort",
                {"name": "string", "port": "int32", "protocol": "string", "appProtocol": "string"},
            )
        ),
    },
)
SLICE_ENDPOINT = Struct(
    "Endpoint",
    {
        "addresses": STRINGS,
        "conditions": Struct(
            "EndpointConditions", {"ready": "bool", "serving": "bool", "terminating": "bool"}
        ),
        "hostname": "string",
        "targetRef": OBJECT_REFERENCE,
        "nodeName": "string",
        "zone": "string",
        "hints": "object",
    },
)
SLICE_PORT = Struct(
    "EndpointPort",
    {"name": "string", "protocol": "string", "port": "int32", "appProtocol": "string"},
)

REPLICA_STATUS = {
    "observedGeneration": "int64",
    "replicas": "int32",
    "updatedReplicas": "int32",
    "readyReplicas": "int32",
    "availableReplicas": "int32",
    "unavailableReplicas": "int32",
    "fullyLabeledReplicas": "int32",
    "currentReplicas": "int32",
    "conditions": CONDITIONS,
    "collisionCount": "int32",
}
ROLLING = Struct(
    "RollingUpdateDeployment", {"maxUnavailable": "intstr", "maxSurge": "intstr"}, "v1"
)


def kind_type(name: str, package: str = "v1", **fields: Schema) -> Struct:
    return Struct(
        name,
        {"kind": "string", "apiVersion": "string", "metadata": OBJECT_META, **fields},
        package,
    )


KINDS: dict[str, Struct] = {
    "Namespace": kind_type(
        "Namespace",
        spec=Struct("NamespaceSpec", {"finalizers": STRINGS}),
        status=Struct("NamespaceStatus", {"phase": "string", "conditions": OBJECTS}),
    ),
    "Node": kind_type(
        "Node",
        spec=Struct(
            "NodeSpec",
            {
                "podCIDR": "string",
                "podCIDRs": STRINGS,
                "providerID": "string",
                "unschedulable": "bool",
                "taints": OBJECTS,
            },
        ),
        status=Struct(
            "NodeStatus",
            {
                "capacity": MapOf("quantity"),
                "allocatable": MapOf("quantity"),
                "phase": "string",
                "conditions": CONDITIONS,
                "addresses": ListOf(Struct("NodeAddress", {"type": "string", "address": "string"})),
                "nodeInfo": "object",
            },
        ),
    ),
    "Pod": kind_type("Pod", spec=POD_SPEC, status=POD_STATUS),
    "Service": kind_type("Service", spec=SERVICE_SPEC, status=SERVICE_STATUS),
    "Endpoints": kind_type("Endpoints", subsets=ListOf(ENDPOINT_SUBSET)),
    "EndpointSlice": kind_type(
        "EndpointSlice",
        addressType="string",
        endpoints=ListOf(SLICE_ENDPOINT),
        ports=ListOf(SLICE_PORT),
    ),
    "Deployment": kind_type(
        "Deployment",
        spec=Struct(
            "DeploymentSpec",
            {
                "replicas": "int32",
                "selector": LABEL_SELECTOR,
                "template": POD_TEMPLATE_SPEC,
                "strategy": Struct(
                    "DeploymentStrategy", {"type": "string", "rollingUpdate": ROLLING}
                ),
                "minReadySeconds": "int32",
                "revisionHistoryLimit": "int32",
                "paused": "bool",
                "progressDeadlineSeconds": "int32",
            },
        ),
        status=Struct("DeploymentStatus", REPLICA_STATUS),
    ),
    "ReplicaSet": kind_type(
        "ReplicaSet",
        spec=Struct(
            "ReplicaSetSpec",
            {
                "replicas": "int32",
                "minReadySeconds": "int32",
                "selector": LABEL_SELECTOR,
                "template": POD_TEMPLATE_SPEC,
            },
        ),
        status=Struct("ReplicaSetStatus", REPLICA_STATUS),
    ),
    "StatefulSet": kind_type(
        "StatefulSet",
        spec=Struct(
            "StatefulSetSpec",
            {
                "replicas": "int32",
                "selector": LABEL_SELECTOR,
                "template": POD_TEMPLATE_SPEC,
                "volumeClaimTemplates": OBJECTS,
                "serviceName": "string",
                "podManagementPolicy": "string",
                "updateStrategy": "object",
                "revisionHistoryLimit": "int32",
                "minReadySeconds": "int32",
            },
        ),
        status=Struct("StatefulSetStatus", REPLICA_STATUS),
    ),
    "DaemonSet": kind_type(
        "DaemonSet",
        spec=Struct(
            "DaemonSetSpec",
            {
                "selector": LABEL_SELECTOR,
                "template": POD_TEMPLATE_SPEC,
                "updateStrategy": "object",
                "minReadySeconds": "int32",
                "revisionHistoryLimit": "int32",
            },
        ),
        status="object",
    ),
    "Job": kind_type(
        "Job",
        spec=Struct(
            "JobSpec",
            {
                "parallelism": "int32",
                "completions": "int32",
                "activeDeadlineSeconds": "int64",
                "backoffLimit": "int32",
                "selector": LABEL_SELECTOR,
                "manualSelector": "bool",
                "template": POD_TEMPLATE_SPEC,
                "ttlSecondsAfterFinished": "int32",
                "completionMode": "string",
                "suspend": "bool",
            },
        ),
        status="object",
    ),
}

DELETE_OPTIONS = Struct(
    "DeleteOptions",
    {
        "kind": "string",
        "apiVersion": "string",
        "gracePeriodSeconds": "int64",
        "preconditions": Struct("Preconditions", {"uid": "string", "resourceVersion": "string"}),
        "orphanDependents": "bool",
        "propagationPolicy": "string",
        "dryRun": STRINGS,
    },
)

SCALE = Struct(
    "Scale",
    {
        "kind": "string",
        "apiVersion": "string",
        "metadata": OBJECT_META,
        "spec": Struct("ScaleSpec", {"replicas": "int32"}),
        "status": "object",
    },
)
