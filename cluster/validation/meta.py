"""Format checks from ``apimachinery/pkg/util/validation`` and ObjectMeta validation from
``apimachinery/pkg/api/validation/objectmeta.go``. The message strings are Kubernetes' own,
because clients and tests match on them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from cluster.errors import FieldError, forbidden, invalid, required, too_long

DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_LABEL_MAX = 63
DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + r"(\." + DNS1123_LABEL_FMT + ")*"
DNS1123_SUBDOMAIN_MAX = 253
DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
QUALIFIED_NAME_CHAR_FMT = "[A-Za-z0-9]"
QUALIFIED_NAME_EXT_CHAR_FMT = "[-A-Za-z0-9_.]"
QUALIFIED_NAME_FMT = (
    f"({QUALIFIED_NAME_CHAR_FMT}{QUALIFIED_NAME_EXT_CHAR_FMT}*)?{QUALIFIED_NAME_CHAR_FMT}"
)
QUALIFIED_NAME_MAX = 63
LABEL_VALUE_FMT = f"({QUALIFIED_NAME_FMT})?"
LABEL_VALUE_MAX = 63
TOTAL_ANNOTATION_SIZE = 256 * 1024

_dns1123_label = re.compile(f"^{DNS1123_LABEL_FMT}$")
_dns1123_subdomain = re.compile(f"^{DNS1123_SUBDOMAIN_FMT}$")
_dns1035_label = re.compile(f"^{DNS1035_LABEL_FMT}$")
_qualified_name = re.compile(f"^{QUALIFIED_NAME_FMT}$")
_label_value = re.compile(f"^{LABEL_VALUE_FMT}$")
_iana_svc_name = re.compile("^[-a-z0-9]+$")
_has_letter = re.compile("[a-z]")


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """``validation.RegexError``: the message, the examples and the regex used."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    s = msg + " (e.g. "
    for i, example in enumerate(examples):
        if i > 0:
            s += " or "
        s += f"'{example}', "
    return s + f"regex used for validation is '{fmt}')"


def max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def is_dns1123_label(value: str) -> list[str]:
    errs = []
    if len(value) > DNS1123_LABEL_MAX:
        errs.append(max_len_error(DNS1123_LABEL_MAX))
    if not _dns1123_label.match(value):
        errs.append(
            regex_error(
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
                "'-', and must start and end with an alphanumeric character",
                DNS1123_LABEL_FMT,
                "my-name",
                "123-abc",
            )
        )
    return errs


def is_dns1123_subdomain(value: str) -> list[str]:
    errs = []
    if len(value) > DNS1123_SUBDOMAIN_MAX:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX))
    if not _dns1123_subdomain.match(value):
        errs.append(
            regex_error(
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                "'-' or '.', and must start and end with an alphanumeric character",
                DNS1123_SUBDOMAIN_FMT,
                "example.com",
            )
        )
    return errs


def is_dns1035_label(value: str) -> list[str]:
    errs = []
    if len(value) > DNS1123_LABEL_MAX:
        errs.append(max_len_error(DNS1123_LABEL_MAX))
    if not _dns1035_label.match(value):
        errs.append(
            regex_error(
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
                "with an alphabetic character, and end with an alphanumeric character",
                DNS1035_LABEL_FMT,
                "my-name",
                "abc-123",
            )
        )
    return errs


