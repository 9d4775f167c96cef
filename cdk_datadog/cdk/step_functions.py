"""State machines under the scope: logging for Datadog, Forwarder subscription, tags.

A state machine without logging gets a log group `/aws/vendedlogs/states/<path>-Logs`
(one week of retention, as datadog-cdk-constructs-v2 sets: ALL with execution data is
voluminous) and a logging configuration at level ALL with execution data; its role gets the
log delivery permissions Step Functions needs (they accept only "*", as the CDK's own
`StateMachine(logs=...)` grants them). A logging configuration the user set is kept as it
is; its log group is subscribed when the template defines it.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import RemovalPolicy, Stack, Token
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs

from cdk_datadog.cdk.apply import TAG_PRIORITY, annotate
from cdk_datadog.cdk.logs import add_subscription
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine import step_functions as sf
from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.planner import note

CFN_STATE_MACHINE = "aws-cdk-lib.aws_stepfunctions.CfnStateMachine"
STATE_MACHINE = "aws-cdk-lib.aws_stepfunctions.StateMachine"


def _type(node: Any) -> str | None:
    return getattr(type(node), "__jsii_type__", None)


def _grant_log_delivery(machine: Any, target: Any, properties: dict[str, Any]) -> None:
    statement = iam.PolicyStatement(actions=sf.LOGGING_ACTIONS, resources=["*"])
    if _type(target) == STATE_MACHINE:
        target.role.add_to_principal_policy(statement)
        return
    role_arn = machine.role_arn
    iam.Role.from_role_arn(target, "DatadogRole", role_arn).add_to_principal_policy(statement)


def instrument_state_machine(machine: Any, config: DatadogConfig) -> None:
    """Logging, subscription and tags for one CfnStateMachine."""
    stack = Stack.of(machine)
    properties = stack.resolve(machine._cfn_properties)
    node = machine.node
    target = node.scope if node.id == "Resource" else machine
    path = target.node.path
    logging = properties.get("loggingConfiguration") or {}
    destinations = logging.get("destinations") or []
    if not destinations:
        group = logs.CfnLogGroup(
            target, "DatadogLogGroup", log_group_name=sf.log_group_name(path), retention_in_days=7
        )
        group.apply_removal_policy(RemovalPolicy.RETAIN)
        machine.add_property_override(
            "LoggingConfiguration",
            {
                "Level": "ALL",
                "IncludeExecutionData": True,
                "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": group.attr_arn}}],
            },
        )
        _grant_log_delivery(machine, target, properties)
        group_name, group_arn = group.ref, group.attr_arn
        added = note(nk.STEP_FUNCTIONS_LOGGING, log_group=sf.log_group_name(path))
    else:
        arn = ((destinations[0] or {}).get("cloudWatchLogsLogGroup") or {}).get("logGroupArn")
        group_id = arn["Fn::GetAtt"][0] if isinstance(arn, dict) and "Fn::GetAtt" in arn else None
        group_name = Token.as_string({"Ref": group_id}) if group_id else None
        group_arn = Token.as_string(arn) if arn else ""
        added = None
    if config.forwarder_arn is not None and group_name is not None:
        add_subscription(
            target, group_name, group_arn, config.forwarder_arn, config.create_forwarder_permissions
        )
    for key, value in sf.state_machine_tags(config).items():
        machine.tags.set_tag(key, value, TAG_PRIORITY)
    if added is not None:
        annotate(target, (added,))


class DatadogStepFunctions:
    """Helpers for trace merging, with the names of datadog-cdk-constructs-v2 (snake_case)."""

    @staticmethod
    def build_lambda_payload_to_merge_traces(
        payload: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Pass as `payload=sfn.TaskInput.from_object(...)` of a LambdaInvoke task."""
        return sf.lambda_payload_to_merge_traces(payload)

    @staticmethod
    def build_step_function_task_input_to_merge_traces(
        task_input: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Pass as the input of a StepFunctionsStartExecution task."""
        return sf.task_input_to_merge_traces(task_input)
