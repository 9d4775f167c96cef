"""cdk-datadog: Datadog on every AWS Lambda function, from the CDK or from templates.

`Datadog`, `DatadogLambda`, `DatadogIntegrationRole` and `DatadogStepFunctions` need
aws-cdk-lib (`pip install "cdk-datadog[cdk]"`); they are imported on first use so that the
template front end (`instrument_template`, the `cdk-datadog` command) and the engine work
without it, and so that `import cdk_datadog` does not start jsii's Node process.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

__all__ = [
    "CdkNotInstalled",
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
#: the distributions of the `cdk` extra, by the top-level module they install
_CDK_MODULES = {"aws_cdk": "aws-cdk-lib", "constructs": "constructs", "jsii": "jsii"}


class CdkNotInstalled(ImportError):
    """The CDK constructs were imported where aws-cdk-lib is not installed.

    An ImportError, so that code which already tolerates a missing optional dependency
    (`except ImportError`) keeps working; the message says what to install.
    """


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cdk_datadog' has no attribute {name!r}")
    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as error:
        missing = _CDK_MODULES.get((error.name or "").partition(".")[0])
        if missing is None:
            raise
        raise CdkNotInstalled(
            f"cdk_datadog.{name} needs aws-cdk-lib, and {missing} is not installed: "
            'run `pip install "cdk-datadog[cdk]"`. Without it, instrument_template and the '
            "cdk-datadog command work."
        ) from None
