"""When instrumentation runs: after the user's Tags and aspects, wherever they sit in the
tree, with aws-cdk-lib's aspect stabilization on (its default) and off."""

from __future__ import annotations

import aws_cdk as cdk
import jsii
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Template

from cdk_datadog import Datadog

STABILIZATION = "@aws-cdk/core:aspectStabilization"


@jsii.implements(cdk.IAspect)
class SetServiceOnEveryFunction:
    """A team's own aspect, as some write to set DD_SERVICE everywhere."""

    def visit(self, node):
        if isinstance(node, lambda_.Function):
            node.add_environment("DD_SERVICE", "from-user-aspect")


def _function_properties(stabilized: bool) -> dict:
    app = cdk.App(context={STABILIZATION: stabilized})
    stack = cdk.Stack(app, "S", env=cdk.Environment(account="123456789012", region="us-east-1"))
    Datadog(stack, "Datadog", service="from-options", source_code_integration=False)
    function = lambda_.Function(
        stack,
        "Fn",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="app.handler",
        code=lambda_.Code.from_inline("def handler(e, c):\n    return e\n"),
    )
    cdk.Tags.of(function).add("team", "payments")
    cdk.Tags.of(function).add("service", "tagged-by-user")
    cdk.Aspects.of(stack).add(SetServiceOnEveryFunction())
    template = Template.from_stack(stack).to_json()
    (properties,) = (
        resource["Properties"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function"
    )
    return properties


@pytest.mark.parametrize("stabilized", [True, False])
def test_user_tags_win_and_ours_are_added_when_datadog_comes_first_in_the_tree(stabilized):
    tags = {tag["Key"]: tag["Value"] for tag in _function_properties(stabilized)["Tags"]}

    assert tags["team"] == "payments"
    assert tags["service"] == "tagged-by-user"
    assert tags["dd_cdk_construct"].startswith("cdk-datadog/")


def test_a_variable_set_by_a_user_aspect_wins_over_the_options():
    variables = _function_properties(stabilized=True)["Environment"]["Variables"]

    assert variables["DD_SERVICE"] == "from-user-aspect"
    assert variables["DD_LAMBDA_HANDLER"] == "app.handler"


def test_the_priority_literal_sits_between_default_and_read_only_aspects():
    from cdk_datadog.cdk.hooks import DATADOG_PRIORITY, EXPLICIT_PRIORITY

    assert cdk.AspectPriority.DEFAULT < EXPLICIT_PRIORITY < DATADOG_PRIORITY
    assert DATADOG_PRIORITY < cdk.AspectPriority.READONLY


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_it_was_after_instrumenting(enabled):
    import gc

    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        _function_properties(stabilized=True)

        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_the_garbage_collector_is_left_as_it_was_when_instrumenting_fails():
    import gc

    from cdk_datadog.cdk.hooks import _Once

    def fail():
        raise RuntimeError("planning failed")

    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="planning failed"):
        _Once(fail).visit(None)
    assert gc.isenabled()
