"""Recognising values that are only known at deploy time, without importing aws_cdk.

The CDK encodes unresolved values in strings as `${Token[...]}` and in numbers as special
floats; templates use intrinsic functions (one-key mappings such as `{"Ref": ...}`). The
engine never guesses such a value: it reports it or passes it through untouched.
"""

from __future__ import annotations

from typing import Any

_INTRINSIC_KEYS = frozenset(
    {
        "Ref",
        "Fn::Sub",
        "Fn::GetAtt",
        "Fn::Join",
        "Fn::If",
        "Fn::Select",
        "Fn::Split",
        "Fn::FindInMap",
        "Fn::ImportValue",
        "Fn::Base64",
        "Fn::GetAZs",
        "Fn::Cidr",
        "Fn::Transform",
        "Fn::ToJsonString",
        "Fn::Length",
    }
)


def is_token(value: Any) -> bool:
    """True when `value` is a CDK token string or a CloudFormation intrinsic function."""
    if isinstance(value, str):
        return "${Token[" in value
    if isinstance(value, dict) and len(value) == 1:
        return next(iter(value)) in _INTRINSIC_KEYS
    return False


def describe(value: Any) -> str:
    """A short, readable form of an unresolved value for a note."""
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        return f"{key} {value[key]!r}"[:120]
    return repr(value)[:120]
