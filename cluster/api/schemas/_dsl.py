"""A small vocabulary for writing OpenAPI v3 component schemas as data.

Property helpers return OpenAPI fragments; ``define`` registers a named component. References
use the ``allOf: [$ref]`` form the apiserver publishes, so a description can sit beside them
(``kubectl explain`` prints the referenced type's short name, e.g. ``<ServiceSpec>``)."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

CORE = "io.k8s.api.core.v1."
APPS = "io.k8s.api.apps.v1."
BATCH = "io.k8s.api.batch.v1."
DISCOVERY = "io.k8s.api.discovery.v1."
AUTOSCALING = "io.k8s.api.autoscaling.v1."
META = "io.k8s.apimachinery.pkg.apis.meta.v1."
INTSTR = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
VERSION_INFO = "io.k8s.apimachinery.pkg.version.Info"

SCHEMAS: dict[str, Schema] = {}


def ref_path(name: str) -> str:
    return f"#/components/schemas/{name}"


def _described(schema: Schema, description: str) -> Schema:
    if description:
        schema["description"] = description
    return schema


def string(description: str = "", *, enum: list[str] | None = None, fmt: str = "") -> Schema:
    schema: Schema = {"type": "string", "default": ""}
    if fmt:
        schema["format"] = fmt
        schema.pop("default")
    if enum:
        schema["enum"] = list(enum)
    return _described(schema, description)


def integer(description: str = "", *, fmt: str = "int32", default: int | None = None) -> Schema:
    schema: Schema = {"type": "integer", "format": fmt}
    if default is not None:
        schema["default"] = default
    return _described(schema, description)


def int64(description: str = "") -> Schema:
    return integer(description, fmt="int64")


def boolean(description: str = "") -> Schema:
    return _described({"type": "boolean"}, description)


def time(description: str = "") -> Schema:
    """``metav1.Time``: an RFC 3339 timestamp."""
    return ref(META + "Time", description)


def ref(name: str, description: str = "", *, default: Any = None) -> Schema:
    schema: Schema = {"allOf": [{"$ref": ref_path(name)}]}
    if default is not None:
        schema["default"] = default
    return _described(schema, description)


def array(
    item: Schema,
    description: str = "",
    *,
    list_type: str = "atomic",
    map_keys: list[str] | None = None,
    merge_key: str = "",
) -> Schema:
    schema: Schema = {"type": "array", "items": item, "x-kubernetes-list-type": list_type}
    if map_keys:
        schema["x-kubernetes-list-map-keys"] = list(map_keys)
    if merge_key:
        schema["x-kubernetes-patch-merge-key"] = merge_key
        schema["x-kubernetes-patch-strategy"] = "merge"
    return _described(schema, description)


def items_of(name: str) -> Schema:
    """An array item that references a named schema."""
    return {"allOf": [{"$ref": ref_path(name)}], "default": {}}


def string_items() -> Schema:
    return {"type": "string", "default": ""}


def string_map(description: str = "") -> Schema:
    return _described(
        {"type": "object", "additionalProperties": {"type": "string", "default": ""}},
        description,
    )


def map_of(name: str, description: str = "") -> Schema:
    return _described(
        {"type": "object", "additionalProperties": {"allOf": [{"$ref": ref_path(name)}]}},
        description,
    )


def free_object(description: str = "") -> Schema:
    return _described({"type": "object", "x-kubernetes-preserve-unknown-fields": True}, description)


def define(
    name: str,
    description: str,
    properties: dict[str, Schema],
    *,
    required: list[str] | None = None,
    gvk: tuple[str, str, str] | None = None,
) -> str:
    schema: Schema = {"description": description, "type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if gvk is not None:
        group, version, kind = gvk
        schema["x-kubernetes-group-version-kind"] = [
            {"group": group, "version": version, "kind": kind}
        ]
    SCHEMAS[name] = schema
    return name


def define_raw(name: str, schema: Schema) -> str:
    SCHEMAS[name] = schema
    return name


# --- the members every top-level object and list shares ------------------------------------
API_VERSION_DOC = (
    "The versioned schema of this representation, for example v1 or apps/v1. The server "
    "fills it in from the request path when it is omitted."
)
KIND_DOC = "The kind of object this document represents, in CamelCase, for example Service."


def object_members(spec: str | None, status: str | None, what: str) -> dict[str, Schema]:
    props: dict[str, Schema] = {
        "apiVersion": string(API_VERSION_DOC),
        "kind": string(KIND_DOC),
        "metadata": ref(
            META + "ObjectMeta", f"Standard object metadata of the {what}.", default={}
        ),
    }
    if spec:
        props["spec"] = ref(spec, f"The desired state of the {what}.", default={})
    if status:
        props["status"] = ref(
            status,
            f"The most recently observed state of the {what}, written by the system. "
            "Read-only for clients.",
            default={},
        )
    return props


def define_list(item: str, gvk: tuple[str, str, str], what: str) -> str:
    group, version, kind = gvk
    return define(
        item + "List",
        f"A list of {what}.",
        {
            "apiVersion": string(API_VERSION_DOC),
            "items": array(items_of(item), f"The {what}."),
            "kind": string(KIND_DOC),
            "metadata": ref(META + "ListMeta", "Standard list metadata.", default={}),
        },
        required=["items"],
        gvk=(group, version, kind + "List"),
    )
