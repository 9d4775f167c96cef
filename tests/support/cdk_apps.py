"""The smallest real CDK pieces the CDK tests build on."""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

HANDLER_CODE = "def handler(e, c):\n    return e\n"


def python_function(scope: Construct, name: str = "Fn", **kwargs: Any) -> lambda_.Function:
    """A Python 3.12 function with inline code and the handler `app.handler`."""
    return lambda_.Function(
        scope,
        name,
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="app.handler",
        code=lambda_.Code.from_inline(HANDLER_CODE),
        **kwargs,
    )
