"""Trace merging: which tasks of a state machine definition take Datadog's context, in what
form, and which are left as they are with a note that says why."""

from __future__ import annotations

import copy
import json

import pytest

from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.step_functions_tracing import (
    CONTEXT_PATH,
    JSON_MERGE,
    PAYLOAD_CONTEXT,
    merge_traces,
)

INVOKE = "arn:aws:states:::lambda:invoke"
START = "arn:aws:states:::states:startExecution.sync:2"
FUNCTION = {"Type": "AWS::Lambda::Function", "Properties": {}}


def _machine(states, **properties):
    definition = {"StartAt": next(iter(states)), "States": states}
    return {
        "Type": "AWS::StepFunctions::StateMachine",
        "Properties": {"DefinitionString": json.dumps(definition), **properties},
    }


def _task(resource, parameters=None):
    task = {"Type": "Task", "Resource": resource, "End": True}
    if parameters is not None:
        task["Parameters"] = parameters
    return task


def _states(result):
    return json.loads(result.properties["DefinitionString"])["States"]


def _ids(result):
    return [n.id for n in result.notes]


@pytest.mark.parametrize(
    ("parameters", "expected"),
    [
        pytest.param(
            {"FunctionName": "f"},
            {"FunctionName": "f", "Payload.$": CONTEXT_PATH},
            id="no payload: the context is the payload",
        ),
        pytest.param(
            {"FunctionName": "f", "Payload.$": "$"},
            {"FunctionName": "f", "Payload.$": JSON_MERGE},
            id="the whole input: merged with the context",
        ),
        pytest.param(
            {"FunctionName": "f", "Payload": {"order.$": "$.order"}},
            {"FunctionName": "f", "Payload": {"order.$": "$.order", **PAYLOAD_CONTEXT}},
            id="a payload object: the three fields added",
        ),
    ],
)
def test_a_lambda_invoke_task_carries_the_context_when_its_payload_can_take_it(
    parameters, expected
):
    result = merge_traces(_machine({"Invoke": _task(INVOKE, parameters)}), {})

    assert _states(result)["Invoke"]["Parameters"] == expected
    assert _ids(result) == [nk.STEP_FUNCTIONS_TRACES_MERGED.id]


@pytest.mark.parametrize(
    ("parameters", "reason"),
    [
        ({"FunctionName": "f", "Payload.$": "$.order"}, "a Payload.$ of its own"),
        ({"FunctionName": "f", "Payload": "text"}, "not an object"),
        ({"FunctionName": "f", "Payload": {"State": "mine"}}, "fields of its own"),
        ({"FunctionName": "f", "Payload": {"Execution.$": "$.x"}}, "fields of its own"),
        (None, "no Parameters object"),
    ],
)
def test_a_lambda_task_with_a_payload_of_its_own_is_left_with_a_warning(parameters, reason):
    result = merge_traces(_machine({"Invoke": _task(INVOKE, parameters)}), {})

    assert result.properties == {}
    (warning,) = result.notes
    assert warning.id == nk.STEP_FUNCTIONS_TASKS_NOT_MERGED.id
    assert "'Invoke'" in warning.message and reason in warning.message


@pytest.mark.parametrize(
    "parameters",
    [
        {"Payload.$": JSON_MERGE},
        {"Payload.$": CONTEXT_PATH},
        {"Payload": {"a": 1, **PAYLOAD_CONTEXT}},
    ],
)
def test_a_definition_already_merged_is_left_as_it_is_with_a_note(parameters):
    result = merge_traces(
        _machine({"Invoke": _task(INVOKE, {"FunctionName": "f", **parameters})}), {}
    )

    assert result.properties == {}
    assert _ids(result) == [nk.STEP_FUNCTIONS_ALREADY_MERGED.id]


@pytest.mark.parametrize(
    ("parameters", "expected_input"),
    [
        pytest.param(
            {"StateMachineArn": "arn"}, {"CONTEXT.$": CONTEXT_PATH}, id="no input: the context"
        ),
        pytest.param(
            {"StateMachineArn": "arn", "Input": {"order.$": "$.order"}},
            {"order.$": "$.order", "CONTEXT.$": CONTEXT_PATH},
            id="an input object: CONTEXT added",
        ),
    ],
)
def test_a_nested_execution_carries_the_context_in_its_input(parameters, expected_input):
    result = merge_traces(_machine({"Nested": _task(START, parameters)}), {})

    assert _states(result)["Nested"]["Parameters"]["Input"] == expected_input


