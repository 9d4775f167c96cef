"""What lands in a stack: the resources instrumentation adds, counted on real synths (the
table of resources per function in docs/instrumentation.md comes from these numbers)."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from cdk_datadog import Datadog

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:datadog-api-key"
FUNCTIONS = 10


def _resource_count(options: dict | None, explicit_log_groups: bool = False) -> int:
    app = cdk.App()
    stack = cdk.Stack(app, "S", env=cdk.Environment(account="123456789012", region="us-east-1"))
    for index in range(FUNCTIONS):
        lambda_.Function(
            stack,
            f"Fn{index}",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="app.handler",
            code=lambda_.Code.from_inline("def handler(e, c):\n    return e\n"),
            log_group=logs.LogGroup(stack, f"Logs{index}") if explicit_log_groups else None,
        )
    if options is not None:
        Datadog(stack, "Datadog", source_code_integration=False, **options)
    template = app.synth().get_stack_by_name("S").template
    return len(template["Resources"])


@pytest.mark.parametrize(
    ("options", "explicit", "per_function", "per_stack"),
    [
        # the extension: nothing per function; one managed policy per stack for the API key
        ({"extension_layer_version": 101, "api_key_secret_arn": SECRET}, False, 0, 1),
        # a plain API key needs no grant: nothing at all
        ({"extension_layer_version": 101, "api_key": "0" * 32}, False, 0, 0),
        # Forwarder, no log group given: a log group and a subscription filter per function
        ({"forwarder_arn": FORWARDER}, False, 2, 0),
        # ... and the Forwarder's invoke permission, when asked for
        ({"forwarder_arn": FORWARDER, "create_forwarder_permissions": True}, False, 3, 0),
        # Forwarder, the function's own log group: only the subscription filter
        ({"forwarder_arn": FORWARDER}, True, 1, 0),
    ],
)
def test_resources_added_per_function_and_per_stack(options, explicit, per_function, per_stack):
    bare = _resource_count(None, explicit)
    instrumented = _resource_count(options, explicit)

    assert instrumented - bare == per_function * FUNCTIONS + per_stack
