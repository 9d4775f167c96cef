"""Step Functions: logging, subscription, tags, trace merging and its payload helpers.

Datadog traces a state machine from its execution logs (level ALL, with execution data),
which the Forwarder ships; `DD_TRACE_ENABLED` on the state machine turns the tracing on. So a
state machine gets logging where something ships those logs (a Forwarder), or where its
tracing is asked for (`enable_step_functions_tracing`; a note then says that the group needs
shipping): logging at ALL with execution data that nothing reads would only cost money.
With tracing asked for, a logging configuration of the user's is raised to ALL with execution
data, as serverless-plugin-datadog and datadog-cdk-constructs-v2 do, and the definition is
rewritten so that traces merge (`step_functions_tracing`).

A state machine without logging gets a log group `/aws/vendedlogs/states/<path>-Logs` (one
week of retention, as datadog-cdk-constructs-v2 sets: ALL with execution data is voluminous),
a logging configuration at level ALL with execution data, and a policy on its role with the
log delivery permissions Step Functions needs (they accept only "*", as aws-cdk-lib's own
`StateMachine(logs=...)` grants them). A logging configuration the user set is kept as it is;
its log group is subscribed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cdk_datadog.engine import cfn
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.limits import MAX_LOG_GROUP_NAME
from cdk_datadog.engine.logs import LOG_GROUP_SUFFIX, Subscriptions
from cdk_datadog.engine.notes import Note, note
from cdk_datadog.engine.planner import function_tags
from cdk_datadog.engine.resources import Acknowledgment, NewResource, ResourceChange
from cdk_datadog.engine.step_functions_tracing import merge_traces

LOG_GROUP_PREFIX = "/aws/vendedlogs/states/"
LOG_DELIVERY_SUFFIX = "DatadogLogDelivery"
LOG_DELIVERY_REASON = (
    "Step Functions' log delivery actions (logs:CreateLogDelivery and the others) support no "
    "resource-level permission; AWS documents Resource '*' for them (added by cdk-datadog so "
    "that the state machine can log for Datadog)."
)
LOGGING_ACTIONS = [
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
]


def log_group_name(path: str) -> str:
    """`/aws/vendedlogs/states/<path>-Logs`: the prefix Step Functions' log delivery expects."""
    name = re.sub(r"[^\w\-./#]", "-", path.replace("/", "-"))
    return f"{LOG_GROUP_PREFIX}{name}-Logs"[:MAX_LOG_GROUP_NAME]


def state_machine_tags(config: DatadogConfig) -> dict[str, str]:
    """The functions' tags (construct marker, unified service tags, the `tags` option, as
    datadog-cdk-constructs-v2 tags state machines) and `DD_TRACE_ENABLED=true`, which turns
    Datadog's tracing of the state machine on."""
    tags = {"DD_TRACE_ENABLED": "true"} if config.traces_step_functions else {}
    tags.update(function_tags(config))
    return tags


