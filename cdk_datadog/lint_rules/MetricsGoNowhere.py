"""W9006: metrics written to the logs, with neither the extension nor a Forwarder
subscription to ship them."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from cdk_datadog.engine import cfn as reader
from cdk_datadog.lint_rules._support import FORWARDER_DOCS, FUNCTION_TYPES, TAGS, function, matches
from cdk_datadog.templates.checks import metrics_go_nowhere


class MetricsGoNowhere(CloudFormationLintRule):
    id = "W9006"
    shortdesc = "DD_FLUSH_TO_LOG without extension or Forwarder subscription"
    description = (
        "With DD_FLUSH_TO_LOG=true the Datadog library writes metrics to the function's logs; "
        "they reach Datadog only through the Datadog Forwarder, subscribed to the function's "
        "log group (however the template names the group: literal, Ref, Fn::GetAtt, Fn::Sub, "
        "Fn::Join, LoggingConfig), or through the extension."
    )
    source_url = FORWARDER_DOCS
    tags = TAGS

    def __init__(self) -> None:
        super().__init__()
        self.resource_property_types = FUNCTION_TYPES
        self._groups = reader.LogGroups()

    def initialize(self, cfn: Any) -> None:
        """Index the template's log groups and filters once, for every function."""
        self._groups = reader.index_log_groups(
            cfn.get_resources([reader.LOG_GROUP, reader.SUBSCRIPTION_FILTER])
        )

    def match_resource_properties(
        self, properties: dict[str, Any], resourcetype: str, path: list[Any], cfn: Any
    ) -> list[RuleMatch]:
        subscribed = reader.function_subscribed(path[1], properties, self._groups)
        return matches(path, metrics_go_nowhere(function(properties, cfn), subscribed))
