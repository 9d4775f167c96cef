"""API Gateway stages under the scope: their log groups subscribed to the Forwarder.

Access logs (REST, HTTP and WebSocket stages writing to a log group of the stack) are
subscribed when `subscribe_to_access_logs` (on by default with a Forwarder). REST execution
logs go to `API-Gateway-Execution-Logs_<restApiId>/<stage>`, a group API Gateway creates only
when it first logs; with `subscribe_to_execution_logs`, that group is declared (kept on stack
deletion) so the subscription has something to attach to, as serverless-plugin-datadog does.
A stage whose execution group already exists outside the stack cannot take this: leave the
option off there and subscribe that group by hand.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import RemovalPolicy, Stack, Token
from aws_cdk import aws_logs as logs

from cdk_datadog.cdk.apply import annotate
from cdk_datadog.cdk.batch import instances_of, read_resources
from cdk_datadog.cdk.logs import subscribe_log_groups
from cdk_datadog.engine import api_gateway as agw
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.planner import note

STAGE_TYPES = {
    "aws-cdk-lib.aws_apigateway.CfnStage": agw.REST_STAGE,
    "aws-cdk-lib.aws_apigatewayv2.CfnStage": agw.HTTP_STAGE,
}


def stage_type(node: Any) -> str | None:
    return STAGE_TYPES.get(getattr(type(node), "__jsii_type__", ""))


def _log_group_by_logical_id(stack: Stack, logical_id: str) -> logs.ILogGroup | None:
    """The LogGroup construct of the stack with this logical id, in two calls into Node
    however many log groups the stack has."""
    for reading in read_resources(instances_of(stack, "aws_logs.CfnLogGroup")):
        if reading.logical_id == logical_id:
            return reading.scope if isinstance(reading.scope, logs.LogGroup) else None
    return None


def instrument_stage(stage: Any, kind: str, config: DatadogConfig) -> None:
    if config.forwarder_arn is None:
        return
    stack = Stack.of(stage)
    properties = stack.resolve(stage._cfn_properties)
    groups: list[logs.ILogGroup] = []
    if config.subscribes_access_logs:
        logical_id = agw.access_log_group(kind, properties)
        group = _log_group_by_logical_id(stack, logical_id) if logical_id else None
        if group is not None and group.node.try_find_child("DatadogSubscription") is None:
            groups.append(group)
    if config.subscribes_execution_logs and kind == agw.REST_STAGE:
        name = agw.execution_log_group_name(properties)
        if name is not None:
            execution = logs.LogGroup(
                stage,
                "DatadogExecutionLogs",
                log_group_name=Token.as_string(name),
                removal_policy=RemovalPolicy.RETAIN,
                retention=logs.RetentionDays.INFINITE,
            )
            groups.append(execution)
            annotate(stage, (note(nk.API_GATEWAY_EXECUTION_LOGS),))
    if groups:
        subscribe_log_groups(groups, config.forwarder_arn, config.create_forwarder_permissions)
