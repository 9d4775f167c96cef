"""A small app with what cdk-nag looks at after instrumentation: functions, a REST API with
access logs, a state machine calling a function; and the findings of cdk-nag as an Aspect.

Run as a script (`python -m tests.support.nag_app PRIORITY`), it prints as JSON the findings of
cdk-nag's AwsSolutions pack, added with `Aspects.of(app).add(...)` at PRIORITY ("default" for
none), for the bare app and the instrumented one: cdk-nag 2, the Aspect kind, is not the one
installed in .venv, so the tests run this with it first on PYTHONPATH.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks

from cdk_datadog import Datadog

ENV = cdk.Environment(account="123456789012", region="us-east-1")
OPTIONS: dict[str, Any] = {
    "forwarder_arn": "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder",
    "api_key_secret_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key-AbCdEf",
    "enable_xray_tracing": True,
    "create_forwarder_permissions": True,
    "source_code_integration": False,
}


def build(app: cdk.App, instrument: bool) -> cdk.Stack:
    stack = cdk.Stack(app, "Shop", env=ENV)
    if instrument:
        Datadog(app, "Datadog", **OPTIONS)
    orders = lambda_.Function(
        stack,
        "Orders",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="app.handler",
        code=lambda_.Code.from_inline("def handler(e, c):\n    return e\n"),
    )
    lambda_.Function(
        stack,
        "Stock",
        runtime=lambda_.Runtime.NODEJS_22_X,
        handler="index.handler",
        code=lambda_.Code.from_inline("exports.handler = async () => 'ok';"),
        log_group=logs.LogGroup(stack, "StockLogs", retention=logs.RetentionDays.ONE_MONTH),
    )
    access = logs.LogGroup(stack, "ApiAccess", retention=logs.RetentionDays.ONE_MONTH)
    apigateway.LambdaRestApi(
        stack,
        "Api",
        handler=orders,
        deploy_options=apigateway.StageOptions(
            access_log_destination=apigateway.LogGroupLogDestination(access),
            access_log_format=apigateway.AccessLogFormat.clf(),
        ),
    )
    sfn.StateMachine(
        stack,
        "Checkout",
        definition_body=sfn.DefinitionBody.from_chainable(
            tasks.LambdaInvoke(stack, "Charge", lambda_function=orders)
        ),
    )
    return stack


def aspect_findings(instrument: bool, priority: int | None) -> list[tuple[str, str]]:
    """(construct path, rule) of every error cdk-nag's Aspect reports."""
    from aws_cdk.assertions import Annotations, Match
    from cdk_nag import AwsSolutionsChecks

    app = cdk.App()
    if priority is None:
        cdk.Aspects.of(app).add(AwsSolutionsChecks())
    else:
        cdk.Aspects.of(app).add(AwsSolutionsChecks(), priority=priority)
    stack = build(app, instrument)
    annotations = Annotations.from_stack(stack)
    errors = annotations.find_error("*", Match.string_like_regexp("AwsSolutions-"))
    return sorted({(error.id, error.entry.data.split(":")[0]) for error in errors})


if __name__ == "__main__":
    chosen = None if sys.argv[1] == "default" else int(sys.argv[1])
    print(
        json.dumps(
            {
                "bare": aspect_findings(instrument=False, priority=chosen),
                "instrumented": aspect_findings(instrument=True, priority=chosen),
            }
        )
    )
