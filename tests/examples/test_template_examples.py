"""The SAM and Serverless Framework examples, instrumented by the command users run, with
their Python functions run through the real Datadog wrapper."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cdk_datadog.templates.io import load_template
from tests.support.cfn_lint import lint_errors
from tests.support.wrappers import run_python_wrapper

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FORWARDER = "arn:aws:lambda:eu-west-1:123456789012:function:datadog-forwarder"


def _instrument(*args: str, cwd: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "cdk_datadog.cli", "instrument", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return load_template(done.stdout)[0]


def test_sam_example_is_instrumented_and_its_function_runs_through_the_wrapper():
    template = _instrument(
        "template.yaml",
        "--region",
        "eu-west-1",
        "--set",
        f"forwarder_arn={FORWARDER}",
        "--set",
        "service=orders",
        cwd=EXAMPLES / "sam",
    )
    assert lint_errors(template) == []
    orders = template["Resources"]["Orders"]["Properties"]
    assert "Datadog-Python312-ARM" in str(orders["Layers"])
    variables = orders["Environment"]["Variables"]
    variables.setdefault("DD_ENV", "dev")  # SAM's Globals give it at deploy (Ref Stage)

    run = run_python_wrapper(
        orders["Handler"], variables, EXAMPLES / "sam" / "src", {}, function_name="Orders"
    )

    assert run.ok, run.describe()
    assert run.result == {"statusCode": 200, "body": "orders"}
    assert "aws.lambda.enhanced.invocations" in run.metric_names


def test_serverless_example_is_instrumented_from_its_serverless_yml_and_runs():
    template = _instrument(
        ".serverless/cloudformation-template-update-stack.json",
        "--config",
        "serverless.yml",
        cwd=EXAMPLES / "serverless",
    )
    assert lint_errors(template) == []
    hello = template["Resources"]["HelloLambdaFunction"]["Properties"]

    run = run_python_wrapper(
        hello["Handler"],
        hello["Environment"]["Variables"],
        EXAMPLES / "serverless",
        {"message": "hi"},
        function_name="shop-dev-hello",
    )

    assert run.ok, run.describe()
    assert run.result == {"ok": True, "echo": "hi"}
    assert "aws.lambda.enhanced.invocations" in run.metric_names
    assert run.stderr_error_lines == [], run.describe()
