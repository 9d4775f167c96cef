"""The `monitors` option: serverless-plugin-datadog's recommended set, in its shape, as
Datadog::Monitors::Monitor properties scoped to the stack; anything outside the set is an
OptionError naming `monitors`."""

from __future__ import annotations

import pytest

from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.config import OptionError, config_from_options
from cdk_datadog.engine.monitors import MONITOR_TYPE, STACK_SCOPE, plan_monitors
from cdk_datadog.engine.options import canonical_name

#: serverless-plugin-datadog's README, "Serverless Monitors": id -> (metric, threshold)
PLUGIN_SET = {
    "high_error_rate": ("aws.lambda.errors", 0.1),
    "timeout": ("aws.lambda.timeout", 1),
    "out_of_memory": ("aws.lambda.enhanced.out_of_memory", 0),
    "high_iterator_age": ("aws.lambda.iterator_age.maximum", 86400),
    "high_cold_start_rate": ("cold_start:true", 0.2),
    "high_throttles": ("aws.lambda.throttles", 0.2),
    "increased_cost": ("aws.lambda.enhanced.estimated_cost", 20),
}


def _monitors(monitors, **options):
    config = config_from_options({"monitors": monitors, **options})
    resources, notes = plan_monitors(config, "Datadog")
    return {r.logical_id: r for r in resources}, notes


def test_the_data_holds_the_plugins_seven_recommended_monitors():
    assert set(load_catalog().monitors) == set(PLUGIN_SET)


@pytest.mark.parametrize(("monitor_id", "expected"), PLUGIN_SET.items())
def test_each_recommended_monitor_has_its_query_scoped_to_the_stack_and_its_threshold(
    monitor_id, expected
):
    metric, threshold = expected
    resources, notes = _monitors([{monitor_id: None}], env="prod", service="shop")

    ((logical_id, monitor),) = resources.items()
    assert monitor.type == MONITOR_TYPE and monitor.owner == ""
    assert logical_id == "DatadogMonitor" + monitor_id.title().replace("_", "")
    properties = monitor.properties
    query = properties["Query"]["Fn::Sub"]
    assert metric in query and STACK_SCOPE in query
    assert query.endswith(f" {threshold}")
    assert "{$scope}" not in query and "$threshold" not in query
    assert properties["Options"] == {"Thresholds": {"Critical": threshold}}
    assert properties["Type"] == "query alert"
    assert properties["Name"].endswith(
        "on {{functionname.name}} in {{region.name}} for {{aws_account.name}}"
    )
    assert properties["Tags"] == [
        "serverless_monitor_type:single_function",
        f"serverless_monitor_id:{monitor_id}",
        "created_by:cdk-datadog",
        {"Fn::Sub": STACK_SCOPE},
        "env:prod",
        "service:shop",
    ]
    assert [n.id for n in notes] == [nk.MONITORS_REGISTRY_TYPE.id]


def test_overrides_in_the_plugins_shape_become_the_resources_properties():
    resources, _ = _monitors(
        [
            {
                "high_error_rate": {
                    "name": "Errors in checkout",
                    "message": "Page @oncall",
                    "tags": ["team:checkout"],
                    "priority": 2,
                    "require_full_window": True,
                    "options": {
                        "thresholds": {"critical": 0.25, "warning": 0.05},
                        "notify_no_data": False,
                        "renotify_interval": 60,
                        "include_tags": True,
                        "threshold_windows": {"trigger_window": "last_5m"},
                    },
                }
            },
            "timeout",
        ]
    )

    properties = resources["DatadogMonitorHighErrorRate"].properties
    assert properties["Name"] == "Errors in checkout"
    assert properties["Message"] == "Page @oncall"
    assert properties["Priority"] == 2
    assert properties["Tags"][-1] == "team:checkout"
    assert properties["Query"]["Fn::Sub"].endswith(">= 0.25")
    assert properties["Options"] == {
        "Thresholds": {"Critical": 0.25, "Warning": 0.05},
        "NotifyNoData": False,
        "RenotifyInterval": 60,
        "IncludeTags": True,
        "ThresholdWindows": {"TriggerWindow": "last_5m"},
        "RequireFullWindow": True,
    }
    assert set(resources) == {"DatadogMonitorHighErrorRate", "DatadogMonitorTimeout"}


def test_no_monitors_by_default():
    assert _monitors([]) == ({}, [])


@pytest.mark.parametrize(
    ("monitors", "message"),
    [
        (
            [{"high_errors": {}}],
            r"'high_errors' is not one of .* \(did you mean 'high_error_rate'\?\)",
        ),
        ([{"custom_monitor": {"query": "avg(last_5m):x > 1"}}], "is not one of"),
        ([{"timeout": {"query": "avg(last_5m):x > 1"}}], "query of a recommended monitor is fixed"),
        ([{"timeout": {"thresholds": {"critical": 2}}}], "`thresholds` is not a setting"),
        ([{"timeout": {"options": {"treshold": 1}}}], "`treshold` is not a setting"),
        ([{"timeout": {"options": {"thresholds": {"critical": "2"}}}}], "expected a number"),
        ([{"timeout": {"priority": 9}}], "from 1 to 5"),
        ([{"timeout": {"type": "log alert"}}], "type: expected one of"),
        ([{"timeout": {"options": {"on_missing_data": "maybe"}}}], "expected one of"),
        (
            [{"high_error_rate": {"options": {"thresholds": {"warning": 0.5}}}}],
            r"warning threshold \(0.5\) must be below the critical one \(0.1\)",
        ),
        (["timeout", {"timeout": {}}], "given twice"),
        ([{"timeout": {}, "out_of_memory": {}}], "each entry is"),
        ("timeout", "expected a list"),
    ],
)
def test_a_monitor_or_setting_outside_the_plugins_set_is_an_option_error(monitors, message):
    with pytest.raises(OptionError, match=r"option `monitors`: .*" + message):
        config_from_options({"monitors": monitors})


def test_the_plugins_camel_case_key_and_yamls_empty_entries_are_accepted():
    config = config_from_options({canonical_name("monitors"): [{"timeout": None}, "out_of_memory"]})

    assert [request.id for request in config.monitors] == ["timeout", "out_of_memory"]


def test_monitors_are_a_stack_option_not_a_function_setting():
    from cdk_datadog.engine.config import function_settings

    with pytest.raises(OptionError, match=r"`monitors`: .*applies to a whole stack"):
        function_settings({"monitors": ["timeout"]}, "Datadog.configure()")
