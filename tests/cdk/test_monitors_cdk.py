"""Monitors in a CDK app: Datadog::Monitors::Monitor resources on each stack, scoped to it,
whose properties fit the registry type's published schema: the typed L1 generated from that
schema (cdk-cloudformation-datadog-monitors-monitor) accepts them, with their types, and
renders them back unchanged."""

from __future__ import annotations

import re
from typing import Any

import aws_cdk as cdk
import cdk_cloudformation_datadog_monitors_monitor as schema_l1
import pytest
from aws_cdk.assertions import Template

from cdk_datadog import Datadog, DatadogLambda
from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.config import config_from_options
from cdk_datadog.engine.monitors import MONITOR_TYPE, monitor_properties
from tests.support.cdk_apps import python_function
from tests.support.cfn_lint import lint_errors

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
ENV = cdk.Environment(account="123456789012", region="us-east-1")
#: every setting an override can carry, on one monitor
EVERY_OVERRIDE = {
    "name": "Errors",
    "message": "Page @oncall",
    "tags": ["team:a"],
    "priority": 1,
    "type": "metric alert",
    "restricted_roles": ["00000000-0000-0000-0000-000000000000"],
    "options": {
        "enable_logs_sample": True,
        "escalation_message": "still failing",
        "evaluation_delay": 60,
        "include_tags": False,
        "locked": False,
        "new_group_delay": 60,
        "new_host_delay": 300,
        "no_data_timeframe": 20,
        "notification_preset_name": "hide_handles",
        "notify_audit": True,
        "notify_by": ["functionname"],
        "notify_no_data": True,
        "on_missing_data": "show_and_notify_no_data",
        "renotify_interval": 30,
        "renotify_occurrences": 3,
        "renotify_statuses": ["alert", "no data"],
        "require_full_window": False,
        "timeout_h": 24,
        "thresholds": {
            "critical": 0.3,
            "critical_recovery": 0.25,
            "ok": 0.01,
            "warning": 0.2,
            "warning_recovery": 0.15,
        },
        "threshold_windows": {"trigger_window": "last_5m", "recovery_window": "last_15m"},
    },
}
_ENUMS = {
    "type": schema_l1.CfnMonitorPropsType,
    "notification_preset_name": schema_l1.MonitorNotificationPresetName,
    "on_missing_data": schema_l1.MonitorOnMissingData,
    "renotify_statuses": schema_l1.MonitorOptionsRenotifyStatuses,
}
_STRUCTS = {
    "options": schema_l1.MonitorOptions,
    "thresholds": schema_l1.MonitorThresholds,
    "threshold_windows": schema_l1.MonitorThresholdWindows,
}


def _snake(name: str) -> str:
    return "ok" if name == "OK" else re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _enum_member(enum: Any, value: str) -> Any:
    """The jsii enum member for a schema value: `query alert` -> QUERY_ALERT,
    `show_all` -> SHOW_UNDERSCORE_ALL."""
    name = value.upper().replace("_", "_UNDERSCORE_").replace("-", "_HYPHEN_").replace(" ", "_")
    return enum[name]


def _typed(key: str, value: Any) -> Any:
    """Our CloudFormation-shaped value as the typed L1 takes it: structs, enums, tokens."""
    if isinstance(value, dict) and set(value) == {"Fn::Sub"}:
        return cdk.Fn.sub(value["Fn::Sub"])
    if isinstance(value, dict):
        return _STRUCTS[key](**{_snake(k): _typed(_snake(k), v) for k, v in value.items()})
    if key in _ENUMS:
        enum = _ENUMS[key]
        if isinstance(value, list):
            return [_enum_member(enum, item) for item in value]
        return _enum_member(enum, value)
    if isinstance(value, list):
        return [_typed(key, item) for item in value]
    return value


@pytest.mark.parametrize(
    "request_",
    [
        *[{monitor_id: None} for monitor_id in load_catalog().monitors],
        {"high_error_rate": EVERY_OVERRIDE},
    ],
    ids=[*load_catalog().monitors, "every override"],
)
def test_the_properties_fit_the_registry_types_schema(request_):
    config = config_from_options({"monitors": [request_], "env": "prod", "service": "shop"})
    ours = monitor_properties(config.monitors[0], config)
    stack = cdk.Stack()

    schema_l1.CfnMonitor(
        stack, "Monitor", **{_snake(k): _typed(_snake(k), v) for k, v in ours.items()}
    )

    (rendered,) = Template.from_stack(stack).find_resources(MONITOR_TYPE).values()
    assert rendered["Properties"] == ours


@pytest.fixture(scope="module")
def assembly():
    app = cdk.App()
    for name in ("Orders", "Billing"):
        stack = cdk.Stack(app, name, env=ENV)
        python_function(stack, "Fn")
    Datadog(
        app,
        "Datadog",
        forwarder_arn=FORWARDER,
        env="prod",
        source_code_integration=False,
        monitors=[{"high_error_rate": {"options": {"thresholds": {"critical": 0.2}}}}, "timeout"],
    )
    return app.synth()


def test_each_stack_gets_the_monitors_as_generic_cloudformation_resources(assembly):
    for name in ("Orders", "Billing"):
        template = assembly.get_stack_by_name(name).template
        monitors = {
            logical_id: resource
            for logical_id, resource in template["Resources"].items()
            if resource["Type"] == MONITOR_TYPE
        }
        assert set(monitors) == {"DatadogMonitorHighErrorRate", "DatadogMonitorTimeout"}
        query = monitors["DatadogMonitorHighErrorRate"]["Properties"]["Query"]["Fn::Sub"]
        assert "aws_cloudformation_stack-id:${AWS::StackId}" in query and query.endswith(">= 0.2")
        assert lint_errors(template) == []


def test_the_explicit_mode_adds_monitors_to_the_stacks_of_its_functions_only():
    app = cdk.App()
    with_function = cdk.Stack(app, "WithFunction", env=ENV)
    without = cdk.Stack(app, "Without", env=ENV)
    python_function(without, "Other")
    datadog = DatadogLambda(
        with_function, "Datadog", forwarder_arn=FORWARDER, monitors=["out_of_memory"]
    )
    datadog.add_lambda_functions([python_function(with_function, "Fn")])
    assembly = app.synth()

    assert (
        "DatadogMonitorOutOfMemory"
        in assembly.get_stack_by_name("WithFunction").template["Resources"]
    )
    assert not any(
        r["Type"] == MONITOR_TYPE
        for r in assembly.get_stack_by_name("Without").template["Resources"].values()
    )
