"""instrument_template: golden templates, idempotence, no mutation, and what it refuses."""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

from cdk_datadog import instrument_template
from cdk_datadog.engine.config import OptionError
from cdk_datadog.templates.io import dump_template, load_template
from cdk_datadog.templates.transform import instrument
from tests.support.cfn_lint import lint_errors

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEMPLATES = FIXTURES / "templates"
SSM = "arn:aws:ssm:us-east-1:123456789012:parameter/datadog/api-key"
sys.path.insert(0, str(TEMPLATES))
import regenerate  # noqa: E402  (the golden cases and their options live next to the files)

CASES = sorted(regenerate.CASES)
EXPECTED = regenerate.outputs()


def _input(name: str) -> tuple[dict, str]:
    if name == "serverless.json":
        return load_template(regenerate.SERVERLESS_TEMPLATE.read_text())
    return load_template((TEMPLATES / "in" / name).read_text())


def _options(name: str) -> dict:
    if name == "serverless.json":
        return regenerate.serverless_options()
    return dict(regenerate.CASES[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_output_matches_the_reviewed_golden_template(name):
    assert EXPECTED[name] == (TEMPLATES / "expected" / name).read_text(), (
        f"expected/{name} is stale: run tests/fixtures/templates/regenerate.py and review the diff"
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_instrumenting_twice_gives_the_same_template_as_once(name):
    template, fmt = _input(name)
    once = instrument(template, **_options(name)).template
    twice = instrument(once, **_options(name)).template

    assert dump_template(twice, fmt) == dump_template(once, fmt)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_input_template_is_not_changed(name):
    template, _ = _input(name)
    before = copy.deepcopy(template)

    instrument(template, **_options(name))

    assert template == before


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_instrumented_templates_have_no_cfn_lint_error(name):
    template, _ = load_template(EXPECTED[name])
    assert lint_errors(template) == []


def test_yaml_keeps_every_short_form_intrinsic():
    text = EXPECTED["cloudformation.yaml"]
    for tag in ("!Ref", "!Sub", "!GetAtt", "!If", "!Join", "!Select", "!Equals", "!FindInMap"):
        assert tag in text, tag
    assert "Fn::" not in text and "Ref:" not in text


def _resources(name: str) -> dict:
    return load_template(EXPECTED[name])[0]["Resources"]


def test_a_user_dd_variable_and_tag_are_kept():
    orders = _resources("cloudformation.json")["Orders"]["Properties"]
    assert orders["Environment"]["Variables"]["DD_SERVICE"] == "orders-api"
    assert {"Key": "team", "Value": "payments"} in orders["Tags"]


def test_java_starts_through_the_extension_wrapper_without_dd_lambda_handler():
    invoice = _resources("cloudformation.json")["Invoice"]["Properties"]
    assert invoice["Handler"] == "com.example.Invoice::handleRequest"
    assert invoice["Environment"]["Variables"]["AWS_LAMBDA_EXEC_WRAPPER"] == "/opt/datadog_wrapper"
    assert "DD_LAMBDA_HANDLER" not in invoice["Environment"]["Variables"]


def test_metadata_opts_out_and_metadata_settings_override_the_options():
    resources = _resources("cloudformation.json")
    assert resources["Legacy"]["Properties"]["Handler"] == "legacy.handler"
    reports = resources["Reports"]["Properties"]["Environment"]["Variables"]
    assert reports["DD_SERVICE"] == "reports" and reports["DD_LOG_LEVEL"] == "debug"


def test_container_image_gets_variables_but_no_layers_or_handler():
    image = _resources("cloudformation.json")["Image"]["Properties"]
    assert "Layers" not in image and "Handler" not in image
    assert image["Environment"]["Variables"]["DD_TRACE_ENABLED"] == "true"


def test_one_managed_policy_grants_the_api_key_to_every_role_by_name():
    resources = _resources("cloudformation.json")
    assert "Policies" not in resources["OrdersRole"]["Properties"]
    (policy,) = (r for r in resources.values() if r["Type"] == "AWS::IAM::ManagedPolicy")
    # the template's role by Ref (shared by three functions), a literal role ARN by its name
    assert policy["Properties"]["Roles"] == [{"Ref": "OrdersRole"}, "shared-lambda-role"]
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Resource"] == [
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:datadog-api-key-??????"
    ]


def test_an_imported_role_is_named_from_its_arn_at_deploy():
    template = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "app.handler",
                    "Role": {"Fn::ImportValue": "shared-role-arn"},
                    "Code": {"ZipFile": "x"},
                },
            }
        }
    }
    resources = instrument_template(
        template, region="us-east-1", api_key_ssm_arn=SSM, source_code_integration=False
    )["Resources"]
    (role,) = resources["DatadogPolicy"]["Properties"]["Roles"]
    assert role["Fn::Select"][0] == 1  # the name after the last "/" of the ARN's resource


def test_runtime_from_a_parameter_default_is_used_and_said():
    template, _ = _input("cloudformation.json")
    result = instrument(template, **_options("cloudformation.json"))
    assert result.decisions["Worker"].family == "node"
    assert ("Worker", "cdk-datadog:Template.parameterDefault") in [
        (where, n.id) for where, n in result.notes
    ]


def test_lambda_at_edge_behind_a_version_is_left_alone():
    rewrite = _resources("cloudformation.yaml")["Rewrite"]["Properties"]
    assert rewrite["Handler"] == "index.handler" and "Environment" not in rewrite


def test_an_explicit_log_group_is_subscribed_without_adding_another():
    resources = _resources("cloudformation.yaml")
    assert resources["ApiDatadogSubscription"]["Properties"]["LogGroupName"] == {
        "Ref": "ApiLogGroup"
    }
    assert "ApiDatadogLogGroup" not in resources
    permission = resources["ApiDatadogForwarderPermission"]["Properties"]
    assert permission["SourceArn"] == {"Fn::GetAtt": ["ApiLogGroup", "Arn"]}  # not "*"


