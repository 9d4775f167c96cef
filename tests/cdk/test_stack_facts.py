"""What the CDK front end reads of a stack before planning it: aws-cdk-lib's own deploy-time
functions (CfnFunction- and CfnResource-based), names `exclude` matches, and a runtime from a
CfnParameter, as the template front end reads them."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import custom_resources as cr
from aws_cdk.assertions import Annotations, Match, Template

from cdk_datadog import Datadog
from tests.support.cdk_apps import python_function

ENV = cdk.Environment(account="123456789012", region="us-east-1")
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key-AbCdEf"
EXTENSION = {
    "extension_layer_version": 101,
    "api_key_secret_arn": SECRET,
    "source_code_integration": False,
}


def _stack_with_deploy_time_functions(**options: object) -> cdk.Stack:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    Datadog(stack, "Datadog", **EXTENSION, **options)
    python_function(stack, "Mine", log_retention=logs.RetentionDays.ONE_WEEK)  # LogRetention
    s3.Bucket(stack, "Bucket", auto_delete_objects=True, removal_policy=cdk.RemovalPolicy.DESTROY)
    cr.AwsCustomResource(
        stack,
        "Lookup",
        on_create=cr.AwsSdkCall(
            service="SSM",
            action="getParameter",
            parameters={"Name": "x"},
            physical_resource_id=cr.PhysicalResourceId.of("x"),
        ),
        policy=cr.AwsCustomResourcePolicy.from_sdk_calls(
            resources=cr.AwsCustomResourcePolicy.ANY_RESOURCE
        ),
    )
    return stack


def _handlers(stack: cdk.Stack) -> dict[str, str]:
    functions = Template.from_stack(stack).find_resources("AWS::Lambda::Function")
    return {lid: resource["Properties"]["Handler"] for lid, resource in functions.items()}


def test_cdk_deploy_time_functions_are_left_alone_and_each_says_why():
    stack = _stack_with_deploy_time_functions()

    handlers = _handlers(stack)
    # ours, LogRetention, S3 auto-delete (a CfnResource), AwsCustomResource
    assert len(handlers) == 4
    wrapped = [lid for lid, handler in handlers.items() if handler.startswith("datadog_lambda")]
    assert len(wrapped) == 1 and wrapped[0].startswith("Mine")
    infos = Annotations.from_stack(stack).find_info(
        "*", Match.string_like_regexp(r"deploy-time functions .*Function\.cdkDeployTime")
    )
    assert sorted(info.id for info in infos) == [
        "/S/AWS679f53fac002430cb0da5b7982bd2287",
        "/S/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler",
        "/S/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a",
    ]


def test_cdk_deploy_time_functions_are_instrumented_when_asked():
    stack = _stack_with_deploy_time_functions(instrument_deploy_time_functions=True)

    handlers = _handlers(stack)
    python = [lid for lid, h in handlers.items() if h.startswith("datadog_lambda")]
    node = [lid for lid, h in handlers.items() if "datadog-lambda-js" in h]
    assert len(python) + len(node) == 4


def test_exclude_matches_the_logical_id_and_the_recorded_path_in_the_cdk_too():
    for pattern in ("Legacy*", "S/Legacy/Resource"):
        app = cdk.App(context={"aws:cdk:enable-path-metadata": True})
        stack = cdk.Stack(app, "S", env=ENV)
        Datadog(stack, "Datadog", **EXTENSION, exclude=[pattern])
        python_function(stack, "Legacy")
        python_function(stack, "Kept")

        handlers = _handlers(stack)
        assert sorted(lid[:6] for lid, h in handlers.items() if h == "app.handler") == ["Legacy"]


def test_a_runtime_from_a_parameter_default_is_used_and_said_as_in_templates():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    runtime = cdk.CfnParameter(stack, "Runtime", default="nodejs22.x")
    Datadog(stack, "Datadog", **EXTENSION)
    function = python_function(stack, "Fn")
    function.node.default_child.runtime = runtime.value_as_string

    (properties,) = (
        resource["Properties"]
        for resource in Template.from_stack(stack).find_resources("AWS::Lambda::Function").values()
    )
    assert properties["Handler"] == "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler"
    infos = Annotations.from_stack(stack).find_info(
        "/S/Fn", Match.string_like_regexp("Template.parameterDefault")
    )
    assert len(infos) == 1


def test_an_opt_out_tag_added_with_tags_of_is_seen_before_the_tag_aspect_runs():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    Datadog(stack, "Datadog", **EXTENSION)
    legacy = python_function(stack, "Legacy")
    cdk.Tags.of(legacy).add("dd:instrument", "false")

    assert list(_handlers(stack).values()) == ["app.handler"]
