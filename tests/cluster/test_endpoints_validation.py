"""Endpoints (ValidateEndpoints, TestValidateEndpoints*) and EndpointSlice
(ValidateEndpointSlice, TestValidateEndpointSlice*) validation and defaulting."""

from __future__ import annotations

import pytest

from cluster.defaults import default_endpoint_slice, default_endpoints
from cluster.validation.endpoints import (
    validate_endpoint_slice,
    validate_endpoint_slice_update,
    validate_endpoints,
)


def check(errs, expected):
    got = [str(e) for e in errs]
    assert len(got) == len(expected), got
    for message, prefix in zip(got, expected, strict=True):
        assert message.startswith(prefix), (message, prefix)


def subset(addresses=None, ports=None):
    return {"addresses": addresses or [{"ip": "10.1.2.3"}], "ports": ports or [{"port": 80}]}


@pytest.mark.parametrize(
    ("subsets", "expected"),
    [
        # TestValidateEndpointsCreate: "empty addresses"
        (
            [{"ports": [{"port": 80}]}],
            ["subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"],
        ),
        # "invalid IP"
        (
            [subset([{"ip": "[2001:0db8:85a3:0042:1000:8a2e:0370:7334]"}])],
            [
                'subsets[0].addresses[0].ip: Invalid value: "[2001:0db8:85a3:0042:1000:8a2e:0370:7334]": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
                'subsets[0].addresses[0].ip: Invalid value: "[2001:0db8:85a3:0042:1000:8a2e:0370:7334]": must be a valid IP address',
            ],
        ),
        # "Address is loopback", "Address is link-local", "Address is link-local multicast"
        (
            [subset([{"ip": "127.0.0.1"}])],
            [
                'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range'
            ],
        ),
        (
            [subset([{"ip": "169.254.169.254"}])],
            [
                'subsets[0].addresses[0].ip: Invalid value: "169.254.169.254": may not be in the link-local range'
            ],
        ),
        (
            [subset([{"ip": "224.0.0.1"}])],
            [
                'subsets[0].addresses[0].ip: Invalid value: "224.0.0.1": may not be in the link-local multicast range'
            ],
        ),
        # "invalid hostname"
        (
            [subset([{"ip": "10.1.2.3", "hostname": "-bad"}])],
            ['subsets[0].addresses[0].hostname: Invalid value: "-bad"'],
        ),
        # "empty port name" with more than one port
        (
            [subset(ports=[{"name": "a", "port": 80}, {"port": 81}])],
            ["subsets[0].ports[1].name: Required value"],
        ),
        # "invalid port", "invalid protocol"
        (
            [subset(ports=[{"port": 0}])],
            ["subsets[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"],
        ),
        (
            [subset(ports=[{"port": 80, "protocol": "Ftp"}])],
            ['subsets[0].ports[0].protocol: Unsupported value: "Ftp"'],
        ),
    ],
)
def test_validate_endpoints(subsets, expected):
    obj = {"subsets": subsets}
    default_endpoints(obj)
    check(validate_endpoints(obj), expected)


def test_valid_endpoints_and_protocol_default():
    obj = {"subsets": [subset([{"ip": "10.240.106.152"}, {"ip": "10.240.79.157"}], [{"port": 1}])]}
    default_endpoints(obj)
    assert obj["subsets"][0]["ports"][0]["protocol"] == "TCP"
    assert validate_endpoints(obj) == []


def slice_(address_type="IPv4", endpoints=None, ports=None):
    obj = {
        "addressType": address_type,
        "endpoints": endpoints if endpoints is not None else [{"addresses": ["10.1.2.3"]}],
        "ports": ports or [{"name": "http", "port": 80}],
    }
    default_endpoint_slice(obj)
    return obj


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        # TestValidateEndpointSliceCreate: "invalid-address-type"
        (
            slice_("IP"),
            ['addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"'],
        ),
        (slice_(""), ["addressType: Required value"]),
        # "empty-addresses"
        (
            slice_(endpoints=[{"addresses": []}]),
            ["endpoints[0].addresses: Required value: must contain at least 1 address"],
        ),
        # "bad-ipv4", "bad-ipv6", "bad-fqdn"
        (
            slice_(endpoints=[{"addresses": ["fd00::1"]}]),
            ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address'],
        ),
        (
            slice_("IPv6", [{"addresses": ["10.1.2.3"]}]),
            ['endpoints[0].addresses[0]: Invalid value: "10.1.2.3": must be a valid IPv6 address'],
        ),
        (
            slice_("FQDN", [{"addresses": ["foo"]}]),
            [
                'endpoints[0].addresses[0]: Invalid value: "foo": should be a domain with at least two segments'
            ],
        ),
        # "too-many-endpoints", "too-many-ports"
        (
            slice_(endpoints=[{"addresses": ["10.1.2.3"]}] * 1001),
            ["endpoints: Too many: 1001: must have at most 1000 items"],
        ),
        (
            slice_(ports=[{"name": f"p{i}", "port": 80 + i} for i in range(101)]),
            ["ports: Too many: 101: must have at most 100 items"],
        ),
        # "duplicate-port-name", "bad-port-name", "bad-protocol"
        (
            slice_(ports=[{"name": "http", "port": 80}, {"name": "http", "port": 81}]),
            ['ports[1].name: Duplicate value: "http"'],
        ),
        (slice_(ports=[{"name": "Http", "port": 80}]), ['ports[0].name: Invalid value: "Http"']),
        (
            slice_(ports=[{"name": "http", "port": 80, "protocol": "foo"}]),
            ['ports[0].protocol: Unsupported value: "foo"'],
        ),
    ],
)
def test_validate_endpoint_slice(obj, expected):
    check(validate_endpoint_slice(obj), expected)


def test_endpoint_slice_port_defaults_and_immutable_address_type():
    obj = slice_(ports=[{"port": 80}])
    assert obj["ports"] == [{"port": 80, "name": "", "protocol": "TCP"}]
    assert validate_endpoint_slice(obj) == []
    check(
        validate_endpoint_slice_update(slice_("IPv6", [{"addresses": ["fd00::1"]}]), obj),
        ['addressType: Invalid value: "IPv6": field is immutable'],
    )


def test_endpoint_slice_conditions_of_the_wrong_type_are_a_bad_request(api):
    body = {
        "metadata": {"name": "s"},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["10.1.2.3"], "conditions": {"ready": "yes"}}],
    }
    answer = api.post("/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", body)
    assert answer.status == 400, answer
