"""W9005: the Datadog API key written in clear text in the function's environment."""

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
from cdk_datadog.templates.checks import clear_text_api_key


class ClearTextKey(CloudFormationLintRule):
    id = "W9005"
    shortdesc = "Datadog API key in clear text"
    description = (
        "DD_API_KEY puts the key in the template, the stack and the function's configuration, "
        "readable by anyone who can read them; keep it in Secrets Manager "
        "(DD_API_KEY_SECRET_ARN), SSM (DD_API_KEY_SSM_ARN) or encrypt it (DD_KMS_API_KEY)."
    )
    source_url = INSTALLATION_DOCS
    tags = TAGS

    def __init__(self) -> None:
        super().__init__()
        self.resource_property_types = FUNCTION_TYPES

    def match_resource_properties(
        self, properties: dict[str, Any], resourcetype: str, path: list[Any], cfn: Any
    ) -> list[RuleMatch]:
        return matches(path, clear_text_api_key(function(properties, cfn)))
