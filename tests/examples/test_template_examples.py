"""The SAM and Serverless Framework examples, instrumented as users run them (the command; the
Serverless plugin under `sls package` of Serverless Framework 3 and osls 4), with their Python
functions run through the real Datadog wrapper."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cdk_datadog.templates.io import load_template
from tests.serverless.sls_projects import FRAMEWORKS, Framework, prepare, sls
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


@pytest.mark.parametrize("framework", FRAMEWORKS, ids=[f.id for f in FRAMEWORKS])
def test_serverless_example_is_packaged_with_the_plugin_and_its_function_runs(
    framework: Framework, tmp_path
):
    project = prepare(EXAMPLES / "serverless", tmp_path / "serverless")

    run = sls(framework, project, "package")

    assert run.returncode == 0, run.describe()
    template = run.template
    assert lint_errors(template) == []
    hello = template["Resources"]["HelloLambdaFunction"]["Properties"]
    assert "HelloLogGroupSubscription" in template["Resources"]
    with zipfile.ZipFile(project / ".serverless" / "shop.zip") as artifact:
        assert "node_modules/serverless-plugin-cdk-datadog/index.js" not in artifact.namelist()
        artifact.extractall(tmp_path / "code")

    wrapper = run_python_wrapper(
        hello["Handler"],
        hello["Environment"]["Variables"],
        tmp_path / "code",
        {"message": "hi"},
        function_name="shop-dev-hello",
    )

    assert wrapper.ok, wrapper.describe()
    assert wrapper.result == {"ok": True, "echo": "hi"}
    assert "aws.lambda.enhanced.invocations" in wrapper.metric_names
    assert wrapper.stderr_error_lines == [], wrapper.describe()
