"""The wrapper harness, proved on hand-written inputs (nothing here comes from cdk_datadog).

If these pass, a failure elsewhere that runs a generated template through the harness is about
the template, not the harness; the negative tests show that the harness can fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.wrappers import (
    REPO_ROOT,
    node_handler_bases,
    run_node_wrapper,
    run_python_wrapper,
)

FIXTURES = Path(__file__).parent / "fixtures"
PYTHON_FN = FIXTURES / "python_fn"
NODE_FN = FIXTURES / "node_fn"

PYTHON_HANDLER = "datadog_lambda.handler.handler"
NODE_LAYER_HANDLER = "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler"
NODE_BUNDLED_HANDLER = "node_modules/datadog-lambda-js/dist/handler.handler"

EVENT = {"hello": "world", "n": 1}


def _env(**extra: str) -> dict[str, str]:
    env = {
        "DD_LAMBDA_HANDLER": "app.handler",
        "DD_FLUSH_TO_LOG": "true",
        "DD_TRACE_ENABLED": "true",
        "DD_SERVICE": "svc",
    }
    env.update(extra)
    return env


def _root_span(run):
    roots = [span for span in run.spans if span["name"] == "aws.lambda"]
    assert len(roots) == 1, run.describe()
    return roots[0]


# --- Python ----------------------------------------------------------------------------------


def test_python_wrapper_returns_result_metrics_and_traces():
    run = run_python_wrapper(PYTHON_HANDLER, _env(), PYTHON_FN, EVENT, function_name="my-fn")

    assert run.ok, run.describe()
    assert run.result == {
        "echo": EVENT,
        "function_name": "my-fn",
        "remaining_ms_positive": True,
        "dd_service": "svc",
    }
    assert "aws.lambda.enhanced.invocations" in run.metric_names, run.describe()
    assert run.stderr_error_lines == [], run.describe()
    invocation = next(m for m in run.metric_lines if m["m"] == "aws.lambda.enhanced.invocations")
    assert "functionname:my-fn" in invocation["t"]
    assert "runtime:python3.11" in invocation["t"]
    assert _root_span(run)["service"] == "svc"


def test_python_wrapper_spans_carry_env_and_version():
    run = run_python_wrapper(
        PYTHON_HANDLER, _env(DD_ENV="prod", DD_VERSION="1.2.3"), PYTHON_FN, EVENT
    )

    assert run.ok, run.describe()
    meta = _root_span(run)["meta"]
    assert (meta.get("env"), meta.get("version")) == ("prod", "1.2.3"), run.describe()


def test_python_wrapper_without_tracing_writes_no_spans():
    run = run_python_wrapper(PYTHON_HANDLER, _env(DD_TRACE_ENABLED="false"), PYTHON_FN, EVENT)

    assert run.ok, run.describe()
    assert run.trace_payloads == []
    assert "aws.lambda.enhanced.invocations" in run.metric_names


def test_python_wrapper_with_wrong_dd_lambda_handler_fails():
    run = run_python_wrapper(
        PYTHON_HANDLER, _env(DD_LAMBDA_HANDLER="missing_module.handler"), PYTHON_FN, EVENT
    )

    assert run.returncode != 0
    assert run.result is None
    assert run.error["errorType"] == "Runtime.ImportModuleError"
    assert "missing_module" in run.error["errorMessage"]
    assert run.stderr_error_lines


def test_python_wrapper_without_dd_lambda_handler_fails():
    env = _env()
    del env["DD_LAMBDA_HANDLER"]
    run = run_python_wrapper(PYTHON_HANDLER, env, PYTHON_FN, EVENT)

    assert not run.ok
    assert "DD_LAMBDA_HANDLER is not defined" in run.error["errorMessage"]


def test_python_handler_exception_is_reported():
    run = run_python_wrapper(PYTHON_HANDLER, _env(DD_LAMBDA_HANDLER="app.fails"), PYTHON_FN, EVENT)

    assert not run.ok
    assert run.error["errorType"] == "Runtime.HandlerError"
    assert "boom" in run.error["errorMessage"]
    assert "aws.lambda.enhanced.errors" in run.metric_names


def test_python_uninstrumented_handler_runs_directly():
    run = run_python_wrapper("app.handler", {}, PYTHON_FN, EVENT)

    assert run.ok, run.describe()
    assert run.result["echo"] == EVENT
    assert run.metric_lines == [] and run.trace_payloads == []


def test_environment_values_must_be_resolved():
    with pytest.raises(TypeError, match="intrinsics"):
        run_python_wrapper(PYTHON_HANDLER, _env(DD_ENV={"Ref": "Env"}), PYTHON_FN, EVENT)


# --- Node ------------------------------------------------------------------------------------


@pytest.mark.node
@pytest.mark.parametrize("handler", [NODE_LAYER_HANDLER, NODE_BUNDLED_HANDLER])
def test_node_wrapper_returns_result_metrics_and_traces(handler):
    run = run_node_wrapper(handler, _env(), NODE_FN, EVENT, function_name="my-fn")

    assert run.ok, run.describe()
    assert run.result == {
        "echo": EVENT,
        "functionName": "my-fn",
        "remainingMsPositive": True,
        "ddService": "svc",
    }
    assert "aws.lambda.enhanced.invocations" in run.metric_names, run.describe()
    assert run.stderr_error_lines == [], run.describe()
    invocation = next(m for m in run.metric_lines if m["m"] == "aws.lambda.enhanced.invocations")
    assert "functionname:my-fn" in invocation["t"]
    assert "runtime:nodejs24.x" in invocation["t"]
    assert _root_span(run)["service"] == "svc"


@pytest.mark.node
def test_node_wrapper_spans_carry_env_and_version_and_nothing_from_this_repo():
    run = run_node_wrapper(
        NODE_LAYER_HANDLER, _env(DD_ENV="prod", DD_VERSION="1.2.3"), NODE_FN, EVENT
    )

    assert run.ok, run.describe()
    meta = _root_span(run)["meta"]
    assert (meta.get("env"), meta.get("version")) == ("prod", "1.2.3"), run.describe()
    # dd-trace tags spans with the nearest package.json: not this repository's.
    assert "cdk-datadog-dev-tools" not in run.stdout


@pytest.mark.node
def test_node_wrapper_with_wrong_dd_lambda_handler_fails():
    run = run_node_wrapper(
        NODE_LAYER_HANDLER, _env(DD_LAMBDA_HANDLER="missing_module.handler"), NODE_FN, EVENT
    )

    assert run.returncode != 0
    assert run.result is None
    assert run.error["errorType"] == "Runtime.ImportModuleError"
    assert "missing_module" in run.error["errorMessage"]


@pytest.mark.node
def test_node_wrapper_with_wrong_function_name_fails():
    run = run_node_wrapper(NODE_LAYER_HANDLER, _env(DD_LAMBDA_HANDLER="app.nope"), NODE_FN, EVENT)

    assert not run.ok
    assert run.result is None


@pytest.mark.node
def test_node_handler_exception_is_reported():
    run = run_node_wrapper(NODE_LAYER_HANDLER, _env(DD_LAMBDA_HANDLER="app.fails"), NODE_FN, EVENT)

    assert not run.ok
    assert run.error["errorType"] == "Runtime.HandlerError"
    assert "boom" in run.error["errorMessage"]
    assert "aws.lambda.enhanced.errors" in run.metric_names


@pytest.mark.node
def test_node_wrong_layer_path_fails():
    run = run_node_wrapper(
        "/opt/nodejs/node_modules/datadog-lambda-js/nothere.handler", _env(), NODE_FN, EVENT
    )

    assert not run.ok
    assert run.error["errorType"] == "Runtime.ImportModuleError"


@pytest.mark.node
def test_node_uninstrumented_handler_runs_directly():
    run = run_node_wrapper("app.handler", {}, NODE_FN, EVENT)

    assert run.ok, run.describe()
    assert run.result["echo"] == EVENT
    assert run.metric_lines == [] and run.trace_payloads == []


def test_node_handler_bases_map_layer_and_bundle_paths(tmp_path):
    layer, fn = node_handler_bases(NODE_LAYER_HANDLER, tmp_path)
    assert fn == "handler"
    assert layer == [
        str(REPO_ROOT / "node_modules/datadog-lambda-js/handler"),
        str(REPO_ROOT / "node_modules/datadog-lambda-js/dist/handler"),
    ]

    bundled, fn = node_handler_bases(NODE_BUNDLED_HANDLER, tmp_path)
    assert fn == "handler"
    assert bundled == [
        str(tmp_path / "node_modules/datadog-lambda-js/dist/handler"),
        str(REPO_ROOT / "node_modules/datadog-lambda-js/dist/handler"),
    ]

    assert node_handler_bases("src/index.main.handler", tmp_path) == (
        [str(tmp_path / "src/index")],
        "main.handler",
    )
    assert node_handler_bases("nodot", tmp_path) == ([], "")


# --- The test environment itself (tests/conftest.py) -----------------------------------------


@pytest.mark.node
def test_jsii_runs_on_node_24_without_end_of_life_banner():
    env = dict(os.environ)
    env.pop("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", None)
    code = (
        "import aws_cdk, subprocess\n"
        "print(subprocess.check_output(['node', '--version'], text=True))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )

    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("v24."), proc.stdout
    assert "end-of-life" not in proc.stderr, proc.stderr


def test_builtin_cloudformation_validator_follows_cdk_validation(tmp_path):
    """aws-cdk-lib's built-in validator is off in tests unless CDK_VALIDATION=true.

    When it runs it writes validation-report.json next to the templates.
    """
    import aws_cdk as cdk
    from aws_cdk import aws_lambda as lambda_

    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "S")
    lambda_.Function(
        stack,
        "F",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="app.handler",
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
    )
    app.synth()

    validator_ran = (tmp_path / "validation-report.json").exists()
    assert validator_ran == (os.environ["CDK_VALIDATION"] != "false")
