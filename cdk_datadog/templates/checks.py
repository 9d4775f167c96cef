"""Datadog instrumentation mistakes in any function resource, ours or hand-made.

Pure checks over a function's (SAM-transformed) properties; the cfn-lint rule pack in
`cdk_datadog/lint_rules` reports what they find. Each finding has a cfn-lint custom-rule id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdk_datadog.engine import envvars as ev
from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.environment import environment_size
from cdk_datadog.engine.handler import CODE_WRAPPED_FAMILIES, datadog_handlers
from cdk_datadog.engine.layers import layer_name_of
from cdk_datadog.engine.limits import MAX_ENVIRONMENT_BYTES, MAX_LAYERS

KEY_SOURCES = (ev.DD_API_KEY, ev.DD_API_KEY_SECRET_ARN, ev.DD_API_KEY_SSM_ARN, ev.DD_KMS_API_KEY)


@dataclass(frozen=True)
class Finding:
    rule_id: str
    message: str
    #: property path under the function's Properties
    path: tuple[str, ...]


def _ruby_redirections(variables: dict[str, Any], env_path: tuple[str, ...]) -> list[Finding]:
    """Variables that look like Datadog instrumentation on a Ruby function but start nothing.

    Datadog's Ruby library is started by the handler's own `Datadog::Lambda.wrap` call:
    /opt/datadog_wrapper configures Java and .NET only (it matters to Ruby just for App and API
    Protection's runtime proxy), and DD_LAMBDA_HANDLER is read by the Python and Node wrappers.
    """
    found = []
    appsec = str(variables.get(ev.DD_SERVERLESS_APPSEC_ENABLED, "")).lower() in ("1", "t", "true")
    if variables.get(ev.AWS_LAMBDA_EXEC_WRAPPER) == "/opt/datadog_wrapper" and not appsec:
        found.append((ev.AWS_LAMBDA_EXEC_WRAPPER, "/opt/datadog_wrapper configures Java and .NET"))
    if ev.DD_LAMBDA_HANDLER in variables:
        found.append((ev.DD_LAMBDA_HANDLER, "no Datadog wrapper reads it for Ruby"))
    return [
        Finding(
            "W9009",
            f"{name} does not instrument a Ruby function ({why}): call "
            "Datadog::Lambda.wrap(event, context) in the handler (require 'datadog/lambda')",
            (*env_path, name),
        )
        for name, why in found
    ]


def check_function(properties: dict[str, Any], subscribed: bool) -> list[Finding]:
    """Every Datadog mistake in one function's properties."""
    catalog = load_catalog()
    findings: list[Finding] = []
    variables = (properties.get("Environment") or {}).get("Variables") or {}
    variables = variables if isinstance(variables, dict) else {}
    handler = properties.get("Handler")
    wrappers = datadog_handlers(catalog)
    layers = properties.get("Layers") or []
    layers = layers if isinstance(layers, list) else []
    names = [layer_name_of(arn) for arn in layers]
    env_path = ("Environment", "Variables")

    if handler in wrappers and ev.DD_LAMBDA_HANDLER not in variables:
        findings.append(
            Finding(
                "E9001",
                f"Handler is the Datadog wrapper {handler!r} but DD_LAMBDA_HANDLER is not set: the "
                "wrapper cannot find your code; set DD_LAMBDA_HANDLER to your original handler",
                ("Handler",),
            )
        )
    if variables.get(ev.DD_LAMBDA_HANDLER) in wrappers:
        findings.append(
            Finding(
                "E9002",
                "DD_LAMBDA_HANDLER points at the Datadog wrapper itself (a double wrapper): set it "
                "to your original handler",
                (*env_path, ev.DD_LAMBDA_HANDLER),
            )
        )
    runtime = properties.get("Runtime")
    info = catalog.runtime(runtime) if isinstance(runtime, str) else None
    if info is not None and info.family in CODE_WRAPPED_FAMILIES:
        findings.extend(_ruby_redirections(variables, env_path))
    architecture = (properties.get("Architectures") or ["x86_64"])[0]
    extension_names = catalog.extension_layer_names
    for index, name in enumerate(names):
        if name is None or name not in catalog.datadog_layer_names():
            continue
        if name in extension_names:
            fips = name in catalog.fips_extension_layers.values()
            variant = catalog.fips_extension_layers if fips else catalog.extension_layers
            expected = variant.get(architecture)
        else:
            expected = info.layers.get(architecture) if info and info.layers else None
        if isinstance(runtime, str) and isinstance(architecture, str) and name != expected:
            findings.append(
                Finding(
                    "E9003",
                    f"Datadog layer {name!r} does not match runtime {runtime} on {architecture}; "
                    f"use {expected!r}"
                    if expected
                    else f"Datadog layer {name!r} does not fit runtime {runtime}; remove it",
                    ("Layers", str(index)),
                )
            )
    has_extension = any(name in extension_names for name in names)
    if has_extension and not any(source in variables for source in KEY_SOURCES):
        findings.append(
            Finding(
                "E9004",
                "the Datadog Lambda Extension has no API key source: set DD_API_KEY_SECRET_ARN "
                "(or DD_API_KEY_SSM_ARN, DD_KMS_API_KEY)",
                env_path,
            )
        )
    if isinstance(variables.get(ev.DD_API_KEY), str):
        findings.append(
            Finding(
                "W9005",
                "DD_API_KEY holds the Datadog API key in clear text; keep it in Secrets Manager "
                "and set DD_API_KEY_SECRET_ARN",
                (*env_path, ev.DD_API_KEY),
            )
        )
    if (
        str(variables.get(ev.DD_FLUSH_TO_LOG, "")).lower() == "true"
        and not has_extension
        and not subscribed
    ):
        findings.append(
            Finding(
                "W9006",
                "DD_FLUSH_TO_LOG=true but no extension and no Forwarder subscription on the log "
                "group: metrics and logs go nowhere; subscribe the log group to the Forwarder",
                (*env_path, ev.DD_FLUSH_TO_LOG),
            )
        )
    if len(layers) > MAX_LAYERS:
        findings.append(
            Finding(
                "E9007", f"{len(layers)} layers; Lambda allows at most {MAX_LAYERS}", ("Layers",)
            )
        )
    size = environment_size(variables)
    if size > MAX_ENVIRONMENT_BYTES:
        findings.append(
            Finding(
                "E9008",
                f"environment variables take {size} bytes; Lambda allows {MAX_ENVIRONMENT_BYTES}",
                env_path,
            )
        )
    return findings
