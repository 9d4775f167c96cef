"""Step Functions tracing in templates: a CloudFormation state machine whose definition is an
Fn::Sub (as serverless-step-functions writes it) and a SAM one with a Definition object get
Datadog's context in their Lambda tasks and nested executions; twice is once; serverless.yml's
keys, as Datadog's Step Functions guide sets them, are taken."""

from __future__ import annotations

import copy
import json

import pytest

from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.step_functions_tracing import CONTEXT_PATH, JSON_MERGE, PAYLOAD_CONTEXT
from cdk_datadog.templates.config_file import load_config_file
from cdk_datadog.templates.transform import instrument
from tests.support.cfn_lint import lint_errors

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
OPTIONS = {
    "forwarder_arn": FORWARDER,
    "enable_step_functions_tracing": True,
    "source_code_integration": False,
    "region": "us-east-1",
}
DEFINITION = {
    "StartAt": "Invoke",
    "States": {
        "Invoke": {
            "Type": "Task",
            "Resource": "arn:${AWS::Partition}:states:::lambda:invoke",
            "Parameters": {"FunctionName": "${OrdersArn}", "Payload.$": "$"},
            "Next": "Nested",
        },
        "Nested": {
            "Type": "Task",
            "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": "${ChildArn}", "Input": {"id.$": "$.id"}},
            "End": True,
        },
    },
}


def _template() -> dict:
    role = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "states.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        },
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Role": role,
            "Orders": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "app.handler",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Code": {"ZipFile": "def handler(e, c):\n    return e\n"},
                },
            },
            "Child": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                    "DefinitionString": '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}',
                },
            },
            "Flow": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                    "DefinitionString": {
                        "Fn::Sub": [
                            json.dumps(DEFINITION),
                            {
                                "OrdersArn": {"Fn::GetAtt": ["Orders", "Arn"]},
                                "ChildArn": {"Ref": "Child"},
                            },
                        ]
                    },
                },
            },
        },
    }


def _states(resource: dict) -> dict:
    return json.loads(resource["Properties"]["DefinitionString"]["Fn::Sub"][0])["States"]


@pytest.fixture(scope="module")
def result():
    return instrument(_template(), **OPTIONS)


def test_the_lambda_task_and_the_nested_execution_carry_datadogs_context(result):
    states = _states(result.template["Resources"]["Flow"])

    assert states["Invoke"]["Parameters"] == {
        "FunctionName": "${OrdersArn}",
        "Payload.$": JSON_MERGE,
    }
    assert states["Nested"]["Parameters"]["Input"] == {"id.$": "$.id", "CONTEXT.$": CONTEXT_PATH}
    sub = result.template["Resources"]["Flow"]["Properties"]["DefinitionString"]["Fn::Sub"]
    assert sub[1] == {"OrdersArn": {"Fn::GetAtt": ["Orders", "Arn"]}, "ChildArn": {"Ref": "Child"}}
    assert ("Flow", nk.STEP_FUNCTIONS_TRACES_MERGED.id) in [(w, n.id) for w, n in result.notes]
    assert lint_errors(result.template) == []


def test_instrumenting_twice_is_instrumenting_once(result):
    again = instrument(copy.deepcopy(result.template), **OPTIONS)

    assert again.template == result.template
    assert ("Flow", nk.STEP_FUNCTIONS_ALREADY_MERGED.id) in [(w, n.id) for w, n in again.notes]


def test_a_sam_state_machine_definition_object_is_merged_in_place():
    template = {
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": {
            "Orders": {
                "Type": "AWS::Serverless::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "app.handler",
                    "CodeUri": "src/",
                },
            },
            "Flow": {
                "Type": "AWS::Serverless::StateMachine",
                "Properties": {
                    "Definition": {
                        "StartAt": "Call",
                        "States": {
                            "Call": {
                                "Type": "Task",
                                "Resource": "${OrdersArn}",
                                "Parameters": {"id.$": "$.id"},
                                "End": True,
                            }
                        },
                    },
                    "DefinitionSubstitutions": {"OrdersArn": {"Fn::GetAtt": ["Orders", "Arn"]}},
                },
            },
            "FromFile": {
                "Type": "AWS::Serverless::StateMachine",
                "Properties": {"DefinitionUri": "statemachine/flow.asl.json"},
            },
        },
    }

    done = instrument(template, **OPTIONS)

    flow = done.template["Resources"]["Flow"]["Properties"]
    assert flow["Definition"]["States"]["Call"]["Parameters"] == {"id.$": "$.id", **PAYLOAD_CONTEXT}
    assert flow["Tags"]["DD_TRACE_ENABLED"] == "true"  # SAM tags are a map
    assert done.template["Resources"]["FromFile"]["Properties"].get("Definition") is None
    (note,) = [n for w, n in done.notes if w == "FromFile" and n.id.endswith("definitionNotRead")]
    assert "DefinitionUri" in note.message


def test_serverless_yml_takes_the_keys_datadogs_step_functions_guide_sets(tmp_path):
    path = tmp_path / "serverless.yml"
    path.write_text(
        "custom:\n"
        "  datadog:\n"
        "    addExtension: false\n"
        f"    forwarderArn: {FORWARDER}\n"
        "    enableStepFunctionsTracing: true\n"
        "    propagateUpstreamTrace: true\n"
        "    mergeStepFunctionAndLambdaTraces: true\n"
    )

    options = load_config_file(path).options
    done = instrument(_template(), region="us-east-1", source_code_integration=False, **options)

    assert _states(done.template["Resources"]["Flow"])["Invoke"]["Parameters"]["Payload.$"] == (
        JSON_MERGE
    )
