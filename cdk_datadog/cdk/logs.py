"""Subscribing a function's log group to the Datadog Forwarder.

A subscription filter needs a log group that exists at deploy. A function's own group
(`/aws/lambda/<name>`) exists only after its first invocation, and touching `fn.log_group`
adds a `Custom::LogRetention` resource with a provider function behind it. So:

- a function with an explicit log group (`log_group=` / LoggingConfig) gets that group
  subscribed, and nothing else is added;
- a function without one gets an explicit `AWS::Logs::LogGroup` (kept on stack deletion,
  never expiring, like Lambda's own) set as its LoggingConfig.LogGroup, which works for new and
  already deployed functions alike (the latter then log to the new group; its annotation says
  so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import ArnFormat, RemovalPolicy, Stack, Token
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.plan import Note
from cdk_datadog.engine.planner import note

FILTER_NAME = "datadog-forwarder"
MAX_FILTERS = 2


def _group_key(value: Any) -> str:
    return repr(value)


def existing_filter_counts(stack: Stack) -> dict[str, int]:
    """Subscription filters already in the stack, per (resolved) log group, read once."""
    counts: dict[str, int] = {}
    for node in stack.node.find_all():
        if isinstance(node, logs.CfnSubscriptionFilter):
            key = _group_key(stack.resolve(node.log_group_name))
            counts[key] = counts.get(key, 0) + 1
    return counts


def _group_arn(stack: Stack, resolved_group: Any) -> str:
    if isinstance(resolved_group, dict) and set(resolved_group) == {"Ref"}:
        return Token.as_string({"Fn::GetAtt": [resolved_group["Ref"], "Arn"]})
    return stack.format_arn(
        service="logs",
        resource="log-group",
        resource_name=f"{Token.as_string(resolved_group)}:*",
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )


@dataclass(frozen=True)
class Subscription:
    """What subscribing one function did: an override for the function, and a note."""

    logging_config: dict[str, Any] | None = None
    note: Note | None = None


def subscribe_function_logs(
    stack: Stack,
    target: Construct,
    properties: dict[str, Any],
    forwarder_arn: str,
    with_permission: bool,
    filter_counts: dict[str, int],
) -> Subscription:
    """Subscribe the function's log group, adding one when it has none.

    L1 resources keep this to a few calls into aws-cdk-lib per function; the function's
    LoggingConfig is returned to be written with its other properties in one override.
    """
    explicit = (properties.get("loggingConfig") or {}).get("logGroup")
    if explicit is None:
        group = logs.CfnLogGroup(target, "DatadogLogGroup")
        # like Lambda's own groups: never expire, and kept when the stack is deleted
        group.apply_removal_policy(RemovalPolicy.RETAIN)
        group_name = group.ref
        group_arn = group.attr_arn if with_permission else ""
        result = Subscription(
            logging_config={"LogGroup": group_name},
            note=note(nk.LOGS_GROUP_ADDED, log_group="DatadogLogGroup (a child of this function)"),
        )
    else:
        key = _group_key(explicit)
        count = filter_counts.get(key, 0)
        if count >= MAX_FILTERS:
            return Subscription(
                note=note(nk.LOGS_TOO_MANY_FILTERS, log_group=explicit, count=count)
            )
        filter_counts[key] = count + 1
        group_name, group_arn = Token.as_string(explicit), _group_arn(stack, explicit)
        result = Subscription()
    add_subscription(target, group_name, group_arn, forwarder_arn, with_permission)
    return result


def add_subscription(
    scope: Construct, group_name: str, group_arn: str, forwarder_arn: str, with_permission: bool
) -> None:
    """A `datadog-forwarder` subscription filter on the group, under `scope`; with
    `with_permission`, the Forwarder's invoke permission scoped to that group's ARN."""
    subscription = logs.CfnSubscriptionFilter(
        scope,
        "DatadogSubscription",
        destination_arn=forwarder_arn,
        filter_pattern="",
        filter_name=FILTER_NAME,
        log_group_name=group_name,
    )
    if with_permission:
        permission = lambda_.CfnPermission(
            scope,
            "DatadogForwarderPermission",
            action="lambda:InvokeFunction",
            function_name=forwarder_arn,
            principal="logs.amazonaws.com",
            source_arn=group_arn,
        )
        subscription.node.add_dependency(permission)


def subscribe_log_groups(
    log_groups: list[logs.ILogGroup], forwarder_arn: str, with_permission: bool
) -> None:
    """Subscribe log groups other than functions' (API Gateway, Step Functions, your own)."""
    for group in log_groups:
        add_subscription(
            group, group.log_group_name, group.log_group_arn, forwarder_arn, with_permission
        )
