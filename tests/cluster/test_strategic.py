"""Strategic merge patch, table-driven from apimachinery's strategicpatch/patch_test.go.

The upstream cases run against a test type ``MergeItem``; :data:`MERGE_ITEM` restates its
patch tags so the same vectors (original + patch = result) apply unchanged. The kind-level
cases check the merge keys of the simulated kinds and the patches kubectl really sends."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from cluster.errors import StatusError
from cluster.patchmeta import MERGE, REPLACE, Field, Struct, merge_by, nested
from cluster.strategic import server_side_apply, strategic_merge_patch

# type MergeItem struct in patch_test.go
MERGE_ITEM = Struct("MergeItem")
RETAIN_KEYS_ITEM = Struct(
    "RetainKeysMergeItem",
    {
        "mergingIntList": Field(MERGE),
        "mergingList": merge_by("name", MERGE_ITEM),
    },
)
MERGE_ITEM.fields.update(
    {
        "mergingList": merge_by("name", MERGE_ITEM),
        "mergingIntList": Field(MERGE),
        "nonMergingList": Field(struct=MERGE_ITEM),
        "mergeItemPtr": merge_by("name", MERGE_ITEM),
        "replacingItem": Field(REPLACE),
        "retainKeysMap": nested(RETAIN_KEYS_ITEM, retain_keys=True),
        "retainKeysMergingList": merge_by("name", MERGE_ITEM, retain_keys=True),
    }
)

# (upstream description, original/current, patch, expected result)
UPSTREAM_CASES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    # customStrategicMergePatchTestCaseData
    (
        "unique scalars when merging lists",
        {"mergingIntList": [1, 2]},
        {"mergingIntList": [2, 3]},
        {"mergingIntList": [1, 2, 3]},
    ),
    (
        "delete map from nested map",
        {"simpleMap": {"key1": 1, "key2": 1}},
        {"simpleMap": {"$patch": "delete"}},
        {"simpleMap": {}},
    ),
    (
        "delete all items from merging list",
        {"mergingList": [{"name": 1}, {"name": 2}]},
        {"mergingList": [{"$patch": "replace"}]},
        {"mergingList": []},
    ),
    (
        "merge empty merging lists",
        {"mergingList": []},
        {"mergingList": []},
        {"mergingList": []},
    ),
    ("delete all keys from map", {"name": 1, "value": 1}, {"$patch": "replace"}, {}),
    (
        "add key and delete all keys from map",
        {"name": 1, "value": 1},
        {"other": "a", "$patch": "replace"},
        {"other": "a"},
    ),
    (
        "de-duplicate entries in a merging list",
        {
            "mergingList": [
                {"name": 1},
                {"name": 1},
                {"name": 2, "value": "a"},
                {"name": 3},
                {"name": 3},
            ]
        },
        {"mergingList": [{"name": 1, "$patch": "delete"}, {"name": 3, "$patch": "delete"}]},
        {"mergingList": [{"name": 2, "value": "a"}]},
    ),
    (
        "retainKeys map can delete a field when no retainKeys directive present",
        {"retainKeysMap": {"name": "foo", "value": "a"}},
        {"retainKeysMap": {"value": None}},
        {"retainKeysMap": {"name": "foo"}},
    ),
    (
        "retainKeys list can change a field when no retainKeys directive present",
        {"retainKeysMergingList": [{"name": "bar"}, {"name": "foo", "value": "a"}]},
        {"retainKeysMergingList": [{"name": "foo", "value": "b"}]},
        {"retainKeysMergingList": [{"name": "bar"}, {"name": "foo", "value": "b"}]},
    ),
    (
        "preserve the order from the patch in a merging list",
        {"mergingList": [{"name": 1}, {"name": 2, "value": "b"}, {"name": 3}]},
        {
            "mergingList": [
                {"name": 3, "value": "c"},
                {"name": 1, "value": "a"},
                {"name": 2, "other": "x"},
            ]
        },
        {
            "mergingList": [
                {"name": 3, "value": "c"},
                {"name": 1, "value": "a"},
                {"name": 2, "value": "b", "other": "x"},
            ]
        },
    ),
    (
        "preserve the order from the patch in a merging list 2",
        {"mergingList": [{"name": 1}, {"name": 2, "value": "b"}, {"name": 3}]},
        {"mergingList": [{"name": 3, "value": "c"}, {"name": 1, "value": "a"}]},
        {
            "mergingList": [
                {"name": 2, "value": "b"},
                {"name": 3, "value": "c"},
                {"name": 1, "value": "a"},
            ]
        },
    ),
    (
        "preserve the order from the patch in a merging int list",
        {"mergingIntList": [1, 2, 3]},
        {"mergingIntList": [3, 1]},
        {"mergingIntList": [2, 3, 1]},
    ),
    # customStrategicMergePatchRawTestCases
    (
        "$setElementOrder contains item that is not present in the list to be merged",
        {"mergingList": [{"name": 1}, {"name": 3}]},
        {
            "$setElementOrder/mergingList": [{"name": 3}, {"name": 2}, {"name": 1}],
            "mergingList": [{"name": 3, "value": 3}, {"name": 1, "value": 1}],
        },
        {"mergingList": [{"name": 3, "value": 3}, {"name": 1, "value": 1}]},
    ),
    (
        "$setElementOrder contains item that is not present in the int list to be merged",
        {"mergingIntList": [1, 3]},
        {"$setElementOrder/mergingIntList": [3, 2, 1]},
        {"mergingIntList": [3, 1]},
    ),
    # createStrategicMergePatchTestCaseData (current + threeWay = result)
    (
        "add field and delete field from map",
        {"name": 1, "other": "a"},
        {"name": None, "value": 1},
        {"value": 1, "other": "a"},
    ),
    (
        "delete field from nested map",
        {"simpleMap": {"key1": 1, "key2": 1, "other": "a"}},
        {"simpleMap": {"key2": None}},
        {"simpleMap": {"key1": 1, "other": "a"}},
    ),
    (
        "replace list of scalars",
        {"nonMergingIntList": [1, 2]},
        {"nonMergingIntList": [2, 3]},
        {"nonMergingIntList": [2, 3]},
    ),
    (
        "delete all maps from merging list with conflict",
        {"mergingList": [{"name": 1, "other": "a"}, {"name": 2, "other": "b"}]},
        {"mergingList": [{"name": 1, "$patch": "delete"}, {"name": 2, "$patch": "delete"}]},
        {"mergingList": []},
    ),
    (
        "defined null values should propagate overwrite current fields (with conflict)",
        {"name": "a", "other": "a"},
        {"name": 1, "value": 1, "other": None},
        {"name": 1, "value": 1},
    ),
    # strategicMergePatchRawTestCases
    (
        "delete items in lists of scalars",
        {"mergingIntList": [1, 2, 3, 4]},
        {
            "$setElementOrder/mergingIntList": [1, 2],
            "$deleteFromPrimitiveList/mergingIntList": [3],
        },
        {"mergingIntList": [1, 2, 4]},
    ),
    (
        "delete all duplicate items in lists of scalars",
        {"mergingIntList": [1, 2, 3, 3, 4]},
        {
            "$setElementOrder/mergingIntList": [1, 2],
            "$deleteFromPrimitiveList/mergingIntList": [3],
        },
        {"mergingIntList": [1, 2, 4]},
    ),
    (
        "add and delete items in lists of scalars",
        {"mergingIntList": [1, 2, 3]},
        {
            "$setElementOrder/mergingIntList": [1, 2, 4],
            "$deleteFromPrimitiveList/mergingIntList": [3],
            "mergingIntList": [4],
        },
        {"mergingIntList": [1, 2, 4]},
    ),
    (
        "merge lists of maps",
        {"mergingList": [{"name": 1, "other": "a"}, {"name": 2, "value": 2, "other": "b"}]},
        {
            "$setElementOrder/mergingList": [{"name": 4}, {"name": 1}, {"name": 2}, {"name": 3}],
            "mergingList": [{"name": 4, "value": 4}, {"name": 3, "value": 3}],
        },
        {
            "mergingList": [
                {"name": 4, "value": 4},
                {"name": 1, "other": "a"},
                {"name": 2, "value": 2, "other": "b"},
                {"name": 3, "value": 3},
            ]
        },
    ),
    (
        "add field to map in merging list",
        {"mergingList": [{"name": 1, "other": "a"}, {"name": 2, "value": 2, "other": "b"}]},
        {
            "$setElementOrder/mergingList": [{"name": 1}, {"name": 2}],
            "mergingList": [{"name": 1, "value": 1}],
        },
        {
            "mergingList": [
                {"name": 1, "value": 1, "other": "a"},
                {"name": 2, "value": 2, "other": "b"},
            ]
        },
    ),
    (
        "retainKeys map should clear defaulted field",  # the $retainKeys directive itself
        {"retainKeysMap": {"name": "foo", "value": "a", "other": "b"}},
        {"retainKeysMap": {"$retainKeys": ["name", "value"], "value": "c"}},
        {"retainKeysMap": {"name": "foo", "value": "c"}},
    ),
]


@pytest.mark.parametrize(
    ("original", "patch", "expected"),
    [c[1:] for c in UPSTREAM_CASES],
    ids=[c[0] for c in UPSTREAM_CASES],
)
def test_upstream_vectors(original: Any, patch: Any, expected: Any) -> None:
    before = copy.deepcopy((original, patch))
    assert strategic_merge_patch(original, patch, struct=MERGE_ITEM) == expected
    assert (original, patch) == before  # inputs untouched


# (upstream description or rule, original, patch, expected message fragment, HTTP code)
ERROR_CASES = [
    (
        # customStrategicMergePatchRawTestCases
        "should check if order in $setElementOrder and patch list match",
        {"mergingList": [{"name": 1}, {"name": 3}, {"name": 2}]},
        {
            "$setElementOrder/mergingList": [{"name": 1}, {"name": 2}, {"name": 3}],
            "mergingList": [{"name": 3, "value": 3}, {"name": 1, "value": 1}],
        },
        "doesn't match",
        400,
    ),
    (
        "missing merge key should error out",
        {"mergingList": [{"name": 1, "value": "a"}]},
        {"mergingList": [{"value": "b"}]},
        "map: map[value:b] does not contain declared merge key: name",
        400,
    ),
    (
        # applyRetainKeysDirective: a patched key missing from $retainKeys
        "patch content doesn't match retainKeys list",
        {"retainKeysMap": {"name": "foo"}},
        {"retainKeysMap": {"$retainKeys": ["name"], "value": "x"}},
        "invalid patch format of retainKeys",
        400,
    ),
    (
        # handleDirectiveInMergeMap: ErrBadPatchType
        "unknown patch type in map",
        {"simpleMap": {"a": "1"}},
        {"simpleMap": {"$patch": "explode"}},
        "unknown patch type: explode in map",
        400,
    ),
    (
        # mergeSliceWithSpecialElements
        "merge directive in a list",
        {"mergingList": [{"name": 1}]},
        {"mergingList": [{"$patch": "merge", "name": 1}]},
        "merging lists cannot yet be specified in the patch",
        400,
    ),
    (
        # sliceElementType: ErrNoListOfLists (422 in interpretStrategicMergePatchError)
        "lists of lists are not supported",
        {"mergingIntList": [1]},
        {"mergingIntList": [[2]]},
        "lists of lists are not supported",
        422,
    ),
]


@pytest.mark.parametrize(
    ("original", "patch", "fragment", "code"),
    [c[1:] for c in ERROR_CASES],
    ids=[c[0] for c in ERROR_CASES],
)
def test_malformed_patches_are_status_errors(
    original: Any, patch: Any, fragment: str, code: int
) -> None:
    with pytest.raises(StatusError) as caught:
        strategic_merge_patch(original, patch, struct=MERGE_ITEM)
    assert caught.value.code == code
    assert fragment in caught.value.message


# --- the simulated kinds --------------------------------------------------------------------


def deployment(containers: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "replicas": 1,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}},
            "template": {"spec": {"containers": containers}},
            **spec,
        },
    }


def test_kubectl_apply_patch_from_spec_section_5() -> None:
    """The patch kubectl 1.32 sent (kubectl.md §5): strategy to Recreate, container b removed,
    port 443 of container a removed."""
    live = deployment(
        [
            {
                "name": "a",
                "image": "nginx:1",
                "ports": [{"containerPort": 80}, {"containerPort": 443}],
            },
            {"name": "b", "image": "busybox"},
        ]
    )
    patch = {
        "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
        "spec": {
            "strategy": {"$retainKeys": ["type"], "rollingUpdate": None, "type": "Recreate"},
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "a"}],
                    "containers": [
                        {
                            "name": "a",
                            "image": "nginx:2",
                            "$setElementOrder/ports": [{"containerPort": 80}],
                            "ports": [{"$patch": "delete", "containerPort": 443}],
                        },
                        {"$patch": "delete", "name": "b"},
                    ],
                }
            },
        },
    }
    out = strategic_merge_patch(live, patch)
    assert out["spec"]["strategy"] == {"type": "Recreate"}
    assert out["spec"]["template"]["spec"]["containers"] == [
        {"name": "a", "image": "nginx:2", "ports": [{"containerPort": 80}]}
    ]
    assert out["metadata"]["annotations"] == {
        "kubectl.kubernetes.io/last-applied-configuration": "{}"
    }
    assert "$" not in repr(out)


def test_service_ports_merge_by_port_and_keep_order() -> None:
    live = {
        "kind": "Service",
        "spec": {
            "ports": [
                {"name": "http", "port": 80, "targetPort": 8080},
                {"name": "https", "port": 443, "targetPort": 8443},
            ]
        },
    }
    patch = {
        "spec": {
            "$setElementOrder/ports": [{"port": 443}, {"port": 80}],
            "ports": [{"port": 80, "targetPort": 9090}],
        }
    }
    out = strategic_merge_patch(live, patch)
    assert out["spec"]["ports"] == [
        {"name": "https", "port": 443, "targetPort": 8443},
        {"name": "http", "port": 80, "targetPort": 9090},
    ]


def test_merge_keys_depend_on_the_position() -> None:
    """``ports`` merges by ``containerPort`` in a container, by ``port`` in a Service; the
    same field name elsewhere (an Endpoints subset's ports) is replaced whole."""
    live = deployment([{"name": "a", "ports": [{"containerPort": 80, "name": "web"}]}])
    patch = {
        "spec": {
            "template": {"spec": {"containers": [{"name": "a", "ports": [{"containerPort": 81}]}]}}
        }
    }
    ports = strategic_merge_patch(live, patch)["spec"]["template"]["spec"]["containers"][0]["ports"]
    # Without $setElementOrder, new items come first (mergeSortedSlice).
    assert ports == [{"containerPort": 81}, {"containerPort": 80, "name": "web"}]

    endpoints = {
        "kind": "Endpoints",
        "subsets": [{"addresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 80}]}],
    }
    patched = strategic_merge_patch(endpoints, {"subsets": [{"addresses": [{"ip": "10.0.0.2"}]}]})
    assert patched["subsets"] == [{"addresses": [{"ip": "10.0.0.2"}]}]


@pytest.mark.parametrize(
    ("path", "live", "patch", "expected"),
    [
        # env and volumeMounts of a container; volumes of a pod spec
        (
            ("spec", "template", "spec", "containers", 0, "env"),
            [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
            [{"name": "B", "value": "3"}],
            [{"name": "A", "value": "1"}, {"name": "B", "value": "3"}],
        ),
        (
            ("spec", "template", "spec", "containers", 0, "volumeMounts"),
            [{"name": "data", "mountPath": "/data"}],
            [{"name": "data", "mountPath": "/cache"}],
            [{"name": "data", "mountPath": "/cache"}, {"name": "data", "mountPath": "/data"}],
        ),
    ],
)
def test_container_lists(path: tuple[Any, ...], live: Any, patch: Any, expected: Any) -> None:
    obj = deployment([{"name": "a", "image": "x"}])
    obj["spec"]["template"]["spec"]["containers"][0][path[-1]] = live
    patch_body = {"spec": {"template": {"spec": {"containers": [{"name": "a", path[-1]: patch}]}}}}
    out = strategic_merge_patch(obj, patch_body)
    cursor: Any = out
    for step in path:
        cursor = cursor[step]
    assert cursor == expected


def test_owner_references_merge_by_uid_and_finalizers_union() -> None:
    live = {
        "kind": "Pod",
        "metadata": {
            "ownerReferences": [{"uid": "u1", "name": "rs-1"}],
            "finalizers": ["a/x"],
        },
        "status": {
            "conditions": [{"type": "Ready", "status": "False"}],
            "podIPs": [{"ip": "10.0.0.1"}],
        },
    }
    patch = {
        "metadata": {"ownerReferences": [{"uid": "u2", "name": "rs-2"}], "finalizers": ["b/y"]},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]},
    }
    out = strategic_merge_patch(live, patch)
    assert [r["uid"] for r in out["metadata"]["ownerReferences"]] == ["u2", "u1"]
    assert out["metadata"]["finalizers"] == ["b/y", "a/x"]
    assert out["status"]["conditions"] == [{"type": "Ready", "status": "True"}]
    assert out["status"]["podIPs"] == [{"ip": "10.0.0.1"}]


def test_directives_in_new_values_are_never_stored() -> None:
    live = deployment([{"name": "a", "image": "x"}])
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "initContainers": [
                        {"name": "init", "image": "i", "env": [{"name": "X", "$patch": "delete"}]},
                        {"name": "gone", "$patch": "delete"},
                    ],
                    "$setElementOrder/volumes": [{"name": "v"}],
                    "volumes": [{"name": "v", "emptyDir": {}, "hostPath": None}],
                }
            }
        }
    }
    out = strategic_merge_patch(live, patch)
    spec = out["spec"]["template"]["spec"]
    assert spec["initContainers"] == [{"name": "init", "image": "i", "env": []}]
    assert spec["volumes"] == [{"name": "v", "emptyDir": {}}]
    assert "$" not in repr(out)


