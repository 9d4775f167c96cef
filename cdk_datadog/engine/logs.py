"""Forwarder subscriptions: which log groups to subscribe, and the resources that takes.

A subscription filter needs a log group that exists at deploy. A function's default group
(`/aws/lambda/<name>`) exists only after its first invocation, so:

- a function whose log group the stack defines (its `LoggingConfig.LogGroup`, or the
  Serverless Framework's `/aws/lambda/<name>` group) gets that group subscribed, and nothing
  else;
- a function without one gets an explicit `AWS::Logs::LogGroup` (kept on stack deletion, never
  expiring, like Lambda's own, tagged with the function's tags) as its
  `LoggingConfig.LogGroup`, which works for new and already deployed functions alike; the
  Forwarder recognises Lambda logs in such groups by their log streams.

A group already subscribed to the Forwarder is left as it is (instrumenting twice adds
nothing), and a group that already has CloudWatch Logs' maximum of filters is not given another.

In a template the Serverless Framework packaged, a filter is named as serverless-plugin-datadog
names it: `<log group logical id>Subscription`, without `FilterName`. A filter whose logical id
or `FilterName` changes is replaced, CloudFormation creating the new one before deleting the old,
and a log group takes two filters: a project moving from serverless-plugin-datadog would fail
on every group that already has a second filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cdk_datadog.engine import cfn
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.limits import MAX_SUBSCRIPTION_FILTERS
from cdk_datadog.engine.notes import Note, note
from cdk_datadog.engine.resources import NewResource
from cdk_datadog.engine.tokens import describe

FILTER_NAME = "datadog-forwarder"
LOG_GROUP_SUFFIX = "DatadogLogGroup"
SUBSCRIPTION_SUFFIX = "DatadogSubscription"
PERMISSION_SUFFIX = "DatadogForwarderPermission"


@dataclass
class Subscriptions:
    """The Forwarder subscriptions of a stack, planned together so that the resource budget can
    keep or drop them as one."""

    forwarder_arn: str
    with_permission: bool
    groups: cfn.LogGroups
    #: name filters as serverless-plugin-datadog does (a Serverless Framework template)
    serverless: bool = False
    resources: list[NewResource] = field(default_factory=list)
    #: function logical id -> its new LoggingConfig.LogGroup
    function_log_groups: dict[str, Any] = field(default_factory=dict)
    notes: list[tuple[str, Note]] = field(default_factory=list)
    #: owners (functions) that subscribe, for the budget's message
    subscribers: list[str] = field(default_factory=list)
    _planned: set[str] = field(default_factory=set)

    def subscribe(self, owner: str, group: cfn.LogGroup, prefix: str | None = None) -> bool:
        """Subscribe `group` once, with resources belonging to `owner` and named after
        `prefix` (the owner's logical id by default); False when it cannot take a filter."""
        if group.key in self._planned or self.groups.subscribed(group, self.forwarder_arn):
            return True
        count = self.groups.filters_on(group)
        if count >= MAX_SUBSCRIPTION_FILTERS:
            self.notes.append(
                (owner, note(nk.LOGS_TOO_MANY_FILTERS, log_group=_label(group), count=count))
            )
            return False
        self._planned.add(group.key)
        self.resources.extend(subscription_resources(owner, prefix or owner, group, self))
        return True

    def subscribe_function(self, logical_id: str, properties: dict[str, Any]) -> None:
        try:
            group = cfn.function_log_group(logical_id, properties, self.groups)
        except cfn.UnreadableLogging as error:
            found = note(
                nk.LOGS_CONFIG_UNREADABLE, property=error.prop, value=describe(error.value)
            )
            self.notes.append((logical_id, found))
            return
        if group is None:
            group_id = f"{logical_id}{LOG_GROUP_SUFFIX}"
            tags = _own_tags(properties)
            group_properties = {"Tags": tags} if tags else {}
            self.resources.append(
                NewResource(group_id, logical_id, cfn.LOG_GROUP, group_properties, retain=True)
            )
            group = cfn.LogGroup(f"id:{group_id}", {"Ref": group_id})
            self.function_log_groups[logical_id] = {"Ref": group_id}
            self.notes.append((logical_id, note(nk.LOGS_GROUP_ADDED, log_group=group_id)))
        self.subscribers.append(logical_id)
        self.subscribe(logical_id, group)


def _own_tags(properties: dict[str, Any]) -> list[dict[str, str]]:
    """The function's literal tags, for the log group added for it: what the CDK gives it too,
    since the group hangs under the function and `Tags.of` reaches it there."""
    return [
        {"Key": key, "Value": value}
        for key, value in cfn.tags_of(properties).items()
        if isinstance(key, str) and isinstance(value, str) and not key.startswith("aws:")
    ]


def _label(group: cfn.LogGroup) -> str:
    return group.logical_id or (group.value if isinstance(group.value, str) else group.key)


def subscription_resources(
    owner: str, prefix: str, group: cfn.LogGroup, subscriptions: Subscriptions
) -> list[NewResource]:
    """`<prefix>DatadogSubscription` on the group; with the permission option, the Forwarder's
    invoke permission scoped to the group's ARN, which the filter waits for."""
    found = []
    depends_on: tuple[str, ...] = ()
    properties = {
        "DestinationArn": subscriptions.forwarder_arn,
        "FilterName": FILTER_NAME,
        "FilterPattern": "",
        "LogGroupName": group.value,
    }
    filter_id = f"{prefix}{SUBSCRIPTION_SUFFIX}"
    if subscriptions.serverless and group.logical_id is not None:
        filter_id = f"{group.logical_id}Subscription"
        del properties["FilterName"]
    if subscriptions.with_permission:
        permission_id = f"{prefix}{PERMISSION_SUFFIX}"
        found.append(
            NewResource(
                permission_id,
                owner,
                "AWS::Lambda::Permission",
                {
                    "Action": "lambda:InvokeFunction",
                    "FunctionName": subscriptions.forwarder_arn,
                    "Principal": "logs.amazonaws.com",
                    "SourceArn": cfn.log_group_arn(group),
                },
            )
        )
        depends_on = (permission_id,)
    found.append(
        NewResource(filter_id, owner, cfn.SUBSCRIPTION_FILTER, properties, depends_on=depends_on)
    )
    return found
