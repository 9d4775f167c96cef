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

from aws_cdk import aws_iam as iam

from cdk_datadog.cdk.apply import TAG_PRIORITY
from cdk_datadog.cdk.batch import (
    ResourceSpec,
    add_property_overrides,
    annotate_all,
    create_resources,
    read_resources,
    set_tags,
)
from cdk_datadog.cdk.logs import subscription_specs
from cdk_datadog.cdk.tree import L2_RESOURCE_ID, display_path
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine import step_functions as sf
from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.planner import note

CFN_STATE_MACHINE = "aws-cdk-lib.aws_stepfunctions.CfnStateMachine"
STATE_MACHINE = "aws-cdk-lib.aws_stepfunctions.StateMachine"


def _type(node: Any) -> str | None:
    return getattr(type(node), "__jsii_type__", None)


def _grant_log_delivery(machine: Any, target: Any) -> None:
    statement = iam.PolicyStatement(actions=sf.LOGGING_ACTIONS, resources=["*"])
    if _type(target) == STATE_MACHINE:
        target.role.add_to_principal_policy(statement)
        return
    role_arn = machine.role_arn
    iam.Role.from_role_arn(target, "DatadogRole", role_arn).add_to_principal_policy(statement)


def _existing_group(properties: dict[str, Any]) -> tuple[Any, Any] | None:
    """The (name, ARN) of the log group of the machine's own logging configuration, when the
    template defines it; None when the machine has no logging destination."""
    logging = properties.get("loggingConfiguration") or {}
    destinations = logging.get("destinations") or []
    if not destinations:
        return None
    arn = ((destinations[0] or {}).get("cloudWatchLogsLogGroup") or {}).get("logGroupArn")
    group_id = arn["Fn::GetAtt"][0] if isinstance(arn, dict) and "Fn::GetAtt" in arn else None
    return ({"Ref": group_id} if group_id else None), (arn or "")


def instrument_state_machines(machines: list[Any], config: DatadogConfig) -> None:
    """Logging, subscription and tags for these CfnStateMachines, a few calls for them all.

    A machine without logging gets a log group and a logging configuration, and its role the
    log delivery permissions (one L2 grant each); one with logging keeps it.
    """
    if not machines:
        return
    readings = read_resources(machines)
    # the L2 StateMachine users wrote, or the CfnStateMachine itself
    targets = [
        reading.scope if reading.id == L2_RESOURCE_ID else machine
        for machine, reading in zip(machines, readings)
    ]
    paths = [display_path(reading.path) for reading in readings]
    existing = [_existing_group(reading.properties) for reading in readings]
    without = [index for index, group in enumerate(existing) if group is None]
    created = iter(
        create_resources(
            [
                ResourceSpec(
                    targets[index],
                    "DatadogLogGroup",
                    "aws_logs.CfnLogGroup",
                    {"logGroupName": sf.log_group_name(paths[index]), "retentionInDays": 7},
                    retain=True,
                    attributes=("Arn",),
                )
                for index in without
            ]
        )
    )
    groups: dict[int, tuple[Any, Any]] = {}
    notes = []
    for index in without:
        group = next(created)
        groups[index] = (group.ref, group.attributes["Arn"])
        _grant_log_delivery(machines[index], targets[index])
        notes.append(
            (
                targets[index],
                note(nk.STEP_FUNCTIONS_LOGGING, log_group=sf.log_group_name(paths[index])),
            )
        )
    add_property_overrides(
        [machines[index] for index in without],
        [
            {
                "LoggingConfiguration": {
                    "Level": "ALL",
                    "IncludeExecutionData": True,
                    "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": groups[index][1]}}],
                }
            }
            for index in without
        ],
    )
    if config.forwarder_arn is not None:
        specs: list[ResourceSpec] = []
        for index, target in enumerate(targets):
            group_name, group_arn = groups.get(index) or existing[index] or (None, "")
            if group_name is not None:
                specs.extend(
                    subscription_specs(
                        target,
                        group_name,
                        group_arn,
                        config.forwarder_arn,
                        config.create_forwarder_permissions,
                        len(specs),
                    )
                )
        create_resources(specs)
    tags = sf.state_machine_tags(config)
    set_tags(machines, [tags] * len(machines), TAG_PRIORITY)
    annotate_all(notes)


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
