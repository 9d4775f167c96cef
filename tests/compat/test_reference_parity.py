"""Migration promise: `DatadogLambda` from cdk-datadog instruments like the one from
datadog-cdk-constructs-v2 (same handler, layers and DD_* variables), except where the
reference is wrong, which each test below says and asserts the right value for.

Both constructs run on real aws-cdk-lib in the same process; every option set synthesizes one
app per construct holding the whole runtime x architecture matrix, so the suite stays fast.
"""

from __future__ import annotations

import json

import aws_cdk as cdk
import datadog_cdk_constructs_v2 as reference
import pytest
from aws_cdk import aws_lambda as lambda_

import cdk_datadog

ACCOUNT = "123456789012"
REGION = "eu-west-1"
SECRET_ARN = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:datadog-api-key-AbCdEf"
SSM_ARN = f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/datadog/api-key"
FORWARDER = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:datadog-forwarder"

RUNTIMES = {
    "Python": (lambda_.Runtime.PYTHON_3_12, "app.handler"),
    "Node": (lambda_.Runtime.NODEJS_22_X, "index.handler"),
    "Java": (lambda_.Runtime.JAVA_21, "com.example.Handler::handleRequest"),
    "Dotnet": (lambda_.Runtime.DOTNET_8, "App::App.Function::Handler"),
}
ARCHITECTURES = {"X86": lambda_.Architecture.X86_64, "Arm": lambda_.Architecture.ARM_64}
MATRIX = {f"{runtime}{arch}" for runtime in RUNTIMES for arch in ARCHITECTURES}

#: the option sets of the compatibility matrix; source code integration is off because it
#: reads git, which differs between CI and a laptop, not between the two constructs
OPTION_SETS = {
    "extension": {"extension_layer_version": 90, "api_key_secret_arn": SECRET_ARN},
    "forwarder": {"forwarder_arn": FORWARDER, "flush_metrics_to_logs": True},
    "tracing_off": {"enable_datadog_tracing": False, "flush_metrics_to_logs": True},
    "tags": {
        "service": "shop",
        "env": "prod",
        "version": "1.2.3",
        "tags": "team:payments,tier:1",
        "extension_layer_version": 90,
        "api_key_secret_arn": SECRET_ARN,
    },
    "cold_start_tracing": {
        "enable_cold_start_tracing": True,
        "min_cold_start_trace_duration": 50,
        "cold_start_trace_skip_libs": "requests",
        "extension_layer_version": 90,
        "api_key_ssm_arn": SSM_ARN,
    },
    "payload_capture": {
        "capture_lambda_payload": True,
        "capture_cloud_service_payload": True,
        "extension_layer_version": 90,
        "api_key_secret_arn": SECRET_ARN,
    },
    "api_key": {"api_key": "0123456789abcdef0123456789abcdef", "flush_metrics_to_logs": False},
    "api_kms_key": {"api_kms_key": "AQICAHh0ZXN0LWNpcGhlcnRleHQ=", "extension_layer_version": 90},
    "api_key_ssm_arn": {"api_key_ssm_arn": SSM_ARN, "extension_layer_version": 90},
    "pinned_versions": {
        "python_layer_version": 100,
        "node_layer_version": 120,
        "java_layer_version": 20,
        "dotnet_layer_version": 15,
        "extension_layer_version": 80,
        "api_key_secret_arn": SECRET_ARN,
    },
}


def _synthesize(construct_class, options: dict, tmp_path) -> dict[str, dict]:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Matrix", env=cdk.Environment(account=ACCOUNT, region=REGION))
    code_dir = tmp_path / "code"
    code_dir.mkdir(exist_ok=True)
    (code_dir / "handler").write_text("placeholder")
    functions = [
        lambda_.Function(
            stack,
            f"{runtime_name}{arch_name}",
            runtime=runtime,
            handler=handler,
            architecture=architecture,
            code=lambda_.Code.from_asset(str(code_dir)),
        )
        for runtime_name, (runtime, handler) in RUNTIMES.items()
        for arch_name, architecture in ARCHITECTURES.items()
    ]
    datadog = construct_class(stack, "Datadog", source_code_integration=False, **options)
    datadog.add_lambda_functions(functions)
    template = app.synth().get_stack_by_name("Matrix").template
    # CDK logical ids are the construct id plus an 8-character hash of the path. In forwarder
    # mode the reference also adds a LogRetention provider function (it touches fn.log_group);
    # only the matrix's own functions are compared.
    return {
        logical_id[:-8]: resource["Properties"]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function" and logical_id[:-8] in MATRIX
    }


def _instrumentation(properties: dict) -> dict:
    variables = properties.get("Environment", {}).get("Variables", {})
    return {
        "handler": properties["Handler"],
        "layers": sorted(json.dumps(layer) for layer in properties.get("Layers", [])),
        "variables": {
            name: value
            for name, value in variables.items()
            if name.startswith("DD_") or name == "AWS_LAMBDA_EXEC_WRAPPER"
        },
    }


