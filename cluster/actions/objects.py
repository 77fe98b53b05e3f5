"""Generic writes for every kind: create, replace (PUT), patch, delete, in the apiserver's
order (see ``cluster.kinds.base``). Every function runs in one transaction (``writing``), and
raises :class:`~cluster.errors.StatusError` for anything a client did wrong, leaving nothing
written."""

from __future__ import annotations

import random
from typing import Any

from cluster import errors, gotypes, gotypes_v1
from cluster.actions.base import Writer, writing
from cluster.errors import FieldError, StatusError
from cluster.jsoncopy import json_copy
from cluster.kinds import Kind, by_kind
from cluster.models import KubeObject, Namespace
from cluster.objects import load_into, now
from cluster.patch import APPLY, apply_patch
from cluster.validation.meta import validate_object_meta, validate_object_meta_update

Obj = dict[str, Any]

# ``names.SimpleNameGenerator``: 5 characters from an alphabet without vowels and look-alikes.
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
SERVER_OWNED_META = (
    "uid",
    "creationTimestamp",
    "resourceVersion",
    "generation",
    "deletionTimestamp",
)


def random_suffix(n: int = 5) -> str:
    return "".join(random.choice(NAME_ALPHABET) for _ in range(n))


# --- decoding ---------------------------------------------------------------------------------


def decode(kind: Kind, body: Any, namespace: str) -> Obj:
    """What the apiserver's decoder and ``rest.BeforeCreate`` establish before any strategy
    runs: an object of the right kind whose namespace matches the URL."""
    gotypes.check_type_meta(body)
    obj = json_copy(body)
    body_kind = obj.get("kind")
    if body_kind and body_kind != kind.kind:
        raise errors.bad_request(
            f"the kind in the data ({body_kind}) does not match the expected kind ({kind.kind})"
        )
    api_version = obj.get("apiVersion")
    if api_version and api_version != kind.api_version:
        raise errors.bad_request(
            f"the API version in the data ({api_version}) does not match the expected API "
            f"version ({kind.api_version})"
        )
    gotypes.check_body(kind.kind, kind.version, obj)
    obj["kind"] = kind.kind
    obj["apiVersion"] = kind.api_version
    meta = obj.get("metadata")
    if meta is None:
        meta = obj["metadata"] = {}
    if not isinstance(meta, dict):
        raise errors.bad_request(
            f'{kind.kind} in version "{kind.version}" cannot be handled as a {kind.kind}: '
            "metadata must be an object"
        )
    for key in ("labels", "annotations"):
        if meta.get(key) is None:
            meta.pop(key, None)
    if meta.get("creationTimestamp") is None:
        meta.pop("creationTimestamp", None)
    meta.pop("managedFields", None)
    meta.pop("selfLink", None)
    if kind.namespaced:
        given = meta.get("namespace")
        if given and given != namespace:
            raise errors.bad_request(
                "the namespace of the provided object does not match the namespace sent on the "
                "request"
            )
        meta["namespace"] = namespace
    else:
        meta.pop("namespace", None)
    return obj


def run_strategy(kind: Kind, fn: Any, *args: Any) -> Any:
    """Strategies read user input; a body of the wrong shape must be a 400, never a 500."""
    try:
        return fn(*args)
    except StatusError:
        raise
    except (TypeError, AttributeError, ValueError, KeyError) as e:
        raise errors.bad_request(
            f'{kind.kind} in version "{kind.version}" cannot be handled as a {kind.kind}: '
            f"a field has the wrong type ({e})"
        ) from e


def check_namespace(kind: Kind, namespace: str, name: str = "") -> None:
    """The ``NamespaceLifecycle`` admission plugin."""
    if not kind.namespaced:
        return
    ns = Namespace.objects.filter(name=namespace).only("deletion_timestamp").first()
    if ns is None:
        raise errors.not_found("namespaces", namespace)
    if ns.deletion_timestamp is not None:
        target = f'{kind.qualified_plural} "{name}"' if name else kind.qualified_plural
        raise errors.forbidden_request(
            f"{target} is forbidden: unable to create new content in namespace {namespace} "
            "because it is being terminated",
            kind.plural,
            name,
            kind.group,
        )


