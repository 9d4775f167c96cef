"""The shared reader of CloudFormation-shaped resources: `function_subscribed`, the question
`report` and the lint rules ask of finished templates."""

from __future__ import annotations

import pytest

from cdk_datadog.engine import cfn

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
OTHER = "arn:aws:lambda:us-east-1:123456789012:function:other"


def _function(**properties) -> dict:
    return {"Type": cfn.LAMBDA_FUNCTION, "Properties": {"Runtime": "python3.12", **properties}}


def _group(name=None) -> dict:
    return {"Type": cfn.LOG_GROUP, "Properties": {"LogGroupName": name} if name else {}}


def _filter(log_group_name, destination=FORWARDER) -> dict:
    return {
        "Type": cfn.SUBSCRIPTION_FILTER,
        "Properties": {"LogGroupName": log_group_name, "DestinationArn": destination},
    }


def _subscribed(resources: dict, destination=None) -> bool:
    properties = resources["Fn"]["Properties"]
    return cfn.function_subscribed("Fn", properties, cfn.index_log_groups(resources), destination)


#: (case, resources, subscribed)
TABLE = [
    ("no filter", {"Fn": _function()}, False),
    (
        "Serverless: the stack's /aws/lambda/<FunctionName> group, filter by Ref",
        {
            "Fn": _function(FunctionName="shop-dev-hello"),
            "FnLogGroup": _group("/aws/lambda/shop-dev-hello"),
            "Sub": _filter({"Ref": "FnLogGroup"}),
        },
        True,
    ),
    (
        "Serverless group, filter by its literal name",
        {
            "Fn": _function(FunctionName="shop-dev-hello"),
            "FnLogGroup": _group("/aws/lambda/shop-dev-hello"),
            "Sub": _filter("/aws/lambda/shop-dev-hello"),
        },
        True,
    ),
    (
        "LoggingConfig by Ref, filter by Fn::GetAtt",
        {
            "Fn": _function(LoggingConfig={"LogGroup": {"Ref": "Group"}}),
            "Group": _group(),
            "Sub": _filter({"Fn::GetAtt": ["Group", "LogGroupName"]}),
        },
        True,
    ),
    (
        "LoggingConfig by Ref, filter by Ref",
        {
            "Fn": _function(LoggingConfig={"LogGroup": {"Ref": "Group"}}),
            "Group": _group(),
            "Sub": _filter({"Ref": "Group"}),
        },
        True,
    ),
    (
        "LoggingConfig by Ref, a filter on another group",
        {
            "Fn": _function(LoggingConfig={"LogGroup": {"Ref": "Group"}}),
            "Group": _group(),
            "Other": _group(),
            "Sub": _filter({"Ref": "Other"}),
        },
        False,
    ),
    (
        "LoggingConfig by literal name, filter by the same name",
        {"Fn": _function(LoggingConfig={"LogGroup": "/shared"}), "Sub": _filter("/shared")},
        True,
    ),
    (
        "LoggingConfig elsewhere, a filter on the default group",
        {
            "Fn": _function(LoggingConfig={"LogGroup": "/shared"}),
            "Sub": _filter({"Fn::Sub": "/aws/lambda/${Fn}"}),
        },
        False,
    ),
    (
        "default group by literal FunctionName, not in the stack",
        {"Fn": _function(FunctionName="orders"), "Sub": _filter("/aws/lambda/orders")},
        True,
    ),
    (
        "default group by Fn::Sub",
        {"Fn": _function(), "Sub": _filter({"Fn::Sub": "/aws/lambda/${Fn}"})},
        True,
    ),
    (
        "default group by Fn::Join",
        {
            "Fn": _function(),
            "Sub": _filter({"Fn::Join": ["", ["/aws/lambda/", {"Ref": "Fn"}]]}),
        },
        True,
    ),
    (
        "another function's default group",
        {
            "Fn": _function(),
            "Sub": _filter({"Fn::Sub": "/aws/lambda/${Other}"}),
        },
        False,
    ),
    (
        "the stack's group named by Fn::Sub, filter by Ref",
        {
            "Fn": _function(),
            "Logs": _group({"Fn::Sub": "/aws/lambda/${Fn}"}),
            "Sub": _filter({"Ref": "Logs"}),
        },
        True,
    ),
]


@pytest.mark.parametrize(
    ("resources", "expected"), [case[1:] for case in TABLE], ids=[case[0] for case in TABLE]
)
def test_function_subscribed_reads_the_group_however_it_is_named(resources, expected):
    assert _subscribed(resources) is expected


def test_function_subscribed_to_a_destination_compares_the_destination():
    resources = {"Fn": _function(), "Sub": _filter({"Fn::Sub": "/aws/lambda/${Fn}"}, OTHER)}
    assert _subscribed(resources, FORWARDER) is False
    assert _subscribed(resources, OTHER) is True