@pytest.mark.parametrize("option_set", sorted(OPTION_SETS))
def test_same_handler_layers_and_variables_as_datadog_cdk_constructs_v2(option_set, tmp_path):
    options = OPTION_SETS[option_set]
    ours = _synthesize(cdk_datadog.DatadogLambda, options, tmp_path / "ours")
    theirs = _synthesize(reference.DatadogLambda, options, tmp_path / "reference")

    assert set(ours) == set(theirs) == MATRIX
    for function in sorted(ours):
        assert _instrumentation(ours[function]) == _instrumentation(theirs[function]), function


def test_matrix_compares_instrumented_functions_not_empty_ones(tmp_path):
    ours = _synthesize(cdk_datadog.DatadogLambda, OPTION_SETS["extension"], tmp_path)
    python_arm = _instrumentation(ours["PythonArm"])
    assert python_arm["handler"] == "datadog_lambda.handler.handler"
    assert any("Datadog-Python312-ARM:" in layer for layer in python_arm["layers"])
    assert any("Datadog-Extension-ARM:90" in layer for layer in python_arm["layers"])
    assert python_arm["variables"]["DD_LAMBDA_HANDLER"] == "app.handler"


def _single_function_app(
    construct_class, runtime, tmp_path, datadog_options=None, **function_options
):
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "One", env=cdk.Environment(account=ACCOUNT, region=REGION))
    code_dir = tmp_path / "code"
    code_dir.mkdir()
    (code_dir / "handler").write_text("placeholder")
    function = lambda_.Function(
        stack,
        "Fn",
        runtime=runtime,
        handler="app.handler",
        code=lambda_.Code.from_asset(str(code_dir)),
        **function_options,
    )
    options = {**OPTION_SETS["extension"], **(datadog_options or {})}
    datadog = construct_class(stack, "Datadog", source_code_integration=False, **options)
    datadog.add_lambda_functions([function])
    template = app.synth().get_stack_by_name("One").template
    (properties,) = (
        resource["Properties"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function"
    )
    return properties


def test_ruby_gets_its_layer_where_the_reference_attaches_none(tmp_path):
    # The reference's runtime catalog lists Ruby layer names under keys like "ruby33" while
    # Lambda's runtime is "ruby3.3", so its Ruby functions get only the extension.
    ours = _single_function_app(
        cdk_datadog.DatadogLambda, lambda_.Runtime.RUBY_3_3, tmp_path / "ours"
    )
    theirs = _single_function_app(
        reference.DatadogLambda, lambda_.Runtime.RUBY_3_3, tmp_path / "reference"
    )

    assert not any("Datadog-Ruby" in json.dumps(layer) for layer in theirs["Layers"])
    assert f"arn:aws:lambda:{REGION}:464622532012:layer:Datadog-Ruby3-3:30" in ours["Layers"]
    # Ruby is wrapped in code (Datadog::Lambda.wrap): neither an exec wrapper, which starts
    # only Java and .NET tracers, nor a DD_LAMBDA_HANDLER that no Ruby wrapper reads (the
    # reference leaves one dangling)
    variables = ours["Environment"]["Variables"]
    assert "AWS_LAMBDA_EXEC_WRAPPER" not in variables
    assert "AWS_LAMBDA_EXEC_WRAPPER" not in theirs["Environment"]["Variables"]
    assert "DD_LAMBDA_HANDLER" not in variables
    assert theirs["Environment"]["Variables"]["DD_LAMBDA_HANDLER"] == "app.handler"


@pytest.mark.parametrize(
    ("runtime", "layer"),
    [
        (lambda_.Runtime("ruby4.0", lambda_.RuntimeFamily.RUBY), "Datadog-Ruby4-0"),
        (lambda_.Runtime("nodejs26.x", lambda_.RuntimeFamily.NODEJS), "Datadog-Node26-x"),
    ],
)
def test_the_newest_runtimes_get_their_layer(runtime, layer, tmp_path):
    ours = _single_function_app(cdk_datadog.DatadogLambda, runtime, tmp_path / "ours")
    assert f"arn:aws:lambda:{REGION}:464622532012:layer:{layer}:" in " ".join(ours["Layers"])


def test_the_functions_own_dd_service_is_kept_where_the_reference_overwrites_it(tmp_path):
    function_options = {"environment": {"DD_SERVICE": "billing-worker"}}
    datadog_options = {"service": "shop"}
    ours = _single_function_app(
        cdk_datadog.DatadogLambda,
        lambda_.Runtime.PYTHON_3_12,
        tmp_path / "ours",
        datadog_options,
        **function_options,
    )
    theirs = _single_function_app(
        reference.DatadogLambda,
        lambda_.Runtime.PYTHON_3_12,
        tmp_path / "reference",
        datadog_options,
        **function_options,
    )

    assert ours["Environment"]["Variables"]["DD_SERVICE"] == "billing-worker"
    assert theirs["Environment"]["Variables"]["DD_SERVICE"] == "shop"