@pytest.mark.parametrize(
    ("task_input", "note_id"),
    [
        ({"CONTEXT.$": CONTEXT_PATH}, nk.STEP_FUNCTIONS_ALREADY_MERGED.id),
        ({"CONTEXT": dict(PAYLOAD_CONTEXT)}, nk.STEP_FUNCTIONS_ALREADY_MERGED.id),
        ({"CONTEXT": "mine"}, nk.STEP_FUNCTIONS_TASKS_NOT_MERGED.id),
        ("a JSON string", nk.STEP_FUNCTIONS_TASKS_NOT_MERGED.id),
    ],
)
def test_a_nested_execution_input_with_a_context_or_another_shape_is_left(task_input, note_id):
    task = _task(START, {"StateMachineArn": "arn", "Input": task_input})
    result = merge_traces(_machine({"Nested": task}), {})

    assert result.properties == {}
    assert _ids(result) == [note_id]


def test_a_nested_execution_that_passes_its_whole_input_is_left_with_the_fix():
    """aws-cdk-lib's StepFunctionsStartExecution passes `Input.$: $` by default: there is no
    object to add CONTEXT to without changing what the child receives."""
    task = _task(START, {"StateMachineArn": "arn", "Input.$": "$"})
    result = merge_traces(_machine({"Nested": task}), {})

    assert result.properties == {}
    (warning,) = result.notes
    assert "Input.$" in warning.message and "CONTEXT" in warning.message


def test_a_legacy_lambda_task_takes_the_context_in_its_parameters_which_are_its_payload():
    arn = "arn:aws:lambda:us-east-1:123456789012:function:orders"
    result = merge_traces(
        _machine({"A": _task(arn, {"order.$": "$.order"}), "B": _task(arn + ":live")}), {}
    )

    states = _states(result)
    assert states["A"]["Parameters"] == {"order.$": "$.order", **PAYLOAD_CONTEXT}
    assert "Parameters" not in states["B"]
    assert "its input goes to the function as it is" in result.notes[1].message


def test_tasks_of_other_services_are_not_touched():
    other = _task("arn:aws:states:::sqs:sendMessage", {"QueueUrl": "q", "MessageBody.$": "$"})
    result = merge_traces(_machine({"Send": other}), {})

    assert result == type(result)()


def test_tasks_inside_parallel_branches_and_map_iterators_are_merged():
    branch = {"StartAt": "In", "States": {"In": _task(INVOKE, {"FunctionName": "f"})}}
    states = {
        "Fan": {"Type": "Parallel", "Branches": [branch], "Next": "Each"},
        "Each": {"Type": "Map", "ItemProcessor": copy.deepcopy(branch), "End": True},
    }
    result = merge_traces(_machine(states), {})

    merged = _states(result)
    assert merged["Fan"]["Branches"][0]["States"]["In"]["Parameters"]["Payload.$"] == CONTEXT_PATH
    assert merged["Each"]["ItemProcessor"]["States"]["In"]["Parameters"]["Payload.$"] == (
        CONTEXT_PATH
    )
    assert "2 task(s)" in result.notes[0].message


def test_jsonata_states_are_left_to_datadogs_own_expressions():
    machine = _machine({"Invoke": _task(INVOKE, {"FunctionName": "f"})})
    document = json.loads(machine["Properties"]["DefinitionString"])
    document["QueryLanguage"] = "JSONata"
    machine["Properties"]["DefinitionString"] = json.dumps(document)

    result = merge_traces(machine, {})

    assert result.properties == {}
    assert "JSONata" in result.notes[0].message


def test_merging_twice_is_merging_once():
    machine = _machine(
        {
            "Invoke": {**_task(INVOKE, {"FunctionName": "f", "Payload.$": "$"}), "Next": "N"},
            "N": _task(START, {"StateMachineArn": "arn"}),
        }
    )
    machine["Properties"]["DefinitionString"] = json.dumps(
        json.loads(machine["Properties"]["DefinitionString"]) | {"StartAt": "Invoke"}
    )
    first = merge_traces(machine, {})
    again = copy.deepcopy(machine)
    again["Properties"].update(first.properties)

    second = merge_traces(again, {})

    assert second.properties == {}
    assert _ids(second) == [nk.STEP_FUNCTIONS_ALREADY_MERGED.id]


# --- the forms a definition comes in ---------------------------------------------------------


def _cdk_join(function_id="Fn"):
    """A definition as aws-cdk-lib renders a LambdaInvoke task: JSON text split around the
    partition and the function's ARN."""
    return {
        "Fn::Join": [
            "",
            [
                '{"StartAt":"Invoke","States":{"Invoke":{"End":true,"Type":"Task","Resource":"arn:',
                {"Ref": "AWS::Partition"},
                ':states:::lambda:invoke","Parameters":{"FunctionName":"',
                {"Fn::GetAtt": [function_id, "Arn"]},
                '","Payload.$":"$"}}}}',
            ],
        ]
    }


