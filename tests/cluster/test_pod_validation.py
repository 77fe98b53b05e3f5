"""Pod defaulting and validation, case by case from upstream (pkg/apis/core/v1/defaults.go,
pkg/apis/core/validation/validation.go and their tests)."""

from __future__ import annotations

import copy

import pytest

from cluster.defaults import default_pod, image_tag
from cluster.validation.pod_updates import pod_qos_class, validate_pod_update
from cluster.validation.pods import validate_pod_create


def pod(**spec):
    body = {
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
    }
    body["spec"].update(spec)
    default_pod(body)
    return body


def messages(errs):
    return [str(e) for e in errs]


# --- SetDefaults_Pod / SetDefaults_PodSpec / SetDefaults_Container ----------------------------


def test_set_defaults_pod_fills_what_kubectl_get_pod_shows():
    p = pod(containers=[{"name": "c", "image": "nginx", "ports": [{"containerPort": 80}]}])
    spec = p["spec"]
    assert (spec["restartPolicy"], spec["dnsPolicy"], spec["schedulerName"]) == (
        "Always",
        "ClusterFirst",
        "default-scheduler",
    )
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["securityContext"] == {}
    assert spec["enableServiceLinks"] is True
    c = spec["containers"][0]
    assert c["ports"][0]["protocol"] == "TCP"
    assert c["terminationMessagePath"] == "/dev/termination-log"
    assert c["terminationMessagePolicy"] == "File"
    assert c["resources"] == {}


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),  # TestSetDefaultsImagePullPolicy: no tag means latest
        ("nginx:latest", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("registry.example:5000/nginx", "Always"),  # the port is not a tag
        ("nginx@sha256:" + "a" * 64, "IfNotPresent"),  # digest only
    ],
)
def test_set_defaults_container_image_pull_policy(image, policy):
    assert (
        pod(containers=[{"name": "c", "image": image}])["spec"]["containers"][0]["imagePullPolicy"]
        == policy
    )
    assert image_tag(image) in ("latest", "1.27", "")


