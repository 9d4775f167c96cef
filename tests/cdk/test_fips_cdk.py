"""FIPS and enhanced metrics in real CDK apps: the options from keyword arguments or cdk.json
context in the plugin's and the macro's spellings, per function, and the note an
environment-agnostic stack gets."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Annotations, Match, Template

from cdk_datadog import Datadog
from tests.support.cfn_lint import lint_errors

ACCOUNT = "123456789012"
SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:datadog-api-key-AbCdEf"
EXTENSION = {"extension_layer_version": 101, "api_key_secret_arn": SECRET}


def _app(region: str | None, context: dict | None = None, **options):
    app = cdk.App(context=context or {})
    env = cdk.Environment(account=ACCOUNT, region=region) if region else None
    stack = cdk.Stack(app, "S", env=env)
    functions = [
        lambda_.Function(
            stack,
            name,
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="app.handler",
            code=lambda_.Code.from_inline("x"),
            architecture=architecture,
        )
        for name, architecture in (
            ("X86", lambda_.Architecture.X86_64),
            ("Arm", lambda_.Architecture.ARM_64),
        )
    ]
    Datadog(stack, "Datadog", source_code_integration=False, **EXTENSION, **options)
    return stack, functions


def _properties(stack: cdk.Stack, lint: bool = False) -> dict[str, dict]:
    template = Template.from_stack(stack).to_json()
    if lint:  # about a second a template: once is enough here
        assert lint_errors(template) == []
    return {
        logical_id[: -len("XXXXXXXX")]: resource["Properties"]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function"
    }


def _extension(properties: dict) -> str:
    (layer,) = [layer for layer in properties["Layers"] if "Datadog-Extension" in str(layer)]
    return layer


@pytest.mark.parametrize(
    "context",
    [{"datadog": {"isFIPSEnabled": True}}, {"datadog": {"lambdaFips": True}}],
    ids=["plugin-spelling", "macro-spelling"],
)
def test_fips_from_cdk_json_context_attaches_the_fips_extension_for_each_architecture(context):
    stack, _ = _app("us-east-1", context)
    functions = _properties(stack, lint=True)
    prefix = "arn:aws:lambda:us-east-1:464622532012:layer:"
    assert _extension(functions["X86"]) == f"{prefix}Datadog-Extension-FIPS:101"
    assert _extension(functions["Arm"]) == f"{prefix}Datadog-Extension-ARM-FIPS:101"
    for properties in functions.values():
        assert properties["Environment"]["Variables"]["DD_LAMBDA_FIPS_MODE"] == "true"


def test_govcloud_stacks_get_fips_unless_turned_off():
    on, _ = _app("us-gov-east-1")
    off, _ = _app("us-gov-east-1", is_fips_enabled=False)
    assert "Datadog-Extension-FIPS" in _extension(_properties(on)["X86"])
    assert ":layer:Datadog-Extension:101" in _extension(_properties(off)["X86"])


def test_an_environment_agnostic_stack_keeps_the_standard_extension_with_an_info_note():
    stack, _ = _app(None)
    assert "Datadog-Extension:101" in str(_extension(_properties(stack)["X86"]))
    infos = Annotations.from_stack(stack).find_info(
        "*", Match.string_like_regexp("cdk-datadog:Fips.regionUnknown")
    )
    assert len(infos) == 2


def test_fips_per_function_with_datadog_configure():
    stack, (x86, _) = _app("us-east-1")
    Datadog.configure(x86, is_fips_enabled=True)
    functions = _properties(stack)
    assert "Datadog-Extension-FIPS" in _extension(functions["X86"])
    assert "FIPS" not in _extension(functions["Arm"])


def test_enhanced_metrics_from_keyword_and_the_macros_context_key():
    stack, _ = _app("us-east-1", {"datadog": {"enableEnhancedMetrics": False}})
    for properties in _properties(stack).values():
        assert properties["Environment"]["Variables"]["DD_ENHANCED_METRICS"] == "false"


def test_the_same_setting_under_two_names_is_refused_naming_the_alias():
    with pytest.raises(ValueError, match="`lambda_fips`"):
        _app("us-east-1", {"datadog": {"isFIPSEnabled": True}}, lambda_fips=False)
