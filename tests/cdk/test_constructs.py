"""`Datadog` and `DatadogLambda` on real CDK apps: every function kind, every scope, every
validation error, with expectations written from Datadog's published layer names."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Annotations, Match, Template

from cdk_datadog import Datadog, DatadogLambda
from tests.support.cfn_lint import lint_errors

ACCOUNT = "123456789012"
SECRET = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:datadog-api-key-AbCdEf"
EXTENSION = {"extension_layer_version": 101, "api_key_secret_arn": SECRET}
INLINE = "def handler(event, context):\n    return event\n"


def _stack(region: str | None = "us-east-1", app: cdk.App | None = None, name: str = "S"):
    app = app or cdk.App()
    env = cdk.Environment(account=ACCOUNT, region=region) if region else None
    return app, cdk.Stack(app, name, env=env)


def _python(scope, name="Fn", **kwargs) -> lambda_.Function:
    return lambda_.Function(
        scope,
        name,
        runtime=kwargs.pop("runtime", lambda_.Runtime.PYTHON_3_12),
        handler="app.handler",
        code=lambda_.Code.from_inline(INLINE),
        **kwargs,
    )


def _functions(stack: cdk.Stack) -> dict[str, dict]:
    template = Template.from_stack(stack).to_json()
    assert lint_errors(template) == []
    return {
        logical_id: resource["Properties"]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function"
    }


def _only(stack: cdk.Stack) -> dict:
    (properties,) = _functions(stack).values()
    return properties


@pytest.mark.parametrize(
    ("region", "partition", "account", "extension"),
    [
        ("eu-west-1", "aws", "464622532012", "Datadog-Extension-ARM"),
        # the FIPS extension is the default in GovCloud (tests/engine/test_fips.py)
        ("us-gov-west-1", "aws-us-gov", "002406178527", "Datadog-Extension-ARM-FIPS"),
    ],
)
def test_layers_come_from_the_publisher_account_of_the_stacks_partition(
    region, partition, account, extension
):
    _, stack = _stack(region)
    Datadog(stack, "Datadog", source_code_integration=False, **EXTENSION)
    _python(stack, architecture=lambda_.Architecture.ARM_64)

    layers = _only(stack)["Layers"]
    prefix = f"arn:{partition}:lambda:{region}:{account}:layer:"
    assert layers == [f"{prefix}Datadog-Python312-ARM:128", f"{prefix}{extension}:101"]


def test_an_environment_agnostic_stack_builds_layer_arns_at_deploy_never_guessing():
    _, stack = _stack(region=None)
    Datadog(stack, "Datadog", source_code_integration=False, **EXTENSION)
    _python(stack)

    template = Template.from_stack(stack).to_json()
    (layer, _) = _only(stack)["Layers"]
    assert layer["Fn::Sub"][0] == (
        "arn:${AWS::Partition}:lambda:${AWS::Region}:${DatadogAccount}:layer:Datadog-Python312:128"
    )
    assert template["Mappings"]["DatadogLayerAccounts"]["aws-us-gov"] == {"Account": "002406178527"}


def test_a_china_region_is_an_error_naming_the_function_and_the_function_is_untouched():
    _, stack = _stack("cn-north-1")
    Datadog(stack, "Datadog", source_code_integration=False, **EXTENSION)
    _python(stack, "Orders")

    assert _only(stack)["Handler"] == "app.handler"
    errors = Annotations.from_stack(stack).find_error(
        "/S/Orders", Match.string_like_regexp("Layers.noPublisherInPartition")
    )
    assert len(errors) == 1


def test_functions_before_and_after_the_construct_and_in_nested_stacks_are_instrumented():
    _, stack = _stack()
    _python(stack, "Before")
    Datadog(stack, "Datadog", source_code_integration=False, **EXTENSION)
    _python(stack, "After")
    nested = cdk.NestedStack(stack, "Nested")
    _python(nested, "Deep")

    for properties in _functions(stack).values():
        assert properties["Handler"] == "datadog_lambda.handler.handler"
    (deep,) = _functions(nested).values()
    assert deep["Handler"] == "datadog_lambda.handler.handler"


def test_a_stage_scope_covers_its_stacks():
    app = cdk.App()
    stage = cdk.Stage(app, "Prod")
    Datadog(stage, "Datadog", source_code_integration=False, **EXTENSION)
    stack = cdk.Stack(stage, "Api", env=cdk.Environment(account=ACCOUNT, region="us-east-1"))
    _python(stack)

    assert _only(stack)["Handler"] == "datadog_lambda.handler.handler"


def test_singleton_raw_cfn_and_container_image_functions():
    _, stack = _stack()
    Datadog(stack, "Datadog", source_code_integration=False, **EXTENSION)
    lambda_.SingletonFunction(
        stack,
        "Singleton",
        uuid="5f3c0c1e-0000-4000-8000-000000000000",
        runtime=lambda_.Runtime.NODEJS_22_X,
        handler="index.handler",
        code=lambda_.Code.from_inline("exports.handler = async () => 1;"),
    )
    role = iam.Role(stack, "RawRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    lambda_.CfnFunction(
        stack,
        "Raw",
        runtime="python3.13",
        handler="raw.handler",
        role=role.role_arn,
        code=lambda_.CfnFunction.CodeProperty(zip_file=INLINE),
    )
    lambda_.DockerImageFunction(
        stack,
        "Image",
        code=lambda_.DockerImageCode.from_ecr(
            ecr.Repository.from_repository_name(stack, "R", "app")
        ),
    )

    functions = {k[:5]: v for k, v in _functions(stack).items()}
    singleton = next(v for k, v in functions.items() if k.startswith("Singl"))
    assert singleton["Handler"] == "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler"
    raw = functions["Raw"]
    assert raw["Handler"] == "datadog_lambda.handler.handler"
    assert raw["Environment"]["Variables"]["DD_LAMBDA_HANDLER"] == "raw.handler"
    image = functions["Image"]
    assert "Layers" not in image and "Handler" not in image
    assert image["Environment"]["Variables"]["DD_TRACE_ENABLED"] == "true"
    policy = Template.from_stack(stack).find_resources("AWS::IAM::ManagedPolicy")
    (managed,) = policy.values()
    assert {"Ref": stack.get_logical_id(role.node.default_child)} in managed["Properties"]["Roles"]
    infos = Annotations.from_stack(stack).find_info(
        "/S/Image", Match.string_like_regexp("Function.containerImage")
    )
    assert len(infos) == 1


def test_an_imported_function_is_ignored_without_error():
    _, stack = _stack()
    datadog = DatadogLambda(stack, "Datadog", source_code_integration=False, **EXTENSION)
    imported = lambda_.Function.from_function_arn(
        stack, "Imported", f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:elsewhere"
    )
    datadog.add_lambda_functions([imported])

    Template.from_stack(stack).resource_count_is("AWS::Lambda::Function", 0)


def test_a_function_added_twice_and_covered_by_datadog_is_instrumented_once_by_datadog_lambda():
    _, stack = _stack()
    Datadog(stack, "Everything", source_code_integration=False, service="general", **EXTENSION)
    explicit = DatadogLambda(
        stack, "Explicit", source_code_integration=False, service="explicit", **EXTENSION
    )
    function = _python(stack)
    explicit.add_lambda_functions([function, function])

    properties = _only(stack)
    assert properties["Environment"]["Variables"]["DD_SERVICE"] == "explicit"
    assert len(properties["Layers"]) == 2


def test_cdk_json_context_gives_options_and_keyword_arguments_win():
    app = cdk.App(
        context={
            "datadog": {
                "site": "datadoghq.eu",
                "extensionLayerVersion": 90,
                "apiKeySecretArn": SECRET,
            }
        }
    )
    _, stack = _stack(app=app)
    Datadog(stack, "Datadog", source_code_integration=False, extension_layer_version=101)
    _python(stack)

    variables = _only(stack)["Environment"]["Variables"]
    assert variables["DD_SITE"] == "datadoghq.eu"
    assert any(":Datadog-Extension:101" in layer for layer in _only(stack)["Layers"])


def test_an_isecret_with_a_kms_key_is_granted_through_the_secret_and_its_key():
    _, stack = _stack()
    key = kms.Key(stack, "Key")
    secret = secretsmanager.Secret(stack, "ApiKey", encryption_key=key)
    Datadog(
        stack,
        "Datadog",
        source_code_integration=False,
        extension_layer_version=101,
        api_key_secret=secret,
    )
    _python(stack)

    (policy,) = Template.from_stack(stack).find_resources("AWS::IAM::ManagedPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    actions = {json.dumps(s["Action"]) for s in statements}
    assert json.dumps(["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]) in actions
    decrypt = next(s for s in statements if s["Action"] == "kms:Decrypt")
    assert decrypt["Resource"] == {
        "Fn::GetAtt": [stack.get_logical_id(key.node.default_child), "Arn"]
    }
    assert "*" not in json.dumps([s["Resource"] for s in statements])


def test_a_clear_text_api_key_is_warned_about_and_appears_nowhere_but_the_environment(tmp_path):
    app = cdk.App(outdir=str(tmp_path))
    _, stack = _stack(app=app)
    Datadog(
        stack,
        "Datadog",
        source_code_integration=False,
        extension_layer_version=101,
        api_key="0123456789abcdef0123456789abcdef",
    )
    _python(stack)
    app.synth()

    warnings = Annotations.from_stack(stack).find_warning(
        "/S/Fn", Match.string_like_regexp("clear text")
    )
    assert len(warnings) == 1
    key = "0123456789abcdef0123456789abcdef"
    for path in tmp_path.glob("*.json"):
        if path.name == "S.template.json":
            assert path.read_text().count(key) == 1  # the function's DD_API_KEY, nowhere else
        else:
            assert key not in path.read_text(), path.name


@pytest.mark.parametrize(
    ("options", "option"),
    [
        ({"site": "datadoghq.con"}, "site"),
        ({"api_key": "k", "api_key_secret_arn": SECRET}, "api_key_secret_arn"),
        ({"extension_layer_version": 101}, "extension_layer_version"),
        (
            {
                "python_layer_version": 100,
                "python_layer_arn": "arn:aws:lambda:us-east-1:1:layer:x:1",
            },
            "python_layer_arn",
        ),
        ({"forwarder_arn": "arn:aws:s3:::bucket"}, "forwarder_arn"),
        ({"datadog_app_sec_mode": "loud"}, "datadog_app_sec_mode"),
        ({"llm_obs_enabled": True}, "llm_obs_ml_app"),
        ({"flush_metrics_to_logs": False}, "flush_metrics_to_logs"),
        ({"enable_tracing": True}, "enable_tracing"),
        ({"apiKey": "k"}, "apiKey"),
        ({"api_key_secret": "not-a-secret"}, "api_key_secret"),
    ],
)
def test_invalid_options_raise_at_construction_naming_the_option(options, option):
    _, stack = _stack()
    with pytest.raises(ValueError, match=f"`{option}`") as raised:
        Datadog(stack, "Datadog", **options)
    assert "jsii" not in str(raised.value)


@pytest.mark.node
def test_a_nodejs_function_bundled_by_esbuild_is_instrumented_and_runs_through_the_wrapper(
    tmp_path,
):
    from aws_cdk import aws_lambda_nodejs as nodejs

    from tests.support.wrappers import REPO_ROOT, run_node_wrapper

    app = cdk.App(outdir=str(tmp_path))
    _, stack = _stack(app=app)
    Datadog(
        stack,
        "Datadog",
        source_code_integration=False,
        forwarder_arn=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:datadog-forwarder",
        service="ts",
    )
    nodejs.NodejsFunction(
        stack,
        "Ts",
        entry=str(REPO_ROOT / "examples" / "functions" / "typescript" / "index.ts"),
        runtime=lambda_.Runtime.NODEJS_22_X,
        bundling=nodejs.BundlingOptions(force_docker_bundling=False),
    )
    template = app.synth().get_stack_by_name("S").template
    (resource,) = (
        r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"
    )
    properties = resource["Properties"]
    assert properties["Handler"] == "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler"
    (bundle,) = (path.parent for path in tmp_path.glob("asset.*/index.js"))

    run = run_node_wrapper(
        properties["Handler"],
        properties["Environment"]["Variables"],
        bundle,
        {"name": "esbuild"},
        function_name="Ts",
        runtime="nodejs22.x",
    )

    assert run.ok, run.describe()
    assert run.result == {"statusCode": 200, "body": "hello esbuild"}
    assert "aws.lambda.enhanced.invocations" in run.metric_names
