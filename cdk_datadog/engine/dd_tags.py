"""DD_TAGS, the `key:value,key:value` text Datadog's libraries read: parsed, checked and merged
in one place, for the option, the per-function settings, the resource tags and the CDK's
`set_environment('DD_TAGS', ...)`.

A value that is a CDK token or an intrinsic function is passed through as it is: what it
holds is known only at deploy.
"""

from __future__ import annotations

from cdk_datadog.engine.tokens import is_token


def is_well_formed(text: str) -> bool:
    """Every comma-separated part is a `key:value` pair (a token passes)."""
    if is_token(text):
        return True
    return all(part.strip() and ":" in part for part in text.split(","))


def pairs(text: str | None) -> list[tuple[str, str]]:
    """The `(key, value)` pairs of a DD_TAGS text, stripped, in order; parts without a key or
    a value are left out, and so is a token."""
    if not text or is_token(text):
        return []
    found = []
    for part in text.split(","):
        key, _, value = part.partition(":")
        if key.strip() and value.strip():
            found.append((key.strip(), value.strip()))
    return found


def merged(*texts: str | None) -> str:
    """The texts' tags, one per key, a later key winning and moving to the later position, as
    datadog-cdk-constructs-v2 merges DD_TAGS; tokens are left out."""
    by_key: dict[str, str] = {}
    for text in texts:
        if not text or is_token(text):
            continue
        for part in text.split(","):
            key = part.split(":", 1)[0]
            by_key.pop(key, None)
            by_key[key] = part
    return ",".join(by_key.values())
