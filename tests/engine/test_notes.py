"""Every diagnostic the engine can give, produced by the smallest stack that calls for it, with
its id checked; and no note kind that nothing produces.

Each case is (the CloudFormation-shaped resources of a stack, options, the stack's region) and
where the note must land. A new note kind fails `test_every_note_kind_has_a_case` until it gets
a case here.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from cdk_datadog.engine import cfn
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.config import GitMetadata, config_from_options
from cdk_datadog.engine.stack import STACK, StackInput, plan_stack
from tests.support.resources import python_function

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key-AbCdEf"
EXTENSION = {"extension_layer_version": 101, "api_key_secret_arn": SECRET}
ROLE = {"Role": {"Type": cfn.IAM_ROLE}}


def machine(**properties: Any) -> dict[str, Any]:
    return {
        "Type": cfn.STATE_MACHINE,
        "Properties": {"RoleArn": {"Fn::GetAtt": ["Role", "Arn"]}, **properties},
    }


def layers(*names: str) -> list[str]:
    return [f"arn:aws:lambda:us-east-1:123456789012:layer:{name}:1" for name in names]


EDGE_STACK = {
    **ROLE,
    "Fn": python_function(),
    "Version": {"Type": cfn.LAMBDA_VERSION, "Properties": {"FunctionName": {"Ref": "Fn"}}},
    "Cdn": {
        "Type": cfn.DISTRIBUTION,
        "Properties": {
            "DistributionConfig": {
                "DefaultCacheBehavior": {
                    "LambdaFunctionAssociations": [{"LambdaFunctionARN": {"Ref": "Version"}}]
                }
            }
        },
    },
}
FULL_GROUP = {
    **ROLE,
    "Fn": python_function(LoggingConfig={"LogGroup": {"Ref": "Group"}}),
    "Group": {"Type": cfn.LOG_GROUP},
    **{
        f"Other{index}": {
            "Type": cfn.SUBSCRIPTION_FILTER,
            "Properties": {"LogGroupName": {"Ref": "Group"}, "DestinationArn": f"arn:{index}"},
        }
        for index in range(2)
    },
}
#: a logging configuration of the user's, at level ERROR
ERRORS = {
    "Level": "ERROR",
    "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": {"Fn::GetAtt": ["Group", "Arn"]}}}],
}


def definition(parameters: dict[str, Any]) -> str:
    """A definition whose one task invokes a Lambda function with these Parameters."""
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True}
    return json.dumps(
        {"StartAt": "Invoke", "States": {"Invoke": {**task, "Parameters": parameters}}}
    )


#: a KMS ciphertext blob in which no key ARN can be read
UNREADABLE_KMS = base64.b64encode(b"\x01\x02 not a kms blob").decode()

#: note kind -> (resources, options, region, where the note lands)
CASES: dict[nk.NoteKind, tuple[dict[str, Any], dict[str, Any], str | None, str]] = {
    nk.EXCLUDED: ({**ROLE, "Fn": python_function()}, {"exclude": ["Fn"]}, "us-east-1", "Fn"),
    nk.EDGE: (EDGE_STACK, EXTENSION, "us-east-1", "Fn"),
    nk.IMAGE: ({**ROLE, "Fn": python_function(PackageType="Image")}, EXTENSION, "us-east-1", "Fn"),
    nk.DEPLOY_TIME_FUNCTION: (
        {**ROLE, "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a": python_function()},
        EXTENSION,
        "us-east-1",
        "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a",
    ),
    nk.RUNTIME_UNSUPPORTED: (
        {**ROLE, "Fn": python_function(Runtime="go1.x")},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.RUNTIME_UNRESOLVED: (
        {**ROLE, "Fn": python_function(Runtime={"Ref": "Runtime"})},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.ARCHITECTURE_UNRESOLVED: (
        {**ROLE, "Fn": python_function(Architectures=[{"Ref": "Arch"}])},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.ARCHITECTURE_NO_LAYER: (
        {**ROLE, "Fn": python_function(Architectures=["riscv64"])},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.HANDLER_UNRESOLVED: (
        {**ROLE, "Fn": python_function(Handler={"Fn::Sub": "app.handler"})},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.HANDLER_TOO_LONG: (
        {**ROLE, "Fn": python_function(Handler="a" * 129)},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.HANDLER_CONFLICT: (
        {
            **ROLE,
            "Fn": python_function(Environment={"Variables": {"DD_LAMBDA_HANDLER": "old.handler"}}),
        },
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.HANDLER_NEEDS_EXTENSION: (
        {**ROLE, "Fn": python_function(Runtime="java21", Handler="a.B::handle")},
        {"forwarder_arn": FORWARDER},
        "us-east-1",
        "Fn",
    ),
    nk.HANDLER_RUBY_WRAP_IN_CODE: (
        {**ROLE, "Fn": python_function(Runtime="ruby3.3")},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.LAYERS_NO_PUBLISHER: ({**ROLE, "Fn": python_function()}, EXTENSION, "cn-north-1", "Fn"),
    nk.LAYERS_TOO_MANY: (
        {**ROLE, "Fn": python_function(Layers=layers("a", "b", "c", "d"))},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.LAYERS_WRONG: (
        {**ROLE, "Fn": python_function(Layers=layers("Datadog-Python311"))},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.ENV_KEPT: (
        {**ROLE, "Fn": python_function(Environment={"Variables": {"DD_SERVICE": "mine"}})},
        {**EXTENSION, "service": "theirs"},
        "us-east-1",
        "Fn",
    ),
    nk.ENV_TOO_LARGE: (
        {**ROLE, "Fn": python_function(Environment={"Variables": {"BIG": "x" * 4000}})},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.API_KEY_PLAINTEXT: (
        {**ROLE, "Fn": python_function()},
        {"extension_layer_version": 101, "api_key": "0123456789abcdef0123456789abcdef"},
        "us-east-1",
        "Fn",
    ),
    nk.API_KEY_KMS_UNKNOWN: (
        {**ROLE, "Fn": python_function()},
        {"extension_layer_version": 101, "api_kms_key": UNREADABLE_KMS},
        "us-east-1",
        "Fn",
    ),
    nk.API_KEY_NO_GRANT: (
        {**ROLE, "Fn": python_function()},
        {**EXTENSION, "grant_secret_read_access": False},
        "us-east-1",
        "Fn",
    ),
    nk.API_KEY_SECRET_NODE_SYNC: (
        {**ROLE, "Fn": python_function(Runtime="nodejs22.x", Handler="index.handler")},
        {"api_key_secret_arn": SECRET, "flush_metrics_to_logs": False},
        "us-east-1",
        "Fn",
    ),
    nk.GRANT_ROLE_ELSEWHERE: (
        {"Fn": python_function(Role={"Fn::GetAtt": ["RoleOfAnotherStack", "Arn"]})},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.LOGS_EXTENSION: (
        {**ROLE, "Fn": python_function()},
        {**EXTENSION, "forwarder_arn": FORWARDER},
        "us-east-1",
        "Fn",
    ),
    nk.LOGS_GROUP_ADDED: (
        {**ROLE, "Fn": python_function()},
        {"forwarder_arn": FORWARDER},
        "us-east-1",
        "Fn",
    ),
    nk.LOGS_TOO_MANY_FILTERS: (FULL_GROUP, {"forwarder_arn": FORWARDER}, "us-east-1", "Fn"),
    nk.LOGS_NOWHERE: ({**ROLE, "Fn": python_function()}, {}, "us-east-1", "Fn"),
    nk.SOURCE_CODE_TAGS_KEPT: (
        {**ROLE, "Fn": python_function(Environment={"Variables": {"DD_TAGS": "team:a"}})},
        {**EXTENSION, "source_code_integration": True},
        "us-east-1",
        "Fn",
    ),
    nk.SETTINGS_APPLIED: (
        {**ROLE, "Fn": {**python_function(), "Metadata": {"Datadog": {"Service": "billing"}}}},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.SETTINGS_INVALID: (
        {**ROLE, "Fn": {**python_function(), "Metadata": {"Datadog": {"DatadogAppSecMode": "on"}}}},
        {"forwarder_arn": FORWARDER},
        "us-east-1",
        "Fn",
    ),
    nk.TEMPLATE_PARAMETER_DEFAULT: (
        {**ROLE, "Fn": python_function(Runtime={"Ref": "Runtime"})},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.FIPS_REGION_UNKNOWN: ({**ROLE, "Fn": python_function()}, EXTENSION, None, "Fn"),
    nk.FIPS_SITE_NOT_GOV: (
        {**ROLE, "Fn": python_function()},
        {**EXTENSION, "is_fips_enabled": True},
        "us-east-1",
        "Fn",
    ),
    nk.STEP_FUNCTIONS_LOGGING: (
        {**ROLE, "Machine": machine()},
        {"forwarder_arn": FORWARDER},
        "us-east-1",
        "Machine",
    ),
    nk.STEP_FUNCTIONS_ROLE_OUTSIDE_STACK: (
        {"Machine": machine(RoleArn={"Fn::GetAtt": ["RoleOfAnotherStack", "Arn"]})},
        {"forwarder_arn": FORWARDER},
        "us-east-1",
        "Machine",
    ),
    nk.STEP_FUNCTIONS_LOGGING_RAISED: (
        {**ROLE, "Group": {"Type": cfn.LOG_GROUP}, "Machine": machine(LoggingConfiguration=ERRORS)},
        {"forwarder_arn": FORWARDER, "enable_step_functions_tracing": True},
        "us-east-1",
        "Machine",
    ),
    nk.STEP_FUNCTIONS_LOGS_NOT_SHIPPED: (
        {**ROLE, "Machine": machine()},
        {"enable_step_functions_tracing": True},
        "us-east-1",
        "Machine",
    ),
    nk.STEP_FUNCTIONS_TRACES_MERGED: (
        {**ROLE, "Machine": machine(DefinitionString=definition({"FunctionName": "f"}))},
        {"forwarder_arn": FORWARDER, "enable_step_functions_tracing": True},
        "us-east-1",
        "Machine",
    ),
    nk.STEP_FUNCTIONS_ALREADY_MERGED: (
        {
            **ROLE,
            "Machine": machine(
                DefinitionString=definition(
                    {"FunctionName": "f", "Payload.$": "States.JsonMerge($$, $, false)"}
                )
            ),
        },
        {"forwarder_arn": FORWARDER, "enable_step_functions_tracing": True},
        "us-east-1",
        "Machine",
    ),
    nk.STEP_FUNCTIONS_TASKS_NOT_MERGED: (
        {
            **ROLE,
            "Machine": machine(
                DefinitionString=definition({"FunctionName": "f", "Payload.$": "$.order"})
            ),
        },
        {"forwarder_arn": FORWARDER, "enable_step_functions_tracing": True},
        "us-east-1",
        "Machine",
    ),
    nk.STEP_FUNCTIONS_DEFINITION_NOT_READ: (
        {**ROLE, "Machine": machine(DefinitionS3Location={"Bucket": "b", "Key": "k"})},
        {"forwarder_arn": FORWARDER, "enable_step_functions_tracing": True},
        "us-east-1",
        "Machine",
    ),
    nk.MONITORS_REGISTRY_TYPE: (
        {**ROLE, "Fn": python_function()},
        {**EXTENSION, "monitors": ["timeout"]},
        "us-east-1",
        STACK,
    ),
    nk.NETWORK_NO_EGRESS: (
        {
            **ROLE,
            "Fn": python_function(VpcConfig={"SubnetIds": [{"Ref": "Subnet"}]}),
            "Association": {
                "Type": "AWS::EC2::SubnetRouteTableAssociation",
                "Properties": {"SubnetId": {"Ref": "Subnet"}, "RouteTableId": {"Ref": "Table"}},
            },
        },
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.API_GATEWAY_EXECUTION_LOGS: (
        {
            "Stage": {
                "Type": "AWS::ApiGateway::Stage",
                "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "prod"},
            }
        },
        {"forwarder_arn": FORWARDER, "subscribe_to_execution_logs": True},
        "us-east-1",
        "Stage",
    ),
    nk.LOGS_NO_FORWARDER: ({"Group": {"Type": cfn.LOG_GROUP}}, EXTENSION, "us-east-1", "Group"),
    nk.PROPERTY_UNWRITABLE: (
        {**ROLE, "Fn": python_function(Environment={"Fn::FindInMap": ["Env", "prod", "vars"]})},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.PROPERTY_NOT_WRITTEN: (
        {**ROLE, "Fn": python_function(Tags={"Ref": "TagList"})},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.LAYERS_FROM_LIST_EXPRESSION: (
        {**ROLE, "Fn": python_function(Layers={"Ref": "SharedLayers"})},
        EXTENSION,
        "us-east-1",
        "Fn",
    ),
    nk.LOGS_CONFIG_UNREADABLE: (
        {
            **ROLE,
            "Fn": python_function(
                LoggingConfig={"Fn::If": ["IsProd", {"LogGroup": "a"}, {"Ref": "AWS::NoValue"}]}
            ),
        },
        {"forwarder_arn": FORWARDER},
        "us-east-1",
        "Fn",
    ),
    nk.STACK_NEAR_LIMIT: ({**ROLE, "Fn": python_function()}, EXTENSION, "us-east-1", STACK),
    nk.STACK_TOO_MANY_RESOURCES: (
        {**ROLE, "Fn": python_function()},
        {"forwarder_arn": FORWARDER},
        "us-east-1",
        STACK,
    ),
}
#: stacks whose size matters: resources beyond those listed
RESOURCE_COUNTS = {nk.STACK_NEAR_LIMIT: 460, nk.STACK_TOO_MANY_RESOURCES: 499}


def _notes(kind: nk.NoteKind) -> list[tuple[str, str]]:
    resources, options, region, _ = CASES[kind]
    git = GitMetadata("abc123", "github.com/shop/orders")
    config = config_from_options(
        {"source_code_integration": False, **options},
        git=git if options.get("source_code_integration") else None,
    )
    stack = StackInput(
        resources,
        region=region,
        parameter_defaults=(
            {"Runtime": "python3.13"} if kind == nk.TEMPLATE_PARAMETER_DEFAULT else {}
        ),
        resource_count=RESOURCE_COUNTS.get(kind),
        log_groups=frozenset({"Group"}) if kind == nk.LOGS_NO_FORWARDER else frozenset(),
    )
    return [(where, note.id) for where, note in plan_stack(stack, config).notes]


def test_every_note_kind_has_a_case():
    assert set(CASES) == set(nk.NOTE_KINDS)


@pytest.mark.parametrize("kind", sorted(CASES, key=lambda kind: kind.id), ids=lambda k: k.id)
def test_the_note_is_produced_where_it_belongs_with_its_id(kind):
    where = CASES[kind][3]

    assert (where, kind.id) in _notes(kind)
