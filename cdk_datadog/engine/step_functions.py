"""Step Functions: the log group name, tags and trace-merging payloads, as plain data.

Datadog traces a state machine from its execution logs (level ALL, with execution data),
which the Forwarder ships; `DD_TRACE_ENABLED` on the state machine turns the tracing on.
"""

from __future__ import annotations

import re
from typing import Any

from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.planner import CONSTRUCT_TAG, CONSTRUCT_TAG_VALUE

LOG_GROUP_PREFIX = "/aws/vendedlogs/states/"
MAX_LOG_GROUP_NAME = 512
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
    tags = {"DD_TRACE_ENABLED": "true", CONSTRUCT_TAG: CONSTRUCT_TAG_VALUE}
    for key in ("service", "env", "version"):
        value = getattr(config, key)
        if value is not None:
            tags[key] = value
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
