"""Forwarder subscriptions in the CDK: the function's own group, an added one, two filters
already, permissions scoped to the group, the extension, and other log groups."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Annotations, Match, Template

from cdk_datadog import Datadog, DatadogLambda
from tests.support.cdk_apps import python_function
from tests.support.cfn_lint import lint_errors

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbCdEf"


def _stack():
    app = cdk.App()
    return cdk.Stack(app, "S", env=cdk.Environment(account="123456789012", region="us-east-1"))


def _logical(stack, construct):
    return stack.get_logical_id(construct.node.default_child)


def test_a_function_with_its_own_log_group_gets_that_group_subscribed_and_nothing_else():
    stack = _stack()
    group = logs.LogGroup(stack, "Group")
    Datadog(stack, "Datadog", forwarder_arn=FORWARDER, source_code_integration=False)
    python_function(stack, log_group=group)

    template = Template.from_stack(stack)
    template.resource_count_is("AWS::Logs::LogGroup", 1)
    template.has_resource_properties(
        "AWS::Logs::SubscriptionFilter",
        {
            "LogGroupName": {"Ref": _logical(stack, group)},
            "DestinationArn": FORWARDER,
            "FilterPattern": "",
            "FilterName": "datadog-forwarder",
        },
    )
    template.resource_count_is("AWS::Lambda::Permission", 0)
    assert lint_errors(template.to_json()) == []


def test_a_function_without_log_group_gets_one_as_its_logging_config_and_says_so():
    stack = _stack()
    Datadog(
        stack,
        "Datadog",
        forwarder_arn=FORWARDER,
        create_forwarder_permissions=True,
        source_code_integration=False,
    )
    python_function(stack)

    template = Template.from_stack(stack)
    (group_id,) = template.find_resources("AWS::Logs::LogGroup").keys()
    template.has_resource("AWS::Logs::LogGroup", {"DeletionPolicy": "Retain"})
    template.has_resource_properties(
        "AWS::Lambda::Function", {"LoggingConfig": {"LogGroup": {"Ref": group_id}}}
    )
    template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Principal": "logs.amazonaws.com",
            "FunctionName": FORWARDER,
            "SourceArn": {"Fn::GetAtt": [group_id, "Arn"]},  # scoped, not "*"
        },
    )
    template.resource_count_is("Custom::LogRetention", 0)
    infos = Annotations.from_stack(stack).find_info(
        "/S/Fn", Match.string_like_regexp("Logs.logGroupAdded")
    )
    assert len(infos) == 1
    assert lint_errors(template.to_json()) == []


def test_a_log_group_with_two_filters_already_gets_no_third_and_a_warning():
    stack = _stack()
    group = logs.LogGroup(stack, "Group")
    for index in range(2):
        logs.CfnSubscriptionFilter(
            stack,
            f"Existing{index}",
            log_group_name=group.log_group_name,
            destination_arn=f"{FORWARDER}-other-{index}",
            filter_pattern="",
        )
    Datadog(stack, "Datadog", forwarder_arn=FORWARDER, source_code_integration=False)
    python_function(stack, log_group=group)

    Template.from_stack(stack).resource_count_is("AWS::Logs::SubscriptionFilter", 2)
    warnings = Annotations.from_stack(stack).find_warning(
        "/S/Fn", Match.string_like_regexp("2 subscription filters")
    )
    assert len(warnings) == 1


def test_a_log_group_already_subscribed_to_the_forwarder_gets_no_second_filter():
    stack = _stack()
    group = logs.LogGroup(stack, "Group")
    logs.CfnSubscriptionFilter(
        stack,
        "FromAnotherTool",
        log_group_name=group.log_group_name,
        destination_arn=FORWARDER,
        filter_pattern="",
    )
    Datadog(stack, "Datadog", forwarder_arn=FORWARDER, source_code_integration=False)
    python_function(stack, log_group=group)

    Template.from_stack(stack).resource_count_is("AWS::Logs::SubscriptionFilter", 1)
    assert not Annotations.from_stack(stack).find_warning("*", Match.any_value())


def test_with_the_extension_no_subscription_is_added_and_an_info_says_why():
    stack = _stack()
    Datadog(
        stack,
        "Datadog",
        forwarder_arn=FORWARDER,
        extension_layer_version=101,
        api_key_secret_arn=SECRET,
        source_code_integration=False,
    )
    python_function(stack)

    Template.from_stack(stack).resource_count_is("AWS::Logs::SubscriptionFilter", 0)
    infos = Annotations.from_stack(stack).find_info(
        "/S/Fn", Match.string_like_regexp("Extension ships logs")
    )
    assert len(infos) == 1


def test_other_log_groups_are_subscribed_on_request_with_scoped_permissions():
    stack = _stack()
    datadog = DatadogLambda(
        stack,
        "Datadog",
        forwarder_arn=FORWARDER,
        create_forwarder_permissions=True,
        source_code_integration=False,
    )
    access_logs = logs.LogGroup(stack, "ApiAccessLogs")
    datadog.add_forwarder_to_non_lambda_log_groups([access_logs])

    template = Template.from_stack(stack)
    group_id = _logical(stack, access_logs)
    template.has_resource_properties(
        "AWS::Logs::SubscriptionFilter", {"LogGroupName": {"Ref": group_id}}
    )
    template.has_resource_properties(
        "AWS::Lambda::Permission", {"SourceArn": {"Fn::GetAtt": [group_id, "Arn"]}}
    )
    assert lint_errors(template.to_json()) == []


def test_other_log_groups_without_a_forwarder_are_left_alone_with_an_info():
    stack = _stack()
    datadog = Datadog(stack, "Datadog", source_code_integration=False)
    datadog.add_forwarder_to_non_lambda_log_groups([logs.LogGroup(stack, "Other")])

    Template.from_stack(stack).resource_count_is("AWS::Logs::SubscriptionFilter", 0)
    infos = Annotations.from_stack(stack).find_info(
        "/S/Other", Match.string_like_regexp(r"\[cdk-datadog:Logs\.noForwarder\]")
    )
    assert len(infos) == 1
