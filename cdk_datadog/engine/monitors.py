"""Recommended monitors as `Datadog::Monitors::Monitor` resources of the stack.

serverless-plugin-datadog creates its recommended serverless monitors through Datadog's API
after a deploy (`monitors: [{high_error_rate: {...}}, {timeout: {}}]`). Here they are resources
of the stack instead, of the CloudFormation registry type Datadog publishes: nothing is called
at synthesis or packaging, CloudFormation creates, updates and deletes them with the stack,
and a monitor removed from the option is deleted with the next deploy. The account must
activate the registry type once (see the README).

The option keeps the plugin's shape: the monitor's id, and overrides in the names of
Datadog's monitor API (`name`, `message`, `tags`, `priority`, `options: {thresholds:
{critical: ...}, notify_no_data: ...}`), which are translated into the resource's
properties. The query of a recommended monitor is fixed, as in the plugin; its critical
threshold follows `options.thresholds.critical`. Queries are scoped to the stack's functions
through the tag Datadog gives every resource CloudFormation created
(`aws_cloudformation_stack-id`), with the stack's id known at deploy (`${AWS::StackId}`).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.config import DatadogConfig, OptionError
from cdk_datadog.engine.notes import Note, note
from cdk_datadog.engine.resources import NewResource

MONITOR_TYPE = "Datadog::Monitors::Monitor"
OPTION = "monitors"
#: what `$scope` becomes in a query: the functions of the stack being deployed
STACK_SCOPE = "aws_cloudformation_stack-id:${AWS::StackId}"
#: monitor types a recommended monitor's query can run as (Datadog treats them alike)
METRIC_TYPES = ("query alert", "metric alert")
PRIORITIES = range(1, 6)


@dataclass(frozen=True)
class MonitorRequest:
    """One entry of the option: a recommended monitor's id and its overrides, validated,
    kept as canonical JSON so that the config stays hashable and deterministic."""

    id: str
    overrides_json: str = "{}"

    @property
    def overrides(self) -> dict[str, Any]:
        return json.loads(self.overrides_json)


# -- the overrides the plugin passes to Datadog's monitor API, and their resource property ------


@dataclass(frozen=True)
class _Check:
    """What a setting's value must be, and how an error message says it."""

    test: Callable[[Any], bool]
    expected: str

    def __call__(self, value: Any) -> bool:
        return self.test(value)


def _one_of(*allowed: str) -> _Check:
    return _Check(lambda value: value in allowed, "one of " + ", ".join(map(repr, allowed)))


def _each_of(*allowed: str) -> _Check:
    return _Check(
        lambda value: isinstance(value, list) and all(item in allowed for item in value),
        "a list of " + ", ".join(map(repr, allowed)),
    )


INT = _Check(lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number")
NUMBER = _Check(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), "a number")
STR = _Check(lambda v: isinstance(v, str), "a string")
BOOL = _Check(lambda v: isinstance(v, bool), "true or false")
STR_LIST = _Check(
    lambda v: isinstance(v, list) and all(isinstance(item, str) for item in v),
    "a list of strings",
)
PRIORITY = _Check(lambda v: INT(v) and v in PRIORITIES, "a whole number from 1 to 5")

#: options.thresholds: the API's names -> the resource's (MonitorThresholds)
THRESHOLD_KEYS = {
    "critical": "Critical",
    "critical_recovery": "CriticalRecovery",
    "ok": "OK",
    "warning": "Warning",
    "warning_recovery": "WarningRecovery",
}
#: options.threshold_windows (MonitorThresholdWindows)
THRESHOLD_WINDOW_KEYS = {"trigger_window": "TriggerWindow", "recovery_window": "RecoveryWindow"}
#: options: the API's names -> (the resource's MonitorOptions property, check); those that
#: apply to a metric monitor
OPTION_KEYS: dict[str, tuple[str, _Check | None]] = {
    "enable_logs_sample": ("EnableLogsSample", BOOL),
    "escalation_message": ("EscalationMessage", STR),
    "evaluation_delay": ("EvaluationDelay", INT),
    "include_tags": ("IncludeTags", BOOL),
    "locked": ("Locked", BOOL),
    "new_group_delay": ("NewGroupDelay", INT),
    "new_host_delay": ("NewHostDelay", INT),
    "no_data_timeframe": ("NoDataTimeframe", INT),
    "notification_preset_name": (
        "NotificationPresetName",
        _one_of(
            "show_all",
            "hide_query",
            "hide_handles",
            "hide_all",
            "hide_query_and_handles",
            "show_only_snapshot",
            "hide_handles_and_footer",
        ),
    ),
    "notify_audit": ("NotifyAudit", BOOL),
    "notify_by": ("NotifyBy", STR_LIST),
    "notify_no_data": ("NotifyNoData", BOOL),
    "on_missing_data": (
        "OnMissingData",
        _one_of("default", "show_no_data", "show_and_notify_no_data", "resolve"),
    ),
    "renotify_interval": ("RenotifyInterval", INT),
    "renotify_occurrences": ("RenotifyOccurrences", INT),
    "renotify_statuses": ("RenotifyStatuses", _each_of("alert", "no data", "warn")),
    "require_full_window": ("RequireFullWindow", BOOL),
    "timeout_h": ("TimeoutH", INT),
    "thresholds": ("Thresholds", None),
    "threshold_windows": ("ThresholdWindows", None),
}
#: top-level overrides -> the resource's property and check; `options` and `query` apart
TOP_LEVEL_KEYS: dict[str, tuple[str, _Check]] = {
    "name": ("Name", STR),
    "message": ("Message", STR),
    "tags": ("Tags", STR_LIST),
    "priority": ("Priority", PRIORITY),
    "type": ("Type", _one_of(*METRIC_TYPES)),
    "restricted_roles": ("RestrictedRoles", STR_LIST),
}
#: serverless-plugin-datadog's README puts it at the top level; the API reads it in options
TOP_LEVEL_OPTIONS = frozenset({"require_full_window"})


