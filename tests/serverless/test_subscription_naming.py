"""Subscription filters in a Serverless template are named as serverless-plugin-datadog names
them, so that switching plugins replaces none (the engine's `Subscriptions`)."""

from __future__ import annotations

from cdk_datadog.engine import cfn
from cdk_datadog.engine.config import config_from_options
from cdk_datadog.engine.stack import StackInput, plan_stack

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
LOG_GROUP = {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/aws/lambda/x"}}
FUNCTION = {
    "Type": "AWS::Lambda::Function",
    "DependsOn": ["HelloLogGroup"],
    "Properties": {"Runtime": "python3.12", "Handler": "h.main", "FunctionName": "x"},
}


def test_a_template_with_the_deployment_bucket_is_a_serverless_template():
    assert cfn.is_serverless_template({"ServerlessDeploymentBucket": {"Type": "AWS::S3::Bucket"}})


def test_a_template_with_a_custom_deployment_bucket_is_recognised_by_its_log_groups():
    resources = {"HelloLogGroup": LOG_GROUP, "HelloLambdaFunction": FUNCTION}
    assert cfn.is_serverless_template(resources)


def test_a_plain_template_is_not_a_serverless_template():
    resources = {"HelloLogGroup": LOG_GROUP, "Hello": {"Type": "AWS::Lambda::Function"}}
    assert not cfn.is_serverless_template(resources)


def _filters(resources: dict) -> dict:
    config = config_from_options({"forwarder_arn": FORWARDER, "source_code_integration": False})
    plan = plan_stack(StackInput(resources, region="us-east-1"), config)
    return {r.logical_id: r.properties for r in plan.resources if r.type == cfn.SUBSCRIPTION_FILTER}


def test_in_a_serverless_template_the_filter_is_named_after_its_log_group_without_filter_name():
    filters = _filters({"HelloLogGroup": LOG_GROUP, "HelloLambdaFunction": FUNCTION})

    assert list(filters) == ["HelloLogGroupSubscription"]
    assert "FilterName" not in filters["HelloLogGroupSubscription"]


def test_elsewhere_the_filter_is_named_after_its_owner_with_our_filter_name():
    function = {**FUNCTION, "DependsOn": []}
    filters = _filters({"HelloLogGroup": LOG_GROUP, "Hello": function})

    assert list(filters) == ["HelloDatadogSubscription"]
    assert filters["HelloDatadogSubscription"]["FilterName"] == "datadog-forwarder"
