"""plan_stack: the stack-level decisions, the same for every front end, as tables of
(CloudFormation-shaped resources, options) -> plan. No Node, no aws_cdk."""

from __future__ import annotations

from typing import Any

import pytest

from cdk_datadog.engine import cfn
from cdk_datadog.engine.config import config_from_options
from cdk_datadog.engine.limits import MAX_STACK_RESOURCES
from cdk_datadog.engine.plan import Plan, Skip
from cdk_datadog.engine.stack import StackInput, plan_stack
from tests.support.resources import python_function

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key-AbCdEf"


def _plan(resources: dict[str, Any], **options: Any):
    config = config_from_options({"source_code_integration": False, **options})
    return plan_stack(StackInput(resources, region="us-east-1"), config)


def _ids(plan) -> set[str]:
    return {note.id for _, note in plan.notes}


def test_functions_that_have_log_groups_are_only_given_filters_when_the_budget_allows():
    """130 functions, each with its Serverless-style log group and a shared role: 261
    resources, 130 filters to add, 391 in all; nothing refused."""
    resources: dict[str, Any] = {"Role": {"Type": cfn.IAM_ROLE}}
    for index in range(130):
        resources[f"F{index}"] = python_function(FunctionName=f"svc-dev-f{index}")
        resources[f"F{index}LogGroup"] = {
            "Type": cfn.LOG_GROUP,
            "Properties": {"LogGroupName": f"/aws/lambda/svc-dev-f{index}"},
        }

    plan = _plan(resources, forwarder_arn=FORWARDER)

    types = [resource.type for resource in plan.resources]
    assert types.count(cfn.SUBSCRIPTION_FILTER) == 130 and len(types) == 130
    assert "cdk-datadog:Stack.tooManyResources" not in _ids(plan)
    assert "cdk-datadog:Stack.nearResourceLimit" not in _ids(plan)


def test_subscriptions_that_would_pass_500_resources_are_left_out_with_an_error_on_the_stack():
    resources: dict[str, Any] = {"Role": {"Type": cfn.IAM_ROLE}}
    resources.update({f"F{index}": python_function() for index in range(200)})

    plan = _plan(resources, forwarder_arn=FORWARDER)

    (note,) = [n for where, n in plan.notes if n.id == "cdk-datadog:Stack.tooManyResources"]
    assert note.level == "error"
    assert "200 function(s) would add 400 resources and take this stack to 601" in note.message
    assert plan.resources == ()
    assert all(change.log_group is None for change in plan.functions)
    assert 201 + 400 > MAX_STACK_RESOURCES


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("literal name", "/aws/lambda/fn"),
        ("Ref", {"Ref": "Group"}),
        ("Fn::GetAtt", {"Fn::GetAtt": ["Group", "Arn"]}),
    ],
)
def test_a_group_already_subscribed_to_the_forwarder_is_recognised_however_named(name, value):
    resources = {
        "Role": {"Type": cfn.IAM_ROLE},
        "Fn": python_function(LoggingConfig={"LogGroup": {"Ref": "Group"}}),
        "Group": {"Type": cfn.LOG_GROUP, "Properties": {"LogGroupName": "/aws/lambda/fn"}},
        "Existing": {
            "Type": cfn.SUBSCRIPTION_FILTER,
            "Properties": {"LogGroupName": value, "DestinationArn": FORWARDER},
        },
    }

    plan = _plan(resources, forwarder_arn=FORWARDER)

    assert plan.resources == (), name


def test_cdk_deploy_time_functions_are_left_alone_by_path_or_logical_id_unless_asked():
    resources = {
        "Role": {"Type": cfn.IAM_ROLE},
        "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a": python_function(),
        "Handler": {
            **python_function(),
            "Metadata": {
                "aws:cdk:path": "S/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler"
            },
        },
        "Mine": python_function(),
    }

    plan = _plan(resources, extension_layer_version=101, api_key_secret_arn=SECRET)
    included = _plan(
        resources,
        extension_layer_version=101,
        api_key_secret_arn=SECRET,
        instrument_deploy_time_functions=True,
    )

    skipped = {lid for lid, d in plan.decisions.items() if isinstance(d, Skip)}
    assert skipped == {"LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a", "Handler"}
    assert {d.reason.id for d in plan.decisions.values() if isinstance(d, Skip)} == {
        "cdk-datadog:Function.cdkDeployTime"
    }
    assert all(isinstance(d, Plan) for d in included.decisions.values())


@pytest.mark.parametrize(
    "pattern",
    ["Fn", "Shop/Orders", "Shop/Orders/Resource", "shop-orders", "Shop/*"],
    ids=["logical id", "construct path", "aws:cdk:path", "FunctionName", "glob"],
)
def test_exclude_matches_logical_id_construct_path_cdk_path_and_function_name(pattern):
    resources = {
        "Role": {"Type": cfn.IAM_ROLE},
        "Fn": {
            **python_function(FunctionName="shop-orders"),
            "Metadata": {"aws:cdk:path": "Shop/Orders/Resource"},
        },
    }

    plan = _plan(resources, forwarder_arn=FORWARDER, exclude=[pattern])

    assert isinstance(plan.decisions["Fn"], Skip)
    assert plan.decisions["Fn"].reason.id == "cdk-datadog:Function.excluded"


