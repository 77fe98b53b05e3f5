from .access import AccessGrant, ApiToken, Role
from .base import ChangeEvent, EventType, KubeObject, Revision
from .namespaces import Namespace
from .networking import ClusterIPAllocation, Endpoints, EndpointSlice, NodePortAllocation, Service
from .nodes import Node
from .workloads import DaemonSet, Deployment, Job, Pod, ReplicaSet, StatefulSet

__all__ = [
    "AccessGrant",
    "ApiToken",
    "ChangeEvent",
    "ClusterIPAllocation",
    "DaemonSet",
    "Deployment",
    "EndpointSlice",
    "Endpoints",
    "EventType",
    "Job",
    "KubeObject",
    "Namespace",
    "Node",
    "NodePortAllocation",
    "Pod",
    "ReplicaSet",
    "Revision",
    "Role",
    "Service",
    "StatefulSet",
]
