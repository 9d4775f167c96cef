"""Drop-in: code written for datadog-cdk-constructs-v2 5.3.0 that uses DatadogStepFunctions
(its props, add_state_machines and the payload helpers) runs with only the import changed,
and gives the listed state machines the same logging, tags, Forwarder subscription and
definition, and leaves the others alone; the deliberate differences are named and asserted."""

from __future__ import annotations

from types import ModuleType

import aws_cdk as cdk
import datadog_cdk_constructs_v2 as reference
import pytest
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks

import cdk_datadog
from cdk_datadog.engine.config import OptionError
from tests.support.cdk_apps import python_function

FORWARDER = "arn:aws:lambda:eu-west-1:123456789012:function:datadog-forwarder"
MACHINES = ("Flow", "Logged", "Other")


def user_app(datadog: ModuleType) -> dict:
    """An app as its team wrote it for datadog-cdk-constructs-v2; `datadog` is the module
    imported. Returns the synthesized template."""
    app = cdk.App()
    stack = cdk.Stack(app, "Shop", env=cdk.Environment(account="123456789012", region="eu-west-1"))
    fn = python_function(stack, "Fn")
    payload = datadog.DatadogStepFunctions.build_lambda_payload_to_merge_traces({"id.$": "$.id"})
    invoke = tasks.LambdaInvoke(
        stack, "Invoke", lambda_function=fn, payload=sfn.TaskInput.from_object(payload)
    )
    flow = sfn.StateMachine(
        stack, "Flow", definition_body=sfn.DefinitionBody.from_chainable(invoke)
    )
    group = logs.LogGroup(stack, "Group")
    logged = sfn.StateMachine(
        stack,
        "Logged",
        definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(stack, "P")),
        logs=sfn.LogOptions(destination=group, level=sfn.LogLevel.ERROR),
    )
    sfn.StateMachine(
        stack, "Other", definition_body=sfn.DefinitionBody.from_chainable(sfn.Pass(stack, "Q"))
    )
    datadog_sfn = datadog.DatadogStepFunctions(
        stack,
        "DatadogSfn",
        env="prod",
        service="shop",
        version="1.2.3",
        forwarder_arn=FORWARDER,
        tags="team:payments,tier:1",
    )
    datadog_sfn.add_state_machines([flow, logged])
    return app.synth().get_stack_by_name("Shop").template


@pytest.fixture(scope="module")
def templates() -> dict[str, dict]:
    return {"reference": user_app(reference), "ours": user_app(cdk_datadog)}


def _machines(template: dict) -> dict[str, dict]:
    return {
        name: resource["Properties"]
        for logical_id, resource in template["Resources"].items()
        for name in MACHINES
        if resource["Type"] == "AWS::StepFunctions::StateMachine" and logical_id.startswith(name)
    }


def _group_of(template: dict, properties: dict) -> str:
    arn = properties["LoggingConfiguration"]["Destinations"][0]["CloudWatchLogsLogGroup"]
    return arn["LogGroupArn"]["Fn::GetAtt"][0]


def _subscribed(template: dict, group_id: str) -> bool:
    return any(
        resource["Type"] == "AWS::Logs::SubscriptionFilter"
        and resource["Properties"]["DestinationArn"] == FORWARDER
        and group_id in str(resource["Properties"]["LogGroupName"])
        for resource in template["Resources"].values()
    )


@pytest.mark.parametrize("name", ["Flow", "Logged"])
def test_a_listed_state_machine_gets_the_references_logging_tags_and_subscription(templates, name):
    got = {}
    for which, template in templates.items():
        properties = _machines(template)[name]
        logging = properties["LoggingConfiguration"]
        tags = {t["Key"]: t["Value"] for t in properties["Tags"] if t["Key"] != "dd_cdk_construct"}
        got[which] = (
            logging["Level"],
            logging["IncludeExecutionData"],
            tags,
            _subscribed(template, _group_of(template, properties)),
            properties["DefinitionString"],
        )

    assert got["ours"] == got["reference"]
    assert got["ours"][:2] == ("ALL", True) and got["ours"][3] is True


def test_a_state_machine_not_listed_is_left_alone(templates):
    assert _machines(templates["ours"])["Other"] == _machines(templates["reference"])["Other"]
    assert "LoggingConfiguration" not in _machines(templates["ours"])["Other"]


def test_difference_the_log_group_name_has_no_env_suffix(templates):
    """The reference appends `-<env>`; ours is the name `Datadog` gives every state machine's
    group, so the two constructs agree on it."""
    names = {
        which: {
            r["Properties"].get("LogGroupName")
            for r in template["Resources"].values()
            if r["Type"] == "AWS::Logs::LogGroup"
        }
        for which, template in templates.items()
    }
    assert "/aws/vendedlogs/states/Shop-Flow-Logs-prod" in names["reference"]
    assert "/aws/vendedlogs/states/Shop-Flow-Logs" in names["ours"]


def test_an_option_that_is_not_the_references_is_refused_by_name():
    app = cdk.App()
    stack = cdk.Stack(app, "S")
    with pytest.raises(OptionError, match="`extension_layer_version`: not an option of"):
        cdk_datadog.DatadogStepFunctions(stack, "D", extension_layer_version=101)
