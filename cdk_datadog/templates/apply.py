"""Writing a StackPlan into a template's dicts.

The plan says what to write, down to each property (`FunctionChange.writes`, worked out by the
engine's one applier of property patches); this module only puts it there. A function's own
properties are written, never SAM's `Globals`: the writes were worked out on the view with
`Globals` merged, whose lists SAM adds to the function's and whose maps it merges.
"""

from __future__ import annotations

from typing import Any

from cdk_datadog.engine import cfn
from cdk_datadog.engine.patches import AddTags, Patch, plan_writes, write_into
from cdk_datadog.engine.plan import RECORD_KEY
from cdk_datadog.engine.resources import ResourceChange
from cdk_datadog.engine.stack import StackPlan


def apply_stack_plan(template: dict[str, Any], plan: StackPlan) -> None:
    resources = template["Resources"]
    for change in plan.functions:
        resource = resources[change.logical_id]
        write_into(resource.setdefault("Properties", {}), change.writes)
        if change.record is not None and isinstance(resource.get("Metadata", {}), dict):
            resource.setdefault("Metadata", {})[RECORD_KEY] = dict(change.record)
    for resource_change in plan.changes:
        apply_resource_change(resources[resource_change.logical_id], resource_change)
    for resource in plan.resources:
        resources[resource.logical_id] = resource.to_template()
    if plan.mappings:
        template.setdefault("Mappings", {}).update(plan.mappings)
    if plan.conditions:
        template.setdefault("Conditions", {}).update(plan.conditions)


def apply_resource_change(resource: dict[str, Any], change: ResourceChange) -> None:
    properties = resource.setdefault("Properties", {})
    properties.update(change.properties)
    if change.tags:
        is_sam = cfn.type_of(resource) == cfn.SERVERLESS_STATE_MACHINE
        tags = Patch(("Tags",), AddTags(change.tags, as_map=is_sam), required=False)
        write_into(properties, plan_writes(properties, [tags]).writes)
    if change.depends_on:
        depends_on = resource.get("DependsOn", [])
        depends_on = [depends_on] if isinstance(depends_on, str) else list(depends_on)
        depends_on.extend(d for d in change.depends_on if d not in depends_on)
        resource["DependsOn"] = depends_on
