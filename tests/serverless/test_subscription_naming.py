"""Subscription filters in a Serverless template are named as serverless-plugin-datadog names
them, so that switching plugins replaces none (cdk_datadog/serverless/naming.py)."""

from __future__ import annotations

from cdk_datadog.serverless.naming import SubscriptionNaming, is_serverless_template

LOG_GROUP = {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/aws/lambda/x"}}


def test_a_template_with_the_deployment_bucket_is_a_serverless_template():
    assert is_serverless_template({"ServerlessDeploymentBucket": {"Type": "AWS::S3::Bucket"}})


def test_a_template_with_a_custom_deployment_bucket_is_recognised_by_its_log_groups():
    resources = {
        "HelloLogGroup": LOG_GROUP,
        "HelloLambdaFunction": {"Type": "AWS::Lambda::Function", "DependsOn": ["HelloLogGroup"]},
    }
    assert is_serverless_template(resources)


def test_a_plain_template_is_not_a_serverless_template():
    resources = {"HelloLogGroup": LOG_GROUP, "Hello": {"Type": "AWS::Lambda::Function"}}
    assert not is_serverless_template(resources)


def test_in_a_serverless_template_the_filter_is_named_after_its_log_group_without_filter_name():
    naming = SubscriptionNaming(serverless=True)
    resources = {"HelloLogGroup": LOG_GROUP}
    group = {"Ref": "HelloLogGroup"}
    assert naming.logical_id("HelloLambdaFunction", group, resources) == "HelloLogGroupSubscription"
    assert naming.filter_name("datadog-forwarder") is None


def test_elsewhere_the_filter_is_named_after_its_owner_with_our_filter_name():
    naming = SubscriptionNaming(serverless=False)
    group = {"Ref": "HelloLogGroup"}
    logical_id = naming.logical_id("Hello", group, {"HelloLogGroup": LOG_GROUP})
    assert logical_id == "HelloDatadogSubscription"
    assert naming.filter_name("datadog-forwarder") == "datadog-forwarder"


def test_a_group_that_is_not_a_log_group_resource_keeps_the_owner_name():
    naming = SubscriptionNaming(serverless=True)
    assert naming.logical_id("Api", {"Ref": "Unknown"}, {}) == "ApiDatadogSubscription"
    assert naming.logical_id("Api", "/aws/lambda/x", {}) == "ApiDatadogSubscription"
