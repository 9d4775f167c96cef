"""Reading the facts of one function resource, resolving only what can be resolved.

A `Ref` to a parameter with a default resolves through the default (and says so); `Ref` to
`AWS::Region` is the region given to the command, or unknown; anything else is unknown and
the engine skips what depends on it, with a note. Nothing is guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.config import OptionError, function_settings
from cdk_datadog.engine.facts import FunctionFacts
from cdk_datadog.engine.options import canonical_name
from cdk_datadog.engine.plan import Note
from cdk_datadog.engine.planner import note
from cdk_datadog.engine.tokens import describe
from cdk_datadog.templates.io import TemplateError
from cdk_datadog.templates.sam import SERVERLESS_FUNCTION, merge_globals

LAMBDA_FUNCTION = "AWS::Lambda::Function"
FUNCTION_TYPES = (LAMBDA_FUNCTION, SERVERLESS_FUNCTION)
OPT_OUT_TAG = "dd:instrument"


@dataclass(frozen=True)
class TemplateContext:
    """What is the same for every function of one template."""

    parameter_defaults: dict[str, Any] = field(default_factory=dict)
    region: str | None = None
    globals_function: Any = None
    edge_functions: frozenset[str] = frozenset()


def _literal(value: Any, prop: str, context: TemplateContext, notes: list[Note]) -> Any:
    """A literal value, through a parameter default if need be; None when unknown."""
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict) and set(value) == {"Ref"}:
        ref = value["Ref"]
        if ref == "AWS::Region":
            return context.region
        if ref in context.parameter_defaults:
            default = context.parameter_defaults[ref]
            notes.append(
                note(nk.TEMPLATE_PARAMETER_DEFAULT, property=prop, parameter=ref, value=default)
            )
            return default
    return None


def _tags(properties: dict[str, Any]) -> dict[str, Any]:
    tags = properties.get("Tags")
    if isinstance(tags, dict):  # SAM: a map
        return tags
    if isinstance(tags, list):  # Lambda: Key/Value pairs
        return {t.get("Key"): t.get("Value") for t in tags if isinstance(t, dict)}
    return {}


def _metadata_control(
    resource: dict[str, Any],
) -> tuple[str | None, tuple[tuple[str, Any], ...], str | None]:
    """`Metadata: {Datadog: {Instrument: false, Service: ..., LogLevel: ...}}`."""
    metadata = resource.get("Metadata")
    datadog = metadata.get("Datadog") if isinstance(metadata, dict) else None
    if not isinstance(datadog, dict):
        return None, (), None
    source = "Metadata Datadog"
    options = {}
    for key, value in datadog.items():
        if key == "Instrument":
            if value is False or str(value).lower() == "false":
                return f"{source}.Instrument: false", (), None
            continue
        name = canonical_name(key)
        if name is None:
            raise OptionError(f"Metadata.Datadog.{key}", "unknown option")
        options[name] = value
    return None, function_settings(options, source), source if options else None


def function_facts(
    logical_id: str, resource: dict[str, Any], context: TemplateContext
) -> tuple[FunctionFacts, list[Note]]:
    """The facts of a function resource (SAM Globals applied), and notes on what was read."""
    own = resource.get("Properties", {})
    if not isinstance(own, dict):
        raise TemplateError(f"function {logical_id}: Properties must be a mapping")
    for prop, kind in (("Runtime", (str, dict)), ("Handler", (str, dict)), ("Layers", (list,))):
        if prop in own and not isinstance(own[prop], kind):
            raise TemplateError(
                f"function {logical_id}: {prop} must be a {' or '.join(k.__name__ for k in kind)}"
                f", not a {type(own[prop]).__name__}"
            )
    is_sam = resource.get("Type") == SERVERLESS_FUNCTION
    properties = merge_globals(context.globals_function, own) if is_sam else own
    notes: list[Note] = []
    unresolved: dict[str, str] = {}

    runtime = _literal(properties.get("Runtime"), "Runtime", context, notes)
    if runtime is not None and not isinstance(runtime, str):
        runtime = None
    if runtime is None and properties.get("Runtime") is not None:
        unresolved["runtime"] = describe(properties.get("Runtime"))
    architectures = properties.get("Architectures", ["x86_64"])
    architecture = None
    if isinstance(architectures, list) and len(architectures) == 1:
        architecture = _literal(architectures[0], "Architectures", context, notes)
    elif isinstance(architectures, dict):
        resolved = _literal(architectures, "Architectures", context, notes)
        architecture = resolved[0] if isinstance(resolved, list) and len(resolved) == 1 else None
    if not isinstance(architecture, str):
        architecture = None
        unresolved["architecture"] = describe(architectures)
    handler = properties.get("Handler")
    environment = (properties.get("Environment") or {}).get("Variables") or {}
    layers = properties.get("Layers") or []
    tags = _tags(properties)
    opt_out, settings, settings_source = _metadata_control(resource)
    if opt_out is None and str(tags.get(OPT_OUT_TAG, "")).lower() == "false":
        opt_out = f"tag {OPT_OUT_TAG}=false"
    function_name = properties.get("FunctionName")
    facts = FunctionFacts(
        path=logical_id,
        runtime=runtime,
        handler=handler if isinstance(handler, str) else None,
        architecture=architecture,
        package_type=properties.get("PackageType") or "Zip",
        region=context.region,
        environment=environment if isinstance(environment, dict) else {},
        layers=tuple(layers) if isinstance(layers, list) else (),
        is_edge=logical_id in context.edge_functions,
        function_name=function_name if isinstance(function_name, str) else None,
        unresolved=unresolved,
        opt_out=opt_out,
        settings=settings,
        settings_source=settings_source,
    )
    return facts, notes
