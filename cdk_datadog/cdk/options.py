"""Options for the constructs: keyword arguments over the `datadog` key of cdk.json context."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from constructs import Construct

from cdk_datadog.engine.config import DatadogConfig, OptionError, config_from_options
from cdk_datadog.engine.options import canonical_name
from cdk_datadog.git_metadata import read_git_metadata

CONTEXT_KEY = "datadog"
#: context keys datadog-cdk-constructs-v2 reads to pin the commit in CI
GIT_SHA_CONTEXT_KEY = "datadog-lambda.git-commit-sha-override"
GIT_URL_CONTEXT_KEY = "datadog-lambda.git-repository-url-override"


def context_options(scope: Construct) -> dict[str, Any]:
    """Options from `cdk.json` (`"context": {"datadog": {...}}`), snake_case or camelCase."""
    raw = scope.node.try_get_context(CONTEXT_KEY)
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise OptionError(CONTEXT_KEY, f"the cdk.json context key must be an object, got {raw!r}")
    result = {}
    for key, value in raw.items():
        name = canonical_name(key)
        if name is None:
            raise OptionError(
                f"{CONTEXT_KEY}.{key}",
                "unknown option in cdk.json context; see cdk-datadog's docs/options.md",
            )
        result[name] = value
    return result


def build_config(scope: Construct, options: Mapping[str, Any]) -> tuple[DatadogConfig, Any]:
    """The validated config, and the ISecret given as `api_key_secret` (for its grants).

    Explicit keyword arguments win over cdk.json context. An ISecret is passed to the engine
    as its ARN; the shell keeps the object to grant read access through the secret itself.
    """
    merged = {
        **context_options(scope),
        **{k: v for k, v in options.items() if v is not None},
    }
    secret = merged.get("api_key_secret")
    if secret is not None:
        # jsii interfaces are protocols that isinstance cannot check: look for what we use
        if not isinstance(getattr(secret, "secret_arn", None), str) or not hasattr(
            secret, "encryption_key"
        ):
            raise OptionError(
                "api_key_secret",
                f"expected an aws_secretsmanager.ISecret, got {type(secret).__name__}; pass a "
                "secret ARN string with `api_key_secret_arn` instead",
            )
        merged["api_key_secret"] = secret.secret_arn
    config = config_from_options(merged)
    if config.source_code_integration:
        git = read_git_metadata(
            Path.cwd(),
            scope.node.try_get_context(GIT_SHA_CONTEXT_KEY),
            scope.node.try_get_context(GIT_URL_CONTEXT_KEY),
        )
        config = dataclasses.replace(config, git=git)
    return config, secret
