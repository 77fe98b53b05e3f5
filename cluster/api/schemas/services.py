"""Service, Endpoints (core/v1) and EndpointSlice (discovery.k8s.io/v1)."""

from __future__ import annotations

from ._dsl import (
    CORE,
    DISCOVERY,
    INTSTR,
    array,
    boolean,
    define,
    define_list,
    integer,
    items_of,
    object_members,
    ref,
    string,
    string_items,
    string_map,
)

SERVICE = ("", "v1", "Service")
define(
    CORE + "Service",
    "A named, stable network endpoint for a set of pods chosen by a label selector: a "
    "virtual IP and ports that the proxy spreads over the matching pods.",
    object_members(CORE + "ServiceSpec", CORE + "ServiceStatus", "service"),
    gvk=SERVICE,
)
define_list(CORE + "Service", SERVICE, "services")
define(
    CORE + "ServiceSpec",
    "The attributes a user sets on a service.",
    {
        "allocateLoadBalancerNodePorts": boolean(
            "Whether node ports are allocated for a LoadBalancer service. Defaults to true."
        ),
        "clusterIP": string(
            'The service\'s virtual IP, usually allocated at random by the server. "None" '
            "makes a headless service. Cannot change except to or from ExternalName."
        ),
        "clusterIPs": array(
            string_items(),
            "The cluster IPs, at most one per IP family; the first equals clusterIP.",
        ),
        "externalIPs": array(
            string_items(),
            "Extra IPs on which the nodes also accept traffic for this service. Not managed "
            "by Kubernetes.",
        ),
        "externalName": string(
            "The DNS name this service aliases (a CNAME) when type is ExternalName."
        ),
        "externalTrafficPolicy": string(
            "How traffic arriving from outside the cluster is routed to endpoints.",
            enum=["Cluster", "Local"],
        ),
        "healthCheckNodePort": integer(
            "The node port for health checks of a LoadBalancer service with Local traffic "
            "policy. Allocated when omitted."
        ),
        "internalTrafficPolicy": string(
            "How traffic from inside the cluster is routed to endpoints.",
            enum=["Cluster", "Local"],
        ),
        "ipFamilies": array(
            string(enum=["", "IPv4", "IPv6"]),
            "The IP families (IPv4, IPv6) of the service, in order of clusterIPs.",
        ),
        "ipFamilyPolicy": string(
            "Whether the service gets one or two IP families.",
            enum=["PreferDualStack", "RequireDualStack", "SingleStack"],
        ),
        "loadBalancerClass": string("The load balancer implementation this service uses."),
        "loadBalancerIP": string("Deprecated: the requested load balancer IP."),
        "loadBalancerSourceRanges": array(
            string_items(), "Client CIDRs a cloud load balancer admits."
        ),
        "ports": array(
            items_of(CORE + "ServicePort"),
            "The ports the service exposes.",
            list_type="map",
            map_keys=["port", "protocol"],
            merge_key="port",
        ),
        "publishNotReadyAddresses": boolean("Whether endpoints include pods that are not ready."),
        "selector": string_map(
            "Pods whose labels match every pair receive the service's traffic. Without a "
            "selector the endpoints are managed by hand."
        ),
        "sessionAffinity": string(
            "Whether connections from one client go to the same pod.",
            enum=["ClientIP", "None"],
        ),
        "sessionAffinityConfig": ref(
            CORE + "SessionAffinityConfig", "Settings for session affinity."
        ),
        "trafficDistribution": string("A preference for how traffic is spread to endpoints."),
        "type": string(
            "How the service is exposed: a cluster IP only, also a port on every node, also "
            "a cloud load balancer, or a DNS alias.",
            enum=["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        ),
    },
)
define(
    CORE + "ServicePort",
    "One port a service exposes.",
    {
        "appProtocol": string("The application protocol, for example http or kubernetes.io/h2c."),
        "name": string(
            "The port's name (a DNS label). Required when the service has more than one port."
        ),
        "nodePort": integer(
            "The port on every node for NodePort and LoadBalancer services. Allocated when omitted."
        ),
        "port": integer("The port the service listens on."),
        "protocol": string("The IP protocol. Defaults to TCP.", enum=["SCTP", "TCP", "UDP"]),
        "targetPort": ref(
            INTSTR,
            "The pod port traffic goes to: a number, or the name of a container port. "
            "Defaults to port.",
        ),
    },
    required=["port"],
)
define(
    CORE + "SessionAffinityConfig",
    "Session affinity settings.",
    {"clientIP": ref(CORE + "ClientIPConfig", "Settings for ClientIP affinity.")},
)
define(
    CORE + "ClientIPConfig",
    "ClientIP session affinity settings.",
    {"timeoutSeconds": integer("How long a client sticks to a pod. Defaults to 10800.")},
)
define(
    CORE + "ServiceStatus",
    "The observed state of a service.",
    {
        "conditions": array(
            items_of("io.k8s.apimachinery.pkg.apis.meta.v1.Condition"),
            "The service's conditions.",
            list_type="map",
            map_keys=["type"],
            merge_key="type",
        ),
        "loadBalancer": ref(CORE + "LoadBalancerStatus", "The load balancer, if any.", default={}),
    },
)
define(
    "io.k8s.apimachinery.pkg.apis.meta.v1.Condition",
    "One aspect of an object's current state.",
    {
        "lastTransitionTime": ref(
            "io.k8s.apimachinery.pkg.apis.meta.v1.Time", "When the status last changed."
        ),
        "message": string("Details of the transition."),
        "observedGeneration": integer("The generation the condition was set for.", fmt="int64"),
        "reason": string("A CamelCase reason for the last transition."),
        "status": string("True, False or Unknown."),
        "type": string("The condition type."),
    },
    required=["type", "status", "lastTransitionTime", "reason", "message"],
)
define(
    CORE + "LoadBalancerStatus",
    "The state of a load balancer.",
    {
        "ingress": array(
            items_of(CORE + "LoadBalancerIngress"),
            "The load balancer's ingress points.",
        )
    },
)
define(
    CORE + "LoadBalancerIngress",
    "One ingress point of a load balancer.",
    {
        "hostname": string("A DNS name (for load balancers that use names)."),
        "ip": string("An IP address."),
        "ipMode": string("How traffic addressed to the IP is delivered (VIP or Proxy)."),
        "ports": array(items_of(CORE + "PortStatus"), "Per-port status."),
    },
)
define(
    CORE + "PortStatus",
    "The status of one service port on a load balancer.",
    {
        "error": string("Why the port is in error, when it is."),
        "port": integer("The port number."),
        "protocol": string("The protocol.", enum=["SCTP", "TCP", "UDP"]),
    },
    required=["port", "protocol"],
)

# --- Endpoints -----------------------------------------------------------------------------------
ENDPOINTS = ("", "v1", "Endpoints")
define(
    CORE + "Endpoints",
    "The addresses and ports that implement a service, grouped in subsets (each a set of "
    "addresses sharing a set of ports). Superseded by EndpointSlices.",
    {
        **object_members(None, None, "endpoints"),
        "subsets": array(
            items_of(CORE + "EndpointSubset"),
            "Groups of addresses that share ports. The union of the subsets is the full set "
            "of endpoints.",
        ),
    },
    gvk=ENDPOINTS,
)
define_list(CORE + "Endpoints", ENDPOINTS, "endpoints")
define(
    CORE + "EndpointSubset",
    "Addresses that all expose the same ports.",
    {
        "addresses": array(items_of(CORE + "EndpointAddress"), "Ready addresses."),
        "notReadyAddresses": array(
            items_of(CORE + "EndpointAddress"), "Addresses that are not ready yet."
        ),
        "ports": array(items_of(CORE + "EndpointPort"), "The ports at every address."),
    },
)
define(
    CORE + "EndpointAddress",
    "One endpoint address.",
    {
        "hostname": string("The endpoint's hostname."),
        "ip": string("The IP address."),
        "nodeName": string("The node hosting the endpoint."),
        "targetRef": ref(CORE + "ObjectReference", "The object (usually a pod) behind it."),
    },
    required=["ip"],
)
define(
    CORE + "EndpointPort",
    "One port of an endpoint subset.",
    {
        "appProtocol": string("The application protocol."),
        "name": string("Matches the service port's name; optional with a single port."),
        "port": integer("The port number."),
        "protocol": string("The IP protocol. Defaults to TCP.", enum=["SCTP", "TCP", "UDP"]),
    },
    required=["port"],
)
define(
    CORE + "ObjectReference",
    "A reference to another object.",
    {
        "apiVersion": string("API version of the referent."),
        "fieldPath": string("A field within the referent, such as a container."),
        "kind": string("Kind of the referent."),
        "name": string("Name of the referent."),
        "namespace": string("Namespace of the referent."),
        "resourceVersion": string("The referent's resourceVersion, when relevant."),
        "uid": string("UID of the referent."),
    },
)

# --- EndpointSlice -------------------------------------------------------------------------------
SLICE = ("discovery.k8s.io", "v1", "EndpointSlice")
define(
    DISCOVERY + "EndpointSlice",
    "A subset of the endpoints of a service, of one address type. The label "
    "kubernetes.io/service-name names the service.",
    {
        **object_members(None, None, "endpoint slice"),
        "addressType": string(
            "The type of every address in the slice. Cannot be updated.",
            enum=["FQDN", "IPv4", "IPv6"],
        ),
        "endpoints": array(items_of(DISCOVERY + "Endpoint"), "The endpoints (at most 1000)."),
        "ports": array(
            items_of(DISCOVERY + "EndpointPort"),
            "The ports every endpoint exposes. Empty means no ports; a port with no number "
            "means all ports.",
        ),
    },
    required=["addressType", "endpoints"],
    gvk=SLICE,
)
define_list(DISCOVERY + "EndpointSlice", SLICE, "endpoint slices")
define(
    DISCOVERY + "Endpoint",
    "One endpoint of a slice.",
    {
        "addresses": array(
            string_items(), "The endpoint's addresses (consumers use the first).", list_type="set"
        ),
        "conditions": ref(DISCOVERY + "EndpointConditions", "The endpoint's state.", default={}),
        "deprecatedTopology": string_map("Deprecated topology labels."),
        "hints": ref(DISCOVERY + "EndpointHints", "Routing hints."),
        "hostname": string("The endpoint's hostname."),
        "nodeName": string("The node hosting the endpoint."),
        "targetRef": ref(CORE + "ObjectReference", "The object (usually a pod) behind it."),
        "zone": string("The zone the endpoint is in."),
    },
    required=["addresses"],
)
define(
    DISCOVERY + "EndpointConditions",
    "The current state of an endpoint.",
    {
        "ready": boolean("Whether the endpoint is ready for traffic."),
        "serving": boolean("Whether the endpoint can serve, even while terminating."),
        "terminating": boolean("Whether the endpoint is terminating."),
    },
)
define(
    DISCOVERY + "EndpointHints",
    "Hints for routing to an endpoint.",
    {"forZones": array(items_of(DISCOVERY + "ForZone"), "Zones that should use it.")},
)
define(DISCOVERY + "ForZone", "A zone.", {"name": string("The zone name.")}, required=["name"])
define(
    DISCOVERY + "EndpointPort",
    "One port of an endpoint slice.",
    {
        "appProtocol": string("The application protocol."),
        "name": string("Matches the service port's name."),
        "port": integer("The port number; empty means all ports."),
        "protocol": string("The IP protocol. Defaults to TCP.", enum=["SCTP", "TCP", "UDP"]),
    },
)