def is_qualified_name(value: str) -> list[str]:
    """``IsQualifiedName``: an optional DNS subdomain prefix and '/', then a name part."""
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part " + "must be non-empty")
        else:
            errs.extend("prefix part " + m for m in is_dns1123_subdomain(prefix))
    else:
        return [
            "a qualified name "
            + regex_error(
                "must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                "with an alphanumeric character",
                QUALIFIED_NAME_FMT,
                "MyName",
                "my.name",
                "123-abc",
            )
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > QUALIFIED_NAME_MAX:
        errs.append("name part " + max_len_error(QUALIFIED_NAME_MAX))
    if name and not _qualified_name.match(name):
        errs.append(
            "name part "
            + regex_error(
                "must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                "with an alphanumeric character",
                QUALIFIED_NAME_FMT,
                "MyName",
                "my.name",
                "123-abc",
            )
        )
    return errs


def is_valid_label_value(value: str) -> list[str]:
    errs = []
    if len(value) > LABEL_VALUE_MAX:
        errs.append(max_len_error(LABEL_VALUE_MAX))
    if not _label_value.match(value):
        errs.append(
            regex_error(
                "a valid label must be an empty string or consist of alphanumeric characters, '-', "
                "'_' or '.', and must start and end with an alphanumeric character",
                QUALIFIED_NAME_FMT,
                "MyValue",
                "my_value",
                "12345",
            )
        )
    return errs


def is_valid_port_name(port: str) -> list[str]:
    """``IsValidPortName`` (IANA_SVC_NAME): each failed clause is its own message."""
    errs = []
    if len(port) < 1 or len(port) > 15:
        errs.append("must be no more than 15 characters")
    if not _iana_svc_name.match(port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _has_letter.search(port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def is_valid_port_num(port: Any) -> list[str]:
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        return ["must be between 1 and 65535, inclusive"]
    return []


def validate_labels(labels: Any, path: str) -> list[FieldError]:
    """``ValidateLabels``: errors are reported on the map path, not the key."""
    if labels is None:
        return []
    if not isinstance(labels, Mapping):
        return [invalid(path, labels, "must be a map of string keys to string values")]
    errs: list[FieldError] = []
    for key, value in labels.items():
        for msg in is_qualified_name(str(key)):
            errs.append(invalid(path, key, msg))
        if not isinstance(value, str):
            errs.append(invalid(path, value, "label values must be strings"))
            continue
        for msg in is_valid_label_value(value):
            errs.append(invalid(path, value, msg))
    return errs


def validate_annotations(annotations: Any, path: str) -> list[FieldError]:
    if annotations is None:
        return []
    if not isinstance(annotations, Mapping):
        return [invalid(path, annotations, "must be a map of string keys to string values")]
    errs: list[FieldError] = []
    total = 0
    for key, value in annotations.items():
        for msg in is_qualified_name(str(key).lower()):
            errs.append(invalid(path, key, msg))
        if not isinstance(value, str):
            errs.append(invalid(path, value, "annotation values must be strings"))
            continue
        total += len(key) + len(value)
    if total > TOTAL_ANNOTATION_SIZE:
        errs.append(too_long(path, TOTAL_ANNOTATION_SIZE))
    return errs


NameValidator = Callable[[str], list[str]]


def mask_trailing_dash(name: str) -> str:
    return name[:-1] + "a" if len(name) > 1 and name.endswith("-") else name


def validate_object_meta(
    meta: Mapping[str, Any],
    *,
    namespaced: bool,
    name_validator: NameValidator,
    path: str = "metadata",
) -> list[FieldError]:
    """``ValidateObjectMeta``: name or generateName, namespace, labels, annotations, owners."""
    errs: list[FieldError] = []
    name = meta.get("name") or ""
    generate_name = meta.get("generateName") or ""
    if generate_name:
        for msg in name_validator(mask_trailing_dash(generate_name)):
            errs.append(invalid(f"{path}.generateName", generate_name, msg))
    if not name:
        errs.append(required(f"{path}.name", "name or generateName is required"))
    else:
        for msg in name_validator(name):
            errs.append(invalid(f"{path}.name", name, msg))
    namespace = meta.get("namespace") or ""
    if namespaced:
        if not namespace:
            errs.append(required(f"{path}.namespace", ""))
        else:
            for msg in is_dns1123_label(namespace):
                errs.append(invalid(f"{path}.namespace", namespace, msg))
    elif namespace:
        errs.append(forbidden(f"{path}.namespace", "not allowed on this type"))
    errs.extend(validate_labels(meta.get("labels"), f"{path}.labels"))
    errs.extend(validate_annotations(meta.get("annotations"), f"{path}.annotations"))
    finalizers = meta.get("finalizers") or []
    if not isinstance(finalizers, list):
        errs.append(invalid(f"{path}.finalizers", finalizers, "must be a list of strings"))
    else:
        for i, fin in enumerate(finalizers):
            if not isinstance(fin, str):
                errs.append(invalid(f"{path}.finalizers[{i}]", fin, "must be a string"))
                continue
            for msg in is_qualified_name(fin):
                errs.append(invalid(f"{path}.finalizers", fin, msg))
    owners = meta.get("ownerReferences") or []
    if not isinstance(owners, list):
        errs.append(invalid(f"{path}.ownerReferences", owners, "must be a list"))
    else:
        for i, ref in enumerate(owners):
            if not isinstance(ref, Mapping):
                errs.append(invalid(f"{path}.ownerReferences[{i}]", ref, "must be an object"))
                continue
            for key in ("apiVersion", "kind", "name", "uid"):
                if not ref.get(key):
                    errs.append(
                        required(f"{path}.ownerReferences[{i}].{key}", f"{key} must not be empty")
                    )
    return errs


def validate_object_meta_update(
    new: Mapping[str, Any], old: Mapping[str, Any], path: str = "metadata"
) -> list[FieldError]:
    """``ValidateObjectMetaUpdate``: identity fields are immutable."""
    errs: list[FieldError] = []
    for key in ("name", "namespace", "uid", "creationTimestamp"):
        if (new.get(key) or "") != (old.get(key) or ""):
            errs.append(invalid(f"{path}.{key}", new.get(key) or "", "field is immutable"))
    return errs