def test_set_defaults_pod_requests_default_to_limits():
    # SetDefaults_Pod: "If limits are specified, but requests are not, default requests to limits"
    p = pod(
        containers=[
            {
                "name": "c",
                "image": "x",
                "resources": {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "500m"}},
            }
        ]
    )
    assert p["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "500m", "memory": "1Gi"}


def test_set_defaults_probe_and_http_get():
    p = pod(containers=[{"name": "c", "image": "x", "livenessProbe": {"httpGet": {"port": 80}}}])
    probe = p["spec"]["containers"][0]["livenessProbe"]
    assert probe == {
        "httpGet": {"port": 80, "path": "/", "scheme": "HTTP"},
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }


def test_defaulting_is_idempotent():
    once = pod(volumes=[{"name": "v", "configMap": {"name": "cm"}}])
    twice = copy.deepcopy(once)
    default_pod(twice)
    assert once == twice
    assert once["spec"]["volumes"][0]["configMap"]["defaultMode"] == 420


@pytest.mark.parametrize(
    ("resources", "qos"),
    [
        ([{}], "BestEffort"),
        ([{"requests": {"cpu": "100m"}}], "Burstable"),
        ([{"limits": {"cpu": "1", "memory": "1Gi"}}], "Guaranteed"),
        ([{"limits": {"cpu": "1", "memory": "1Gi"}}, {}], "Burstable"),
    ],
)
def test_get_pod_qos(resources, qos):
    containers = [{"name": f"c{i}", "image": "x", "resources": r} for i, r in enumerate(resources)]
    assert pod_qos_class(pod(containers=containers)) == qos


# --- ValidatePodSpec / TestValidateContainers -------------------------------------------------

OK = {"name": "c", "image": "nginx"}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        # TestValidatePodSpec: "bad containers" / zero-length containers
        ({"containers": []}, ["spec.containers: Required value"]),
        # TestValidateContainers: "zero-length name"
        ({"containers": [{"image": "x"}]}, ["spec.containers[0].name: Required value"]),
        # TestValidateContainers: "name > 63 characters" / invalid DNS label
        (
            {"containers": [{"name": "Bad_Name", "image": "x"}]},
            ['spec.containers[0].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label'],
        ),
        # TestValidateContainers: "name not unique"
        ({"containers": [OK, OK]}, ['spec.containers[1].name: Duplicate value: "c"']),
        # TestValidateContainers: "zero-length image"
        ({"containers": [{"name": "c"}]}, ["spec.containers[0].image: Required value"]),
        # TestValidateContainerPorts: "zero container port" / "invalid container port"
        (
            {"containers": [{**OK, "ports": [{"containerPort": 0}]}]},
            ["spec.containers[0].ports[0].containerPort: Required value"],
        ),
        (
            {"containers": [{**OK, "ports": [{"containerPort": 65536}]}]},
            [
                "spec.containers[0].ports[0].containerPort: Invalid value: 65536: must be between 1 "
                "and 65535, inclusive"
            ],
        ),
        # TestValidateContainerPorts: "name not a IANA svc name", "name not unique"
        (
            {"containers": [{**OK, "ports": [{"containerPort": 80, "name": "a.b"}]}]},
            [
                'spec.containers[0].ports[0].name: Invalid value: "a.b": must contain only '
                "alpha-numeric characters (a-z, 0-9), and hyphens (-)"
            ],
        ),
        (
            {
                "containers": [
                    {
                        **OK,
                        "ports": [
                            {"containerPort": 80, "name": "web"},
                            {"containerPort": 81, "name": "web"},
                        ],
                    }
                ]
            },
            ['spec.containers[0].ports[1].name: Duplicate value: "web"'],
        ),
        # TestValidateContainerPorts: "invalid protocol"
        (
            {"containers": [{**OK, "ports": [{"containerPort": 80, "protocol": "HTTP"}]}]},
            [
                'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: '
                '"SCTP", "TCP", "UDP"'
            ],
        ),
        # TestValidateContainerPorts: "invalid host port"
        (
            {"containers": [{**OK, "ports": [{"containerPort": 80, "hostPort": 70000}]}]},
            [
                "spec.containers[0].ports[0].hostPort: Invalid value: 70000: must be between 1 and "
                "65535, inclusive"
            ],
        ),
        # TestValidatePodSpec: "bad restart policy", "bad dns policy"
        (
            {"containers": [OK], "restartPolicy": "Sometimes"},
            [
                'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", '
                '"OnFailure", "Never"'
            ],
        ),
        (
            {"containers": [OK], "dnsPolicy": "Maybe"},
            [
                'spec.dnsPolicy: Unsupported value: "Maybe": supported values: '
                '"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'
            ],
        ),
        # TestValidatePodSpec: "bad hostname", "bad subdomain"
        (
            {"containers": [OK], "hostname": "Web_1"},
            ['spec.hostname: Invalid value: "Web_1": a lowercase RFC 1123 label'],
        ),
        (
            {"containers": [OK], "subdomain": "a.b"},
            ['spec.subdomain: Invalid value: "a.b": a lowercase RFC 1123 label'],
        ),
        # TestValidateInitContainers: "duplicate name" with a regular container
        (
            {"containers": [OK], "initContainers": [{"name": "c", "image": "busybox"}]},
            ['spec.initContainers[0].name: Duplicate value: "c"'],
        ),
        # TestValidateInitContainers: "livenessProbe" without restartPolicy Always
        (
            {
                "containers": [OK],
                "initContainers": [
                    {"name": "i", "image": "b", "livenessProbe": {"exec": {"command": ["true"]}}}
                ],
            },
            [
                "spec.initContainers[0].livenessProbe: Forbidden: may not be set for init "
                "containers without restartPolicy=Always"
            ],
        ),
        # TestValidateVolumeMounts: "name not found"
        (
            {"containers": [{**OK, "volumeMounts": [{"name": "data", "mountPath": "/data"}]}]},
            ['spec.containers[0].volumeMounts[0].name: Not found: "data"'],
        ),
        # checkHostPortConflicts (TestValidatePodSpec: "host port conflict")
        (
            {
                "containers": [
                    {**OK, "ports": [{"containerPort": 80, "hostPort": 8080}]},
                    {"name": "d", "image": "x", "ports": [{"containerPort": 81, "hostPort": 8080}]},
                ]
            },
            ['spec.containers[1].ports[0].hostPort: Duplicate value: "/TCP/8080"'],
        ),
        # validateContainerOnlyForPod
        (
            {"containers": [{"name": "c", "image": " nginx"}]},
            [
                'spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace'
            ],
        ),
        # TestValidateTolerations: "invalid toleration effect"
        (
            {
                "containers": [OK],
                "tolerations": [{"key": "k", "operator": "Exists", "effect": "Sometimes"}],
            },
            [
                'spec.tolerations[0].effect: Unsupported value: "Sometimes": supported values: '
                '"NoSchedule", "PreferNoSchedule", "NoExecute"'
            ],
        ),
    ],
)
def test_validate_pod_spec(spec, expected):
    body = {"metadata": {"name": "p"}, "spec": spec}
    default_pod(body)
    got = messages(validate_pod_create(body))
    assert len(got) == len(expected), got
    for message, prefix in zip(got, expected, strict=True):
        assert message.startswith(prefix), (message, prefix)


def test_a_valid_pod_has_no_errors():
    assert (
        validate_pod_create(
            pod(containers=[{**OK, "ports": [{"containerPort": 80, "name": "http"}]}])
        )
        == []
    )


# --- ValidatePodUpdate --------------------------------------------------------------------------


def test_validate_pod_update_allows_images_and_added_tolerations():
    old = pod()
    new = copy.deepcopy(old)
    new["spec"]["containers"][0]["image"] = "nginx:1.28"
    new["spec"]["tolerations"] = [{"key": "k", "operator": "Exists"}]
    assert validate_pod_update(new, old) == []


def test_validate_pod_update_forbids_other_spec_changes():
    old = pod()
    new = copy.deepcopy(old)
    new["spec"]["restartPolicy"] = "Never"
    (err,) = validate_pod_update(new, old)
    assert err.field == "spec"
    assert err.body().startswith(
        "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
        "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
        "`spec.tolerations` (only additions to existing tolerations),"
    )
    assert '- \trestartPolicy: "Always",' in err.body()


def test_validate_pod_update_forbids_adding_containers():
    old = pod()
    new = copy.deepcopy(old)
    new["spec"]["containers"].append({"name": "d", "image": "x"})
    assert messages(validate_pod_update(new, old)) == [
        "spec.containers: Forbidden: pod updates may not add or remove containers"
    ]
