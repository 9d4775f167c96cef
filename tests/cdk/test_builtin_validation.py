"""aws-cdk-lib's own CloudFormation validator, kept on in this one test (the others run without
it for speed), finds nothing in what cdk-datadog writes, in either mode.

The validator is chosen when jsii's Node process starts, so the app runs in a subprocess with
CDK_VALIDATION=true.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

APP = textwrap.dedent(
    """
    import sys

    import aws_cdk as cdk
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_logs as logs

    from cdk_datadog import Datadog
    from tests.support.cdk_apps import python_function

    ENV = cdk.Environment(account="123456789012", region="us-east-1")
    MODES = {
        "Extension": {
            "extension_layer_version": 101,
            "api_key_secret_arn": (
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key-AbCdEf"
            ),
            "enable_xray_tracing": True,
        },
        "Forwarder": {
            "forwarder_arn": "arn:aws:lambda:us-east-1:123456789012:function:forwarder",
            "create_forwarder_permissions": True,
        },
    }

    app = cdk.App(outdir=sys.argv[1])
    for name, options in MODES.items():
        stack = cdk.Stack(app, name, env=ENV)
        Datadog(stack, "Datadog", source_code_integration=False, service="shop", **options)
        python_function(stack, "Python")
        lambda_.Function(
            stack,
            "Node",
            runtime=lambda_.Runtime.NODEJS_22_X,
            architecture=lambda_.Architecture.ARM_64,
            handler="index.handler",
            code=lambda_.Code.from_inline("exports.handler = async (e) => e;"),
            log_group=logs.LogGroup(stack, "NodeLogs"),
        )
    app.synth()
    """
)


def test_the_builtin_validator_reports_no_violation_in_instrumented_stacks(tmp_path):
    script = tmp_path / "app.py"
    script.write_text(APP)
    outdir = tmp_path / "cdk.out"
    env = {**os.environ, "CDK_VALIDATION": "true", "PYTHONPATH": str(ROOT)}

    done = subprocess.run(
        [sys.executable, str(script), str(outdir)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )

    assert done.returncode == 0, done.stderr
    report = json.loads((outdir / "validation-report.json").read_text())
    violations = [
        (violation["ruleName"], violation["description"])
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
    ]
    assert violations == []
    templates = {path.stem: json.loads(path.read_text()) for path in outdir.glob("*.json")}
    functions = [
        resource
        for name in ("Extension.template", "Forwarder.template")
        for resource in templates[name]["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function"
    ]
    assert len(functions) == 4
    assert all("DD_SERVICE" in fn["Properties"]["Environment"]["Variables"] for fn in functions)