def test_list_replace_directive_on_containers() -> None:
    live = deployment([{"name": "a", "image": "x"}, {"name": "b", "image": "y"}])
    patch = {
        "spec": {
            "template": {
                "spec": {"containers": [{"$patch": "replace"}, {"name": "c", "image": "z"}]}
            }
        }
    }
    out = strategic_merge_patch(live, patch)
    assert out["spec"]["template"]["spec"]["containers"] == [{"name": "c", "image": "z"}]


def test_server_side_apply_merges_the_intended_object() -> None:
    live = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "labels": {"app": "web", "extra": "kept"}},
        "spec": {
            "clusterIP": "10.96.0.10",
            "ports": [{"port": 80, "targetPort": 8080, "protocol": "TCP"}],
        },
    }
    intended = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {"ports": [{"port": 80, "targetPort": 9090}, {"port": 443}]},
    }
    out = server_side_apply(live, intended)
    assert out["spec"]["clusterIP"] == "10.96.0.10"
    assert out["spec"]["ports"] == [
        {"port": 80, "targetPort": 9090, "protocol": "TCP"},
        {"port": 443},
    ]
    assert out["metadata"]["labels"] == {"app": "web", "extra": "kept"}


def test_server_side_apply_refuses_patch_directives() -> None:
    with pytest.raises(StatusError) as caught:
        server_side_apply({"kind": "Service"}, {"spec": {"$patch": "replace"}})
    assert caught.value.code == 400
    assert 'unknown field "spec.$patch"' in caught.value.message
