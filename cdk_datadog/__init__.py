"""cdk-datadog: Datadog on every AWS Lambda function, from the CDK or from templates.

`Datadog` and `DatadogLambda` need aws-cdk-lib; they are imported on first use so that the
template front end and the engine work without it.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = [
    "Datadog",
    "DatadogConfig",
    "DatadogIntegrationRole",
    "DatadogLambda",
    "DatadogStepFunctions",
    "OptionError",
    "__version__",
    "instrument_template",
]

from cdk_datadog.engine.config import DatadogConfig, OptionError

_LAZY = {
    "Datadog": "cdk_datadog.cdk.constructs",
    "DatadogLambda": "cdk_datadog.cdk.constructs",
    "DatadogIntegrationRole": "cdk_datadog.cdk.integration_role",
    "DatadogStepFunctions": "cdk_datadog.cdk.step_functions",
    "instrument_template": "cdk_datadog.templates.transform",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cdk_datadog' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
