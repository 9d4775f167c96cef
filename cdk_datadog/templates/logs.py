"""Subscribing a function's log group to the Datadog Forwarder, in a template.

As in the CDK front end: a log group the template defines for the function (the Serverless
Framework packages one per function, `/aws/lambda/<name>`; or the function's
LoggingConfig.LogGroup) is subscribed; a function without one gets an explicit log group as
its LoggingConfig.LogGroup, which works for new and already deployed functions alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.plan import Note
from cdk_datadog.engine.planner import note
from cdk_datadog.serverless.naming import SubscriptionNaming, subscription_naming

LOG_GROUP = "AWS::Logs::LogGroup"
SUBSCRIPTION_FILTER = "AWS::Logs::SubscriptionFilter"
FILTER_NAME = "datadog-forwarder"
MAX_FILTERS = 2


@dataclass
class LogIndex:
    """Log groups and subscription filters of the template, indexed once."""

    #: "/aws/lambda/<name>" -> logical id of the LogGroup resource with that name
    by_name: dict[str, str]
    #: log group key -> number of subscription filters on it
    filters: dict[str, int]
    #: logical ids and FilterName of the subscriptions (serverless-plugin-datadog's in a
    #: Serverless template)
    naming: SubscriptionNaming = field(default_factory=SubscriptionNaming)


def _group_key(value: Any) -> str:
    if isinstance(value, dict) and set(value) == {"Ref"}:
        return f"ref:{value['Ref']}"
    return repr(value)


def index_logs(resources: dict[str, Any], own_filters: set[str]) -> LogIndex:
    by_name: dict[str, str] = {}
    filters: dict[str, int] = {}
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        properties = resource.get("Properties") or {}
        if resource.get("Type") == LOG_GROUP and isinstance(properties, dict):
            name = properties.get("LogGroupName")
            if isinstance(name, dict) and isinstance(name.get("Fn::Sub"), str):
                name = name["Fn::Sub"]  # e.g. /aws/lambda/${Function}
            if isinstance(name, str):
                by_name[name] = logical_id
        elif resource.get("Type") == SUBSCRIPTION_FILTER and logical_id not in own_filters:
            key = _group_key(properties.get("LogGroupName"))
            filters[key] = filters.get(key, 0) + 1
    for name, logical_id in by_name.items():  # a filter may name the group or Ref it
        count = filters.get(repr(name), 0) + filters.get(f"ref:{logical_id}", 0)
        filters[f"ref:{logical_id}"] = count
    return LogIndex(by_name, filters, subscription_naming(resources))


def _explicit_group(
    logical_id: str, properties: dict[str, Any], index: LogIndex
) -> dict[str, Any] | None:
    """A Ref to the function's own log group in the template, if it has one."""
    logging_group = (properties.get("LoggingConfig") or {}).get("LogGroup")
    if isinstance(logging_group, dict) and set(logging_group) == {"Ref"}:
        return logging_group
    if isinstance(logging_group, str) and logging_group in index.by_name:
        return {"Ref": index.by_name[logging_group]}
    name = properties.get("FunctionName")
    if isinstance(name, str) and f"/aws/lambda/{name}" in index.by_name:
        return {"Ref": index.by_name[f"/aws/lambda/{name}"]}
    for group_name, group_id in index.by_name.items():  # !Sub /aws/lambda/${Function}
        if re.fullmatch(rf"/aws/lambda/\$\{{{re.escape(logical_id)}\}}", group_name):
            return {"Ref": group_id}
    return None


def subscribe(
    logical_id: str,
    resource: dict[str, Any],
    resources: dict[str, Any],
    forwarder_arn: str,
    with_permission: bool,
    index: LogIndex,
) -> list[Note]:
    """Add the subscription (and the log group, permission) next to the function."""
    filter_id = f"{logical_id}DatadogSubscription"
    if filter_id in resources:
        return []  # instrumented before
    properties = resource.setdefault("Properties", {})
    group = _explicit_group(logical_id, properties, index)
    if group is not None and index.naming.logical_id(logical_id, group, resources) in resources:
        return []  # instrumented before, or by serverless-plugin-datadog
    notes: list[Note] = []
    if group is None:
        group_id = f"{logical_id}DatadogLogGroup"
        resources[group_id] = {
            "Type": LOG_GROUP,
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
        }
        group = {"Ref": group_id}
        properties.setdefault("LoggingConfig", {})["LogGroup"] = group
        notes.append(note(nk.LOGS_GROUP_ADDED, log_group=group_id))
    else:
        count = index.filters.get(_group_key(group), 0)
        if count >= MAX_FILTERS:
            return [note(nk.LOGS_TOO_MANY_FILTERS, log_group=group["Ref"], count=count)]
        index.filters[_group_key(group)] = count + 1
    _add_subscription(resources, logical_id, group, forwarder_arn, with_permission, index.naming)
    return notes


def subscribe_group(
    owner_id: str,
    group: dict[str, Any],
    resources: dict[str, Any],
    forwarder_arn: str,
    with_permission: bool,
    index: LogIndex,
) -> list[Note]:
    """Subscribe one log group (an API Gateway stage's) next to its owner, once."""
    filter_id = f"{owner_id}DatadogSubscription"
    if filter_id in resources or index.naming.logical_id(owner_id, group, resources) in resources:
        return []
    count = index.filters.get(_group_key(group), 0)
    if count >= MAX_FILTERS:
        return [note(nk.LOGS_TOO_MANY_FILTERS, log_group=group.get("Ref"), count=count)]
    index.filters[_group_key(group)] = count + 1
    _add_subscription(resources, owner_id, group, forwarder_arn, with_permission, index.naming)
    return []


def _add_subscription(
    resources: dict[str, Any],
    owner_id: str,
    group: dict[str, Any],
    forwarder_arn: str,
    with_permission: bool,
    naming: SubscriptionNaming,
) -> None:
    """`<owner>DatadogSubscription` on the group (see `naming`); with `with_permission`, the
    Forwarder's invoke permission scoped to the group's ARN, which the filter waits for."""
    subscription: dict[str, Any] = {
        "Type": SUBSCRIPTION_FILTER,
        "Properties": {
            "DestinationArn": forwarder_arn,
            "FilterName": FILTER_NAME,
            "FilterPattern": "",
            "LogGroupName": group,
        },
    }
    if naming.filter_name(FILTER_NAME) is None:
        del subscription["Properties"]["FilterName"]
    if with_permission:
        permission_id = f"{owner_id}DatadogForwarderPermission"
        resources[permission_id] = {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": forwarder_arn,
                "Principal": "logs.amazonaws.com",
                "SourceArn": {"Fn::GetAtt": [group["Ref"], "Arn"]},
            },
        }
        subscription["DependsOn"] = [permission_id]
    resources[naming.logical_id(owner_id, group, resources)] = subscription
