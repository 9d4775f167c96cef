"""The engine: every decision about instrumenting a stack, in plain Python.

`plan_stack` plans a whole stack read as CloudFormation-shaped resources (its functions, log
groups, state machines, API stages, the API key policy, monitors, the resource budget);
`plan_function` decides for one function. It imports nothing from aws_cdk and does no I/O, so
every front end (the CDK construct, the template transformer, the Serverless plugin's backend)
calls the same functions and agrees by construction, and its tests run without Node.
"""

from cdk_datadog.engine.config import DatadogConfig, OptionError, config_from_options
from cdk_datadog.engine.facts import FunctionFacts
from cdk_datadog.engine.plan import Grant, LayerArn, Note, Plan, Skip
from cdk_datadog.engine.planner import plan_function
from cdk_datadog.engine.stack import StackInput, StackPlan, plan_stack

__all__ = [
    "DatadogConfig",
    "FunctionFacts",
    "Grant",
    "LayerArn",
    "Note",
    "OptionError",
    "Plan",
    "Skip",
    "StackInput",
    "StackPlan",
    "config_from_options",
    "plan_function",
    "plan_stack",
]
