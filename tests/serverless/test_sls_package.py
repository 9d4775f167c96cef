"""`sls package` (the real Serverless Framework 3 and osls 4, offline) with
serverless-plugin-cdk-datadog on tests/fixtures/serverless/shop: Python and Node functions,
HTTP API and REST events, provisioned concurrency, an excluded function and a Step Functions
state machine, in the Forwarder mode and the extension mode."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from cfnlint.api import ManualArgs, lint

from cdk_datadog.serverless.backend import answer
from tests.serverless.sls_projects import PROJECTS, Framework, Run, packaged
from tests.support.wrappers import run_python_wrapper

FORWARDER = "arn:aws:lambda:eu-west-1:123456789012:function:datadog-forwarder"
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:datadog-api-key-AbCdEf"
INSTRUMENTED = ("OrdersLambdaFunction", "GreeterLambdaFunction")
LEGACY = "LegacyLambdaFunction"

#: Node 24 and the Serverless Frameworks from node_modules (bin/setup)
pytestmark = pytest.mark.node


@pytest.fixture(scope="module")
def forwarder(framework: Framework, shared: Path) -> Run:
    run = packaged(framework, shared, "shop-forwarder", env={"DATADOG_MODE": "forwarder"})
    assert run.returncode == 0, run.describe()
    return run


@pytest.fixture(scope="module")
def extension(framework: Framework, shared: Path) -> Run:
    run = packaged(framework, shared, "shop-extension", env={"DATADOG_MODE": "extension"})
    assert run.returncode == 0, run.describe()
    return run


@pytest.fixture(scope="module")
def bare(framework: Framework, shared: Path) -> Run:
    """The same service packaged without any Datadog plugin."""
    run = packaged(framework, shared, "shop-bare", plugin=None)
    assert run.returncode == 0, run.describe()
    return run


def _layer_names(run: Run, logical_id: str) -> list[str]:
    return [arn.split(":")[6] for arn in run.function(logical_id).get("Layers", [])]


def _version_of(run: Run, logical_id: str) -> str:
    [version] = [
        key
        for key, resource in run.of_type("AWS::Lambda::Version").items()
        if resource["Properties"]["FunctionName"] == {"Ref": logical_id}
    ]
    return version


def test_python_and_node_functions_are_redirected_to_the_datadog_wrapper(forwarder):
    orders = forwarder.function("OrdersLambdaFunction")
    assert orders["Handler"] == "datadog_lambda.handler.handler"
    assert forwarder.variables("OrdersLambdaFunction")["DD_LAMBDA_HANDLER"] == "handler.main"
    greeter = forwarder.function("GreeterLambdaFunction")
    assert greeter["Handler"] == "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler"
    assert forwarder.variables("GreeterLambdaFunction")["DD_LAMBDA_HANDLER"] == "index.handler"


def test_each_function_gets_the_library_layer_of_its_runtime_and_architecture(forwarder, extension):
    assert _layer_names(forwarder, "OrdersLambdaFunction") == ["Datadog-Python312"]
    assert _layer_names(forwarder, "GreeterLambdaFunction") == ["Datadog-Node22-x"]
    assert _layer_names(extension, "OrdersLambdaFunction") == [
        "Datadog-Python312",
        "Datadog-Extension",
    ]
    assert _layer_names(extension, "GreeterLambdaFunction") == [
        "Datadog-Node22-x",
        "Datadog-Extension-ARM",  # greeter is arm64
    ]


def test_the_dd_variables_follow_custom_datadog_and_the_per_function_block(forwarder):
    orders = forwarder.variables("OrdersLambdaFunction")
    assert orders["TABLE"] == "orders"  # the provider's own variable is kept
    assert orders["DD_FLUSH_TO_LOG"] == "true"
    assert orders["DD_SERVICE"] == "shop" and orders["DD_ENV"] == "dev"
    assert orders["DD_VERSION"] == "1.4.2" and orders["DD_TAGS"] == "team:shop,tier:1"
    assert orders["DD_MERGE_XRAY_TRACES"] == "true"
    assert orders["DD_CAPTURE_LAMBDA_PAYLOAD"] == "true"
    greeter = forwarder.variables("GreeterLambdaFunction")
    assert greeter["DD_SERVICE"] == "greeter" and greeter["DD_LOG_LEVEL"] == "debug"


def test_the_extension_mode_reads_the_key_from_secrets_manager_with_a_grant(extension):
    orders = extension.variables("OrdersLambdaFunction")
    assert orders["DD_FLUSH_TO_LOG"] == "false" and orders["DD_SITE"] == "datadoghq.eu"
    assert orders["DD_API_KEY_SECRET_ARN"] == SECRET
    [grant] = extension.of_type("AWS::IAM::ManagedPolicy").values()
    assert grant["Properties"]["Roles"] == [{"Ref": "IamRoleLambdaExecution"}]
    [statement] = grant["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Resource"] == [SECRET]
    assert "secretsmanager:GetSecretValue" in statement["Action"]
    assert not extension.of_type("AWS::Logs::SubscriptionFilter")  # the extension ships logs


def test_the_excluded_function_is_left_exactly_as_serverless_packaged_it(forwarder, bare):
    assert forwarder.function(LEGACY) == {
        **bare.function(LEGACY),
        "Code": forwarder.function(LEGACY)["Code"],
    }
    assert _version_of(forwarder, LEGACY) == _version_of(bare, LEGACY)


def test_log_groups_are_subscribed_with_serverless_plugin_datadogs_logical_ids(forwarder):
    subscriptions = forwarder.of_type("AWS::Logs::SubscriptionFilter")
    assert set(subscriptions) == {
        "OrdersLogGroupSubscription",
        "GreeterLogGroupSubscription",
        "HttpApiLogGroupSubscription",  # the HTTP API's access logs
        "CheckoutDatadogLogGroupSubscription",  # the state machine's, a group we add
    }
    assert subscriptions["OrdersLogGroupSubscription"]["Properties"] == {
        "DestinationArn": FORWARDER,
        "FilterPattern": "",
        "LogGroupName": {"Ref": "OrdersLogGroup"},
    }


def test_xray_tracing_is_active_with_its_permissions(forwarder):
    for logical_id in INSTRUMENTED:
        assert forwarder.function(logical_id)["TracingConfig"] == {"Mode": "Active"}
    actions = {
        action
        for policy in forwarder.function("IamRoleLambdaExecution")["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
        for action in statement["Action"]
    }
    assert {"xray:PutTraceSegments", "xray:PutTelemetryRecords"} <= actions


def test_versions_are_hashed_by_serverless_after_instrumentation(forwarder, bare):
    for logical_id in INSTRUMENTED:
        version = _version_of(forwarder, logical_id)
        assert version != _version_of(bare, logical_id)
        assert not re.search(r"Dd[0-9a-f]{10}$", version)  # Serverless' own hash, not ours
    alias = forwarder.resources["GreeterProvConcLambdaAlias"]["Properties"]
    assert alias["FunctionVersion"] == {
        "Fn::GetAtt": [_version_of(forwarder, "GreeterLambdaFunction"), "Version"]
    }


def test_instrumenting_the_packaged_template_again_changes_nothing(forwarder):
    custom = yaml.safe_load((PROJECTS / "shop" / "datadog-forwarder.yml").read_text())
    block = {"datadog": {"service": "greeter", "logLevel": "debug"}}
    reply = answer(
        {
            "protocol": 1,
            "hook": "template",
            "service": "shop",
            "stage": "dev",
            "region": "eu-west-1",
            "custom": custom,
            "functions": {"orders": {}, "greeter": block, "legacy": {}},
            "template": forwarder.template,
        }
    )
    assert reply["template"] == forwarder.template


def test_cfn_lint_with_the_projects_rule_pack_finds_nothing(forwarder, extension):
    rules = subprocess.run(
        [sys.executable, "-m", "cdk_datadog.cli", "lint-rules-path"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    config = ManualArgs(append_rules=[rules], ignore_checks=["W3005"], regions=["eu-west-1"])
    for run in (forwarder, extension):
        text = run.directory / ".serverless" / "cloudformation-template-update-stack.json"
        found = [f"{m.rule.id} {m.message}" for m in lint(text.read_text(), config=config)]
        assert found == []


def test_the_real_datadog_python_wrapper_runs_the_packaged_function(forwarder, tmp_path):
    with zipfile.ZipFile(forwarder.directory / ".serverless" / "shop.zip") as artifact:
        artifact.extractall(tmp_path)
    orders = forwarder.function("OrdersLambdaFunction")

    run = run_python_wrapper(
        orders["Handler"],
        orders["Environment"]["Variables"],
        tmp_path,
        {"rawPath": "/orders"},
        function_name="shop-dev-orders",
    )

    assert run.ok, run.describe()
    assert run.result["statusCode"] == 200
    assert "aws.lambda.enhanced.invocations" in run.metric_names
    assert run.stderr_error_lines == [], run.describe()


def test_the_state_machine_gets_logging_tracing_and_a_subscription(forwarder):
    checkout = forwarder.function("Checkout")
    assert checkout["LoggingConfiguration"]["Level"] == "ALL"
    assert checkout["LoggingConfiguration"]["IncludeExecutionData"] is True
    assert {"Key": "DD_TRACE_ENABLED", "Value": "true"} in checkout["Tags"]
    groups = [
        r["Properties"]["LogGroupName"]
        for r in forwarder.of_type("AWS::Logs::SubscriptionFilter").values()
    ]
    assert {"Ref": "CheckoutDatadogLogGroup"} in groups and len(groups) == 4
    (policy,) = [
        r for lid, r in forwarder.of_type("AWS::IAM::Policy").items() if lid.startswith("Checkout")
    ]
    assert (
        "logs:CreateLogDelivery" in policy["Properties"]["PolicyDocument"]["Statement"][0]["Action"]
    )
