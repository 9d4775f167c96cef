"""Lambda@Edge functions in a template: referenced from a CloudFront distribution's
`LambdaFunctionAssociations`, directly or through a version."""

from __future__ import annotations

import re
from typing import Any

_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}")


def _associations(value: Any) -> list[Any]:
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "LambdaFunctionAssociations" and isinstance(item, list):
                found.extend(
                    assoc.get("LambdaFunctionARN") for assoc in item if isinstance(assoc, dict)
                )
            else:
                found.extend(_associations(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_associations(item))
    return found


def _referenced(value: Any) -> set[str]:
    """Logical ids a value points at: Ref, GetAtt, or names inside a Sub string."""
    if isinstance(value, dict):
        if "Ref" in value and isinstance(value["Ref"], str):
            return {value["Ref"].split(".")[0]}  # SAM: !Ref Function.Version
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            return {target[0] if isinstance(target, list) else str(target).split(".")[0]}
        if "Fn::Sub" in value:
            sub = value["Fn::Sub"]
            text = sub[0] if isinstance(sub, list) else sub
            return set(_SUB_NAME.findall(text)) if isinstance(text, str) else set()
        return set().union(*(_referenced(item) for item in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_referenced(item) for item in value)) if value else set()
    return set()


def edge_functions(resources: dict[str, Any]) -> frozenset[str]:
    """Logical ids of the functions used by CloudFront as Lambda@Edge."""
    referenced: set[str] = set()
    for resource in resources.values():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::CloudFront::Distribution":
            for arn in _associations(resource.get("Properties")):
                referenced |= _referenced(arn)
    functions = set()
    for logical_id in referenced:
        resource = resources.get(logical_id)
        if not isinstance(resource, dict):
            continue
        if resource.get("Type") == "AWS::Lambda::Version":
            functions |= _referenced((resource.get("Properties") or {}).get("FunctionName"))
        else:
            functions.add(logical_id)
    return frozenset(functions)
