"""The example app, end to end: synthesized, linted, and its functions run through the real
Datadog wrappers exactly as the templates configure them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cdk_datadog.engine.plan import Plan
from examples.app import FUNCTIONS, build_app
from tests.support.cfn_lint import lint_errors
from tests.support.wrappers import run_node_wrapper, run_python_wrapper

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
#: forwarder mode: metrics go to the logs, so the real wrappers run without any agent
FORWARDER_MODE = {
    "extension_layer_version": None,
    "api_key_secret_arn": None,
    "forwarder_arn": FORWARDER,
}


def _synth(outdir: Path, **overrides: object):
    app = build_app(outdir=str(outdir), **overrides)
    return app, app.synth()


def _templates(assembly_dir: Path) -> dict[str, dict]:
    return {
        path.name: json.loads(path.read_text())
        for path in sorted(assembly_dir.rglob("*.template.json"))
    }


def _function(templates: dict[str, dict], template_name: str, logical_prefix: str) -> dict:
    resources = templates[template_name]["Resources"]
    matches = [
        resource["Properties"]
        for logical_id, resource in resources.items()
        if logical_id.startswith(logical_prefix) and resource["Type"] == "AWS::Lambda::Function"
    ]
    assert len(matches) == 1, f"{logical_prefix} in {template_name}: {len(matches)} matches"
    return matches[0]


@pytest.fixture(scope="module")
def extension_mode(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("extension")
    app, _ = _synth(outdir)
    return app, _templates(outdir)


@pytest.fixture(scope="module")
def forwarder_mode(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("forwarder")
    app, _ = _synth(outdir, **FORWARDER_MODE)
    return app, _templates(outdir)


def test_every_example_function_is_instrumented_including_the_stage_created_later(
    extension_mode,
):
    app, _ = extension_mode
    decisions = app.node.find_child("Datadog").decisions
    assert sorted(decisions) == [
        "Billing/Invoice/Resource",
        "Billing/Reconcile/Resource",
        "Orders/CreateOrder/Resource",
        "Orders/ListOrders/Resource",
        "Prod/Orders/CreateOrder/Resource",
        "Prod/Orders/ListOrders/Resource",
    ]
    assert all(isinstance(decision, Plan) for decision in decisions.values())


def test_example_java_function_starts_through_the_extension_wrapper(extension_mode):
    _, templates = extension_mode
    invoice = _function(templates, "Billing.template.json", "Invoice")
    assert invoice["Handler"] == "com.example.Invoice::handleRequest"
    assert invoice["Environment"]["Variables"]["AWS_LAMBDA_EXEC_WRAPPER"] == "/opt/datadog_wrapper"
    assert "DD_LAMBDA_HANDLER" not in invoice["Environment"]["Variables"]


def test_example_custom_runtime_gets_the_extension_only(extension_mode):
    _, templates = extension_mode
    reconcile = _function(templates, "Billing.template.json", "Reconcile")
    assert len(reconcile["Layers"]) == 1
    assert "Datadog-Extension-ARM:101" in json.dumps(reconcile["Layers"])
    assert reconcile["Handler"] == "bootstrap"


@pytest.mark.parametrize("mode", ["extension_mode", "forwarder_mode"])
def test_example_templates_have_no_cfn_lint_error(mode, request):
    _, templates = request.getfixturevalue(mode)
    assert templates
    for name, template in templates.items():
        assert lint_errors(template) == [], name


def test_example_python_function_runs_through_the_real_datadog_wrapper(forwarder_mode):
    _, templates = forwarder_mode
    function = _function(templates, "Orders.template.json", "CreateOrder")
    assert function["Handler"] == "datadog_lambda.handler.handler"

    run = run_python_wrapper(
        function["Handler"],
        function["Environment"]["Variables"],
        FUNCTIONS / "python",
        {"name": "datadog"},
        function_name="CreateOrder",
        runtime=function["Runtime"],
    )

    assert run.ok, run.describe()
    assert run.result == {"statusCode": 200, "body": "hello datadog"}
    assert "aws.lambda.enhanced.invocations" in run.metric_names, run.describe()
    assert run.stderr_error_lines == [], run.describe()
    root = next(span for span in run.spans if span["name"] == "aws.lambda")
    assert root["service"] == "shop"
    assert root["meta"]["env"] == "staging"  # the function's own DD_ENV won over env="prod"
    assert root["meta"]["version"] == "1.4.2"


@pytest.mark.node
def test_example_node_function_runs_through_the_real_datadog_wrapper(forwarder_mode):
    _, templates = forwarder_mode
    function = _function(templates, "Orders.template.json", "ListOrders")
    assert function["Handler"] == "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler"

    run = run_node_wrapper(
        function["Handler"],
        function["Environment"]["Variables"],
        FUNCTIONS / "node",
        {"name": "datadog"},
        function_name="ListOrders",
        runtime=function["Runtime"],
    )

    assert run.ok, run.describe()
    assert run.result == {"statusCode": 200, "body": "hello datadog"}
    assert "aws.lambda.enhanced.invocations" in run.metric_names, run.describe()


def test_report_on_the_cdk_out_folder_lists_every_function_instrumented(tmp_path):
    import subprocess
    import sys

    _synth(tmp_path / "cdk.out")
    done = subprocess.run(
        [sys.executable, "-m", "cdk_datadog.cli", "report", str(tmp_path / "cdk.out"), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert len(rows) == 6  # two stacks and the stage's copy of Orders
    assert {row["status"] for row in rows} == {"instrumented"}
    assert all(row["extension"] for row in rows)
