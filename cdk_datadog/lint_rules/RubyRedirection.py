"""W9009: handler redirection variables on a Ruby function, where they start nothing."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from cdk_datadog.lint_rules._support import (
    FUNCTION_TYPES,
    INSTALLATION_DOCS,
    TAGS,
    function,
    matches,
)
from cdk_datadog.templates.checks import ruby_redirections


class RubyRedirection(CloudFormationLintRule):
    id = "W9009"
    shortdesc = "Datadog handler redirection on a Ruby function"
    description = (
        "Ruby functions are instrumented by Datadog::Lambda.wrap in the handler; "
        "AWS_LAMBDA_EXEC_WRAPPER=/opt/datadog_wrapper (without App and API Protection) and "
        "DD_LAMBDA_HANDLER start nothing for Ruby."
    )
    source_url = INSTALLATION_DOCS
    tags = TAGS

    def __init__(self) -> None:
        super().__init__()
        self.resource_property_types = FUNCTION_TYPES

    def match_resource_properties(
        self, properties: dict[str, Any], resourcetype: str, path: list[Any], cfn: Any
    ) -> list[RuleMatch]:
        return matches(path, ruby_redirections(function(properties, cfn)))