def fetch(kind: Kind, namespace: str, name: str) -> KubeObject | None:
    qs = kind.model.objects.filter(name=name)
    if kind.namespaced:
        qs = qs.filter(namespace=namespace)
    return qs.first()


def fetch_or_404(kind: Kind, namespace: str, name: str) -> KubeObject:
    inst = fetch(kind, namespace, name)
    if inst is None:
        raise errors.not_found(kind.plural, name, kind.group)
    return inst


def _raise_invalid(kind: Kind, obj: Obj, errs: list[FieldError]) -> None:
    if errs:
        raise errors.invalid_object(kind.kind, obj["metadata"].get("name") or "", errs, kind.group)


# --- create -----------------------------------------------------------------------------------


def create_object(kind: Kind, *, namespace: str, body: Any, dry_run: bool = False) -> Obj:
    obj = decode(kind, body, namespace)
    run_strategy(kind, kind.default, obj)
    with writing(dry_run=dry_run) as w:
        result = _create(kind, obj, w)
    return result


def prepare_for_create(kind: Kind, obj: Obj, w: Writer) -> None:
    """Everything between defaulting and storing a new object, in the apiserver's order:
    server-owned metadata reset, ``PrepareForCreate``, allocation (``BeginCreate``), then
    validation. Raises a StatusError; allocations roll back with the transaction."""
    meta = obj["metadata"]
    for key in SERVER_OWNED_META:
        meta.pop(key, None)
    if kind.tracks_generation:
        meta["generation"] = 1
    run_strategy(kind, kind.prepare_create, obj)
    run_strategy(kind, kind.allocate_create, obj, w)
    errs = validate_object_meta(
        meta, namespaced=kind.namespaced, name_validator=kind.name_validator
    )
    errs += run_strategy(kind, kind.validate, obj)
    _raise_invalid(kind, obj, errs)


def new_row(kind: Kind, obj: Obj) -> KubeObject:
    """A row for a prepared object. A uid fixed by ``allocate_create`` (allocations record
    their owner) is kept; client-sent uids were dropped by ``prepare_for_create``."""
    inst = kind.model()
    uid = obj["metadata"].get("uid")
    if uid:
        inst.uid = uid
    load_into(inst, obj)
    return inst


def _create(kind: Kind, obj: Obj, w: Writer) -> Obj:
    meta = obj["metadata"]
    check_namespace(kind, meta.get("namespace", ""), meta.get("name") or "")
    if not meta.get("name") and meta.get("generateName"):
        meta["name"] = str(meta["generateName"]) + random_suffix()
    prepare_for_create(kind, obj, w)
    if fetch(kind, meta.get("namespace", ""), meta["name"]) is not None:
        raise errors.already_exists(kind.plural, meta["name"], kind.group)
    inst = new_row(kind, obj)
    inst.creation_timestamp = now()
    w.save(inst, "ADDED")
    return kind.to_k8s(inst)


# --- update -----------------------------------------------------------------------------------


def replace_object(
    kind: Kind,
    *,
    namespace: str,
    name: str,
    body: Any,
    subresource: str | None = None,
    dry_run: bool = False,
) -> tuple[Obj, bool]:
    """PUT. Returns the stored object and whether it was created (Endpoints allow that)."""
    obj = decode(kind, body, namespace)
    body_name = obj["metadata"].get("name")
    if body_name and body_name != name:
        raise errors.bad_request(
            f"the name of the object ({body_name}) does not match the name on the URL ({name})"
        )
    obj["metadata"]["name"] = name
    run_strategy(kind, kind.default, obj)
    with writing(dry_run=dry_run) as w:
        inst = fetch(kind, namespace, name)
        if inst is None:
            if kind.allow_create_on_update and subresource is None:
                return _create(kind, obj, w), True
            raise errors.not_found(kind.plural, name, kind.group)
        return _update(kind, inst, obj, w, subresource), False


