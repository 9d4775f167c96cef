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

from aws_cdk import ArnFormat, Stack, Token
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_datadog.cdk.batch import ResourceSpec, create_resources, read_resources
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.plan import Note
from cdk_datadog.engine.planner import note

FILTER_NAME = "datadog-forwarder"
MAX_FILTERS = 2
LOG_GROUP_ID = "DatadogLogGroup"


def explicit_log_group(properties: dict[str, Any]) -> Any:
    """The log group a function's resolved properties name (LoggingConfig), or None."""
    return (properties.get("loggingConfig") or {}).get("logGroup")


def _group_key(value: Any) -> str:
    return repr(value)


def existing_filter_counts(filters: list[logs.CfnSubscriptionFilter]) -> dict[str, int]:
    """Subscription filters already in a stack, per (resolved) log group, read in one call."""
    counts: dict[str, int] = {}
    for reading in read_resources(filters):
        key = _group_key(reading.properties.get("logGroupName"))
        counts[key] = counts.get(key, 0) + 1
    return counts


def _group_arn(stack: Stack, resolved_group: Any) -> Any:
    if isinstance(resolved_group, dict) and set(resolved_group) == {"Ref"}:
        return {"Fn::GetAtt": [resolved_group["Ref"], "Arn"]}
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


def subscribe_functions(
    stack: Stack,
    functions: list[tuple[Construct, dict[str, Any]]],
    forwarder_arn: str,
    with_permission: bool,
    filter_counts: dict[str, int],
) -> list[Subscription]:
    """Subscribe each function's log group, adding one where it has none.

    `functions` are (the construct to hang resources from, the resolved properties). Two calls
    into aws-cdk-lib for the whole stack: one creates the log groups, the other the filters
    (and permissions); each function's LoggingConfig is returned to be written with its other
    properties.
    """
    missing = [target for target, properties in functions if explicit_log_group(properties) is None]
    added = iter(
        create_resources(
            [
                ResourceSpec(
                    target,
                    LOG_GROUP_ID,
                    "aws_logs.CfnLogGroup",
                    {},
                    # like Lambda's own groups: never expire, and kept when the stack is deleted
                    retain=True,
                    attributes=("Arn",) if with_permission else (),
                )
                for target in missing
            ]
        )
    )
    results: list[Subscription] = []
    specs: list[ResourceSpec] = []
    for target, properties in functions:
        explicit = explicit_log_group(properties)
        if explicit is None:
            group = next(added)
            group_name, group_arn = group.ref, group.attributes.get("Arn", "")
            results.append(
                Subscription(
                    logging_config={"LogGroup": group_name},
                    note=note(
                        nk.LOGS_GROUP_ADDED, log_group=f"{LOG_GROUP_ID} (a child of this function)"
                    ),
                )
            )
        else:
            key = _group_key(explicit)
            count = filter_counts.get(key, 0)
            if count >= MAX_FILTERS:
                results.append(
                    Subscription(
                        note=note(nk.LOGS_TOO_MANY_FILTERS, log_group=explicit, count=count)
                    )
                )
                continue
            filter_counts[key] = count + 1
            group_name = explicit
            group_arn = _group_arn(stack, explicit) if with_permission else ""
            results.append(Subscription())
        specs.extend(
            subscription_specs(
                target, group_name, group_arn, forwarder_arn, with_permission, len(specs)
            )
        )
    create_resources(specs)
    return results


def subscription_specs(
    scope: Construct,
    group_name: Any,
    group_arn: Any,
    forwarder_arn: str,
    with_permission: bool,
    first_index: int = 0,
) -> list[ResourceSpec]:
    """A `datadog-forwarder` subscription filter on the group, under `scope`; with
    `with_permission`, the Forwarder's invoke permission scoped to that group's ARN, which the
    filter depends on. `first_index` is where these specs start in their batch."""
    specs = []
    if with_permission:
        specs.append(
            ResourceSpec(
                scope,
                "DatadogForwarderPermission",
                "aws_lambda.CfnPermission",
                {
                    "action": "lambda:InvokeFunction",
                    "functionName": forwarder_arn,
                    "principal": "logs.amazonaws.com",
                    "sourceArn": group_arn,
                },
            )
        )
    specs.append(
        ResourceSpec(
            scope,
            "DatadogSubscription",
            "aws_logs.CfnSubscriptionFilter",
            {
                "destinationArn": forwarder_arn,
                "filterPattern": "",
                "filterName": FILTER_NAME,
                "logGroupName": group_name,
            },
            depends_on=(first_index,) if with_permission else (),
        )
    )
    return specs


def subscribe_log_groups(
    log_groups: list[logs.ILogGroup], forwarder_arn: str, with_permission: bool
) -> None:
    """Subscribe log groups other than functions' (API Gateway, Step Functions, your own)."""
    specs: list[ResourceSpec] = []
    for group in log_groups:
        specs.extend(
            subscription_specs(
                group,
                group.log_group_name,
                group.log_group_arn if with_permission else "",
                forwarder_arn,
                with_permission,
                len(specs),
            )
        )
    create_resources(specs)
