"""DatadogStepFunctions' explicit mode with the rest of cdk-datadog: a state machine it lists
is instrumented once, with its options, even under a `Datadog`; it rewrites definitions only
when asked; imported state machines are ignored."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from aws_cdk.assertions import Template

from cdk_datadog import Datadog, DatadogStepFunctions
from cdk_datadog.engine.step_functions_tracing import JSON_MERGE
from tests.cdk.test_step_functions_tracing_cdk import definition_states
from tests.support.cdk_apps import python_function

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
ENV = cdk.Environment(account="123456789012", region="us-east-1")


def _flow(stack: cdk.Stack, name: str) -> sfn.StateMachine:
    invoke = tasks.LambdaInvoke(
        stack, f"{name}Invoke", lambda_function=python_function(stack, f"{name}Fn")
    )
    return sfn.StateMachine(stack, name, definition_body=sfn.DefinitionBody.from_chainable(invoke))


def _machine(template: Template, name: str) -> dict:
    (found,) = [
        resource
        for logical_id, resource in template.find_resources(
            "AWS::StepFunctions::StateMachine"
        ).items()
        if logical_id.startswith(name)
    ]
    return found


def _tags(resource: dict) -> dict[str, str]:
    return {tag["Key"]: tag["Value"] for tag in resource["Properties"]["Tags"]}


def test_a_listed_state_machine_is_instrumented_once_with_its_constructs_options():
    app = cdk.App()
    stack = cdk.Stack(app, "S", env=ENV)
    listed = _flow(stack, "Listed")
    _flow(stack, "Other")
    Datadog(
        stack, "Datadog", forwarder_arn=FORWARDER, service="shop", source_code_integration=False
    )
    DatadogStepFunctions(
        stack, "DatadogSfn", service="billing", forwarder_arn=FORWARDER
    ).add_state_machines([listed])
    template = Template.from_stack(stack)

    assert _tags(_machine(template, "Listed"))["service"] == "billing"
    assert _tags(_machine(template, "Other"))["service"] == "shop"
    names = [
        group.get("Properties", {}).get("LogGroupName")
        for group in template.find_resources("AWS::Logs::LogGroup").values()
    ]
    assert names.count("/aws/vendedlogs/states/S-Listed-Logs") == 1
    assert "/aws/vendedlogs/states/S-Other-Logs" in names


def test_definitions_are_rewritten_only_when_asked():
    app = cdk.App()
    stack = cdk.Stack(app, "S", env=ENV)
    kept, merged = _flow(stack, "Kept"), _flow(stack, "Merged")
    DatadogStepFunctions(stack, "Plain", forwarder_arn=FORWARDER).add_state_machines([kept])
    DatadogStepFunctions(
        stack, "Merging", forwarder_arn=FORWARDER, merge_step_function_and_lambda_traces=True
    ).add_state_machines([merged])
    template = Template.from_stack(stack)

    assert (
        definition_states(_machine(template, "Kept"))["KeptInvoke"]["Parameters"]["Payload.$"]
        == "$"
    )
    merged_states = definition_states(_machine(template, "Merged"))
    assert merged_states["MergedInvoke"]["Parameters"]["Payload.$"] == JSON_MERGE


def test_an_imported_state_machine_is_ignored():
    app = cdk.App()
    stack = cdk.Stack(app, "S", env=ENV)
    imported = sfn.StateMachine.from_state_machine_arn(
        stack, "Imported", "arn:aws:states:us-east-1:123456789012:stateMachine:elsewhere"
    )
    DatadogStepFunctions(stack, "DatadogSfn", forwarder_arn=FORWARDER).add_state_machines(
        [imported]
    )

    template = Template.from_stack(stack)

    template.resource_count_is("AWS::Logs::LogGroup", 0)
