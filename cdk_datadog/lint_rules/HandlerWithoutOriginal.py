"""E9001: a handler redirected to Datadog's wrapper, with nothing telling it what to run."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule

from cdk_datadog.lint_rules._support import HANDLER_DOCS, TAGS, FunctionCheck
from cdk_datadog.templates.checks import wrapper_without_original


class HandlerWithoutOriginal(FunctionCheck, CloudFormationLintRule):
    id = "E9001"
    shortdesc = "Datadog wrapper without DD_LAMBDA_HANDLER"
    description = (
        "A handler redirected to the Datadog wrapper (datadog_lambda.handler.handler, "
        "datadog-lambda-js's handler.handler) loads the function's code from DD_LAMBDA_HANDLER; "
        "without it every invocation fails."
    )
    source_url = HANDLER_DOCS
    tags = TAGS
    check = staticmethod(wrapper_without_original)
