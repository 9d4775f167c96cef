"""Reading the facts of one CfnFunction, whatever L2 construct made it.

Every Lambda construct (Function, SingletonFunction, NodejsFunction, DockerImageFunction, a
raw CfnFunction) ends in a CfnFunction, so that is what we read: one `Stack.resolve` of its
properties per function, which also sees variables added late with `add_environment`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdk_datadog.engine.facts import FunctionFacts
from cdk_datadog.engine.tokens import describe, is_token


def _literal(value: Any) -> str | None:
    return value if isinstance(value, str) and not is_token(value) else None


#: a CDK tag that opts a function out, for teams that tag rather than code
OPT_OUT_TAG = "dd:instrument"


@dataclass(frozen=True)
class FunctionControl:
    """What `Datadog.exclude(fn)` or `Datadog.configure(fn, ...)` said about one function."""

    opt_out: str | None = None
    settings: tuple[tuple[str, Any], ...] = ()
    source: str | None = None


def _tag_opt_out(properties: dict[str, Any]) -> str | None:
    for tag in properties.get("tags") or []:
        is_opt_out = isinstance(tag, dict) and tag.get("key") == OPT_OUT_TAG
        if is_opt_out and str(tag.get("value")).lower() == "false":
            return f"tag {OPT_OUT_TAG}=false"
    return None


def facts_from_properties(
    path: str,
    properties: dict[str, Any],
    region: str | None,
    is_edge: bool,
    control: FunctionControl | None = None,
) -> FunctionFacts:
    """Facts from the resolved (camelCase) properties of a CfnFunction."""
    unresolved: dict[str, str] = {}
    runtime = _literal(properties.get("runtime"))
    if runtime is None and properties.get("runtime") is not None:
        unresolved["runtime"] = describe(properties["runtime"])
    architectures = properties.get("architectures") or ["x86_64"]
    architecture = None
    if isinstance(architectures, list) and len(architectures) == 1:
        architecture = _literal(architectures[0])
    if architecture is None:
        unresolved["architecture"] = describe(architectures)
    environment = (properties.get("environment") or {}).get("variables") or {}
    layers = properties.get("layers") or []
    return FunctionFacts(
        path=path,
        runtime=runtime,
        handler=_literal(properties.get("handler")),
        architecture=architecture,
        package_type=properties.get("packageType") or "Zip",
        region=region,
        environment=dict(environment) if isinstance(environment, dict) else {},
        layers=tuple(layers) if isinstance(layers, list) else (),
        is_edge=is_edge,
        function_name=_literal(properties.get("functionName")),
        unresolved=unresolved,
        opt_out=(control.opt_out if control else None) or _tag_opt_out(properties),
        settings=control.settings if control else (),
        settings_source=control.source if control else None,
    )