def test_serverless_packaged_log_groups_are_subscribed():
    resources = _resources("serverless.json")
    for group in ("HelloLogGroup", "HelloDashworldLogGroup"):
        # named as serverless-plugin-datadog names it
        subscription = resources[f"{group}Subscription"]["Properties"]
        assert subscription["LogGroupName"] == {"Ref": group}


def test_sam_globals_are_read_and_the_functions_own_properties_written():
    resources = _resources("sam.yaml")
    orders = resources["Orders"]["Properties"]
    assert orders["Layers"][0].endswith(":layer:Datadog-Python312-ARM:128")  # Globals arch
    assert "DD_ENV" not in orders["Environment"]["Variables"]  # Globals' DD_ENV is the user's
    assert orders["Tracing"] == "Active"


def test_a_function_without_log_group_gets_one_and_a_note_says_so():
    template = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "a.b",
                    "Role": "arn:aws:iam::1:role/r",
                },
            }
        }
    }
    result = instrument(
        template,
        forwarder_arn="arn:aws:lambda:us-east-1:123456789012:function:fwd",
        source_code_integration=False,
    )
    resources = result.template["Resources"]
    assert resources["Fn"]["Properties"]["LoggingConfig"] == {
        "LogGroup": {"Ref": "FnDatadogLogGroup"}
    }
    assert resources["FnDatadogLogGroup"]["DeletionPolicy"] == "Retain"
    assert ("Fn", "cdk-datadog:Logs.logGroupAdded") in [(w, n.id) for w, n in result.notes]


@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"site": "datadoghq.con"}, "site"),
        ({"extension_layer_version": 101}, "extension_layer_version"),
        ({"enable_tracing": True}, "enable_tracing"),
        ({"region": 5}, "region"),
    ],
)
def test_invalid_options_raise_a_value_error_naming_the_option(options, option):
    template, _ = _input("cloudformation.json")
    with pytest.raises(OptionError) as raised:
        instrument_template(template, **options)
    assert raised.value.option == option
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    "template",
    [
        [],
        "text",
        {"Resources": []},
        {"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": []}}},
    ],
)
def test_malformed_templates_raise_a_clear_value_error(template):
    with pytest.raises(ValueError):
        instrument_template(template, source_code_integration=False)


def test_a_runtime_given_by_an_unknown_intrinsic_is_skipped_with_a_note_not_guessed():
    template = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Runtime": {"Fn::ImportValue": "rt"}, "Handler": "a.b"},
            }
        }
    }
    result = instrument(template, source_code_integration=False)
    assert result.template == template
    assert result.decisions["Fn"].reason.id == "cdk-datadog:Runtime.unresolved"
    json.dumps(result.template)  # still plain JSON


def _api_template() -> dict:
    return {
        "Resources": {
            "AccessLogs": {"Type": "AWS::Logs::LogGroup"},
            "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "api"}},
            "Stage": {
                "Type": "AWS::ApiGateway::Stage",
                "Properties": {
                    "RestApiId": {"Ref": "Api"},
                    "StageName": "prod",
                    "DeploymentId": "abc123",
                    "AccessLogSetting": {
                        "DestinationArn": {"Fn::GetAtt": ["AccessLogs", "Arn"]},
                        "Format": "$context.requestId",
                    },
                },
            },
        }
    }


def test_api_gateway_access_logs_are_subscribed_and_execution_logs_on_request():
    forwarder = "arn:aws:lambda:us-east-1:123456789012:function:fwd"
    default = instrument(_api_template(), forwarder_arn=forwarder, source_code_integration=False)
    resources = default.template["Resources"]
    assert resources["StageAccessDatadogSubscription"]["Properties"]["LogGroupName"] == {
        "Ref": "AccessLogs"
    }
    assert "StageDatadogExecutionLogs" not in resources

    both = instrument(
        _api_template(),
        forwarder_arn=forwarder,
        subscribe_to_execution_logs=True,
        source_code_integration=False,
    ).template
    execution = both["Resources"]["StageDatadogExecutionLogs"]["Properties"]["LogGroupName"]
    assert execution == {"Fn::Join": ["", ["API-Gateway-Execution-Logs_", {"Ref": "Api"}, "/prod"]]}
    assert "StageExecutionDatadogSubscription" in both["Resources"]
    assert lint_errors(both) == []
    again = instrument(
        both,
        forwarder_arn=forwarder,
        subscribe_to_execution_logs=True,
        source_code_integration=False,
    ).template
    assert again == both


def test_exclude_matches_logical_ids_and_function_names_and_the_report_says_so():
    template = {
        "Resources": {
            name: {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "app.handler",
                    "FunctionName": function_name,
                    "Role": "arn:aws:iam::123456789012:role/r",
                    "Code": {"ZipFile": "x"},
                },
            }
            for name, function_name in (
                ("LegacyBilling", "billing"),
                ("Vendor", "vendor-sync"),
                ("Orders", "orders"),
            )
        }
    }
    result = instrument(template, exclude=["Legacy*", "vendor-*"], source_code_integration=False)

    reasons = {
        logical_id: decision.reason.message
        for logical_id, decision in result.decisions.items()
        if hasattr(decision, "reason")
    }
    assert reasons == {
        "LegacyBilling": "not instrumented: excluded by exclude pattern 'Legacy*'",
        "Vendor": "not instrumented: excluded by exclude pattern 'vendor-*'",
    }
    assert result.template["Resources"]["Orders"]["Properties"]["Handler"] != "app.handler"