def test_the_container_image_note_asks_for_the_extension_only_when_it_is_used():
    resources = {"Role": {"Type": cfn.IAM_ROLE}, "Image": python_function(PackageType="Image")}

    forwarder = _plan(resources, forwarder_arn=FORWARDER)
    extension = _plan(resources, extension_layer_version=101, api_key_secret_arn=SECRET)

    def image_note(plan):
        (found,) = [n for _, n in plan.notes if n.id == "cdk-datadog:Function.containerImage"]
        return found.message

    assert "extension" not in image_note(forwarder)
    assert image_note(extension).endswith("the Datadog library and extension")


def test_the_note_for_an_added_log_group_names_it_and_where_its_name_comes_from():
    plan = _plan({"Role": {"Type": cfn.IAM_ROLE}, "Fn": python_function()}, forwarder_arn=FORWARDER)

    (note,) = [n for where, n in plan.notes if n.id == "cdk-datadog:Logs.logGroupAdded"]
    assert "FnDatadogLogGroup" in note.message and "<stack name>-FnDatadogLogGroup" in note.message
    assert plan.functions[0].log_group == {"Ref": "FnDatadogLogGroup"}


MACHINE = {
    "Type": cfn.STATE_MACHINE,
    "Properties": {"DefinitionString": "{}", "RoleArn": {"Fn::GetAtt": ["MachineRole", "Arn"]}},
}


def test_state_machines_get_logging_only_where_a_forwarder_ships_it_or_when_asked():
    resources = {"MachineRole": {"Type": cfn.IAM_ROLE}, "Machine": MACHINE}

    extension = _plan(resources, extension_layer_version=101, api_key_secret_arn=SECRET)
    forwarder = _plan(resources, forwarder_arn=FORWARDER)
    asked = _plan(
        resources, extension_layer_version=101, api_key_secret_arn=SECRET, step_functions=True
    )

    assert extension.changes == () and extension.resources == ()
    for plan in (forwarder, asked):
        (change,) = plan.changes
        logging = change.properties["LoggingConfiguration"]
        assert (logging["Level"], logging["IncludeExecutionData"]) == ("ALL", True)
        assert change.depends_on == ("MachineDatadogLogDelivery",)
    assert {r.type for r in forwarder.resources} == {
        cfn.LOG_GROUP,
        "AWS::IAM::Policy",
        cfn.SUBSCRIPTION_FILTER,
    }
    assert cfn.SUBSCRIPTION_FILTER not in {r.type for r in asked.resources}


def test_a_sam_state_machine_gets_logging_and_its_generated_role_the_permissions():
    resources = {
        "Machine": {
            "Type": cfn.SERVERLESS_STATE_MACHINE,
            "Properties": {"Definition": {"StartAt": "A", "States": {}}},
        }
    }

    plan = _plan(resources, forwarder_arn=FORWARDER)

    (change,) = plan.changes
    assert change.properties["Logging"]["Level"] == "ALL"
    (policy,) = [r for r in plan.resources if r.type == "AWS::IAM::Policy"]
    assert policy.properties["Roles"] == [{"Ref": "MachineRole"}]
    assert policy.acknowledgments == ()  # no cdk-nag where the front end says none runs


def test_added_resources_carry_cdk_nag_acknowledgments_only_when_the_front_end_asks():
    resources = {
        "Machine": {
            "Type": cfn.SERVERLESS_STATE_MACHINE,
            "Properties": {"Definition": {"StartAt": "A", "States": {}}},
        }
    }
    config = config_from_options({"source_code_integration": False, "forwarder_arn": FORWARDER})

    plan = plan_stack(StackInput(resources, region="us-east-1", cdk_nag=True), config)

    (policy,) = [r for r in plan.resources if r.type == "AWS::IAM::Policy"]
    (acknowledgment,) = policy.acknowledgments
    assert acknowledgment.rule == "AwsSolutions-IAM5"


def test_a_state_machine_whose_role_is_elsewhere_gets_logging_and_a_warning():
    resources = {
        "Machine": {
            "Type": cfn.STATE_MACHINE,
            "Properties": {"RoleArn": {"Fn::GetAtt": ["RoleOfAnotherStack", "Arn"]}},
        }
    }

    plan = _plan(resources, forwarder_arn=FORWARDER)

    assert ("Machine", "cdk-datadog:StepFunctions.roleOutsideStack") in [
        (where, n.id) for where, n in plan.notes
    ]
    assert "AWS::IAM::Policy" not in {r.type for r in plan.resources}


def test_a_function_whose_role_is_in_another_stack_gets_a_warning_naming_the_grant():
    resources = {"Fn": python_function(Role={"Fn::GetAtt": ["RoleOfAnotherStack", "Arn"]})}

    plan = _plan(resources, extension_layer_version=101, api_key_secret_arn=SECRET)

    (note,) = [n for where, n in plan.notes if n.id == "cdk-datadog:ApiKey.roleOutsideStack"]
    assert "secretsmanager:GetSecretValue" in note.message
    assert plan.resources == ()


def test_planning_twice_adds_nothing_the_second_time():
    from cdk_datadog.templates.transform import instrument_template

    template = {
        "Resources": {
            "Role": {"Type": cfn.IAM_ROLE, "Properties": {}},
            "Fn": python_function(),
            "Machine": {**MACHINE, "Properties": {**MACHINE["Properties"]}},
            "MachineRole": {"Type": cfn.IAM_ROLE, "Properties": {}},
        }
    }
    options = {"region": "us-east-1", "forwarder_arn": FORWARDER, "api_key_secret_arn": SECRET}
    once = instrument_template(template, source_code_integration=False, **options)
    twice = instrument_template(once, source_code_integration=False, **options)

    assert twice == once
