"""Step Functions tracing in a CDK app: the definitions aws-cdk-lib renders (LambdaInvoke and
StepFunctionsStartExecution tasks, split around ARNs) carry Datadog's context after
instrumentation; a definition naming another stack's function is left as it is; logging is
raised, or added and said to need shipping."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from aws_cdk.assertions import Match, Template

from cdk_datadog import Datadog, instrument_template
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.step_functions_tracing import CONTEXT_PATH, JSON_MERGE
from tests.support.cdk_apps import python_function
from tests.support.cfn_lint import lint_errors

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
ENV = cdk.Environment(account="123456789012", region="us-east-1")
OPTIONS = {
    "forwarder_arn": FORWARDER,
    "enable_step_functions_tracing": True,
    "source_code_integration": False,
}


def definition_states(resource: dict) -> dict:
    """A state machine's States, its definition's intrinsic functions read as `X`."""
    value = resource["Properties"]["DefinitionString"]
    if isinstance(value, dict):
        value = "".join(part if isinstance(part, str) else "X" for part in value["Fn::Join"][1])
    return json.loads(value)["States"]


def _machine(template: dict, prefix: str) -> dict:
    (found,) = [
        resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::StepFunctions::StateMachine" and logical_id.startswith(prefix)
    ]
    return found


def _messages(assembly, stack: str, path: str) -> list[str]:
    return [
        str(message.entry.data)
        for message in assembly.get_stack_by_name(stack).messages
        if message.id == path
    ]


@pytest.fixture(scope="module")
def app():
    """One app: a flow that invokes a function and starts a child state machine, another
    whose nested execution passes its whole input, and a stack whose flow invokes a function
    of another stack."""
    app = cdk.App()
    producer = cdk.Stack(app, "Producer", env=ENV)
    shared_fn = python_function(producer, "Shared")
    stack = cdk.Stack(app, "S", env=ENV)
    fn = python_function(stack, "Fn")
    child = sfn.StateMachine(
        stack, "Child", definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(stack, "Wait"))
    )
    chain = tasks.LambdaInvoke(stack, "Invoke", lambda_function=fn).next(
        tasks.StepFunctionsStartExecution(
            stack,
            "Nested",
            state_machine=child,
            input=sfn.TaskInput.from_object({"order.$": "$.order"}),
        )
    )
    sfn.StateMachine(stack, "Flow", definition_body=sfn.DefinitionBody.from_chainable(chain))
    whole = tasks.StepFunctionsStartExecution(stack, "PassThrough", state_machine=child)
    sfn.StateMachine(stack, "Whole", definition_body=sfn.DefinitionBody.from_chainable(whole))
    consumer = cdk.Stack(app, "Consumer", env=ENV)
    remote = tasks.LambdaInvoke(consumer, "Remote", lambda_function=shared_fn)
    sfn.StateMachine(consumer, "Flow", definition_body=sfn.DefinitionBody.from_chainable(remote))
    Datadog(app, "Datadog", **OPTIONS)
    return app.synth()


def test_lambda_tasks_and_nested_executions_carry_datadogs_context(app):
    states = definition_states(_machine(app.get_stack_by_name("S").template, "Flow"))

    assert states["Invoke"]["Parameters"] == {"FunctionName": "X", "Payload.$": JSON_MERGE}
    assert states["Invoke"]["Resource"] == "arn:X:states:::lambda:invoke"
    assert states["Nested"]["Parameters"]["Input"] == {
        "order.$": "$.order",
        "CONTEXT.$": CONTEXT_PATH,
    }
    assert any(
        f"[{nk.STEP_FUNCTIONS_TRACES_MERGED.id}]" in message
        for message in _messages(app, "S", "/S/Flow")
    )


def test_the_rewritten_definition_keeps_its_references_and_passes_cfn_lint(app):
    template = app.get_stack_by_name("S").template
    join = _machine(template, "Flow")["Properties"]["DefinitionString"]["Fn::Join"][1]

    fn_id = next(
        lid for lid, r in template["Resources"].items() if r["Type"] == "AWS::Lambda::Function"
    )
    child_id = next(
        lid
        for lid, r in template["Resources"].items()
        if lid.startswith("Child") and r["Type"] == "AWS::StepFunctions::StateMachine"
    )
    assert {"Fn::GetAtt": [fn_id, "Arn"]} in join and {"Ref": child_id} in join
    assert lint_errors(template) == []


def test_a_nested_execution_passing_its_whole_input_is_left_with_a_warning(app):
    states = definition_states(_machine(app.get_stack_by_name("S").template, "Whole"))

    assert states["PassThrough"]["Parameters"]["Input.$"] == "$"
    (warning,) = [
        m.entry.data
        for m in app.get_stack_by_name("S").messages
        if m.id == "/S/Whole" and m.level.name == "WARNING"
    ]
    assert "'PassThrough'" in str(warning) and "Input.$" in str(warning)


def test_a_definition_naming_another_stacks_function_is_left_as_aws_cdk_lib_wrote_it(app):
    """aws-cdk-lib resolves the reference to an export only after the aspects ran: written
    back as read, it would name the other stack's logical id."""
    template = app.get_stack_by_name("Consumer").template
    join = _machine(template, "Flow")["Properties"]["DefinitionString"]["Fn::Join"][1]

    assert any("Fn::ImportValue" in part for part in join if isinstance(part, dict))
    assert definition_states(_machine(template, "Flow"))["Remote"]["Parameters"]["Payload.$"] == "$"
    assert any(
        nk.STEP_FUNCTIONS_DEFINITION_NOT_READ.id in str(m.entry.data)
        and "Shared" in str(m.entry.data)
        for m in app.get_stack_by_name("Consumer").messages
    )
    assert lint_errors(template) == []


