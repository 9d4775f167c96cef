"""A stack that Forwarder subscriptions would push past CloudFormation's 500 resources gets a
clear error on the stack instead of a failed synth deep inside jsii."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Annotations, Match, Template

from cdk_datadog import Datadog

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"


def _stack_with_functions(count: int, **options) -> cdk.Stack:
    app = cdk.App()
    stack = cdk.Stack(app, "Big", env=cdk.Environment(account="123456789012", region="us-east-1"))
    Datadog(stack, "Datadog", source_code_integration=False, **options)
    code = lambda_.Code.from_inline("def handler(event, context):\n    return event\n")
    for index in range(count):
        lambda_.Function(
            stack,
            f"Fn{index}",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="index.handler",
            code=code,
        )
    return stack


def test_subscriptions_that_would_exceed_500_resources_are_left_out_with_an_error_on_the_stack():
    stack = _stack_with_functions(150, forwarder_arn=FORWARDER)  # 300 + 2 x 150 > 500

    template = Template.from_stack(stack)  # synthesizes: must not raise

    template.resource_count_is("AWS::Logs::SubscriptionFilter", 0)
    errors = Annotations.from_stack(stack).find_error(
        "/Big", Match.string_like_regexp("cdk-datadog:Stack.tooManyResources")
    )
    assert len(errors) == 1
    assert "150 function(s) would add 300 resources" in errors[0].entry.data
    # the functions are still instrumented, only the subscriptions are missing
    template.has_resource_properties(
        "AWS::Lambda::Function", {"Handler": "datadog_lambda.handler.handler"}
    )


def test_a_stack_close_to_the_limit_gets_a_warning():
    stack = _stack_with_functions(115, forwarder_arn=FORWARDER)  # 230 + 230 + 1 = 461

    template = Template.from_stack(stack)

    template.resource_count_is("AWS::Logs::SubscriptionFilter", 115)
    warnings = Annotations.from_stack(stack).find_warning(
        "/Big", Match.string_like_regexp("close to CloudFormation's 500")
    )
    assert len(warnings) == 1


def test_a_stack_well_below_the_limit_has_no_stack_annotation():
    stack = _stack_with_functions(20, forwarder_arn=FORWARDER)

    Template.from_stack(stack).resource_count_is("AWS::Logs::SubscriptionFilter", 20)
    assert Annotations.from_stack(stack).find_warning("/Big", Match.any_value()) == []
