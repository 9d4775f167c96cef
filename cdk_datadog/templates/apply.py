"""Writing a StackPlan into a template's dicts, idempotently.

The plan says what to write; this module only knows where CloudFormation and SAM keep it
(`Tags` as a Key/Value list or a map, `TracingConfig` or `Tracing`). A function's own
properties are written, never SAM's `Globals`.
"""

from __future__ import annotations

from typing import Any

from cdk_datadog.engine import cfn
from cdk_datadog.engine.resources import ResourceChange
from cdk_datadog.engine.stack import FunctionChange, StackPlan


def apply_stack_plan(template: dict[str, Any], plan: StackPlan) -> None:
    resources = template["Resources"]
    for change in plan.functions:
        apply_function_change(resources[change.logical_id], change)
    for resource_change in plan.changes:
        apply_resource_change(resources[resource_change.logical_id], resource_change)
    for resource in plan.resources:
        resources[resource.logical_id] = resource.to_template()
    if plan.mappings:
        template.setdefault("Mappings", {}).update(plan.mappings)


def apply_function_change(resource: dict[str, Any], change: FunctionChange) -> None:
    """Layers, handler, variables, tags, tracing and log group on the function itself."""
    plan = change.plan
    properties = resource.setdefault("Properties", {})
    if change.layers:
        own = properties.get("Layers")
        properties["Layers"] = [*(own if isinstance(own, list) else []), *change.layers]
    if plan.handler is not None:
        properties["Handler"] = plan.handler
    if plan.environment:
        variables = properties.setdefault("Environment", {}).setdefault("Variables", {})
        for name, value in plan.environment.items():
            variables.setdefault(name, value)
    if plan.tags:
        add_tags(properties, plan.tags, as_map=change.is_sam)
    if plan.xray_tracing:
        if change.is_sam:
            properties.setdefault("Tracing", "Active")
        else:
            properties.setdefault("TracingConfig", {"Mode": "Active"})
    if change.log_group is not None:
        properties.setdefault("LoggingConfig", {})["LogGroup"] = change.log_group


def apply_resource_change(resource: dict[str, Any], change: ResourceChange) -> None:
    properties = resource.setdefault("Properties", {})
    properties.update(change.properties)
    if change.tags:
        is_sam = cfn.type_of(resource) == cfn.SERVERLESS_STATE_MACHINE
        add_tags(properties, change.tags, as_map=is_sam)
    if change.depends_on:
        depends_on = resource.get("DependsOn", [])
        depends_on = [depends_on] if isinstance(depends_on, str) else list(depends_on)
        depends_on.extend(d for d in change.depends_on if d not in depends_on)
        resource["DependsOn"] = depends_on


def add_tags(properties: dict[str, Any], ours: Any, as_map: bool) -> None:
    """Our tags for keys the resource does not tag yet (the user's tags win)."""
    tags = properties.get("Tags")
    if as_map:
        tags = tags if isinstance(tags, dict) else {}
        for key, value in ours.items():
            tags.setdefault(key, value)
    else:
        tags = tags if isinstance(tags, list) else []
        present = {tag.get("Key") for tag in tags if isinstance(tag, dict)}
        tags.extend(
            {"Key": key, "Value": value} for key, value in ours.items() if key not in present
        )
    properties["Tags"] = tags
