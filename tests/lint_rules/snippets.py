"""Templates for the rule tests: one function, correctly instrumented unless a case says
otherwise, as CloudFormation or as SAM (with Globals)."""

from __future__ import annotations

import copy
from typing import Any

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-AbCdEf"
FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
LAYERS = "arn:aws:lambda:us-east-1:464622532012:layer:"
PY_LAYER = f"{LAYERS}Datadog-Python312:128"
PY_ARM_LAYER = f"{LAYERS}Datadog-Python312-ARM:128"
NODE_LAYER = f"{LAYERS}Datadog-Node22-x:143"
EXT_LAYER = f"{LAYERS}Datadog-Extension:101"
EXT_ARM_LAYER = f"{LAYERS}Datadog-Extension-ARM:101"
PY_WRAPPER = "datadog_lambda.handler.handler"
NODE_WRAPPER = "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler"
SAM = "AWS::Serverless-2016-10-31"


def properties(**changes: Any) -> dict[str, Any]:
    """An instrumented Python function's properties (extension, key in Secrets Manager);
    `Variables=` replaces its variables, a value None removes a property."""
    base: dict[str, Any] = {
        "Runtime": "python3.12",
        "Handler": PY_WRAPPER,
        "Role": "arn:aws:iam::123456789012:role/r",
        "Code": {"ZipFile": "x"},
        "Layers": [PY_LAYER, EXT_LAYER],
        "Environment": {
            "Variables": {"DD_LAMBDA_HANDLER": "app.handler", "DD_API_KEY_SECRET_ARN": SECRET}
        },
    }
    variables = changes.pop("Variables", None)
    if variables is not None:
        base["Environment"] = {"Variables": variables}
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def function(**changes: Any) -> dict[str, Any]:
    return {"Type": "AWS::Lambda::Function", "Properties": properties(**changes)}


def template(*, others: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    """A template whose function `Fn` has `changes`, with `others` resources beside it."""
    return {"Resources": {"Fn": function(**changes), **copy.deepcopy(others or {})}}


def sam_template(
    globals_function: dict[str, Any] | None = None,
    others: dict[str, Any] | None = None,
    **changes: Any,
) -> dict[str, Any]:
    """A SAM template whose function `Fn` has `changes` and `Globals.Function` given."""
    props = properties(**changes)
    props.pop("Code")
    props.pop("Role")
    props["InlineCode"] = "x"
    result: dict[str, Any] = {
        "Transform": SAM,
        "Resources": {
            "Fn": {"Type": "AWS::Serverless::Function", "Properties": props},
            **copy.deepcopy(others or {}),
        },
    }
    if globals_function:
        result["Globals"] = {"Function": copy.deepcopy(globals_function)}
    return result


def log_group(name: Any = None) -> dict[str, Any]:
    return {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": name} if name else {}}


def subscription(log_group_name: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::Logs::SubscriptionFilter",
        "Properties": {
            "LogGroupName": log_group_name,
            "DestinationArn": FORWARDER,
            "FilterPattern": "",
        },
    }