def _fail(where: str, problem: str) -> OptionError:
    return OptionError(OPTION, f"{where}: {problem}")


def _unknown(where: str, key: str, known: list[str]) -> OptionError:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean `{close[0]}`?)" if close else ""
    return _fail(where, f"`{key}` is not a setting of it{hint}; settings are: " + ", ".join(known))


def _check_nested(where: str, value: Any, keys: Mapping[str, str], check: _Check) -> None:
    if not isinstance(value, Mapping):
        raise _fail(where, f"expected a mapping, got {value!r}")
    for key, item in value.items():
        if key not in keys:
            raise _unknown(where, key, list(keys))
        if not check(item):
            raise _fail(f"{where}.{key}", f"expected {check.expected}, got {item!r}")


def _check_options(where: str, options: Any) -> None:
    if not isinstance(options, Mapping):
        raise _fail(where, f"expected a mapping, got {options!r}")
    for key, value in options.items():
        if key not in OPTION_KEYS:
            raise _unknown(where, key, list(OPTION_KEYS))
        _, check = OPTION_KEYS[key]
        if key == "thresholds":
            _check_nested(f"{where}.thresholds", value, THRESHOLD_KEYS, NUMBER)
        elif key == "threshold_windows":
            _check_nested(f"{where}.threshold_windows", value, THRESHOLD_WINDOW_KEYS, STR)
        elif not check(value):
            raise _fail(f"{where}.{key}", f"expected {check.expected}, got {value!r}")


def _check_overrides(monitor_id: str, overrides: Any) -> dict[str, Any]:
    where = monitor_id
    if overrides is None:
        return {}
    if not isinstance(overrides, Mapping):
        raise _fail(where, f"expected a mapping of settings (or nothing), got {overrides!r}")
    known = [*TOP_LEVEL_KEYS, "options", *sorted(TOP_LEVEL_OPTIONS)]
    for key, value in overrides.items():
        if key == "query":
            raise _fail(
                where,
                "the query of a recommended monitor is fixed (as in serverless-plugin-datadog); "
                "change its threshold with `options: {thresholds: {critical: ...}}`",
            )
        if key == "options":
            _check_options(f"{where}.options", value)
        elif key in TOP_LEVEL_OPTIONS:
            _, check = OPTION_KEYS[key]
            if not check(value):
                raise _fail(f"{where}.{key}", f"expected {check.expected}, got {value!r}")
        elif key in TOP_LEVEL_KEYS:
            _, check = TOP_LEVEL_KEYS[key]
            if not check(value):
                raise _fail(f"{where}.{key}", f"expected {check.expected}, got {value!r}")
        else:
            raise _unknown(where, key, known)
    _check_thresholds(monitor_id, dict(overrides))
    return dict(overrides)


def _check_thresholds(monitor_id: str, overrides: dict[str, Any]) -> None:
    """Datadog refuses a warning threshold on the wrong side of the critical one; say so now
    rather than at deploy. Every recommended query alerts above its threshold."""
    thresholds = (overrides.get("options") or {}).get("thresholds") or {}
    critical = thresholds.get("critical", load_catalog().monitors[monitor_id]["threshold"])
    warning = thresholds.get("warning")
    if warning is not None and warning >= critical:
        raise _fail(
            f"{monitor_id}.options.thresholds",
            f"the warning threshold ({warning}) must be below the critical one ({critical}): "
            "this monitor alerts on values above them",
        )


