"""Recognising values that are only known at deploy time, without importing aws_cdk.

The CDK encodes unresolved values in strings as `${Token[...]}` and in numbers as special
floats; templates use intrinsic functions (one-key mappings such as `{"Ref": ...}`). The
engine never guesses such a value: it reports it or passes it through untouched.
"""

from __future__ import annotations

import json
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


class Intrinsic(str):
    """An option's value given as an intrinsic function (`Service: !Ref Svc` in a function's
    `Metadata.Datadog`), held as text that reads as a token, so that it is hashable like every
    option and every check that leaves deploy-time values alone leaves it alone too;
    `plain` gives back the intrinsic function to write."""

    value: dict[str, Any]

    def __new__(cls, value: dict[str, Any]) -> Intrinsic:
        text = json.dumps(value, sort_keys=True)
        made = super().__new__(cls, "${Token[" + text + "]}")
        made.value = value
        return made


def as_option_value(value: Any) -> Any:
    """`value`, an intrinsic function held as an `Intrinsic`."""
    if isinstance(value, dict) and is_token(value):
        return Intrinsic(value)
    return value


def plain(value: Any) -> Any:
    """The value to write: an `Intrinsic` as its intrinsic function."""
    return value.value if isinstance(value, Intrinsic) else value


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
