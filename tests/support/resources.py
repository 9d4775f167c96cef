"""CloudFormation-shaped resources for the engine's table tests (no aws_cdk)."""

from __future__ import annotations

from typing import Any

from cdk_datadog.engine import cfn


def python_function(**properties: Any) -> dict[str, Any]:
    """A Python function whose role is the stack's `Role`; `properties` replace or add."""
    return {
        "Type": cfn.LAMBDA_FUNCTION,
        "Properties": {
            "Runtime": "python3.12",
            "Handler": "app.handler",
            "Role": {"Fn::GetAtt": ["Role", "Arn"]},
            **properties,
        },
    }