def test_an_fn_join_definition_keeps_its_intrinsic_functions_in_place():
    machine = {
        "Type": "AWS::StepFunctions::StateMachine",
        "Properties": {"DefinitionString": _cdk_join()},
    }

    result = merge_traces(machine, {"Fn": FUNCTION})

    join = result.properties["DefinitionString"]["Fn::Join"]
    assert join[0] == ""
    assert {"Ref": "AWS::Partition"} in join[1] and {"Fn::GetAtt": ["Fn", "Arn"]} in join[1]
    text = "".join(part if isinstance(part, str) else "X" for part in join[1])
    parameters = json.loads(text)["States"]["Invoke"]["Parameters"]
    assert parameters == {"FunctionName": "X", "Payload.$": JSON_MERGE}


def test_a_definition_naming_a_resource_the_stack_does_not_define_is_left():
    """aws-cdk-lib resolves another stack's function to that stack's logical id before it
    exports it; written back as it was read, the reference would be lost."""
    machine = {
        "Type": "AWS::StepFunctions::StateMachine",
        "Properties": {"DefinitionString": _cdk_join("OtherStacksFn")},
    }

    result = merge_traces(machine, {}, known_ids=frozenset())

    assert result.properties == {}
    assert _ids(result) == [nk.STEP_FUNCTIONS_DEFINITION_NOT_READ.id]
    assert "'OtherStacksFn'" in result.notes[0].message


def test_an_fn_sub_definition_keeps_its_variables_and_a_function_arn_resource_is_legacy():
    text = json.dumps(
        {
            "StartAt": "A",
            "States": {
                "A": {"Type": "Task", "Resource": "${Fn.Arn}", "Parameters": {}, "Next": "B"},
                "B": _task("arn:${AWS::Partition}:states:::lambda:invoke", {"FunctionName": "f"}),
            },
        }
    )
    machine = {
        "Type": "AWS::StepFunctions::StateMachine",
        "Properties": {"DefinitionString": {"Fn::Sub": [text, {"Unused": "x"}]}},
    }

    result = merge_traces(machine, {"Fn": FUNCTION})

    sub = result.properties["DefinitionString"]["Fn::Sub"]
    assert sub[1] == {"Unused": "x"}
    states = json.loads(sub[0])["States"]
    assert states["A"]["Resource"] == "${Fn.Arn}"
    assert states["A"]["Parameters"] == PAYLOAD_CONTEXT
    assert states["B"]["Parameters"]["Payload.$"] == CONTEXT_PATH


def test_a_definition_object_with_substitutions_is_merged_in_place():
    """SAM's Definition with DefinitionSubstitutions, the function's ARN behind `${...}`."""
    machine = {
        "Type": "AWS::Serverless::StateMachine",
        "Properties": {
            "Definition": {
                "StartAt": "A",
                "States": {"A": _task("${OrdersArn}", {"id.$": "$.id"})},
            },
            "DefinitionSubstitutions": {"OrdersArn": {"Fn::GetAtt": ["Fn", "Arn"]}},
        },
    }
    original = copy.deepcopy(machine)

    result = merge_traces(machine, {"Fn": FUNCTION})

    assert result.properties["Definition"]["States"]["A"]["Parameters"] == {
        "id.$": "$.id",
        **PAYLOAD_CONTEXT,
    }
    assert machine == original


@pytest.mark.parametrize(
    ("properties", "form"),
    [
        ({"DefinitionS3Location": {"Bucket": "b", "Key": "k"}}, "an S3 location"),
        ({"DefinitionUri": "statemachine/flow.asl.json"}, "DefinitionUri"),
        ({"DefinitionString": {"Ref": "DefinitionParameter"}}, "Ref 'DefinitionParameter'"),
        ({"DefinitionString": '{"StartAt": '}, "not JSON"),
        ({"DefinitionString": {"Fn::Sub": '{"a": ${Count}}'}}, "not JSON"),
    ],
)
def test_a_definition_that_cannot_be_read_at_synthesis_is_left_with_a_note(properties, form):
    machine = {"Type": "AWS::StepFunctions::StateMachine", "Properties": properties}

    result = merge_traces(machine, {})

    assert result.properties == {}
    (warning,) = result.notes
    assert warning.id == nk.STEP_FUNCTIONS_DEFINITION_NOT_READ.id
    assert form in warning.message
