"""Monitors in templates: the same Datadog::Monitors::Monitor resources as in the CDK, from
options or from serverless.yml's `monitors` in the plugin's shape; cfn-lint accepts the
template (but for the registry type it has no schema of); twice is once."""

from __future__ import annotations

import copy

from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.monitors import MONITOR_TYPE
from cdk_datadog.templates.config_file import load_config_file
from cdk_datadog.templates.transform import TEMPLATE, instrument
from tests.support.cfn_lint import lint_errors

FORWARDER = "arn:aws:lambda:eu-west-1:123456789012:function:datadog-forwarder"
TEMPLATE_IN = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Resources": {
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            },
        },
        "Orders": {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "app.handler",
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Code": {"ZipFile": "def handler(e, c):\n    return e\n"},
            },
        },
    },
}


def test_serverless_ymls_monitors_become_resources_of_the_template(tmp_path):
    path = tmp_path / "serverless.yml"
    path.write_text(
        "custom:\n"
        "  datadog:\n"
        "    addExtension: false\n"
        f"    forwarderArn: {FORWARDER}\n"
        "    env: prod\n"
        "    monitors:\n"
        "      - high_error_rate:\n"
        "          message: 'Page @slack-orders'\n"
        "          options:\n"
        "            thresholds:\n"
        "              warning: 0.05\n"
        "              critical: 0.1\n"
        "      - timeout:\n"
    )
    options = load_config_file(path).options

    done = instrument(copy.deepcopy(TEMPLATE_IN), region="eu-west-1", **options)

    monitors = {
        lid: r for lid, r in done.template["Resources"].items() if r["Type"] == MONITOR_TYPE
    }
    assert set(monitors) == {"DatadogMonitorHighErrorRate", "DatadogMonitorTimeout"}
    properties = monitors["DatadogMonitorHighErrorRate"]["Properties"]
    assert properties["Message"] == "Page @slack-orders"
    assert properties["Options"]["Thresholds"] == {"Warning": 0.05, "Critical": 0.1}
    assert "env:prod" in properties["Tags"]
    assert (TEMPLATE, nk.MONITORS_REGISTRY_TYPE.id) in [(w, n.id) for w, n in done.notes]
    assert lint_errors(done.template) == []


def test_instrumenting_twice_adds_no_second_monitor():
    once = instrument(
        copy.deepcopy(TEMPLATE_IN),
        region="eu-west-1",
        forwarder_arn=FORWARDER,
        monitors=["out_of_memory"],
        source_code_integration=False,
    ).template

    twice = instrument(
        copy.deepcopy(once),
        region="eu-west-1",
        forwarder_arn=FORWARDER,
        monitors=["out_of_memory"],
        source_code_integration=False,
    ).template

    assert twice == once
