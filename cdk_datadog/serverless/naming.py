"""Logical ids a Serverless Framework template shares with serverless-plugin-datadog.

A subscription filter whose logical id or `FilterName` changes is replaced: CloudFormation
creates the new filter before it deletes the old one, and a log group takes only two filters,
so a project moving from serverless-plugin-datadog would fail on every log group that already
has a second filter, and would briefly ship its logs twice on the others. serverless-plugin-
datadog names the filter of a log group `<log group logical id>Subscription`
(`HelloLogGroupSubscription`) and gives it no `FilterName`; in a Serverless template we do the
same, so the migration leaves the filters alone.

This is a stack-level decision written as pure functions over the template's resources, for
the template shell to call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEPLOYMENT_BUCKET = "ServerlessDeploymentBucket"
_LOG_GROUP = "AWS::Logs::LogGroup"


def is_serverless_template(resources: Mapping[str, Any]) -> bool:
    """Whether the Serverless Framework packaged these resources.

    Its deployment bucket is the usual sign; with `provider.deploymentBucket` there is none,
    and then its per-function log groups are: `<Name>LogGroup` next to `<Name>LambdaFunction`,
    which depends on it.
    """
    if DEPLOYMENT_BUCKET in resources:
        return True
    for logical_id, resource in resources.items():
        if not (logical_id.endswith("LambdaFunction") and isinstance(resource, dict)):
            continue
        group = logical_id.removesuffix("LambdaFunction") + "LogGroup"
        depends = resource.get("DependsOn")
        depends = depends if isinstance(depends, list) else [depends]
        if group in depends and _is_log_group(resources.get(group)):
            return True
    return False


def _is_log_group(resource: Any) -> bool:
    return isinstance(resource, dict) and resource.get("Type") == _LOG_GROUP


@dataclass(frozen=True)
class SubscriptionNaming:
    """How the Forwarder subscription of a log group is named in one template."""

    serverless: bool = False

    def logical_id(self, owner_id: str, group: Any, resources: Mapping[str, Any]) -> str:
        """`<group>Subscription` for a log group of a Serverless template (as serverless-
        plugin-datadog), else `<owner>DatadogSubscription`."""
        group_id = group.get("Ref") if isinstance(group, dict) else None
        if self.serverless and isinstance(group_id, str) and _is_log_group(resources.get(group_id)):
            return f"{group_id}Subscription"
        return f"{owner_id}DatadogSubscription"

    def filter_name(self, default: str) -> str | None:
        """The FilterName property: none in a Serverless template, as serverless-plugin-
        datadog writes it (a new name would replace the filter)."""
        return None if self.serverless else default


def subscription_naming(resources: Mapping[str, Any]) -> SubscriptionNaming:
    """The naming for the subscriptions of one template."""
    return SubscriptionNaming(serverless=is_serverless_template(resources))