def lambda_payload_to_merge_traces(payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """A LambdaInvoke task payload that carries the execution context to the function, so
    its traces merge with the state machine's.

    :raises ValueError: when the payload already sets Execution, State or StateMachine.
    """
    payload = dict(payload or {})
    taken = {"Execution", "State", "StateMachine"}
    if any(key.removesuffix(".$") in taken for key in payload):
        raise ValueError(
            "the payload already sets Execution, State or StateMachine: the execution context "
            "cannot be added, and traces will not merge"
        )
    payload.update(
        {"Execution.$": "$$.Execution", "State.$": "$$.State", "StateMachine.$": "$$.StateMachine"}
    )
    return payload


def task_input_to_merge_traces(task_input: dict[str, Any] | None = None) -> dict[str, Any]:
    """A StartExecution task input that carries the context to the nested state machine.

    :raises ValueError: when the input already sets CONTEXT.
    """
    task_input = dict(task_input or {})
    if "CONTEXT" in task_input or "CONTEXT.$" in task_input:
        raise ValueError("the input already sets CONTEXT: traces will not merge")
    task_input["CONTEXT.$"] = "$$['Execution', 'State', 'StateMachine']"
    return task_input


def _logging_key(resource: Mapping[str, Any]) -> str:
    """`LoggingConfiguration` on AWS::StepFunctions::StateMachine, `Logging` in SAM."""
    return (
        "Logging"
        if cfn.type_of(resource) == cfn.SERVERLESS_STATE_MACHINE
        else ("LoggingConfiguration")
    )


def _destination(logging: Any) -> Any:
    """The log group ARN of a logging configuration, or None when it has no destination."""
    destinations = logging.get("Destinations") if isinstance(logging, Mapping) else None
    if not isinstance(destinations, list) or not destinations:
        return None
    first = destinations[0] if isinstance(destinations[0], Mapping) else {}
    group = first.get("CloudWatchLogsLogGroup")
    return group.get("LogGroupArn") if isinstance(group, Mapping) else None


def _group_of_arn(arn: Any, groups: cfn.LogGroups) -> cfn.LogGroup | None:
    """The log group a `LogGroupArn` names: a group of the stack, or a literal ARN's name."""
    target = cfn.referenced_id(arn)
    if target is not None and target in groups.names:
        return cfn.LogGroup(f"id:{target}", {"Ref": target})
    if isinstance(arn, str) and ":log-group:" in arn:
        name = arn.split(":log-group:", 1)[1].removesuffix(":*")
        return cfn.log_group(name, groups)
    return None


@dataclass
class StateMachinePlan:
    changes: list[ResourceChange] = field(default_factory=list)
    resources: list[NewResource] = field(default_factory=list)
    notes: list[tuple[str, Note]] = field(default_factory=list)


def _raised_logging(logging: Any) -> tuple[dict[str, Any], str] | None:
    """A logging configuration at level ALL with execution data, and what it was, or None
    when it already logs so (or cannot be read)."""
    if not isinstance(logging, Mapping):
        return None
    level = logging.get("Level", "OFF")
    data = logging.get("IncludeExecutionData") in (True, "true")
    if level == "ALL" and data:
        return None
    was = f"{level}{'' if data else ', without execution data'}"
    return {**logging, "Level": "ALL", "IncludeExecutionData": True}, was


def plan_state_machines(
    machines: Mapping[str, Mapping[str, Any]],
    resources: Mapping[str, Any],
    paths: Mapping[str, str],
    config: DatadogConfig,
    subscriptions: Subscriptions | None,
    known_ids: frozenset[str] | None = None,
) -> StateMachinePlan:
    """Logging, log delivery permissions, tags, subscriptions and trace merging for these
    state machines (logical id -> resource); subscriptions go to `subscriptions` (None without
    a Forwarder). `known_ids`: every logical id of the stack, when `resources` may not hold
    them all (see `merge_traces`)."""
    plan = StateMachinePlan()
    tags = state_machine_tags(config)
    for logical_id, resource in machines.items():
        properties = cfn.properties_of(resource)
        key = _logging_key(resource)
        arn = _destination(properties.get(key))
        changed: dict[str, Any] = {}
        if arn is not None and config.enable_step_functions_tracing:
            raised = _raised_logging(properties.get(key))
            if raised is not None:
                changed[key] = raised[0]
                plan.notes.append(
                    (logical_id, note(nk.STEP_FUNCTIONS_LOGGING_RAISED, was=raised[1]))
                )
        depends_on: tuple[str, ...] = ()
        group = None if subscriptions is None else _group_of_arn(arn, subscriptions.groups)
        if arn is None:
            group_id = f"{logical_id}{LOG_GROUP_SUFFIX}"
            name = log_group_name(cfn.construct_path(logical_id, resource, paths))
            plan.resources.append(
                NewResource(
                    group_id,
                    logical_id,
                    cfn.LOG_GROUP,
                    {"LogGroupName": name, "RetentionInDays": 7},
                    retain=True,
                )
            )
            arn = {"Fn::GetAtt": [group_id, "Arn"]}
            group = cfn.LogGroup(f"id:{group_id}", {"Ref": group_id})
            changed[key] = {
                "Level": "ALL",
                "IncludeExecutionData": True,
                "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": arn}}],
            }
            role = cfn.role_name(logical_id, resource, resources)
            if role is None:
                plan.notes.append((logical_id, note(nk.STEP_FUNCTIONS_ROLE_OUTSIDE_STACK)))
            else:
                policy_id = f"{logical_id}{LOG_DELIVERY_SUFFIX}"
                plan.resources.append(log_delivery_policy(policy_id, logical_id, role))
                depends_on = (policy_id,)
            plan.notes.append((logical_id, note(nk.STEP_FUNCTIONS_LOGGING, log_group=name)))
            if subscriptions is None:
                plan.notes.append(
                    (logical_id, note(nk.STEP_FUNCTIONS_LOGS_NOT_SHIPPED, log_group=name))
                )
        if subscriptions is not None and group is not None:
            subscriptions.subscribe(logical_id, group)
        if config.merges_step_function_traces:
            merged = merge_traces(resource, resources, known_ids)
            changed.update(merged.properties)
            plan.notes.extend((logical_id, n) for n in merged.notes)
        plan.changes.append(ResourceChange(logical_id, changed, tags, depends_on))
    return plan


def log_delivery_policy(policy_id: str, owner: str, role: Any) -> NewResource:
    return NewResource(
        policy_id,
        owner,
        "AWS::IAM::Policy",
        {
            "PolicyName": policy_id,
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": LOGGING_ACTIONS, "Resource": "*"}],
            },
            "Roles": [role],
        },
        acknowledgments=(Acknowledgment("AwsSolutions-IAM5", "Resource::*", LOG_DELIVERY_REASON),),
    )
