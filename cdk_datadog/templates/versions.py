"""A function changed by instrumentation publishes a new version.

An `AWS::Lambda::Version` is published once, when CloudFormation creates it; it does not
follow later changes of its function. The Serverless Framework (and CDK's `currentVersion`)
therefore put a hash of the function's code and configuration in the version's logical id,
so that a changed function gets a new `AWS::Lambda::Version` resource. A template packaged
without our plugin carries the hash of the uninstrumented function: left as is, an alias or
provisioned concurrency would keep running the uninstrumented version until the code changes.

We do what the packager does: the version of a function that instrumentation changed gets a
new logical id, derived from the old one and from the instrumented function's configuration,
and every reference to it (`Ref`, `Fn::GetAtt`, `DependsOn`, `Fn::Sub`, in resources,
outputs and conditions) follows. The other way, changing a version property to force a
replacement, would have to change `Description`, the one free property, which users read and
set themselves. A new logical id leaves the version's properties as the packager wrote them;
CloudFormation creates the new version after the function is updated, and retains or
deletes the old one by its `DeletionPolicy`, exactly as when the code changes.

Idempotent: a second run changes no function, so no version is renamed.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

VERSION = "AWS::Lambda::Version"
FUNCTIONS = ("AWS::Lambda::Function", "AWS::Serverless::Function")
#: the suffix we add: `Dd` and ten hex digits of the instrumented configuration's hash
_SUFFIX = re.compile(r"Dd[0-9a-f]{10}$")
#: properties that do not make a version (as the Serverless Framework hashes them)
_NOT_VERSIONED = ("Code", "Tags", "ReservedConcurrentExecutions")
_MAX_LOGICAL_ID = 255


def renew_versions(before: dict[str, Any], after: dict[str, Any]) -> dict[str, str]:
    """Give the versions of every function that differs between two templates a new logical
    id in `after`, references included. Returns old id -> new id."""
    old_resources = before.get("Resources") or {}
    resources = after.get("Resources") or {}
    changed = {
        logical_id
        for logical_id, resource in resources.items()
        if isinstance(resource, dict)
        and resource.get("Type") in FUNCTIONS
        and _versioned(resource) != _versioned(old_resources.get(logical_id))
    }
    if not changed:
        return {}
    renames = {}
    for logical_id, resource in resources.items():
        if not (isinstance(resource, dict) and resource.get("Type") == VERSION):
            continue
        function = _function_of(resource)
        if function in changed:
            renames[logical_id] = new_version_id(logical_id, resources[function])
    if renames:
        rename_resources(after, renames)
    return renames


def _versioned(resource: Any) -> Any:
    if not isinstance(resource, dict):
        return None
    properties = resource.get("Properties")
    if not isinstance(properties, dict):
        return properties
    return {name: value for name, value in properties.items() if name not in _NOT_VERSIONED}


def _function_of(version: dict[str, Any]) -> str | None:
    """The logical id of the function a version publishes, when the template defines it."""
    name = (version.get("Properties") or {}).get("FunctionName")
    if isinstance(name, dict) and isinstance(name.get("Ref"), str):
        return name["Ref"]
    if isinstance(name, dict) and "Fn::GetAtt" in name:
        target = name["Fn::GetAtt"]
        return target[0] if isinstance(target, list) else str(target).split(".")[0]
    return None


def new_version_id(old_id: str, function: dict[str, Any]) -> str:
    """`<old id>Dd<hash>`: the hash of the function's versioned configuration, replacing the
    suffix of an earlier run so that ids do not grow."""
    digest = hashlib.sha256(
        json.dumps(_versioned(function), sort_keys=True, default=str).encode()
    ).hexdigest()[:10]
    stem = _SUFFIX.sub("", old_id)[: _MAX_LOGICAL_ID - 12]
    return f"{stem}Dd{digest}"


def rename_resources(template: dict[str, Any], renames: dict[str, str]) -> None:
    """Rename resources in place, with every reference to them."""
    resources = template["Resources"]
    template["Resources"] = {renames.get(key, key): value for key, value in resources.items()}
    for section in ("Resources", "Outputs", "Conditions"):
        if isinstance(template.get(section), dict):
            template[section] = _rewrite(template[section], renames)


def _rewrite(value: Any, renames: dict[str, str]) -> Any:
    if isinstance(value, list):
        return [_rewrite(item, renames) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        [(key, argument)] = value.items()
        if key == "Ref" and isinstance(argument, str):
            return {"Ref": renames.get(argument, argument)}
        if key == "Fn::GetAtt":
            return {key: _rewrite_getatt(argument, renames)}
        if key == "Fn::Sub":
            return {key: _rewrite_sub(argument, renames)}
    out = {}
    for key, item in value.items():
        if key == "DependsOn":
            out[key] = _rewrite_depends(item, renames)
        else:
            out[key] = _rewrite(item, renames)
    return out


def _rewrite_getatt(argument: Any, renames: dict[str, str]) -> Any:
    if isinstance(argument, list) and argument and isinstance(argument[0], str):
        return [renames.get(argument[0], argument[0]), *_rewrite(argument[1:], renames)]
    if isinstance(argument, str):
        head, dot, rest = argument.partition(".")
        return f"{renames.get(head, head)}{dot}{rest}"
    return _rewrite(argument, renames)


def _rewrite_sub(argument: Any, renames: dict[str, str], shadowed: frozenset = frozenset()) -> Any:
    if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
        names = frozenset(argument[1])
        return [_rewrite_sub(argument[0], renames, names), _rewrite(argument[1], renames)]
    if not isinstance(argument, str):
        return _rewrite(argument, renames)

    def variable(match: re.Match[str]) -> str:
        head, dot, rest = match.group(1).partition(".")
        if head in shadowed or head not in renames:
            return match.group(0)
        return "${" + renames[head] + dot + rest + "}"

    return re.sub(r"\$\{(?!!)([^}]+)\}", variable, argument)


def _rewrite_depends(value: Any, renames: dict[str, str]) -> Any:
    if isinstance(value, str):
        return renames.get(value, value)
    if isinstance(value, list):
        return [renames.get(item, item) if isinstance(item, str) else item for item in value]
    return value
