"""A function in a VPC that cannot reach Datadog, in a template: said where the template
defines the subnet's route table, silent where the subnet is given by id."""

from __future__ import annotations

import copy

import pytest

from cdk_datadog.engine import notes as nk
from cdk_datadog.templates.transform import instrument

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:datadog-api-key-AbCdEf"
OPTIONS = {
    "extension_layer_version": 101,
    "api_key_secret_arn": SECRET,
    "region": "us-east-1",
    "source_code_integration": False,
}
TEMPLATE = {
    "Resources": {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "Subnet": {
            "Type": "AWS::EC2::Subnet",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": "10.0.0.0/24"},
        },
        "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
        "Association": {
            "Type": "AWS::EC2::SubnetRouteTableAssociation",
            "Properties": {"SubnetId": {"Ref": "Subnet"}, "RouteTableId": {"Ref": "Table"}},
        },
        "Orders": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "app.handler",
                "CodeUri": "src/",
                "VpcConfig": {"SubnetIds": [{"Ref": "Subnet"}], "SecurityGroupIds": ["sg-1"]},
            },
        },
    }
}


def _notes(template):
    done = instrument(template, **OPTIONS)
    return [n for where, n in done.notes if where == "Orders" and n.id == nk.NETWORK_NO_EGRESS.id]


def test_a_subnet_whose_route_table_has_no_route_out_is_said():
    (warning,) = _notes(copy.deepcopy(TEMPLATE))

    assert "Subnet" in warning.message and "NAT gateway" in warning.message


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda t: t["Resources"].update(
                Route={
                    "Type": "AWS::EC2::Route",
                    "Properties": {
                        "RouteTableId": {"Ref": "Table"},
                        "DestinationCidrBlock": "0.0.0.0/0",
                        "NatGatewayId": "nat-0123456789abcdef0",
                    },
                }
            ),
            id="a NAT gateway route",
        ),
        pytest.param(
            lambda t: t["Resources"]["Orders"]["Properties"]["VpcConfig"].update(
                SubnetIds=["subnet-0123456789abcdef0"]
            ),
            id="a subnet given by id",
        ),
    ],
)
def test_nothing_is_said_with_a_route_out_or_where_it_cannot_be_known(change):
    template = copy.deepcopy(TEMPLATE)
    change(template)

    assert _notes(template) == []
