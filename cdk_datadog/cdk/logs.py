"""Subscribing a function's log group to the Datadog Forwarder.

A subscription filter needs a log group that exists at deploy. A function's own group
(`/aws/lambda/<name>`) exists only after its first invocation, and touching `fn.log_group`
adds a `Custom::LogRetention` resource with a provider function behind it. So:

- a function with an explicit log group (`log_group=` / LoggingConfig) gets that group
  subscribed, and nothing else is added;
- a function without one gets an explicit `AWS::Logs::LogGroup` set as its
  LoggingConfig.LogGroup, which works for new and already deployed functions alike (the latter
  then log to the new group; its annotation says so).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import ArnFormat, Stack, Token
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


def subscribe_function_logs(
    cfn: lambda_.CfnFunction,
    target: Construct,
    properties: dict[str, Any],
    forwarder_arn: str,
    with_permission: bool,
    filter_counts: dict[str, int],
) -> Note | None:
    """Subscribe the function's log group; returns the note to show on the function, if any."""
    stack = Stack.of(cfn)
    resolved_group = (properties.get("loggingConfig") or {}).get("logGroup")
    added: Note | None = None
    if resolved_group is None:
        # Lambda's own log groups never expire; keep that rather than CDK's two-year default.
        group = logs.LogGroup(target, "DatadogLogGroup", retention=logs.RetentionDays.INFINITE)
        cfn.add_property_override("LoggingConfig.LogGroup", group.log_group_name)
        resolved_group = stack.resolve(group.log_group_name)
        added = note(nk.LOGS_GROUP_ADDED, log_group=group.node.path)
    key = _group_key(resolved_group)
    count = filter_counts.get(key, 0)
    if count >= MAX_FILTERS:
        return note(nk.LOGS_TOO_MANY_FILTERS, log_group=resolved_group, count=count)
    filter_counts[key] = count + 1
    subscription = logs.CfnSubscriptionFilter(
        target,
        "DatadogSubscription",
        destination_arn=forwarder_arn,
        filter_pattern="",
        filter_name=FILTER_NAME,
        log_group_name=Token.as_string(resolved_group),
    )
    if with_permission:
        permission = lambda_.CfnPermission(
            target,
            "DatadogForwarderPermission",
            action="lambda:InvokeFunction",
            function_name=forwarder_arn,
            principal="logs.amazonaws.com",
            source_arn=_group_arn(stack, resolved_group),
        )
        subscription.node.add_dependency(permission)
    return added
