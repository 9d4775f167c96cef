"""The engine: every decision about instrumenting one Lambda function, in plain Python.

It imports nothing from aws_cdk and does no I/O, so both front ends (the CDK construct and the
template transformer) call the same functions and agree by construction, and its tests run
without Node.
"""

from cdk_datadog.engine.config import DatadogConfig, OptionError, config_from_options
from cdk_datadog.engine.facts import FunctionFacts
from cdk_datadog.engine.plan import Grant, LayerArn, Note, Plan, Skip
from cdk_datadog.engine.planner import plan_function

__all__ = [
    "DatadogConfig",
    "FunctionFacts",
    "Grant",
    "LayerArn",
    "Note",
    "OptionError",
    "Plan",
    "Skip",
    "config_from_options",
    "plan_function",
]
