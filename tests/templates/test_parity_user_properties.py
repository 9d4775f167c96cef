"""Every front end that takes the same stack makes the same decisions, also for functions that
set their own tracing, layers, variables, tags, logging config and conditions: the CDK
construct, `instrument_template` on the bare synthesized template, and the Serverless plugin's
backend (its template hook) on that template."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from cdk_datadog import Datadog, instrument_template
from cdk_datadog.serverless.backend import answer
from tests.support.cdk_apps import HANDLER_CODE

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:datadog-api-key-AbCdEf"
FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
USER_LAYER = "arn:aws:lambda:us-east-1:123456789012:layer:shared:3"
FUNCTION = "AWS::Lambda::Function"
#: the same options three ways: the construct's keyword arguments (and the template command's)
#: and serverless.yml's custom.datadog
OPTION_SETS = {
    "extension": (
        {
            "extension_layer_version": 101,
            "api_key_secret_arn": SECRET,
            "enable_xray_tracing": True,
            # serverless-plugin-datadog's enableXrayTracing also merges X-Ray traces
            "enable_merge_xray_traces": True,
            "service": "shop",
            "env": "prod",
            "source_code_integration": False,
        },
        {
            "extensionLayerVersion": 101,
            "apiKeySecretArn": SECRET,
            "enableXrayTracing": True,
            "service": "shop",
            "env": "prod",
            "enableSourceCodeIntegration": False,
        },
    ),
    "forwarder": (
        {
            "forwarder_arn": FORWARDER,
            "service": "shop",
            "env": "prod",
            "source_code_integration": False,
        },
        {
            "addExtension": False,
            "forwarderArn": FORWARDER,
            "service": "shop",
            "env": "prod",
            "enableSourceCodeIntegration": False,
        },
    ),
}


def _synth(options: dict | None) -> dict:
    app = cdk.App()
    stack = cdk.Stack(app, "S", env=cdk.Environment(account="123456789012", region="us-east-1"))
    code = lambda_.Code.from_inline(HANDLER_CODE)

    def function(name: str, **kwargs) -> lambda_.Function:
        return lambda_.Function(
            stack,
            name,
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="app.handler",
            code=code,
            **kwargs,
        )

    function("Plain")
    function("OwnTracing", tracing=lambda_.Tracing.PASS_THROUGH)
    function(
        "OwnLayers",
        layers=[lambda_.LayerVersion.from_layer_version_arn(stack, "Shared", USER_LAYER)],
    )
    function("OwnVariables", environment={"DD_ENV": "staging", "TABLE": "orders"})
    tagged = function("OwnTags")
    cdk.Tags.of(tagged).add("service", "billing")
    cdk.Tags.of(tagged).add("team", "data")
    group = logs.LogGroup(stack, "Group", retention=logs.RetentionDays.ONE_WEEK)
    function("OwnLogGroup", log_group=group)
    is_prod = cdk.CfnCondition(
        stack, "IsProd", expression=cdk.Fn.condition_equals(cdk.Aws.ACCOUNT_ID, "123456789012")
    )
    conditional = function("Conditional")
    conditional.node.default_child.cfn_options.condition = is_prod
    conditional.role.node.default_child.cfn_options.condition = is_prod
    if options is not None:
        Datadog(stack, "Datadog", **options)
    return app.synth().get_stack_by_name("S").template


#: metadata only the CDK writes, by design: the construct path, and cdk-nag's acknowledgments
#: (cdk-nag runs in a CDK app, on the construct's resources; a template has no cdk-nag)
CDK_ONLY_METADATA = ("aws:cdk:path", "cdk_nag")


def _comparable(resources: dict) -> dict:
    """Resources without the CDK's own metadata, tags in a stable order."""
    result = {}
    for logical_id, resource in resources.items():
        resource = dict(resource)
        metadata = {
            k: v for k, v in resource.pop("Metadata", {}).items() if k not in CDK_ONLY_METADATA
        }
        if metadata:
            resource["Metadata"] = metadata
        properties = dict(resource.get("Properties", {}))
        if isinstance(properties.get("Tags"), list):
            properties["Tags"] = sorted(properties["Tags"], key=lambda tag: tag["Key"])
        if properties:
            resource["Properties"] = properties
        result[logical_id] = resource
    return result


def _filters_by_group(resources: dict) -> dict:
    """Subscription filters by the log group they subscribe, without their FilterName."""
    return {
        str(r["Properties"]["LogGroupName"]): {
            k: v for k, v in r["Properties"].items() if k != "FilterName"
        }
        for r in resources.values()
        if r["Type"] == "AWS::Logs::SubscriptionFilter"
    }


def _without_filters(resources: dict) -> dict:
    return {lid: r for lid, r in resources.items() if r["Type"] != "AWS::Logs::SubscriptionFilter"}


def _serverless(template: dict, custom: dict) -> dict:
    reply = answer(
        {
            "protocol": 1,
            "hook": "template",
            "service": "shop",
            "stage": "prod",
            "region": "us-east-1",
            "custom": custom,
            "functions": {},
            "template": template,
        }
    )
    assert reply["ok"], reply
    return reply["template"]


@pytest.fixture(scope="module")
def bare() -> dict:
    return _synth(None)


@pytest.mark.parametrize("option_set", sorted(OPTION_SETS))
def test_the_construct_and_the_template_command_agree_on_user_set_properties(bare, option_set):
    options, _ = OPTION_SETS[option_set]

    through_cdk = _comparable(_synth(options)["Resources"])
    through_template = _comparable(
        instrument_template(bare, region="us-east-1", **options)["Resources"]
    )

    assert set(through_cdk) - set(bare["Resources"]), "nothing added: the test would prove nothing"
    assert through_template == through_cdk


@pytest.mark.parametrize("option_set", sorted(OPTION_SETS))
def test_the_serverless_backend_agrees_with_the_construct_on_every_function(bare, option_set):
    """Functions, log groups and the API key policy are the same, and so are the filters but
    for their names: the Serverless backend names a filter on a log group the stack defines as
    serverless-plugin-datadog does (`<group>Subscription`, no FilterName), so that a project
    moving from that plugin keeps its filters."""
    options, custom = OPTION_SETS[option_set]

    through_cdk = _comparable(_synth(options)["Resources"])
    through_serverless = _comparable(_serverless(bare, custom)["Resources"])

    assert _filters_by_group(through_serverless) == _filters_by_group(through_cdk)
    through_serverless = _without_filters(through_serverless)
    through_cdk = _without_filters(through_cdk)
    assert through_serverless == through_cdk


def test_user_set_properties_are_kept_the_same_way_by_every_front_end(bare):
    """What the comparisons above hold, said once: each function's own value wins."""
    options, _ = OPTION_SETS["extension"]
    resources = instrument_template(bare, region="us-east-1", **options)["Resources"]
    by_path = {
        name: resources[logical_id]["Properties"]
        for name in ("Plain", "OwnTracing", "OwnLayers", "OwnVariables", "OwnTags")
        for logical_id in resources
        if logical_id.startswith(name) and resources[logical_id]["Type"] == FUNCTION
    }

    assert by_path["OwnTracing"]["TracingConfig"] == {"Mode": "PassThrough"}
    assert by_path["Plain"]["TracingConfig"] == {"Mode": "Active"}
    assert by_path["OwnLayers"]["Layers"][0] == USER_LAYER
    assert by_path["OwnVariables"]["Environment"]["Variables"]["DD_ENV"] == "staging"
    tags = {t["Key"]: t["Value"] for t in by_path["OwnTags"]["Tags"]}
    assert tags["service"] == "billing" and tags["team"] == "data"
