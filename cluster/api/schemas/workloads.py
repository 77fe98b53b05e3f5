"""Deployment, ReplicaSet, StatefulSet, DaemonSet (apps/v1), Job (batch/v1) and Scale
(autoscaling/v1)."""

from __future__ import annotations

from ._dsl import (
    APPS,
    AUTOSCALING,
    BATCH,
    CORE,
    INTSTR,
    META,
    array,
    boolean,
    define,
    define_list,
    free_object,
    int64,
    integer,
    items_of,
    object_members,
    ref,
    string,
    time,
)

SELECTOR_DOC = (
    "A label query over pods that must match the template's labels. Cannot be changed "
    "after creation."
)
TEMPLATE_DOC = "The pods that are created."


def _conditions(name: str, what: str) -> dict:
    return array(
        items_of(name),
        f"The {what}'s conditions.",
        list_type="map",
        map_keys=["type"],
        merge_key="type",
    )


def _condition(name: str, what: str) -> None:
    define(
        name,
        f"One condition of a {what}.",
        {
            "lastTransitionTime": time("When the status last changed."),
            "lastUpdateTime": time("When the condition was last updated."),
            "message": string("Details of the last transition."),
            "reason": string("A CamelCase reason for the last transition."),
            "status": string("True, False or Unknown."),
            "type": string("The condition type."),
        },
        required=["type", "status"],
    )


# --- Deployment ----------------------------------------------------------------------------------
DEPLOYMENT = ("apps", "v1", "Deployment")
define(
    APPS + "Deployment",
    "Declarative updates for pods: a desired number of replicas of a pod template, rolled "
    "out through ReplicaSets.",
    object_members(APPS + "DeploymentSpec", APPS + "DeploymentStatus", "deployment"),
    gvk=DEPLOYMENT,
)
define_list(APPS + "Deployment", DEPLOYMENT, "deployments")
define(
    APPS + "DeploymentSpec",
    "The desired state of a deployment.",
    {
        "minReadySeconds": integer(
            "Seconds a new pod must be ready, without crashing, to count as available."
        ),
        "paused": boolean("Whether the rollout is paused."),
        "progressDeadlineSeconds": integer(
            "Seconds a rollout may make no progress before it is reported failed. Defaults to 600."
        ),
        "replicas": integer("The number of pods wanted. Defaults to 1."),
        "revisionHistoryLimit": integer("Old ReplicaSets kept for rollback. Defaults to 10."),
        "selector": ref(META + "LabelSelector", SELECTOR_DOC),
        "strategy": ref(
            APPS + "DeploymentStrategy", "How old pods are replaced by new ones.", default={}
        ),
        "template": ref(CORE + "PodTemplateSpec", TEMPLATE_DOC, default={}),
    },
    required=["selector", "template"],
)
define(
    APPS + "DeploymentStrategy",
    "How a deployment replaces pods.",
    {
        "rollingUpdate": ref(APPS + "RollingUpdateDeployment", "Parameters of a RollingUpdate."),
        "type": string(
            "Recreate kills all pods first; RollingUpdate replaces them gradually. Defaults "
            "to RollingUpdate.",
            enum=["Recreate", "RollingUpdate"],
        ),
    },
)
define(
    APPS + "RollingUpdateDeployment",
    "Parameters of a rolling update.",
    {
        "maxSurge": ref(
            INTSTR, "Pods allowed above the desired count during the update (number or %)."
        ),
        "maxUnavailable": ref(
            INTSTR, "Pods allowed to be unavailable during the update (number or %)."
        ),
    },
)
define(
    APPS + "DeploymentStatus",
    "The observed state of a deployment.",
    {
        "availableReplicas": integer("Pods available for at least minReadySeconds."),
        "collisionCount": integer("Hash collisions seen when naming ReplicaSets."),
        "conditions": _conditions(APPS + "DeploymentCondition", "deployment"),
        "observedGeneration": int64("The generation the controller last acted on."),
        "readyReplicas": integer("Pods that are ready."),
        "replicas": integer("Pods that exist."),
        "unavailableReplicas": integer("Pods still needed for 100% availability."),
        "updatedReplicas": integer("Pods running the current template."),
    },
)
_condition(APPS + "DeploymentCondition", "deployment")

