"""E9001: a handler redirected to Datadog's wrapper, with nothing telling it what to run."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from cdk_datadog.lint_rules._support import FUNCTION_TYPES, HANDLER_DOCS, TAGS, function, matches
from cdk_datadog.templates.checks import wrapper_without_original


class HandlerWithoutOriginal(CloudFormationLintRule):
    id = "E9001"
    shortdesc = "Datadog wrapper without DD_LAMBDA_HANDLER"
    description = (
        "A handler redirected to the Datadog wrapper (datadog_lambda.handler.handler, "
        "datadog-lambda-js's handler.handler) loads the function's code from DD_LAMBDA_HANDLER; "
        "without it every invocation fails."
    )
    source_url = HANDLER_DOCS
    tags = TAGS

    def __init__(self) -> None:
        super().__init__()
        self.resource_property_types = FUNCTION_TYPES

    def match_resource_properties(
        self, properties: dict[str, Any], resourcetype: str, path: list[Any], cfn: Any
    ) -> list[RuleMatch]:
        return matches(path, wrapper_without_original(function(properties, cfn)))
