"""What a Plan writes into a CfnFunction: a single `Properties` override.

Each call crosses into Node (jsii), so everything a plan changes on the function goes into one
override, written with the rest of its stack's in one call (`batch.add_property_overrides`).
CloudFormation rendering deep-merges it: the function's own variables, even ones added later,
stay as they are; Layers and Tags are lists, so the function's own entries are written back
with ours.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Aws, CfnMapping, Fn, Stack
from constructs import Construct

from cdk_datadog.cdk.batch import annotate_all
from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.layers import ACCOUNT_MAPPING, account_mapping
from cdk_datadog.engine.plan import LayerArn, Note, Plan

#: below the default priority of `Tags.of(...).add` (100), so the user's tags win
TAG_PRIORITY = 50


def render_layer(stack: Stack, layer: LayerArn) -> str:
    """The layer ARN, or an `Fn::Sub` of it when region, partition or account come at deploy."""
    if layer.is_resolved:
        return layer.arn
    if "${DatadogAccount}" not in layer.arn:
        return Fn.sub(layer.arn)
    mapping = stack.node.try_find_child(ACCOUNT_MAPPING)
    if mapping is None:
        mapping = CfnMapping(
            stack, ACCOUNT_MAPPING, mapping=account_mapping(load_catalog()), lazy=True
        )
    account = mapping.find_in_map(Aws.PARTITION, "Account")
    return Fn.sub(layer.arn, {"DatadogAccount": account})


def merged_tags(existing: list[dict[str, Any]], ours: dict[str, str]) -> list[dict[str, Any]]:
    """The function's tags (resolved, `key`/`value`) plus ours for keys it lacks, sorted.

    The user's tags win: `Tags.of(...)` aspects have already run when ours does.
    """
    tags = {tag["key"]: tag["value"] for tag in existing if isinstance(tag, dict) and "key" in tag}
    for key, value in ours.items():
        tags.setdefault(key, value)
    return [{"Key": key, "Value": tags[key]} for key in sorted(tags)]


def function_overrides(
    plan: Plan, properties: dict[str, Any], rendered_layers: list[str], with_tags: bool = True
) -> dict[str, Any]:
    """The `Properties` override that applies `plan` to a function with these properties.

    With `with_tags`, the function's resolved tags are final (every mutating aspect has run)
    and ours are merged into the override; otherwise the caller tags through the TagManager.
    """
    overrides: dict[str, Any] = {}
    if rendered_layers:
        overrides["Layers"] = [*(properties.get("layers") or []), *rendered_layers]
    if plan.handler is not None:
        overrides["Handler"] = plan.handler
    if plan.environment:
        overrides["Environment"] = {"Variables": dict(plan.environment)}
    if plan.tags and with_tags:
        overrides["Tags"] = merged_tags(properties.get("tags") or [], dict(plan.tags))
    if plan.xray_tracing:
        overrides["TracingConfig"] = {"Mode": "Active"}
    return overrides


def annotate(target: Construct, notes: tuple[Note, ...]) -> None:
    """Notes on one construct as CDK Annotations (see `batch.annotate_all`)."""
    annotate_all([(target, note) for note in notes])
