"""Namespace and Node (core/v1)."""

from __future__ import annotations

from ._dsl import (
    CORE,
    QUANTITY,
    array,
    boolean,
    define,
    define_list,
    items_of,
    map_of,
    object_members,
    ref,
    string,
    string_items,
    time,
)

NAMESPACE = ("", "v1", "Namespace")
define(
    CORE + "Namespace",
    "A scope for names: most objects live in a namespace, and names are unique within it.",
    object_members(CORE + "NamespaceSpec", CORE + "NamespaceStatus", "namespace"),
    gvk=NAMESPACE,
)
define_list(CORE + "Namespace", NAMESPACE, "namespaces")
define(
    CORE + "NamespaceSpec",
    "The desired state of a namespace.",
    {
        "finalizers": array(
            string_items(),
            "Values that must be removed before the namespace is deleted from storage.",
        )
    },
)
define(
    CORE + "NamespaceStatus",
    "The observed state of a namespace.",
    {
        "conditions": array({"type": "object"}, "The namespace's conditions."),
        "phase": string(
            "Active, or Terminating while its contents are being deleted.",
            enum=["Active", "Terminating"],
        ),
    },
)
NODE = ("", "v1", "Node")
define(
    CORE + "Node",
    "A worker machine that runs pods.",
    object_members(CORE + "NodeSpec", CORE + "NodeStatus", "node"),
    gvk=NODE,
)
define_list(CORE + "Node", NODE, "nodes")
define(
    CORE + "NodeSpec",
    "The desired state of a node.",
    {
        "podCIDR": string("The pod IP range assigned to the node."),
        "podCIDRs": array(string_items(), "The pod IP ranges, one per family.", list_type="set"),
        "providerID": string("The cloud provider's ID for the node."),
        "taints": array(items_of(CORE + "Taint"), "Taints that repel pods."),
        "unschedulable": boolean("If true, no new pods are scheduled onto the node."),
    },
)
define(
    CORE + "Taint",
    "A mark on a node that repels pods that do not tolerate it.",
    {
        "effect": string(
            "What happens to pods that do not tolerate the taint.",
            enum=["NoExecute", "NoSchedule", "PreferNoSchedule"],
        ),
        "key": string("The taint key."),
        "timeAdded": time("When a NoExecute taint was added."),
        "value": string("The taint value."),
    },
    required=["key", "effect"],
)
define(
    CORE + "NodeStatus",
    "The observed state of a node.",
    {
        "addresses": array(
            items_of(CORE + "NodeAddress"),
            "The node's addresses.",
            list_type="map",
            map_keys=["type"],
            merge_key="type",
        ),
        "allocatable": map_of(QUANTITY, "Resources available to pods."),
        "capacity": map_of(QUANTITY, "The node's total resources."),
        "conditions": array(
            items_of(CORE + "NodeCondition"),
            "The node's conditions, such as Ready.",
            list_type="map",
            map_keys=["type"],
            merge_key="type",
        ),
        "nodeInfo": ref(
            CORE + "NodeSystemInfo", "Versions and identifiers reported by the node.", default={}
        ),
        "phase": string("Deprecated and unused."),
    },
)
define(
    CORE + "NodeAddress",
    "One address of a node.",
    {
        "address": string("The address."),
        "type": string(
            "The address type.",
            enum=["ExternalDNS", "ExternalIP", "Hostname", "InternalDNS", "InternalIP"],
        ),
    },
    required=["type", "address"],
)
define(
    CORE + "NodeCondition",
    "One condition of a node.",
    {
        "lastHeartbeatTime": time("When the condition was last reported."),
        "lastTransitionTime": time("When the status last changed."),
        "message": string("Details of the last transition."),
        "reason": string("A CamelCase reason for the last transition."),
        "status": string("True, False or Unknown."),
        "type": string("The condition type, such as Ready."),
    },
    required=["type", "status"],
)
define(
    CORE + "NodeSystemInfo",
    "Versions and identifiers reported by a node.",
    {
        "architecture": string("The CPU architecture."),
        "bootID": string("Changes on every boot."),
        "containerRuntimeVersion": string("The container runtime and its version."),
        "kernelVersion": string("The kernel version."),
        "kubeProxyVersion": string("Deprecated."),
        "kubeletVersion": string("The kubelet version."),
        "machineID": string("The machine ID."),
        "operatingSystem": string("The operating system."),
        "osImage": string("The OS image."),
        "systemUUID": string("The system UUID."),
    },
    required=[
        "machineID",
        "systemUUID",
        "bootID",
        "kernelVersion",
        "osImage",
        "containerRuntimeVersion",
        "kubeletVersion",
        "kubeProxyVersion",
        "operatingSystem",
        "architecture",
    ],
)
