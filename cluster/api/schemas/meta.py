"""``meta/v1`` and the apimachinery value types: object and list metadata, selectors,
Status, DeleteOptions, WatchEvent and the discovery documents."""

from __future__ import annotations

from ._dsl import (
    API_VERSION_DOC,
    INTSTR,
    KIND_DOC,
    META,
    QUANTITY,
    VERSION_INFO,
    array,
    boolean,
    define,
    define_raw,
    free_object,
    int64,
    integer,
    items_of,
    ref,
    string,
    string_items,
    string_map,
    time,
)

define_raw(
    META + "Time",
    {
        "description": "A timestamp in RFC 3339 form, in UTC.",
        "type": "string",
        "format": "date-time",
    },
)
define_raw(
    INTSTR,
    {
        "description": "A value that is either a 32-bit integer or a string, for example a "
        "port number or a port name.",
        "oneOf": [{"type": "integer"}, {"type": "string"}],
        "format": "int-or-string",
    },
)
define_raw(
    QUANTITY,
    {
        "description": "A fixed-point amount such as 100m, 2Gi or 1.5, with an optional "
        "decimal (k, M, G...) or binary (Ki, Mi, Gi...) suffix.",
        "oneOf": [{"type": "string"}, {"type": "number"}],
    },
)

define(
    META + "ObjectMeta",
    "Metadata every persisted object has: its identity, labels and annotations, owners and "
    "the fields the server maintains.",
    {
        "annotations": string_map(
            "Unstructured key/value data attached to the object by tools and users; not "
            "used for selection."
        ),
        "creationTimestamp": time(
            "When the server created the object. Set by the server; read-only for clients."
        ),
        "deletionGracePeriodSeconds": int64(
            "Seconds allowed for graceful termination once deletion was requested. Read-only."
        ),
        "deletionTimestamp": time(
            "When deletion was requested. The object stays until its finalizers are "
            "removed. Set by the server; read-only."
        ),
        "finalizers": array(
            string_items(),
            "Keys that must be removed before the object is deleted from storage.",
            list_type="set",
        ),
        "generateName": string(
            "A prefix the server uses to generate a unique name when name is empty."
        ),
        "generation": int64(
            "A sequence number for changes to the desired state. Set by the server."
        ),
        "labels": string_map(
            "Key/value pairs used to organize and select objects (label selectors)."
        ),
        "managedFields": array(
            items_of(META + "ManagedFieldsEntry"),
            "Which field managers own which fields. Maintained by the server.",
        ),
        "name": string(
            "The object's name, unique within its namespace (or within the cluster for "
            "cluster-scoped kinds). Required on create unless generateName is set. Cannot be "
            "updated."
        ),
        "namespace": string(
            "The namespace the object lives in; empty for cluster-scoped kinds. Cannot be updated."
        ),
        "ownerReferences": array(
            items_of(META + "OwnerReference"),
            "Objects this object depends on. When every owner is gone the object is "
            "garbage collected; at most one owner may be the controller.",
            list_type="map",
            map_keys=["uid"],
            merge_key="uid",
        ),
        "resourceVersion": string(
            "An opaque value that changes whenever the object changes; used for optimistic "
            "concurrency and watches. Set by the server."
        ),
        "selfLink": string("Deprecated and no longer set."),
        "uid": string(
            "A unique identifier for this object for its whole lifetime. Set by the server."
        ),
    },
)
define(
    META + "ListMeta",
    "Metadata of a list response.",
    {
        "continue": string(
            "Set when the list was cut short by a limit: pass it back to get the next page."
        ),
        "remainingItemCount": int64("How many items remain after this page, when known."),
        "resourceVersion": string(
            "The revision of the list; start a watch from it to see only later changes."
        ),
        "selfLink": string("Deprecated and no longer set."),
    },
)
define(
    META + "OwnerReference",
    "Identifies an owner of an object, which must be in the same namespace (or be cluster-scoped).",
    {
        "apiVersion": string("API version of the owner."),
        "blockOwnerDeletion": boolean(
            "If true, the owner cannot be removed from storage (foreground deletion) until "
            "this reference is removed."
        ),
        "controller": boolean("If true, this owner is the managing controller."),
        "kind": string("Kind of the owner."),
        "name": string("Name of the owner."),
        "uid": string("UID of the owner."),
    },
    required=["apiVersion", "kind", "name", "uid"],
)
define(
    META + "ManagedFieldsEntry",
    "A field manager, the operation it performed and the set of fields it owns.",
    {
        "apiVersion": string("Version of the fields described."),
        "fieldsType": string("Format of fieldsV1; FieldsV1 is the only one."),
        "fieldsV1": free_object("The owned fields, as a tree of field names."),
        "manager": string("Name of the field manager."),
        "operation": string("Apply or Update."),
        "subresource": string("The subresource written, if any."),
        "time": time("When these fields last changed."),
    },
)
define(
    META + "LabelSelector",
    "A label query. The requirements are ANDed; an empty selector matches everything and a "
    "missing one matches nothing.",
    {
        "matchExpressions": array(
            items_of(META + "LabelSelectorRequirement"), "Set-based requirements."
        ),
        "matchLabels": string_map("Equality requirements: each key must have exactly this value."),
    },
)
define(
    META + "LabelSelectorRequirement",
    "One set-based requirement on a label key.",
    {
        "key": string("The label key the requirement applies to."),
        "operator": string("How the key relates to the values: In, NotIn, Exists or DoesNotExist."),
        "values": array(
            string_items(),
            "Values for In and NotIn (non-empty); must be empty for Exists and DoesNotExist.",
        ),
    },
    required=["key", "operator"],
)
define(
    META + "Status",
    "The result of an operation that does not return an object, and every error.",
    {
        "apiVersion": string(API_VERSION_DOC),
        "code": integer("The HTTP status code, when there is one."),
        "details": ref(META + "StatusDetails", "Extra data about the reason."),
        "kind": string(KIND_DOC),
        "message": string("A human-readable description of the status."),
        "metadata": ref(META + "ListMeta", "Standard list metadata.", default={}),
        "reason": string(
            "A machine-readable reason for a Failure, such as NotFound or AlreadyExists."
        ),
        "status": string("Success or Failure."),
    },
    gvk=("", "v1", "Status"),
)
define(
    META + "StatusDetails",
    "The object an error concerns and the causes of an invalid request.",
    {
        "causes": array(items_of(META + "StatusCause"), "One entry per problem found."),
        "group": string("API group of the resource."),
        "kind": string("Kind (or resource) of the object."),
        "name": string("Name of the object."),
        "retryAfterSeconds": integer("Seconds to wait before retrying, when set."),
        "uid": string("UID of the object."),
    },
)
define(
    META + "StatusCause",
    "One problem with a request, usually tied to a field.",
    {
        "field": string("The field at fault, as a path such as spec.ports[0].port."),
        "message": string("A human-readable description of the problem."),
        "reason": string("A machine-readable reason such as FieldValueInvalid."),
    },
)
define(
    META + "Preconditions",
    "Conditions that must hold for a delete to go ahead.",
    {
        "resourceVersion": string("The object's resourceVersion must match."),
        "uid": string("The object's UID must match."),
    },
)
define(
    META + "DeleteOptions",
    "Options for a delete request.",
    {
        "apiVersion": string(API_VERSION_DOC),
        "dryRun": array(string_items(), "All: go through every step except persisting."),
        "gracePeriodSeconds": int64("Seconds before the object is deleted; 0 is immediate."),
        "kind": string(KIND_DOC),
        "orphanDependents": boolean("Deprecated: use propagationPolicy."),
        "preconditions": ref(META + "Preconditions", "Must hold for the delete to proceed."),
        "propagationPolicy": string(
            "What happens to dependents: Orphan, Background or Foreground."
        ),
    },
)
define(
    META + "WatchEvent",
    "One event of a watch stream.",
    {
        "object": free_object(
            "The object: its new state for ADDED and MODIFIED, its last state for DELETED, "
            "a Status for ERROR."
        ),
        "type": string("ADDED, MODIFIED, DELETED, BOOKMARK or ERROR."),
    },
    required=["type", "object"],
)

