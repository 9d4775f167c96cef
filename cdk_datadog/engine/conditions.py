"""Conditions on what the engine adds: a resource added for a conditional resource exists
exactly when that resource does.

A stack whose function has `Condition: IsProd` deploys with the condition false only if
nothing else refers to the function (or its role, or its log group) then. So each added
resource takes the condition of everything it refers to (its owner included): one condition as
it is, several through an `Fn::And` condition added to the stack. A shared resource (the API
key policy) refers to conditional resources only through `Fn::If [condition, ref,
AWS::NoValue]`, which `guarded` builds and which counts as no reference here.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from cdk_datadog.engine import cfn
from cdk_datadog.engine.patches import NO_VALUE
from cdk_datadog.engine.resources import NewResource

#: Fn::And takes from 2 to 10 conditions
MAX_AND = 10


def conditions_of(resources: Mapping[str, Any]) -> dict[str, str]:
    """Logical id -> condition name, for the stack's conditional resources; SAM's generated
    role of a conditional function (`<function>Role`) shares its condition, as SAM writes it."""
    found = {}
    for logical_id, resource in resources.items():
        condition = resource.get("Condition") if isinstance(resource, Mapping) else None
        if not isinstance(condition, str):
            continue
        found[logical_id] = condition
        sam_role = "Role" not in cfn.properties_of(resource)
        if cfn.type_of(resource) == cfn.SERVERLESS_FUNCTION and sam_role:
            found.setdefault(f"{logical_id}Role", condition)
    return found


def guarded(value: Any, condition: str | None) -> Any:
    """`value`, or `Fn::If [condition, value, AWS::NoValue]` when it refers to a conditional
    resource."""
    if condition is None:
        return value
    return {"Fn::If": [condition, value, dict(NO_VALUE)]}


def _references(value: Any, conditions: Mapping[str, str]) -> set[str]:
    """The logical ids `value` refers to, less those guarded by their own condition."""
    if isinstance(value, Mapping) and len(value) == 1 and "Fn::If" in value:
        branches = value["Fn::If"]
        if isinstance(branches, list) and len(branches) == 3:
            condition, when_true, when_false = branches
            inside = {
                ref
                for ref in _references(when_true, conditions)
                if conditions.get(ref) != condition
            }
            return inside | _references(when_false, conditions)
    if isinstance(value, Mapping):
        found = set(cfn.referenced_ids(value)) if len(value) == 1 else set()
        for item in value.values():
            found |= _references(item, conditions)
        return found
    if isinstance(value, list):
        found = set()
        for item in value:
            found |= _references(item, conditions)
        return found
    return set()


def _and_name(names: Iterable[str]) -> str:
    joined = "And".join(names)
    name = f"Datadog{joined}"
    if len(name) > 200 or not name.isalnum():
        name = "DatadogAll" + hashlib.sha256(joined.encode()).hexdigest()[:12].upper()
    return name


def with_conditions(
    added: list[NewResource], resources: Mapping[str, Any]
) -> tuple[list[NewResource], dict[str, Any]]:
    """The added resources with the conditions they need, and the `Fn::And` conditions to add
    to the stack for them.

    A resource referring to conditional resources under more than `MAX_AND` conditions keeps
    the first ten: the stack could not say more in one condition.
    """
    known = conditions_of(resources)
    if not known:
        return added, {}
    new_conditions: dict[str, Any] = {}
    result = list(added)
    for _ in range(2):  # added resources refer to added resources, listed before or after
        for index, resource in enumerate(result):
            refs = _references(dict(resource.properties), known) | set(resource.depends_on)
            if resource.owner:
                refs.add(resource.owner)
            names = sorted({known[ref] for ref in refs if ref in known})[:MAX_AND]
            if not names:
                continue
            if len(names) == 1:
                condition = names[0]
            else:
                condition = _and_name(names)
                new_conditions[condition] = {"Fn::And": [{"Condition": n} for n in names]}
            if resource.condition != condition:
                result[index] = dataclasses.replace(resource, condition=condition)
            known[resource.logical_id] = condition
    return result, new_conditions
