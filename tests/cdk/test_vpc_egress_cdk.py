"""A function in a VPC that cannot reach Datadog, in a CDK app: aws-cdk-lib's PRIVATE_ISOLATED
subnets and NAT-less VPCs get a warning on the function that names what to add; a NAT
gateway, a Datadog PrivateLink endpoint or the Forwarder (nothing to send out) get none."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2

from cdk_datadog import Datadog
from cdk_datadog.engine import notes as nk
from tests.support.cdk_apps import python_function

ENV = cdk.Environment(account="123456789012", region="us-east-1")
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:datadog-api-key-AbCdEf"
FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
EXTENSION = {"extension_layer_version": 101, "api_key_secret_arn": SECRET}
METRICS_SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-09a8006e245d1e7b8"


def _isolated_vpc(stack: cdk.Stack) -> tuple[ec2.Vpc, ec2.SubnetSelection]:
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        nat_gateways=0,
        max_azs=2,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )
    return vpc, ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)


@pytest.fixture(scope="module")
def assembly():
    app = cdk.App()

    isolated = cdk.Stack(app, "Isolated", env=ENV)
    vpc, subnets = _isolated_vpc(isolated)
    python_function(isolated, "Fn", vpc=vpc, vpc_subnets=subnets)

    public_only = cdk.Stack(app, "PublicOnly", env=ENV)
    vpc = ec2.Vpc(public_only, "Vpc", nat_gateways=0, max_azs=1)  # public subnets only
    python_function(
        public_only,
        "Fn",
        vpc=vpc,
        vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC),
        allow_public_subnet=True,
    )

    with_nat = cdk.Stack(app, "WithNat", env=ENV)
    python_function(with_nat, "Fn", vpc=ec2.Vpc(with_nat, "Vpc", nat_gateways=1, max_azs=2))

    private_link = cdk.Stack(app, "PrivateLink", env=ENV)
    vpc, subnets = _isolated_vpc(private_link)
    vpc.add_interface_endpoint(
        "DatadogMetrics", service=ec2.InterfaceVpcEndpointService(METRICS_SERVICE, 443)
    )
    python_function(private_link, "Fn", vpc=vpc, vpc_subnets=subnets)

    for stack in (isolated, public_only, with_nat, private_link):
        Datadog(stack, "Datadog", source_code_integration=False, **EXTENSION)

    forwarder = cdk.Stack(app, "Forwarder", env=ENV)
    vpc, subnets = _isolated_vpc(forwarder)
    python_function(forwarder, "Fn", vpc=vpc, vpc_subnets=subnets)
    Datadog(forwarder, "Datadog", forwarder_arn=FORWARDER, source_code_integration=False)
    return app.synth()


def _warnings(assembly, stack: str) -> list[str]:
    return [
        str(message.entry.data)
        for message in assembly.get_stack_by_name(stack).messages
        if message.id == f"/{stack}/Fn" and nk.NETWORK_NO_EGRESS.id in str(message.entry.data)
    ]


@pytest.mark.parametrize("stack", ["Isolated", "PublicOnly"])
def test_a_function_in_subnets_without_a_way_out_is_warned_with_what_to_add(assembly, stack):
    (warning,) = _warnings(assembly, stack)

    assert "cannot reach Datadog (datadoghq.com)" in warning
    assert "NAT gateway" in warning and "PrivateLink" in warning and "DD_PROXY_HTTPS" in warning


@pytest.mark.parametrize("stack", ["WithNat", "PrivateLink", "Forwarder"])
def test_no_warning_with_a_nat_gateway_a_privatelink_endpoint_or_the_forwarder(assembly, stack):
    assert _warnings(assembly, stack) == []
