"""SAM's `Globals.Function`, applied to a function the way SAM does it, for reading only.

SAM merges globals into each `AWS::Serverless::Function`: maps are merged (the function's
keys win), lists are added (globals first), anything else is replaced by the function's
value; an intrinsic function counts as anything else, on either side (samtranslator's
`Globals._token_of`). The transformer reads the merged view; it writes only to the function
itself.
"""

from __future__ import annotations

from typing import Any

SERVERLESS_FUNCTION = "AWS::Serverless::Function"


def merge_globals(globals_: Any, properties: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(globals_, dict):
        return properties
    return _merge(globals_, properties)


def _merge(base: Any, own: Any) -> Any:
    if (
        isinstance(base, dict)
        and isinstance(own, dict)
        and not _is_intrinsic(own)
        and not _is_intrinsic(base)
    ):
        merged = dict(base)
        for key, value in own.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(own, list):
        return [*base, *own]
    return own


def _is_intrinsic(value: dict[str, Any]) -> bool:
    return len(value) == 1 and (next(iter(value)) == "Ref" or next(iter(value)).startswith("Fn::"))


def function_globals(template: dict[str, Any]) -> Any:
    globals_ = template.get("Globals")
    return globals_.get("Function") if isinstance(globals_, dict) else None