def test_the_template_front_end_on_the_instrumented_template_changes_no_definition(app):
    template = app.get_stack_by_name("S").template

    again = instrument_template(template, region="us-east-1", **OPTIONS)

    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::StepFunctions::StateMachine":
            assert (
                again["Resources"][logical_id]["Properties"]["DefinitionString"]
                == (resource["Properties"]["DefinitionString"])
            )


def _single(**options):
    app = cdk.App()
    stack = cdk.Stack(app, "S", env=ENV)
    group = logs.LogGroup(stack, "Mine")
    sfn.StateMachine(
        stack,
        "Flow",
        definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(stack, "Start")),
        logs=sfn.LogOptions(destination=group, level=sfn.LogLevel.ERROR),
    )
    sfn.StateMachine(
        stack, "Bare", definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(stack, "Go"))
    )
    Datadog(stack, "Datadog", source_code_integration=False, **options)
    assembly = app.synth()
    return Template.from_json(assembly.get_stack_by_name("S").template), assembly


def test_asking_for_tracing_raises_the_users_logging_to_all_with_execution_data():
    template, assembly = _single(forwarder_arn=FORWARDER, enable_step_functions_tracing=True)

    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {
            "LoggingConfiguration": {
                "Level": "ALL",
                "IncludeExecutionData": True,
                "Destinations": [
                    {
                        "CloudWatchLogsLogGroup": {
                            "LogGroupArn": {
                                "Fn::GetAtt": [Match.string_like_regexp("^Mine"), "Arn"]
                            }
                        }
                    }
                ],
            }
        },
    )
    assert any(
        nk.STEP_FUNCTIONS_LOGGING_RAISED.id in m and "was ERROR" in m
        for m in _messages(assembly, "S", "/S/Flow")
    )


def test_tracing_without_a_forwarder_logs_and_says_the_group_needs_shipping():
    template, assembly = _single(enable_step_functions_tracing=True)

    template.resource_count_is("AWS::Logs::SubscriptionFilter", 0)
    template.has_resource_properties(
        "AWS::Logs::LogGroup", {"LogGroupName": "/aws/vendedlogs/states/S-Bare-Logs"}
    )
    assert any(
        nk.STEP_FUNCTIONS_LOGS_NOT_SHIPPED.id in m for m in _messages(assembly, "S", "/S/Bare")
    )


def test_tracing_turned_off_leaves_dd_trace_enabled_off_the_state_machines():
    template, _ = _single(forwarder_arn=FORWARDER, enable_step_functions_tracing=False)

    for resource in template.find_resources("AWS::StepFunctions::StateMachine").values():
        keys = {tag["Key"] for tag in resource["Properties"]["Tags"]}
        assert "DD_TRACE_ENABLED" not in keys and "dd_cdk_construct" in keys
