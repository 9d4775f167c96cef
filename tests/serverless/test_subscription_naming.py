"""Subscription filters in a Serverless template are named as serverless-plugin-datadog names
them, so that switching plugins replaces none (the engine's `Subscriptions`)."""

from __future__ import annotations

from cdk_datadog.engine import cfn
from cdk_datadog.engine.config import config_from_options
from cdk_datadog.engine.stack import DEFAULT_NAMING, SERVERLESS_NAMING, StackInput, plan_stack
from cdk_datadog.templates.naming import template_naming

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
LOG_GROUP = {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/aws/lambda/x"}}
FUNCTION = {
    "Type": "AWS::Lambda::Function",
    "DependsOn": ["HelloLogGroup"],
    "Properties": {"Runtime": "python3.12", "Handler": "h.main", "FunctionName": "x"},
}


def test_a_template_with_the_deployment_bucket_is_a_serverless_template():
    bucket = {"ServerlessDeploymentBucket": {"Type": "AWS::S3::Bucket"}}
    assert template_naming(bucket) == SERVERLESS_NAMING


def test_a_template_with_a_custom_deployment_bucket_is_recognised_by_its_log_groups():
    resources = {"HelloLogGroup": LOG_GROUP, "HelloLambdaFunction": FUNCTION}
    assert template_naming(resources) == SERVERLESS_NAMING


def test_a_plain_template_is_not_a_serverless_template():
    resources = {"HelloLogGroup": LOG_GROUP, "Hello": {"Type": "AWS::Lambda::Function"}}
    assert template_naming(resources) == DEFAULT_NAMING


def _filters(resources: dict) -> dict:
    """The filters planned as `cdk-datadog instrument` plans them: the naming told from the
    template."""
    config = config_from_options({"forwarder_arn": FORWARDER, "source_code_integration": False})
    stack = StackInput(resources, region="us-east-1", naming=template_naming(resources))
    plan = plan_stack(stack, config)
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
