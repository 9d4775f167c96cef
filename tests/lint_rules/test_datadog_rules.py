"""The cfn-lint rule pack, through cfn-lint itself: each rule fires on a template with the
mistake and stays quiet on the same template done right."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from cfnlint.api import ManualArgs, lint

from cdk_datadog.cli import main

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-AbCdEf"
PY_LAYER = "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312:128"
EXT_LAYER = "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:101"


def rules_path() -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cdk_datadog.cli", "lint-rules-path"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


RULES = rules_path()


def _function(**properties) -> dict:
    base = {
        "Runtime": "python3.12",
        "Handler": "datadog_lambda.handler.handler",
        "Role": "arn:aws:iam::123456789012:role/r",
        "Code": {"ZipFile": "x"},
        "Layers": [PY_LAYER, EXT_LAYER],
        "Environment": {
            "Variables": {"DD_LAMBDA_HANDLER": "app.handler", "DD_API_KEY_SECRET_ARN": SECRET}
        },
    }
    base.update(properties)
    return {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": base}}}


def _ids(template: dict) -> set[str]:
    matches = lint(json.dumps(template), config=ManualArgs(append_rules=[RULES]))
    return {match.rule.id for match in matches if match.rule.id[1:2] == "9"}


def test_a_correctly_instrumented_function_passes_every_rule():
    assert _ids(_function()) == set()


@pytest.mark.parametrize(
    ("rule", "properties"),
    [
        ("E9001", {"Environment": {"Variables": {"DD_API_KEY_SECRET_ARN": SECRET}}}),
        (
            "E9002",
            {
                "Environment": {
                    "Variables": {
                        "DD_LAMBDA_HANDLER": "datadog_lambda.handler.handler",
                        "DD_API_KEY_SECRET_ARN": SECRET,
                    }
                }
            },
        ),
        ("E9003", {"Architectures": ["arm64"]}),
        ("E9004", {"Environment": {"Variables": {"DD_LAMBDA_HANDLER": "app.handler"}}}),
        (
            "W9005",
            {"Environment": {"Variables": {"DD_LAMBDA_HANDLER": "app.handler", "DD_API_KEY": "k"}}},
        ),
        (
            "W9006",
            {
                "Layers": [PY_LAYER],
                "Environment": {
                    "Variables": {"DD_LAMBDA_HANDLER": "app.handler", "DD_FLUSH_TO_LOG": "true"}
                },
            },
        ),
        (
            "E9007",
            {"Layers": [PY_LAYER, EXT_LAYER] + [f"{PY_LAYER[:-4]}Other{i}:1" for i in range(4)]},
        ),
        (
            "E9008",
            {
                "Environment": {
                    "Variables": {
                        "DD_LAMBDA_HANDLER": "app.handler",
                        "DD_API_KEY_SECRET_ARN": SECRET,
                        "BIG": "x" * 4200,
                    }
                }
            },
        ),
    ],
)
def test_each_rule_fires_on_its_mistake(rule, properties):
    assert rule in _ids(_function(**properties))


def test_flush_to_log_with_a_forwarder_subscription_is_fine():
    template = _function(
        Layers=[PY_LAYER],
        FunctionName="orders",
        Environment={"Variables": {"DD_LAMBDA_HANDLER": "app.handler", "DD_FLUSH_TO_LOG": "true"}},
    )
    template["Resources"]["Sub"] = {
        "Type": "AWS::Logs::SubscriptionFilter",
        "Properties": {
            "LogGroupName": "/aws/lambda/orders",
            "DestinationArn": "arn:aws:lambda:us-east-1:123456789012:function:fwd",
            "FilterPattern": "",
        },
    }
    assert "W9006" not in _ids(template)


def test_the_command_prints_the_rules_folder(capsys):
    assert main(["lint-rules-path"]) == 0
    assert capsys.readouterr().out.strip().endswith("lint_rules")
