"""A function instrumented through the template path runs through the real Datadog wrapper."""

from __future__ import annotations

from pathlib import Path

from cdk_datadog import instrument_template
from tests.support.wrappers import run_python_wrapper

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_template_instrumented_python_function_runs_through_datadog_lambda():
    template = {
        "Resources": {
            "Orders": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.12",
                    "Handler": "handler.main",
                    "Role": "arn:aws:iam::123456789012:role/orders",
                    "Code": {"S3Bucket": "artifacts", "S3Key": "orders.zip"},
                    "Environment": {"Variables": {"DD_SERVICE": "orders"}},
                },
            }
        }
    }
    instrumented = instrument_template(
        template,
        region="us-east-1",
        forwarder_arn="arn:aws:lambda:us-east-1:123456789012:function:fwd",
        env="staging",
        source_code_integration=False,
    )
    properties = instrumented["Resources"]["Orders"]["Properties"]

    run = run_python_wrapper(
        properties["Handler"],
        properties["Environment"]["Variables"],
        FIXTURES / "functions" / "python",
        {"message": "hi"},
        function_name="Orders",
        runtime=properties["Runtime"],
    )

    assert run.ok, run.describe()
    assert run.result == {"ok": True, "echo": "hi"}
    assert "aws.lambda.enhanced.invocations" in run.metric_names
    assert run.stderr_error_lines == [], run.describe()
    root = next(span for span in run.spans if span["name"] == "aws.lambda")
    assert root["service"] == "orders" and root["meta"]["env"] == "staging"