# --- ReplicaSet ----------------------------------------------------------------------------------
REPLICASET = ("apps", "v1", "ReplicaSet")
define(
    APPS + "ReplicaSet",
    "Keeps a number of identical pods running.",
    object_members(APPS + "ReplicaSetSpec", APPS + "ReplicaSetStatus", "replica set"),
    gvk=REPLICASET,
)
define_list(APPS + "ReplicaSet", REPLICASET, "replica sets")
define(
    APPS + "ReplicaSetSpec",
    "The desired state of a replica set.",
    {
        "minReadySeconds": integer("Seconds a new pod must be ready to count as available."),
        "replicas": integer("The number of pods wanted. Defaults to 1."),
        "selector": ref(META + "LabelSelector", SELECTOR_DOC),
        "template": ref(CORE + "PodTemplateSpec", TEMPLATE_DOC, default={}),
    },
    required=["selector"],
)
define(
    APPS + "ReplicaSetStatus",
    "The observed state of a replica set.",
    {
        "availableReplicas": integer("Pods available for at least minReadySeconds."),
        "conditions": _conditions(APPS + "ReplicaSetCondition", "replica set"),
        "fullyLabeledReplicas": integer("Pods whose labels match the template's."),
        "observedGeneration": int64("The generation the controller last acted on."),
        "readyReplicas": integer("Pods that are ready."),
        "replicas": integer("Pods that exist."),
    },
    required=["replicas"],
)
_condition(APPS + "ReplicaSetCondition", "replica set")

# --- StatefulSet and DaemonSet (stored and reported; not run by the simulator) ------------------
STATEFULSET = ("apps", "v1", "StatefulSet")
define(
    APPS + "StatefulSet",
    "Pods with stable identities (name-0, name-1, …) and stable storage.",
    object_members(APPS + "StatefulSetSpec", APPS + "StatefulSetStatus", "stateful set"),
    gvk=STATEFULSET,
)
define_list(APPS + "StatefulSet", STATEFULSET, "stateful sets")
define(
    APPS + "StatefulSetSpec",
    "The desired state of a stateful set.",
    {
        "podManagementPolicy": string(
            "Whether pods start in order or in parallel.", enum=["OrderedReady", "Parallel"]
        ),
        "replicas": integer("The number of pods wanted. Defaults to 1."),
        "selector": ref(META + "LabelSelector", SELECTOR_DOC),
        "serviceName": string("The headless service that gives the pods their DNS names."),
        "template": ref(CORE + "PodTemplateSpec", TEMPLATE_DOC, default={}),
        "updateStrategy": free_object("How pods are replaced when the template changes."),
        "volumeClaimTemplates": array(free_object(), "Claims each pod gets."),
    },
    required=["selector", "template"],
)
define(
    APPS + "StatefulSetStatus",
    "The observed state of a stateful set.",
    {
        "availableReplicas": integer("Pods available for at least minReadySeconds."),
        "currentReplicas": integer("Pods at the current revision."),
        "observedGeneration": int64("The generation the controller last acted on."),
        "readyReplicas": integer("Pods that are ready."),
        "replicas": integer("Pods that exist."),
        "updatedReplicas": integer("Pods at the update revision."),
    },
    required=["replicas"],
)
DAEMONSET = ("apps", "v1", "DaemonSet")
define(
    APPS + "DaemonSet",
    "Runs a copy of a pod on every (selected) node.",
    object_members(APPS + "DaemonSetSpec", APPS + "DaemonSetStatus", "daemon set"),
    gvk=DAEMONSET,
)
define_list(APPS + "DaemonSet", DAEMONSET, "daemon sets")
define(
    APPS + "DaemonSetSpec",
    "The desired state of a daemon set.",
    {
        "minReadySeconds": integer("Seconds a new pod must be ready to count as available."),
        "selector": ref(META + "LabelSelector", SELECTOR_DOC),
        "template": ref(CORE + "PodTemplateSpec", TEMPLATE_DOC, default={}),
        "updateStrategy": free_object("How pods are replaced when the template changes."),
    },
    required=["selector", "template"],
)
define(
    APPS + "DaemonSetStatus",
    "The observed state of a daemon set.",
    {
        "currentNumberScheduled": integer("Nodes running at least one daemon pod."),
        "desiredNumberScheduled": integer("Nodes that should run the daemon pod."),
        "numberAvailable": integer("Nodes whose daemon pod is available."),
        "numberMisscheduled": integer("Nodes running the pod that should not."),
        "numberReady": integer("Nodes whose daemon pod is ready."),
        "observedGeneration": int64("The generation the controller last acted on."),
        "updatedNumberScheduled": integer("Nodes running the current template."),
    },
    required=[
        "currentNumberScheduled",
        "numberMisscheduled",
        "desiredNumberScheduled",
        "numberReady",
    ],
)