# --- discovery ---------------------------------------------------------------------------------
define(
    META + "APIResource",
    "One resource served by a group-version.",
    {
        "categories": array(string_items(), "Groupings such as all."),
        "group": string("The group of a subresource's kind, when it differs."),
        "kind": string("The kind of the resource."),
        "name": string("The plural resource name, or resource/subresource."),
        "namespaced": boolean("Whether the resource lives in namespaces."),
        "shortNames": array(string_items(), "Abbreviations such as svc."),
        "singularName": string("The singular resource name."),
        "verbs": array(string_items(), "The verbs the resource supports."),
        "version": string("The version of a subresource's kind, when it differs."),
    },
    required=["name", "singularName", "namespaced", "kind", "verbs"],
)
define(
    META + "APIResourceList",
    "The resources a group-version serves.",
    {
        "apiVersion": string(API_VERSION_DOC),
        "groupVersion": string("The group-version described."),
        "kind": string(KIND_DOC),
        "resources": array(items_of(META + "APIResource"), "The resources."),
    },
    required=["groupVersion", "resources"],
    gvk=("", "v1", "APIResourceList"),
)
define(
    META + "GroupVersionForDiscovery",
    "A group-version, as group/version and as version alone.",
    {
        "groupVersion": string("group/version."),
        "version": string("The version."),
    },
    required=["groupVersion", "version"],
)
define(
    META + "ServerAddressByClientCIDR",
    "The server address to use for clients in a CIDR.",
    {
        "clientCIDR": string("The client network."),
        "serverAddress": string("host:port to use."),
    },
    required=["clientCIDR", "serverAddress"],
)
define(
    META + "APIGroup",
    "A named API group and its versions.",
    {
        "apiVersion": string(API_VERSION_DOC),
        "kind": string(KIND_DOC),
        "name": string("The group name."),
        "preferredVersion": ref(META + "GroupVersionForDiscovery", "The preferred version."),
        "serverAddressByClientCIDRs": array(
            items_of(META + "ServerAddressByClientCIDR"), "Server addresses by client network."
        ),
        "versions": array(items_of(META + "GroupVersionForDiscovery"), "The versions served."),
    },
    required=["name", "versions"],
    gvk=("", "v1", "APIGroup"),
)
define(
    META + "APIGroupList",
    "The named API groups (legacy discovery of /apis).",
    {
        "apiVersion": string(API_VERSION_DOC),
        "groups": array(items_of(META + "APIGroup"), "The groups."),
        "kind": string(KIND_DOC),
    },
    required=["groups"],
    gvk=("", "v1", "APIGroupList"),
)
define(
    META + "APIVersions",
    "The versions of the core group (legacy discovery of /api).",
    {
        "apiVersion": string(API_VERSION_DOC),
        "kind": string(KIND_DOC),
        "serverAddressByClientCIDRs": array(
            items_of(META + "ServerAddressByClientCIDR"), "Server addresses by client network."
        ),
        "versions": array(string_items(), "The versions served."),
    },
    required=["versions", "serverAddressByClientCIDRs"],
    gvk=("", "v1", "APIVersions"),
)
define(
    VERSION_INFO,
    "The server's version.",
    {
        "buildDate": string(),
        "compiler": string(),
        "gitCommit": string(),
        "gitTreeState": string(),
        "gitVersion": string(),
        "goVersion": string(),
        "major": string("The Kubernetes major version."),
        "minor": string("The Kubernetes minor version; kubectl dispatchers pick a client by it."),
        "platform": string(),
    },
    required=["major", "minor", "gitVersion", "platform"],
)
define_raw(
    META + "Patch",
    {
        "description": "A PATCH request body; its format is given by the Content-Type (JSON "
        "patch, merge patch or apply configuration).",
        "type": "object",
    },
)
