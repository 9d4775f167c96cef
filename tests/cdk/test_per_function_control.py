"""Per-function control in the CDK: opt out, override, and say where the decision came from."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match, Template

from cdk_datadog import Datadog
from tests.support.cdk_apps import python_function


def _app():
    app = cdk.App()
    stack = cdk.Stack(app, "S", env=cdk.Environment(account="123456789012", region="us-east-1"))
    return app, stack


def _properties(stack, name):
    template = Template.from_stack(stack).to_json()
    (properties,) = (
        resource["Properties"]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function" and logical_id.startswith(name)
    )
    return properties


def test_excluded_function_is_left_untouched_and_says_it_was_the_method():
    _, stack = _app()
    vendor = python_function(stack, "Vendor")
    Datadog.exclude(vendor)  # before the construct exists
    Datadog(stack, "Datadog", service="shop", source_code_integration=False)
    python_function(stack, "Mine")

    assert _properties(stack, "Vendor")["Handler"] == "app.handler"
    assert "Layers" not in _properties(stack, "Vendor")
    assert _properties(stack, "Mine")["Handler"] == "datadog_lambda.handler.handler"
    infos = Annotations.from_stack(stack).find_info(
        "/S/Vendor", Match.string_like_regexp("excluded by Datadog.exclude()")
    )
    assert len(infos) == 1


def test_a_dd_instrument_false_tag_opts_the_function_out():
    _, stack = _app()
    Datadog(stack, "Datadog", source_code_integration=False)
    tagged = python_function(stack, "Tagged")
    cdk.Tags.of(tagged).add("dd:instrument", "false")

    assert _properties(stack, "Tagged")["Handler"] == "app.handler"
    infos = Annotations.from_stack(stack).find_info(
        "/S/Tagged", Match.string_like_regexp("excluded by tag dd:instrument=false")
    )
    assert len(infos) == 1


def test_configure_beats_the_construct_options_and_the_functions_own_variable_beats_both():
    _, stack = _app()
    Datadog(stack, "Datadog", service="shop", log_level="info", source_code_integration=False)
    billing = python_function(stack, "Billing", environment={"DD_LOG_LEVEL": "error"})
    Datadog.configure(billing, service="billing", log_level="debug")  # after the construct

    variables = _properties(stack, "Billing")["Environment"]["Variables"]
    assert variables["DD_SERVICE"] == "billing"  # per-function setting over options
    assert variables["DD_LOG_LEVEL"] == "error"  # the function's own variable over both
    infos = Annotations.from_stack(stack).find_info(
        "/S/Billing", Match.string_like_regexp("per-function settings from Datadog.configure()")
    )
    assert len(infos) == 1


def test_configure_refuses_unknown_and_stack_wide_options_by_name():
    _, stack = _app()
    function = python_function(stack, "Fn")

    with pytest.raises(ValueError, match="`sevice`"):
        Datadog.configure(function, sevice="x")
    with pytest.raises(ValueError, match=r"`forwarder_arn`.*whole stack"):
        Datadog.configure(
            function, forwarder_arn="arn:aws:lambda:us-east-1:123456789012:function:fwd"
        )