# --- Job ------------------------------------------------------------------------------------------
JOB = ("batch", "v1", "Job")
define(
    BATCH + "Job",
    "Runs pods until a number of them complete successfully.",
    object_members(BATCH + "JobSpec", BATCH + "JobStatus", "job"),
    gvk=JOB,
)
define_list(BATCH + "Job", JOB, "jobs")
define(
    BATCH + "JobSpec",
    "The desired state of a job.",
    {
        "activeDeadlineSeconds": int64("Seconds the job may run before it is failed."),
        "backoffLimit": integer("Retries before the job is failed. Defaults to 6."),
        "completionMode": string("How completions are tracked.", enum=["Indexed", "NonIndexed"]),
        "completions": integer("Successful pods wanted. Defaults to 1 unless unset."),
        "parallelism": integer("Pods running at once. Defaults to 1."),
        "selector": ref(META + "LabelSelector", "A label query over the job's pods."),
        "suspend": boolean("Whether the job's pods are stopped."),
        "template": ref(CORE + "PodTemplateSpec", TEMPLATE_DOC, default={}),
        "ttlSecondsAfterFinished": integer("Seconds after finishing before the job is deleted."),
    },
    required=["template"],
)
define(
    BATCH + "JobStatus",
    "The observed state of a job.",
    {
        "active": integer("Pods running."),
        "completionTime": time("When the job completed."),
        "conditions": array(
            items_of(BATCH + "JobCondition"),
            "The job's conditions (Complete, Failed, Suspended, …).",
            list_type="atomic",
        ),
        "failed": integer("Pods that failed."),
        "ready": integer("Pods that are ready."),
        "startTime": time("When the job started."),
        "succeeded": integer("Pods that succeeded."),
    },
)
define(
    BATCH + "JobCondition",
    "One condition of a job.",
    {
        "lastProbeTime": time("When the condition was last checked."),
        "lastTransitionTime": time("When the status last changed."),
        "message": string("Details of the last transition."),
        "reason": string("A CamelCase reason for the last transition."),
        "status": string("True, False or Unknown."),
        "type": string("The condition type."),
    },
    required=["type", "status"],
)

# --- Scale ----------------------------------------------------------------------------------------
SCALE = ("autoscaling", "v1", "Scale")
define(
    AUTOSCALING + "Scale",
    "The scale subresource of a scalable object.",
    object_members(AUTOSCALING + "ScaleSpec", AUTOSCALING + "ScaleStatus", "scale"),
    gvk=SCALE,
)
define(
    AUTOSCALING + "ScaleSpec",
    "The desired scale.",
    {"replicas": integer("The number of replicas wanted.")},
)
define(
    AUTOSCALING + "ScaleStatus",
    "The observed scale.",
    {
        "replicas": integer("The number of replicas observed."),
        "selector": string("The pods' label selector, in query-string form."),
    },
    required=["replicas"],
)
