"""E9003: a Datadog layer built for another runtime or architecture than the function's."""

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
from cdk_datadog.templates.checks import layer_mismatches


class LayerMismatch(CloudFormationLintRule):
    id = "E9003"
    shortdesc = "Datadog layer for another runtime or architecture"
    description = (
        "Datadog publishes a library layer per runtime and architecture (Datadog-Python312, "
        "Datadog-Python312-ARM, ...) and an extension layer per architecture (and FIPS); a "
        "layer for another one fails to load or is never used."
    )
    source_url = INSTALLATION_DOCS
    tags = TAGS

    def __init__(self) -> None:
        super().__init__()
        self.resource_property_types = FUNCTION_TYPES

    def match_resource_properties(
        self, properties: dict[str, Any], resourcetype: str, path: list[Any], cfn: Any
    ) -> list[RuleMatch]:
        return matches(path, layer_mismatches(function(properties, cfn)))
