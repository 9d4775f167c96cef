"""State machines: logging for Datadog when they have none, the user's kept otherwise, the
Forwarder subscription, tags, and the trace-merging helpers."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk.assertions import Match, Template

from cdk_datadog import Datadog, DatadogStepFunctions
from tests.support.cfn_lint import lint_errors

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"


def _stack_with_machine(**machine_options):
    app = cdk.App()
    stack = cdk.Stack(app, "S", env=cdk.Environment(account="123456789012", region="us-east-1"))
    Datadog(
        stack,
        "Datadog",
        forwarder_arn=FORWARDER,
        service="orders",
        env="prod",
        source_code_integration=False,
    )
    sfn.StateMachine(
        stack,
        "Flow",
        definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(stack, "Start")),
        **machine_options,
    )
    return stack, Template.from_stack(stack)


def test_a_state_machine_without_logging_logs_all_with_execution_data_and_is_subscribed():
    _, template = _stack_with_machine()

    groups = template.find_resources(
        "AWS::Logs::LogGroup",
        {"Properties": {"LogGroupName": "/aws/vendedlogs/states/S-Flow-Logs"}},
    )
    (group_id,) = groups
    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {
            "LoggingConfiguration": {
                "Level": "ALL",
                "IncludeExecutionData": True,
                "Destinations": [
                    {"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": [group_id, "Arn"]}}}
                ],
            },
            "Tags": Match.array_with(
                [
                    {"Key": "DD_TRACE_ENABLED", "Value": "true"},
                    {"Key": "env", "Value": "prod"},
                    {"Key": "service", "Value": "orders"},
                ]
            ),
        },
    )
    template.has_resource_properties(
        "AWS::Logs::SubscriptionFilter",
        {"LogGroupName": {"Ref": group_id}, "DestinationArn": FORWARDER},
    )
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Action": Match.array_with(["logs:CreateLogDelivery"])})]
                )
            }
        },
    )
    assert lint_errors(template.to_json()) == []


def test_an_existing_logging_configuration_is_kept_and_its_group_subscribed():
    app = cdk.App()
    stack = cdk.Stack(app, "S", env=cdk.Environment(account="123456789012", region="us-east-1"))
    group = logs.LogGroup(stack, "Mine")
    Datadog(stack, "Datadog", forwarder_arn=FORWARDER, source_code_integration=False)
    sfn.StateMachine(
        stack,
        "Flow",
        definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(stack, "Start")),
        logs=sfn.LogOptions(destination=group, level=sfn.LogLevel.ERROR),
    )
    template = Template.from_stack(stack)

    template.resource_count_is("AWS::Logs::LogGroup", 1)
    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine", {"LoggingConfiguration": {"Level": "ERROR"}}
    )
    group_id = stack.get_logical_id(group.node.default_child)
    template.has_resource_properties(
        "AWS::Logs::SubscriptionFilter", {"LogGroupName": {"Ref": group_id}}
    )


def test_the_lambda_payload_carries_the_execution_context_without_changing_the_callers():
    payload = {"order": "$.order"}

    merged = DatadogStepFunctions.build_lambda_payload_to_merge_traces(payload)

    assert merged == {
        "order": "$.order",
        "Execution.$": "$$.Execution",
        "State.$": "$$.State",
        "StateMachine.$": "$$.StateMachine",
    }
    assert payload == {"order": "$.order"}
    with pytest.raises(ValueError, match="Execution"):
        DatadogStepFunctions.build_lambda_payload_to_merge_traces({"Execution.$": "$"})


def test_a_nested_execution_input_carries_the_context():
    merged = DatadogStepFunctions.build_step_function_task_input_to_merge_traces()
    assert merged == {"CONTEXT.$": "$$['Execution', 'State', 'StateMachine']"}
    with pytest.raises(ValueError, match="CONTEXT"):
        DatadogStepFunctions.build_step_function_task_input_to_merge_traces({"CONTEXT": 1})
