"""`cdk-datadog report`: what every function of a template carries, ours or not.

It reads any template (instrumented by cdk-datadog, by another tool, by hand, or not at all)
and says per function which Datadog layers it has, whether the extension is there, whether
its logs are subscribed, and whether it is instrumented, partly, or not, and why.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from cdk_datadog.engine import envvars as ev
from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.cfn import FUNCTION_TYPES
from cdk_datadog.engine.handler import (
    CODE_WRAPPED_FAMILIES,
    EXEC_WRAPPER_FAMILIES,
    datadog_handlers,
)
from cdk_datadog.engine.layers import layer_name_of
from cdk_datadog.templates.sam import SERVERLESS_FUNCTION, function_globals, merge_globals

SECRET_MASK = "****"


@dataclass(frozen=True)
class FunctionRow:
    template: str
    logical_id: str
    runtime: str
    architecture: str
    handler: str
    layers: tuple[str, ...]
    extension: bool
    subscribed: bool
    status: str  # instrumented | partly | not | excluded
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "-"
    return "(" + next(iter(value)) + ")" if isinstance(value, dict) and value else str(value)


def _layer_label(arn: Any) -> str:
    """`Name:version` of a layer ARN, whether literal or an `Fn::Sub` template."""
    text = arn
    if isinstance(arn, dict) and "Fn::Sub" in arn:
        sub = arn["Fn::Sub"]
        text = sub[0] if isinstance(sub, list) else sub
    version = text.rsplit(":", 1)[-1] if isinstance(text, str) else "?"
    return f"{layer_name_of(arn) or _text(arn)}:{version}"


def _subscribed_groups(resources: dict[str, Any]) -> set[str]:
    groups = set()
    for resource in resources.values():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::Logs::SubscriptionFilter":
            group = (resource.get("Properties") or {}).get("LogGroupName")
            groups.add(repr(group))
    return groups


def _status(family: str | None, properties: dict[str, Any], names: list[str]) -> tuple[str, str]:
    catalog = load_catalog()
    variables = (properties.get("Environment") or {}).get("Variables") or {}
    handler = properties.get("Handler")
    datadog_names = catalog.datadog_layer_names()
    has_library = any(n in datadog_names and n not in catalog.extension_layer_names for n in names)
    has_dd_variables = any(str(k).startswith("DD_") for k in variables)
    if family is None:
        return "not", f"runtime {properties.get('Runtime')!r} has no Datadog layer"
    if family in ("python", "node"):
        wrapped = handler in datadog_handlers(catalog)
        if wrapped and ev.DD_LAMBDA_HANDLER in variables and (has_library or family == "node"):
            return "instrumented", "handler wrapped, library present"
        if wrapped and ev.DD_LAMBDA_HANDLER not in variables:
            return "partly", "handler wrapped but DD_LAMBDA_HANDLER is missing"
        if has_library or has_dd_variables:
            return "partly", "Datadog layer or DD_* variables, but the handler is not wrapped"
        return "not", "no Datadog layer, handler or variables"
    if family in EXEC_WRAPPER_FAMILIES:
        if variables.get(ev.AWS_LAMBDA_EXEC_WRAPPER) == "/opt/datadog_wrapper":
            return "instrumented", "started through AWS_LAMBDA_EXEC_WRAPPER"
        if has_library or has_dd_variables:
            return "partly", "Datadog layer or variables, but no AWS_LAMBDA_EXEC_WRAPPER"
        return "not", "no Datadog layer or wrapper"
    if family in CODE_WRAPPED_FAMILIES:
        # the handler's own Datadog::Lambda.wrap call is in the code, not in the template
        if has_library:
            return "instrumented", "Ruby layer present; the handler must call Datadog::Lambda.wrap"
        if has_dd_variables:
            return "partly", "DD_* variables but no Datadog Ruby layer (or a bundled gem)"
        return "not", "no Datadog layer or variables"
    if has_dd_variables:
        return "instrumented", "custom runtime with DD_* variables"
    return "not", "no DD_* variables"


def _opt_out_source(resource: dict[str, Any], properties: dict[str, Any]) -> str | None:
    """Where an opt-out that the template records came from: Metadata or the tag."""
    metadata = resource.get("Metadata")
    datadog = metadata.get("Datadog") if isinstance(metadata, dict) else None
    if isinstance(datadog, dict) and str(datadog.get("Instrument", "")).lower() == "false":
        return "Metadata Datadog.Instrument: false"
    tags = properties.get("Tags")
    pairs = (
        tags.items()
        if isinstance(tags, dict)
        else ((t.get("Key"), t.get("Value")) for t in tags or [] if isinstance(t, dict))
    )
    if any(key == "dd:instrument" and str(value).lower() == "false" for key, value in pairs):
        return "tag dd:instrument=false"
    return None


def _metadata_settings(resource: dict[str, Any]) -> str:
    metadata = resource.get("Metadata")
    datadog = metadata.get("Datadog") if isinstance(metadata, dict) else None
    if not isinstance(datadog, dict):
        return ""
    return ", ".join(sorted(key for key in datadog if key != "Instrument"))


def report_rows(template: dict[str, Any], name: str = "template") -> list[FunctionRow]:
    resources = template.get("Resources") if isinstance(template, dict) else None
    if not isinstance(resources, dict):
        return []
    catalog = load_catalog()
    globals_function = function_globals(template)
    parameters = template.get("Parameters") if isinstance(template.get("Parameters"), dict) else {}
    subscribed = _subscribed_groups(resources)
    rows = []
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or resource.get("Type") not in FUNCTION_TYPES:
            continue
        properties = resource.get("Properties") or {}
        if resource.get("Type") == SERVERLESS_FUNCTION:
            properties = merge_globals(globals_function, properties)
        layers = properties.get("Layers") or []
        names = [layer_name_of(arn) or "" for arn in layers]
        runtime = properties.get("Runtime")
        if isinstance(runtime, dict) and set(runtime) == {"Ref"}:  # a parameter's default
            runtime = (parameters.get(runtime["Ref"]) or {}).get("Default", runtime)
        info = catalog.runtime(runtime) if isinstance(runtime, str) else None
        architecture = (properties.get("Architectures") or ["x86_64"])[0]
        group = (properties.get("LoggingConfig") or {}).get("LogGroup")
        function_name = properties.get("FunctionName")
        candidates = {repr(group)} if group is not None else set()
        if isinstance(function_name, str):
            candidates.add(repr(f"/aws/lambda/{function_name}"))
        status, reason = _status(info.family if info else None, properties, names)
        if properties.get("PackageType") == "Image":
            variables = (properties.get("Environment") or {}).get("Variables") or {}
            has_dd = any(str(name).startswith("DD_") for name in variables)
            status = "partly" if has_dd else "not"
            reason = (
                "container image: DD_* variables set; the image must carry the library "
                "and extension"
                if has_dd
                else "container image without DD_* variables"
            )
        opted_out = _opt_out_source(resource, properties)
        if opted_out and status == "not":
            status, reason = "excluded", f"excluded by {opted_out}"
        settings = _metadata_settings(resource)
        if settings and status != "not":
            reason = f"{reason}; per-function settings from Metadata Datadog: {settings}"
        rows.append(
            FunctionRow(
                template=name,
                logical_id=logical_id,
                runtime=_text(runtime),
                architecture=_text(architecture),
                handler=_text(properties.get("Handler")),
                layers=tuple(
                    _layer_label(arn)
                    for arn, n in zip(layers, names)
                    if n.startswith(("Datadog", "dd-"))
                ),
                extension=any(n in catalog.extension_layer_names for n in names),
                subscribed=bool(candidates & subscribed),
                status=status,
                reason=reason,
            )
        )
    return rows
