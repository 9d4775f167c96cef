"""The CDK shell writes the engine's writes as they are: the user's tracing mode, layers set by
raw overrides, L1 properties given as tokens and conditions all come out as in a template."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Template

from cdk_datadog import Datadog
from cdk_datadog.templates.transform import instrument
from tests.support.cdk_apps import python_function

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:datadog-api-key-AbCdEf"
FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
LIBRARY = ":layer:Datadog-Python312:"
WRAPPER = "datadog_lambda.handler.handler"
OPTIONS = {"api_key_secret_arn": SECRET, "source_code_integration": False}


def _stack() -> cdk.Stack:
    app = cdk.App()
    return cdk.Stack(app, "S", env=cdk.Environment(account="123456789012", region="us-east-1"))


def _functions(stack: cdk.Stack) -> dict:
    template = Template.from_stack(stack).to_json()
    return {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function"
    }


def _layers(properties: dict) -> list:
    return [str(layer) for layer in properties.get("Layers", [])]


def test_a_functions_own_tracing_mode_stays_with_xray_tracing_asked_for():
    stack = _stack()
    python_function(stack, tracing=lambda_.Tracing.PASS_THROUGH)
    Datadog(stack, "Datadog", enable_xray_tracing=True, **OPTIONS)

    (function,) = _functions(stack).values()

    assert function["Properties"]["TracingConfig"] == {"Mode": "PassThrough"}


def test_the_template_front_end_keeps_the_same_tracing_mode_as_the_construct():
    stack = _stack()
    python_function(stack, tracing=lambda_.Tracing.PASS_THROUGH)
    template = Template.from_stack(stack).to_json()

    output = instrument(template, enable_xray_tracing=True, **OPTIONS).template

    (function,) = (r for r in output["Resources"].values() if r["Type"] == "AWS::Lambda::Function")
    assert function["Properties"]["TracingConfig"] == {"Mode": "PassThrough"}


def test_a_function_without_a_mode_gets_active_tracing():
    stack = _stack()
    python_function(stack)
    Datadog(stack, "Datadog", enable_xray_tracing=True, **OPTIONS)

    (function,) = _functions(stack).values()

    assert function["Properties"]["TracingConfig"] == {"Mode": "Active"}


def test_layers_set_by_a_property_override_keep_datadogs_library_layer():
    stack = _stack()
    function = python_function(stack)
    shared = "arn:aws:lambda:us-east-1:123456789012:layer:shared:1"
    function.node.default_child.add_property_override("Layers", [shared])
    Datadog(stack, "Datadog", **OPTIONS)

    (rendered,) = _functions(stack).values()

    layers = _layers(rendered["Properties"])
    assert layers[0] == shared
    assert any(LIBRARY in layer for layer in layers)
    assert rendered["Properties"]["Handler"] == WRAPPER


def test_a_deletion_override_of_layers_does_not_drop_datadogs_library_layer():
    stack = _stack()
    function = python_function(stack)
    function.node.default_child.add_deletion_override("Properties.Layers")
    Datadog(stack, "Datadog", **OPTIONS)

    (rendered,) = _functions(stack).values()

    assert any(LIBRARY in layer for layer in _layers(rendered["Properties"]))


def test_l1_layers_from_a_list_parameter_are_extended_not_replaced():
    stack = _stack()
    shared = cdk.CfnParameter(stack, "SharedLayers", type="CommaDelimitedList")
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    lambda_.CfnFunction(
        stack,
        "Fn",
        runtime="python3.12",
        handler="app.handler",
        role=role.role_arn,
        code=lambda_.CfnFunction.CodeProperty(zip_file="def handler(e, c): return e"),
        layers=shared.value_as_list,
    )
    Datadog(stack, "Datadog", **OPTIONS)

    (rendered,) = _functions(stack).values()

    split = rendered["Properties"]["Layers"]["Fn::Split"]
    parts = split[1]["Fn::Join"][1]
    assert parts[0] == {"Fn::Join": [",", {"Ref": "SharedLayers"}]}
    assert any(LIBRARY in str(part) for part in parts[1:])


def test_resources_added_for_a_conditional_function_carry_its_condition():
    stack = _stack()
    is_prod = cdk.CfnCondition(
        stack, "IsProd", expression=cdk.Fn.condition_equals(cdk.Aws.REGION, "us-east-1")
    )
    function = python_function(stack)
    function.node.default_child.cfn_options.condition = is_prod
    function.role.node.default_child.cfn_options.condition = is_prod
    Datadog(stack, "Datadog", forwarder_arn=FORWARDER, **OPTIONS)

    resources = Template.from_stack(stack).to_json()["Resources"]

    added = {
        lid: r
        for lid, r in resources.items()
        if r["Type"] in ("AWS::Logs::LogGroup", "AWS::Logs::SubscriptionFilter")
    }
    assert added and all(r.get("Condition") == "IsProd" for r in added.values())
    (policy,) = (r for r in resources.values() if r["Type"] == "AWS::IAM::ManagedPolicy")
    (role,) = policy["Properties"]["Roles"]
    assert role["Fn::If"][0] == "IsProd" and role["Fn::If"][2] == {"Ref": "AWS::NoValue"}


def test_a_function_with_log_retention_has_its_managed_group_subscribed_not_replaced():
    from aws_cdk import aws_logs as logs

    stack = _stack()
    python_function(stack, log_retention=logs.RetentionDays.ONE_WEEK)
    Datadog(stack, "Datadog", forwarder_arn=FORWARDER, source_code_integration=False)

    resources = Template.from_stack(stack).to_json()["Resources"]

    function = next(r for k, r in _functions(stack).items() if k.startswith("Fn"))
    assert "LoggingConfig" not in function["Properties"]  # it writes where the retention is
    assert not [r for r in resources.values() if r["Type"] == "AWS::Logs::LogGroup"]
    (retention_id,) = [k for k, r in resources.items() if r["Type"] == "Custom::LogRetention"]
    assert resources[retention_id]["Properties"]["RetentionInDays"] == 7
    (subscription,) = [
        r for r in resources.values() if r["Type"] == "AWS::Logs::SubscriptionFilter"
    ]
    assert subscription["Properties"]["LogGroupName"] == {
        "Fn::GetAtt": [retention_id, "LogGroupName"]
    }


def test_the_reference_constructs_subscription_through_log_retention_is_recognised():
    """datadog-cdk-constructs-v2 names the group `Fn::GetAtt [<LogRetention>, LogGroupName]`:
    instrumenting its output again adds no second filter, and `report` sees the subscription."""
    from aws_cdk import aws_logs as logs

    from cdk_datadog.templates.report import report_rows

    stack = _stack()
    function = python_function(stack, log_retention=logs.RetentionDays.ONE_WEEK)
    template = Template.from_stack(stack).to_json()
    retention_id = next(
        k for k, r in template["Resources"].items() if r["Type"] == "Custom::LogRetention"
    )
    function_id = next(
        k for k, r in template["Resources"].items() if r["Type"] == "AWS::Lambda::Function"
    )
    template["Resources"]["RefFilter"] = {
        "Type": "AWS::Logs::SubscriptionFilter",
        "Properties": {
            "DestinationArn": FORWARDER,
            "FilterPattern": "",
            "LogGroupName": {"Fn::GetAtt": [retention_id, "LogGroupName"]},
        },
    }
    del function

    output = instrument(template, forwarder_arn=FORWARDER, source_code_integration=False).template

    filters = [
        r for r in output["Resources"].values() if r["Type"] == "AWS::Logs::SubscriptionFilter"
    ]
    assert len(filters) == 1
    (row,) = [row for row in report_rows(output) if row.logical_id == function_id]
    assert row.subscribed
