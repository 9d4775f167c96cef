"""Whether a function in a VPC can reach Datadog: decided from the subnets, route tables and
routes the stack defines, silent where they are not the stack's, and where nothing needs to
go out."""

from __future__ import annotations

import pytest

from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.vpc import egress_note, index_network

EXTENSION_ENV = {"DD_FLUSH_TO_LOG": "false", "DD_SITE": "datadoghq.com"}
FUNCTION = {"VpcConfig": {"SubnetIds": [{"Ref": "Subnet"}], "SecurityGroupIds": ["sg-1"]}}


def _network(*routes, endpoints=()):
    resources = {
        "Association": {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"SubnetId": {"Ref": "Subnet"}, "RouteTableId": {"Ref": "Table"}},
        },
        "Igw": {"Type": "AWS::EC2::InternetGateway"},
    }
    for index, target in enumerate(routes):
        resources[f"Route{index}"] = {
            "Type": "AWS::EC2::Route",
            "Properties": {
                "RouteTableId": {"Ref": "Table"},
                "DestinationCidrBlock": "0.0.0.0/0",
                **target,
            },
        }
    for index, service in enumerate(endpoints):
        resources[f"Endpoint{index}"] = {
            "Type": "AWS::EC2::VPCEndpoint",
            "Properties": {"ServiceName": service, "VpcEndpointType": "Interface"},
        }
    return index_network(resources)


@pytest.mark.parametrize(
    "route",
    [
        {"NatGatewayId": {"Ref": "Nat"}},
        {"TransitGatewayId": "tgw-0123"},
        {"InstanceId": {"Ref": "Proxy"}},
        {"GatewayId": {"Ref": "VpnGateway"}},  # a virtual private gateway: maybe a way out
    ],
)
def test_a_subnet_with_a_default_route_out_needs_nothing(route):
    assert egress_note(FUNCTION, EXTENSION_ENV, "datadoghq.com", _network(route)) is None


@pytest.mark.parametrize(
    "routes",
    [
        pytest.param((), id="isolated: no default route"),
        pytest.param(({"GatewayId": {"Ref": "Igw"}},), id="internet gateway: no public IP"),
        pytest.param(({"VpcPeeringConnectionId": "pcx-1"},), id="peering: not transitive"),
    ],
)
def test_a_subnet_without_a_way_out_gets_a_warning_naming_the_remedies(routes):
    warning = egress_note(FUNCTION, EXTENSION_ENV, "datadoghq.com", _network(*routes))

    assert warning is not None and warning.id == nk.NETWORK_NO_EGRESS.id
    assert "Subnet" in warning.message and "datadoghq.com" in warning.message
    for remedy in ("NAT gateway", "PrivateLink endpoints for datadoghq.com", "DD_PROXY_HTTPS"):
        assert remedy in warning.message


def test_a_site_without_privatelink_is_not_told_to_use_it():
    environment = {**EXTENSION_ENV, "DD_SITE": "datadoghq.eu"}

    warning = egress_note(FUNCTION, environment, "datadoghq.com", _network())

    assert "no PrivateLink for datadoghq.eu" in warning.message


@pytest.mark.parametrize(
    ("site", "service"),
    [
        ("datadoghq.com", "com.amazonaws.vpce.us-east-1.vpce-svc-09a8006e245d1e7b8"),
        ("ap1.datadoghq.com", "com.amazonaws.vpce.ap-northeast-1.vpce-svc-0123456789abcdef0"),
    ],
)
def test_an_endpoint_to_datadogs_privatelink_for_the_site_is_a_way_out(site, service):
    network = _network(endpoints=[service])

    assert egress_note(FUNCTION, {**EXTENSION_ENV, "DD_SITE": site}, site, network) is None


def test_an_endpoint_to_another_service_is_no_way_to_datadog():
    network = _network(endpoints=["com.amazonaws.us-east-1.secretsmanager"])

    assert egress_note(FUNCTION, EXTENSION_ENV, "datadoghq.com", network) is not None


@pytest.mark.parametrize(
    "environment",
    [
        pytest.param({"DD_FLUSH_TO_LOG": "true"}, id="Forwarder: metrics in the logs"),
        pytest.param({**EXTENSION_ENV, "DD_PROXY_HTTPS": "http://proxy:3128"}, id="a proxy"),
    ],
)
def test_no_warning_when_nothing_goes_out_directly(environment):
    assert egress_note(FUNCTION, environment, "datadoghq.com", _network()) is None


@pytest.mark.parametrize(
    "subnets",
    [
        pytest.param(["subnet-0123456789abcdef0"], id="a literal id"),
        pytest.param([{"Fn::ImportValue": "network-PrivateSubnet"}], id="an import"),
        pytest.param([{"Ref": "UnassociatedSubnet"}], id="the VPC's main route table"),
    ],
)
def test_subnets_the_stack_does_not_describe_say_nothing(subnets):
    function = {"VpcConfig": {"SubnetIds": subnets}}

    assert egress_note(function, EXTENSION_ENV, "datadoghq.com", _network()) is None