def parse_monitors(value: Any) -> tuple[MonitorRequest, ...]:
    """The `monitors` option, in serverless-plugin-datadog's shape: a list of one-key mappings
    `{<id>: {overrides}}` (YAML's `- timeout:` gives no overrides), or of bare ids.

    :raises OptionError: naming `monitors`, for an id that is not one of the recommended
        monitors, an override that is not a setting of Datadog's monitors (or the fixed
        query), or a value of the wrong type.
    """
    if not isinstance(value, (list, tuple)):
        raise OptionError(
            OPTION,
            f"expected a list such as [{{'high_error_rate': {{}}}}, 'timeout'], got {value!r}",
        )
    known = list(load_catalog().monitors)
    requests: dict[str, MonitorRequest] = {}
    for entry in value:
        if isinstance(entry, str):
            monitor_id, overrides = entry, None
        elif isinstance(entry, Mapping) and len(entry) == 1:
            ((monitor_id, overrides),) = entry.items()
        else:
            raise OptionError(
                OPTION, f"each entry is a monitor id or {{<id>: {{settings}}}}, got {entry!r}"
            )
        if monitor_id not in known:
            close = difflib.get_close_matches(str(monitor_id), known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise OptionError(
                OPTION,
                f"{monitor_id!r} is not one of serverless-plugin-datadog's recommended "
                f"monitors{hint}: {', '.join(known)}. Define other monitors as "
                f"{MONITOR_TYPE} resources of your own",
            )
        if monitor_id in requests:
            raise OptionError(OPTION, f"{monitor_id!r} is given twice")
        checked = _check_overrides(monitor_id, overrides)
        requests[monitor_id] = MonitorRequest(monitor_id, json.dumps(checked, sort_keys=True))
    return tuple(requests.values())


# -- planning ------------------------------------------------------------------------------------


def _pascal(monitor_id: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in monitor_id.split("_"))


def _resource_options(options: Mapping[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in options.items():
        name, _ = OPTION_KEYS[key]
        if key == "thresholds":
            value = {THRESHOLD_KEYS[k]: v for k, v in value.items()}
        elif key == "threshold_windows":
            value = {THRESHOLD_WINDOW_KEYS[k]: v for k, v in value.items()}
        result[name] = value
    return result


def _threshold_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def monitor_properties(request: MonitorRequest, config: DatadogConfig) -> dict[str, Any]:
    """The `Datadog::Monitors::Monitor` properties of one requested monitor."""
    spec = load_catalog().monitors[request.id]
    overrides = request.overrides
    options = dict(overrides.get("options") or {})
    for key in TOP_LEVEL_OPTIONS & set(overrides):
        options.setdefault(key, overrides[key])
    thresholds = dict(options.get("thresholds") or {})
    thresholds.setdefault("critical", spec["threshold"])
    options["thresholds"] = thresholds
    query = (
        spec["query"]
        .replace("$scope", STACK_SCOPE)
        .replace("$threshold", _threshold_text(thresholds["critical"]))
    )
    tags = [
        "serverless_monitor_type:single_function",
        f"serverless_monitor_id:{request.id}",
        "created_by:cdk-datadog",
        {"Fn::Sub": STACK_SCOPE},
    ]
    for key in ("env", "service"):
        value = getattr(config, key)
        if value is not None:
            tags.append(f"{key}:{value}")
    tags.extend(overrides.get("tags") or [])
    properties: dict[str, Any] = {
        "Type": overrides.get("type", "query alert"),
        "Name": overrides.get("name", spec["name"]),
        "Query": {"Fn::Sub": query},
        "Message": overrides.get("message", spec["message"].strip()),
        "Tags": tags,
        "Options": _resource_options(options),
    }
    for key in ("priority", "restricted_roles"):
        if key in overrides:
            properties[TOP_LEVEL_KEYS[key][0]] = overrides[key]
    return properties


def plan_monitors(config: DatadogConfig, prefix: str) -> tuple[list[NewResource], list[Note]]:
    """A `Datadog::Monitors::Monitor` per requested monitor (logical id
    `<prefix>Monitor<Id>`), and a note that the registry type must be activated."""
    if not config.monitors:
        return [], []
    resources = [
        NewResource(
            f"{prefix}Monitor{_pascal(request.id)}",
            "",
            MONITOR_TYPE,
            monitor_properties(request, config),
        )
        for request in config.monitors
    ]
    return resources, [note(nk.MONITORS_REGISTRY_TYPE, count=len(resources))]