def _update(kind: Kind, inst: KubeObject, new: Obj, w: Writer, subresource: str | None) -> Obj:
    old = json_copy(kind.to_k8s(inst))
    old_meta, meta = old["metadata"], new["metadata"]
    rv = meta.get("resourceVersion")
    if rv not in (None, "") and str(rv) != old_meta["resourceVersion"]:
        raise errors.conflict(kind.plural, inst.name, kind.group)
    for key in SERVER_OWNED_META:
        if key in old_meta:
            meta[key] = old_meta[key]
        else:
            meta.pop(key, None)
    meta.pop("deletionGracePeriodSeconds", None)
    if subresource == "status":
        run_strategy(kind, kind.prepare_status_update, new, old)
        errs = run_strategy(kind, kind.validate_status_update, new, old)
    else:
        # The apiserver's order: BeginUpdate (allocation) before BeforeUpdate (PrepareForUpdate
        # and validation).
        run_strategy(kind, kind.allocate_update, new, old, w)
        run_strategy(kind, kind.prepare_update, new, old)
        errs = validate_object_meta(
            meta, namespaced=kind.namespaced, name_validator=kind.name_validator
        )
        errs += validate_object_meta_update(meta, old_meta)
        if inst.deletion_timestamp is not None:
            added = set(meta.get("finalizers") or []) - set(old_meta.get("finalizers") or [])
            if added:
                errs.append(
                    errors.forbidden(
                        "metadata.finalizers",
                        f"no new finalizers can be added if the object is being deleted, found new "
                        f"finalizers {sorted(added)!r}",
                    )
                )
        errs += run_strategy(kind, kind.validate_update, new, old)
    _raise_invalid(kind, new, errs)
    if inst.deletion_timestamp is not None and not meta.get("finalizers"):
        load_into(inst, new)
        return _delete(kind, inst, w, "Background")
    if _same(new, old):
        return old
    load_into(inst, new)
    w.save(inst, "MODIFIED", previous=old)
    return kind.to_k8s(inst)


def _same(a: Obj, b: Obj) -> bool:
    a = dict(a, metadata={k: v for k, v in a["metadata"].items() if k != "resourceVersion"})
    b = dict(b, metadata={k: v for k, v in b["metadata"].items() if k != "resourceVersion"})
    return a == b


# --- patch ------------------------------------------------------------------------------------


def patch_object(
    kind: Kind,
    *,
    namespace: str,
    name: str,
    patch_type: str,
    patch: Any,
    subresource: str | None = None,
    dry_run: bool = False,
) -> tuple[Obj, bool]:
    """PATCH (and server-side apply, which creates when absent). Read, patch and write happen
    in one transaction, so concurrent patches never lose each other's changes."""
    with writing(dry_run=dry_run) as w:
        inst = fetch(kind, namespace, name)
        if inst is None:
            if patch_type == APPLY and subresource is None:
                obj = decode(kind, patch, namespace)
                body_name = obj["metadata"].get("name")
                if body_name and body_name != name:
                    raise errors.bad_request(
                        f"the name of the object ({body_name}) does not match the name on the URL "
                        f"({name})"
                    )
                obj["metadata"]["name"] = name
                run_strategy(kind, kind.default, obj)
                return _create(kind, obj, w), True
            raise errors.not_found(kind.plural, name, kind.group)
        current = json_copy(kind.to_k8s(inst))
        patched = apply_patch(patch_type, current, patch)
        new = decode(kind, patched, namespace)
        if new["metadata"].get("name") != name:
            raise errors.bad_request(
                f"the name of the object ({new['metadata'].get('name')}) does not match the name "
                f"on the URL ({name})"
            )
        run_strategy(kind, kind.default, new)
        return _update(kind, inst, new, w, subresource), False


# --- scale ------------------------------------------------------------------------------------


def scale_of(kind: Kind, inst: KubeObject) -> Obj:
    from cluster.labels import selector_to_string

    obj = kind.to_k8s(inst)
    spec = obj.get("spec") or {}
    status = obj.get("status") or {}
    meta = obj["metadata"]
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta["name"],
            "namespace": meta["namespace"],
            "uid": meta["uid"],
            "resourceVersion": meta["resourceVersion"],
            "creationTimestamp": meta["creationTimestamp"],
        },
        "spec": {"replicas": spec.get("replicas", 1)},
        "status": {
            "replicas": status.get("replicas", 0),
            "selector": selector_to_string(spec.get("selector") or {}),
        },
    }


