"""E9002: DD_LAMBDA_HANDLER names Datadog's wrapper, which would then load itself."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from cdk_datadog.lint_rules._support import FUNCTION_TYPES, HANDLER_DOCS, TAGS, function, matches
from cdk_datadog.templates.checks import wrapper_of_wrapper


class DoubleWrapper(CloudFormationLintRule):
    id = "E9002"
    shortdesc = "Datadog wrapper wrapping itself"
    description = (
        "DD_LAMBDA_HANDLER must name the function's own handler, not the Datadog wrapper: a "
        "handler redirected twice makes the wrapper load itself."
    )
    source_url = HANDLER_DOCS
    tags = TAGS

    def __init__(self) -> None:
        super().__init__()
        self.resource_property_types = FUNCTION_TYPES

    def match_resource_properties(
        self, properties: dict[str, Any], resourcetype: str, path: list[Any], cfn: Any
    ) -> list[RuleMatch]:
        return matches(path, wrapper_of_wrapper(function(properties, cfn)))
