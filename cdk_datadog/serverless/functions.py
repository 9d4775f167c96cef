"""The changes the plugin writes into `service.functions`, before Serverless hashes versions.

serverless.yml's function configuration is turned into the function resources Serverless
will compile (runtime, handler, architecture, environment and layers merged with the
provider's, as Serverless merges them), the template front end instruments them like any
template, and what it changed comes back per function key, in serverless.yml's terms
(`handler`, `environment`, `layers`, `tags`, `tracing`). No decision is made here: the engine
makes them all, so the plugin, `cdk-datadog instrument` and the CDK construct agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.stack import SERVERLESS_NAMING
from cdk_datadog.serverless.translate import lambda_logical_id
from cdk_datadog.templates.transform import Result, instrument

ROLE = "IamRoleLambdaExecution"


@dataclass(frozen=True)
class FunctionChanges:
    """What to write into one `service.functions` entry; empty fields change nothing."""

    handler: str | None = None
    #: variables to add (never one the function or the provider sets)
    environment: dict[str, Any] = field(default_factory=dict)
    #: the function's whole layer list (the provider's layers are copied in, as Serverless
    #: takes a function's own list instead of the provider's), or None to leave it
    layers: list[Any] | None = None
    #: tags to add
    tags: dict[str, str] = field(default_factory=dict)
    #: `tracing: Active` when X-Ray tracing is asked for and the function has none
    tracing: str | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.handler is not None:
            out["handler"] = self.handler
        if self.environment:
            out["environment"] = self.environment
        if self.layers is not None:
            out["layers"] = self.layers
        if self.tags:
            out["tags"] = self.tags
        if self.tracing is not None:
            out["tracing"] = self.tracing
        return out


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def function_resource(spec: Mapping[str, Any], provider: Mapping[str, Any]) -> dict[str, Any]:
    """The `AWS::Lambda::Function` Serverless compiles from one function's configuration
    (`spec.runtime` already resolved by the plugin through Serverless' own default)."""
    properties: dict[str, Any] = {"Role": {"Fn::GetAtt": [ROLE, "Arn"]}}
    if spec.get("image"):
        properties["PackageType"] = "Image"
    else:
        properties["Runtime"] = spec.get("runtime") or provider.get("runtime")
        properties["Handler"] = spec.get("handler")
    properties["Architectures"] = [
        spec.get("architecture") or provider.get("architecture") or "x86_64"
    ]
    variables = {**_dict(provider.get("environment")), **_dict(spec.get("environment"))}
    if variables:
        properties["Environment"] = {"Variables": variables}
    layers = spec.get("layers") if spec.get("layers") is not None else provider.get("layers")
    if isinstance(layers, list):
        properties["Layers"] = list(layers)
    tags = {**_dict(provider.get("tags")), **_dict(spec.get("tags"))}
    if tags:
        properties["Tags"] = [{"Key": key, "Value": value} for key, value in tags.items()]
    tracing = spec.get("tracing") or _dict(provider.get("tracing")).get("lambda")
    if tracing:
        properties["TracingConfig"] = {"Mode": "Active" if tracing is True else tracing}
    if isinstance(spec.get("name"), str):
        properties["FunctionName"] = spec["name"]
    return {"Type": "AWS::Lambda::Function", "Properties": properties}


def service_template(
    functions: Mapping[str, Any], provider: Mapping[str, Any], logical_ids: Mapping[str, str]
) -> dict[str, Any]:
    """A template of the service's functions (and the role Serverless gives them)."""
    resources: dict[str, Any] = {ROLE: {"Type": "AWS::IAM::Role", "Properties": {}}}
    for key, spec in functions.items():
        if isinstance(spec, dict):
            resources[logical_ids.get(key) or lambda_logical_id(key)] = function_resource(
                spec, provider
            )
    return {"Resources": resources}


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> FunctionChanges:
    """What instrumentation changed in one function resource, in serverless.yml's terms."""
    old = before.get("Properties", {})
    new = after.get("Properties", {})
    old_variables = (old.get("Environment") or {}).get("Variables") or {}
    new_variables = (new.get("Environment") or {}).get("Variables") or {}
    old_tags = {tag["Key"]: tag["Value"] for tag in old.get("Tags", [])}
    new_tags = {tag["Key"]: tag["Value"] for tag in new.get("Tags", [])}
    tracing = None
    if "TracingConfig" not in old and "TracingConfig" in new:
        tracing = new["TracingConfig"].get("Mode")
    return FunctionChanges(
        handler=new.get("Handler") if new.get("Handler") != old.get("Handler") else None,
        environment={k: v for k, v in new_variables.items() if k not in old_variables},
        layers=list(new["Layers"]) if new.get("Layers", []) != old.get("Layers", []) else None,
        tags={k: v for k, v in new_tags.items() if k not in old_tags},
        tracing=tracing,
    )


def plan_service_functions(
    functions: Mapping[str, Any],
    provider: Mapping[str, Any],
    logical_ids: Mapping[str, str],
    config: DatadogConfig,
    function_options: Mapping[str, dict[str, Any]],
    region: str | None,
) -> tuple[dict[str, FunctionChanges], Result]:
    """Per function key, what to change in `service.functions`; and the engine's result
    (decisions and notes, by logical id)."""
    template = service_template(functions, provider, logical_ids)
    # functions are read without their roles, which the template hook grants
    result = instrument(
        template,
        function_options=dict(function_options),
        region=region,
        config=config,
        naming=SERVERLESS_NAMING,
        grants=False,
    )
    changes = {}
    for key in functions:
        logical_id = logical_ids.get(key) or lambda_logical_id(key)
        if logical_id in template["Resources"]:
            changes[key] = changes_between(
                template["Resources"][logical_id], result.template["Resources"][logical_id]
            )
    return changes, result