def _apply_scale(kind: Kind, inst: KubeObject, scale: Any, w: Writer) -> Obj:
    gotypes.check_body("Scale", "v1", scale, gotypes_v1.SCALE)
    meta = scale.get("metadata") or {}
    rv = meta.get("resourceVersion")
    if rv not in (None, "") and str(rv) != str(inst.resource_version):
        raise errors.conflict(kind.plural, inst.name, kind.group)
    replicas = (scale.get("spec") or {}).get("replicas") or 0
    if replicas < 0:
        raise errors.invalid_object(
            "Scale",
            inst.name,
            [errors.invalid("spec.replicas", replicas, "must be greater than or equal to 0")],
            "autoscaling",
        )
    new = json_copy(kind.to_k8s(inst))
    new.setdefault("spec", {})["replicas"] = replicas
    _update(kind, inst, new, w, None)
    return scale_of(kind, inst)


def replace_scale(
    kind: Kind, *, namespace: str, name: str, body: Any, dry_run: bool = False
) -> Obj:
    with writing(dry_run=dry_run) as w:
        inst = fetch_or_404(kind, namespace, name)
        return _apply_scale(kind, inst, body, w)


def patch_scale(
    kind: Kind, *, namespace: str, name: str, patch_type: str, patch: Any, dry_run: bool = False
) -> Obj:
    with writing(dry_run=dry_run) as w:
        inst = fetch_or_404(kind, namespace, name)
        current = scale_of(kind, inst)
        if patch_type == APPLY:
            patch_type = "application/merge-patch+json"
        patched = apply_patch(patch_type, current, patch)
        return _apply_scale(kind, inst, patched, w)


# --- delete -----------------------------------------------------------------------------------


def delete_object(
    kind: Kind,
    *,
    namespace: str,
    name: str,
    options: dict[str, Any] | None = None,
    dry_run: bool = False,
) -> Obj:
    options = options or {}
    policy = options.get("propagationPolicy") or "Background"
    if policy not in ("Background", "Foreground", "Orphan"):
        raise errors.invalid_object(
            "DeleteOptions",
            "",
            [
                errors.not_supported(
                    "propagationPolicy", policy, ["Foreground", "Background", "Orphan"]
                )
            ],
        )
    with writing(dry_run=dry_run) as w:
        inst = fetch_or_404(kind, namespace, name)
        pre = options.get("preconditions") or {}
        if pre.get("uid") and str(pre["uid"]) != str(inst.uid):
            raise errors.conflict(
                kind.plural,
                name,
                kind.group,
                f"Precondition failed: UID in precondition: {pre['uid']}, UID in object meta: {inst.uid}",
            )
        if pre.get("resourceVersion") and str(pre["resourceVersion"]) != str(inst.resource_version):
            raise errors.conflict(
                kind.plural,
                name,
                kind.group,
                f"Precondition failed: ResourceVersion in precondition: {pre['resourceVersion']}, "
                f"ResourceVersion in object meta: {inst.resource_version}",
            )
        before_delete = getattr(kind, "before_delete", None)
        if before_delete is not None:
            before_delete(kind.to_k8s(inst))
        return _delete(kind, inst, w, policy)


def _delete(kind: Kind, inst: KubeObject, w: Writer, policy: str) -> Obj:
    if inst.finalizers:
        if inst.deletion_timestamp is None:
            inst.deletion_timestamp = now()
            w.save(inst, "MODIFIED")
        return kind.to_k8s(inst)
    obj = kind.to_k8s(inst)
    for child_kind_name in kind.child_kinds:
        child_kind = by_kind(child_kind_name)
        assert child_kind is not None
        for child in child_kind.model.objects.filter(owner_uid=inst.uid):
            if policy == "Orphan":
                child.owner_references = [
                    r for r in child.owner_references if str(r.get("uid")) != str(inst.uid)
                ]
                from cluster.objects import controlling_owner_uid

                child.owner_uid = controlling_owner_uid(child.owner_references)
                w.save(child, "MODIFIED")
            else:
                _delete(child_kind, child, w, policy)
    for dep_kind, dep in kind.dependents(obj):
        _delete(dep_kind, dep, w, policy)
    kind.release(obj, w)
    return w.delete(inst).object
