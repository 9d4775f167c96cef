"""`instrument_template`: the template front end over the engine.

It finds the functions of a CloudFormation, SAM or Serverless Framework template, reads their
facts, asks the engine for a plan, and writes the plan back into a copy of the template. The
input is never changed; running it on its own output changes nothing.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdk_datadog.engine import api_gateway as agw
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.config import (
    DatadogConfig,
    OptionError,
    config_from_options,
    function_settings,
)
from cdk_datadog.engine.layers import ACCOUNT_MAPPING, account_mapping
from cdk_datadog.engine.plan import Note, Plan, Skip
from cdk_datadog.engine.planner import note, plan_function
from cdk_datadog.git_metadata import read_git_metadata
from cdk_datadog.templates.apply import apply_function_plan, grant, policy_statements
from cdk_datadog.templates.edge import edge_functions
from cdk_datadog.templates.facts import FUNCTION_TYPES, TemplateContext, function_facts
from cdk_datadog.templates.io import TemplateError, copy_template
from cdk_datadog.templates.logs import index_logs, subscribe, subscribe_group
from cdk_datadog.templates.sam import function_globals
from cdk_datadog.templates.versions import renew_versions

MAX_STACK_RESOURCES = 500
NEAR_STACK_LIMIT = 450
STACK = "(template)"


@dataclass
class Result:
    """The instrumented template, what was decided per function, and every note."""

    template: dict[str, Any]
    decisions: dict[str, Plan | Skip] = field(default_factory=dict)
    notes: list[tuple[str, Note]] = field(default_factory=list)
    resources_added: int = 0

    @property
    def errors(self) -> list[tuple[str, Note]]:
        return [(where, n) for where, n in self.notes if n.level == nk.ERROR]


def instrument_template(template: dict[str, Any], **options: Any) -> dict[str, Any]:
    """A copy of `template` with every Lambda function instrumented for Datadog.

    Options are those of `Datadog` (snake_case), plus `region` when the template does not fix
    one (layer ARNs then follow `AWS::Region` at deploy).

    :raises OptionError: (a ValueError) naming the option, for an invalid option.
    :raises TemplateError: (a ValueError) when `template` is not a CloudFormation template.
    """
    return instrument(template, **options).template


def build_config(options: dict[str, Any], cwd: Path | None = None) -> DatadogConfig:
    """Validated options; git metadata from `cwd` for source code integration."""
    config = config_from_options(options)
    if config.source_code_integration:
        git = read_git_metadata(cwd or Path.cwd())
        if git is not None:
            config = config_from_options(options, git=git)
    return config


def instrument(template: Any, **options: Any) -> Result:
    """`instrument_template`, with the decisions and notes the command line reports.

    `function_options` maps logical ids to per-function options (serverless.yml's
    `functions.<name>.datadog`); a function's `Metadata: {Datadog: ...}` wins over them.
    """
    function_options = options.pop("function_options", None) or {}
    region = options.pop("region", None)
    if region is not None and not isinstance(region, str):
        raise OptionError("region", f"expected a region name such as 'us-east-1', got {region!r}")
    config = options.pop("config", None) or build_config(options)
    if not isinstance(template, dict):
        raise TemplateError(f"a template is a mapping; this one is a {type(template).__name__}")
    resources = template.get("Resources")
    if not isinstance(resources, dict):
        raise TemplateError("the template has no Resources mapping")
    result = Result(template=copy_template(template))
    output = result.template
    resources = output["Resources"]
    parameters = output.get("Parameters") if isinstance(output.get("Parameters"), dict) else {}
    context = TemplateContext(
        parameter_defaults={
            name: spec["Default"]
            for name, spec in parameters.items()
            if isinstance(spec, dict) and "Default" in spec
        },
        region=region,
        globals_function=function_globals(output),
        edge_functions=edge_functions(resources),
    )
    functions = [
        (logical_id, resource)
        for logical_id, resource in resources.items()
        if isinstance(resource, dict) and resource.get("Type") in FUNCTION_TYPES
    ]
    planned = []
    for logical_id, resource in functions:
        try:
            facts, read_notes = function_facts(logical_id, resource, context)
            if logical_id in function_options and not facts.settings:
                source = "the config file's functions block"
                settings = function_settings(function_options[logical_id], source)
                facts = dataclasses.replace(facts, settings=settings, settings_source=source)
        except OptionError as error:
            raise OptionError(error.option, f"function {logical_id}: {error.problem}") from None
        decision = plan_function(facts, config)
        result.decisions[logical_id] = decision
        result.notes.extend((logical_id, n) for n in read_notes)
        planned.append((logical_id, resource, decision))
    size_before = len(resources)
    subscribe_logs = _logs_fit(resources, planned, config, result)
    log_index = index_logs(resources, {f"{lid}DatadogSubscription" for lid, _ in functions})
    needs_mapping = False
    for logical_id, resource, decision in planned:
        if isinstance(decision, Skip):
            result.notes.extend((logical_id, n) for n in (decision.reason, *decision.notes))
            continue
        result.notes.extend((logical_id, n) for n in decision.notes)
        apply_function_plan(resource, decision)
        needs_mapping |= any("${DatadogAccount}" in layer.arn for layer in decision.layers)
        statements = policy_statements(decision)
        if not grant(resource, statements, resources):
            actions = sorted({a for s in statements for a in s["Action"]})
            targets = sorted({str(r) for s in statements for r in _as_list(s["Resource"])})
            result.notes.append(
                (logical_id, note(nk.TEMPLATE_ROLE_ELSEWHERE, actions=actions, resources=targets))
            )
        if decision.subscribe_logs and subscribe_logs and config.forwarder_arn:
            log_notes = subscribe(
                logical_id,
                resource,
                resources,
                config.forwarder_arn,
                config.create_forwarder_permissions,
                log_index,
            )
            result.notes.extend((logical_id, n) for n in log_notes)
    if config.forwarder_arn and subscribe_logs:
        _subscribe_api_gateway(resources, config, log_index, result)
    if needs_mapping:
        output.setdefault("Mappings", {})[ACCOUNT_MAPPING] = account_mapping(load_catalog())
    result.resources_added = len(resources) - size_before
    renew_versions(template, output)
    return result


def _subscribe_api_gateway(
    resources: dict[str, Any], config: DatadogConfig, log_index: Any, result: Result
) -> None:
    """Access logs of REST/HTTP/WebSocket stages, and REST execution logs on request."""
    for stage_id, stage in list(resources.items()):
        kind = stage.get("Type") if isinstance(stage, dict) else None
        if kind not in (agw.REST_STAGE, agw.HTTP_STAGE):
            continue
        properties = stage.get("Properties") or {}
        if config.subscribes_access_logs:
            group_id = agw.access_log_group(kind, properties)
            if group_id in resources:
                notes = subscribe_group(
                    f"{stage_id}Access",
                    {"Ref": group_id},
                    resources,
                    config.forwarder_arn,
                    config.create_forwarder_permissions,
                    log_index,
                )
                result.notes.extend((stage_id, n) for n in notes)
        name = agw.execution_log_group_name(properties)
        if config.subscribes_execution_logs and kind == agw.REST_STAGE and name is not None:
            group_id = f"{stage_id}DatadogExecutionLogs"
            if group_id not in resources:
                resources[group_id] = {
                    "Type": "AWS::Logs::LogGroup",
                    "DeletionPolicy": "Retain",
                    "UpdateReplacePolicy": "Retain",
                    "Properties": {"LogGroupName": name},
                }
                result.notes.append((stage_id, note(nk.API_GATEWAY_EXECUTION_LOGS)))
            subscribe_group(
                f"{stage_id}Execution",
                {"Ref": group_id},
                resources,
                config.forwarder_arn,
                config.create_forwarder_permissions,
                log_index,
            )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _logs_fit(
    resources: dict[str, Any], planned: list[tuple], config: DatadogConfig, result: Result
) -> bool:
    """Whether the Forwarder subscriptions keep the stack within 500 resources."""
    if not config.forwarder_arn:
        return True
    per_function = 3 if config.create_forwarder_permissions else 2  # worst case: a new group
    subscribing = [
        lid
        for lid, _, decision in planned
        if isinstance(decision, Plan)
        and decision.subscribe_logs
        and f"{lid}DatadogSubscription" not in resources
    ]
    total = len(resources) + per_function * len(subscribing)
    if total > MAX_STACK_RESOURCES and subscribing:
        result.notes.append(
            (
                STACK,
                note(
                    nk.STACK_TOO_MANY_RESOURCES,
                    count=len(subscribing),
                    added=per_function * len(subscribing),
                    total=total,
                ),
            )
        )
        return False
    if total > NEAR_STACK_LIMIT:
        result.notes.append((STACK, note(nk.STACK_NEAR_LIMIT, total=total)))
    return True
