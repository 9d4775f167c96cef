"""The runtime x architecture x partition table, with expected names built from the naming
rules Datadog publishes (shared/FACTS.md), not read back from our data file."""

from __future__ import annotations

import pytest

from cdk_datadog.engine import FunctionFacts, Plan, Skip, config_from_options, plan_function

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-AbCdEf"
CONFIG = config_from_options(
    {"extension_layer_version": 101, "api_key_secret_arn": SECRET, "source_code_integration": False}
)


NODE_HANDLER = "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler"
#: started by the extension's /opt/datadog_wrapper (Java agent, .NET profiler); Ruby is
#: wrapped in the function's code (Datadog::Lambda.wrap)
EXEC_WRAPPED = ("java", "dotnet")


def _expected(runtime: str, arm: bool) -> tuple[str | None, str | None]:
    """(library layer, handler) by Datadog's naming rules."""
    suffix = "-ARM" if arm else ""
    if runtime.startswith("python3."):
        return f"Datadog-Python3{runtime.split('.')[1]}{suffix}", "datadog_lambda.handler.handler"
    if runtime.startswith("nodejs"):
        major = runtime[len("nodejs") : -len(".x")]
        return (
            f"Datadog-Node{major}-x",
            "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler",
        )
    if runtime.startswith("java"):
        return "dd-trace-java", None
    if runtime.startswith("dotnet"):
        return f"dd-trace-dotnet{suffix}", None
    if runtime.startswith("ruby"):
        major, minor = runtime[len("ruby") :].split(".")
        return f"Datadog-Ruby{major}-{minor}{suffix}", None
    return None, None  # custom runtimes: the extension only


def _expected_extension(arm: bool, partition: str) -> str:
    """`Datadog-Extension`, `-ARM` for arm64, `-FIPS` last: FIPS is on by default in
    GovCloud (as serverless-plugin-datadog does)."""
    fips = "-FIPS" if partition == "aws-us-gov" else ""
    return f"Datadog-Extension{'-ARM' if arm else ''}{fips}"


RUNTIMES = [
    *(f"python3.{minor}" for minor in range(8, 15)),
    *(f"nodejs{major}.x" for major in (18, 20, 22, 24, 26)),
    "java8.al2",
    "java11",
    "java17",
    "java21",
    "java25",
    "dotnet6",
    "dotnet8",
    "dotnet10",
    "ruby3.2",
    "ruby3.3",
    "ruby3.4",
    "ruby4.0",
    "provided",
    "provided.al2",
    "provided.al2023",
]
PARTITIONS = [("us-east-1", "aws", "464622532012"), ("us-gov-east-1", "aws-us-gov", "002406178527")]


@pytest.mark.parametrize("region, partition, account", PARTITIONS)
@pytest.mark.parametrize("arm", [False, True])
@pytest.mark.parametrize("runtime", RUNTIMES)
def test_layers_and_handler_by_runtime_architecture_and_partition(
    runtime, arm, region, partition, account
):
    facts = FunctionFacts(
        path="S/Fn",
        runtime=runtime,
        handler="app.handler",
        architecture="arm64" if arm else "x86_64",
        region=region,
    )
    plan = plan_function(facts, CONFIG)

    assert isinstance(plan, Plan)
    library, handler = _expected(runtime, arm)
    extension = _expected_extension(arm, partition)
    expected_names = [library, extension] if library else [extension]
    assert [layer.name for layer in plan.layers] == expected_names
    for layer in plan.layers:
        assert layer.arn.startswith(f"arn:{partition}:lambda:{region}:{account}:layer:")
    assert plan.handler == handler
    variables = plan.environment
    if handler:
        assert variables["DD_LAMBDA_HANDLER"] == "app.handler"
    else:
        assert "DD_LAMBDA_HANDLER" not in variables
    wrapper = variables.get("AWS_LAMBDA_EXEC_WRAPPER")
    assert wrapper == ("/opt/datadog_wrapper" if runtime.startswith(EXEC_WRAPPED) else None)
    fips_mode = variables.get("DD_LAMBDA_FIPS_MODE")
    reads_fips_mode = runtime.startswith(("python", "nodejs", "provided"))
    assert fips_mode == ("true" if partition == "aws-us-gov" and reads_fips_mode else None)


@pytest.mark.parametrize("runtime", ["go1.x", "nodejs16.x", "python2.7", "dotnetcore3.1"])
def test_runtimes_without_a_datadog_layer_are_skipped_with_the_reason(runtime):
    skip = plan_function(FunctionFacts(path="S/Fn", runtime=runtime, handler="h"), CONFIG)
    assert isinstance(skip, Skip)
    assert skip.reason.id == "cdk-datadog:Runtime.unsupported"
    assert runtime in skip.reason.message


def test_node_without_layers_points_at_the_bundled_library():
    config = config_from_options({"add_layers": False, "source_code_integration": False})
    plan = plan_function(FunctionFacts(path="p", runtime="nodejs22.x", handler="index.h"), config)
    assert plan.handler == "node_modules/datadog-lambda-js/dist/handler.handler"
    assert plan.layers == ()


def test_an_instrumented_function_planned_again_changes_nothing():
    first = plan_function(
        FunctionFacts(path="p", runtime="python3.12", handler="app.handler", region="us-east-1"),
        CONFIG,
    )
    again = plan_function(
        FunctionFacts(
            path="p",
            runtime="python3.12",
            handler=first.handler,
            region="us-east-1",
            environment=dict(first.environment),
            layers=tuple(layer.arn for layer in first.layers),
        ),
        CONFIG,
    )
    assert again.layers == () and again.handler is None and dict(again.environment) == {}


def test_a_handler_longer_than_lambda_allows_is_refused_with_an_error_note():
    facts = FunctionFacts(path="p", runtime="python3.12", handler="a" * 125 + ".handler")
    skip = plan_function(facts, CONFIG)
    assert isinstance(skip, Skip)
    assert skip.reason.id == "cdk-datadog:Handler.tooLong"
    assert skip.reason.level == "error"
