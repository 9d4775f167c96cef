"""How a function's Plan lands on its properties: the patches, in CloudFormation's or SAM's
terms, and the writes they come to on the function as read.

This is where "the user wins" is spelled out per property, once for every front end:

- Datadog's layers are added to the function's own (`ExtendList`); a layer already there by
  name is not added twice;
- the handler is replaced (`Put`): the plan redirects it only when the function is not already
  pointed at a wrapper, and the original goes to `DD_LAMBDA_HANDLER` as the user wrote it (a
  `Ref` to a parameter stays a `Ref`);
- the `DD_*` variables are added where the function does not set them (`MergeMap`);
- tags are added for keys the function does not tag (`AddTags`), X-Ray tracing is set only
  where the function has no mode of its own (`Put(only_if_absent=True)`), so a function's own
  `PassThrough` stays;
- a new log group goes in `LoggingConfig.LogGroup`.

A function whose layers, handler or variables cannot be written without breaking the template
(a property given by an intrinsic function that cannot be extended) is left alone, with a
warning that names the property; tags and tracing that cannot be written are left out, with a
warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.cfn import tags_of
from cdk_datadog.engine.layers import layer_name_of
from cdk_datadog.engine.notes import Note, note
from cdk_datadog.engine.patches import (
    ABSENT,
    AddTags,
    ExtendList,
    MergeMap,
    Patch,
    Put,
    Writes,
    dotted,
    plan_writes,
    values_at,
)
from cdk_datadog.engine.plan import Plan, Written
from cdk_datadog.engine.tokens import describe, plain
from cdk_datadog.engine.variable_names import DD_LAMBDA_HANDLER

LAYERS = ("Layers",)
HANDLER = ("Handler",)
VARIABLES = ("Environment", "Variables")
TAGS = ("Tags",)
TRACING_MODE = ("TracingConfig", "Mode")
SAM_TRACING = ("Tracing",)
LOG_GROUP = ("LoggingConfig", "LogGroup")


def function_patches(
    plan: Plan,
    properties: Mapping[str, Any],
    layers: tuple[Any, ...],
    is_sam: bool,
    log_group: Any = None,
) -> list[Patch]:
    """The patches that write `plan` (with its layers rendered) on a function whose properties
    read as `properties`."""
    before = plan.written_before
    patches = []
    if layers or before.layers:
        patches.append(Patch(LAYERS, ExtendList(layers, key=layer_name_of, replace=before.layers)))
    if plan.handler is not None:
        patches.append(Patch(HANDLER, Put(plan.handler)))
    variables = {name: plain(value) for name, value in plan.environment.items()}
    if DD_LAMBDA_HANDLER in variables and plan.handler is not None:
        # the handler as written: a parameter's default was read, the `Ref` is what deploys
        variables[DD_LAMBDA_HANDLER] = properties.get("Handler", variables[DD_LAMBDA_HANDLER])
    if variables:
        patches.append(Patch(VARIABLES, MergeMap(variables, replace=before.variables)))
    if plan.tags:
        own_tags = {key: plain(value) for key, value in plan.tags.items()}
        tags = AddTags(own_tags, as_map=is_sam, replace=before.tags)
        patches.append(Patch(TAGS, tags, required=False))
    if plan.xray_tracing:
        if is_sam:
            patches.append(Patch(SAM_TRACING, Put("Active", only_if_absent=True), required=False))
        else:
            patches.append(Patch(TRACING_MODE, Put("Active", only_if_absent=True), required=False))
    if log_group is not None:
        patches.append(Patch(LOG_GROUP, Put(log_group)))
    return patches


def function_writes(
    plan: Plan,
    properties: Mapping[str, Any],
    layers: tuple[Any, ...],
    is_sam: bool,
    log_group: Any = None,
) -> tuple[Writes, list[Note]]:
    """The writes of `plan` on the function, and a note for each patch left out.

    `Writes.blocking` is not empty when the function cannot be instrumented: the caller
    leaves it alone with `blocked_note`.
    """
    writes = plan_writes(properties, function_patches(plan, properties, layers, is_sam, log_group))
    notes = [
        note(
            nk.PROPERTY_NOT_WRITTEN,
            property=dotted(error.path),
            value=describe(error.value),
        )
        for patch, error in writes.unwritable
        if not patch.required
    ]
    return writes, notes


def written(plan: Plan, properties: Mapping[str, Any], writes: Writes) -> Written:
    """What this run writes on the function, for its `Metadata` record: Datadog's layers, the
    variables it sets (the user's own stay the user's) and the tags it adds."""
    before = plan.written_before
    failed = {patch.path for patch, _ in writes.unwritable}
    user_variables = _keys_anywhere(properties, VARIABLES) - before.variables
    user_tags = {
        key
        for tags in values_at(properties, TAGS)
        for key in tags_of({"Tags": tags} if tags is not ABSENT else {})
    } - before.tags
    return Written(
        layers=frozenset(layer.name for layer in plan.layers),
        # a variable the user sets under some condition stays theirs; those written before and
        # no longer asked for stay recorded: still ours to update
        variables=(frozenset(plan.environment) - user_variables) | before.variables,
        tags=frozenset() if TAGS in failed else frozenset(plan.tags) - user_tags,
    )


def _keys_anywhere(properties: Mapping[str, Any], path: tuple[str, ...]) -> frozenset[str]:
    """The keys of the map at `path` under any condition."""
    return frozenset(
        key
        for value in values_at(properties, path)
        if isinstance(value, Mapping)
        for key in value
        if isinstance(key, str)
    )


def blocked_note(writes: Writes) -> Note:
    """Why a function whose required patches cannot be applied is left alone."""
    _, error = writes.blocking[0]
    return note(
        nk.PROPERTY_UNWRITABLE,
        property=dotted(error.path),
        value=describe(error.value),
    )
