"""What a function resource carries for Datadog, and the mistakes in it.

Pure reads and checks over one function's properties (CloudFormation or SAM, Globals merged),
for any function, instrumented by cdk-datadog, by another tool, by hand, or not at all.
`carried` reads what matters once; `report` says from it what a function carries, and each
cfn-lint rule in `cdk_datadog/lint_rules` calls exactly one check. Which log group a function
writes to and whether it is subscribed is the shared reader's question (`engine/cfn.py`), not
this module's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cdk_datadog.engine import variable_names as ev
from cdk_datadog.engine.catalog import RuntimeInfo, load_catalog
from cdk_datadog.engine.facts import ReadContext, literal
from cdk_datadog.engine.handler import CODE_WRAPPED_FAMILIES, datadog_handlers
from cdk_datadog.engine.layers import layer_name_of
from cdk_datadog.engine.limits import MAX_ENVIRONMENT_BYTES
from cdk_datadog.engine.variables import environment_size

#: variables that tell the extension where the API key is
KEY_SOURCES = (ev.DD_API_KEY, ev.DD_API_KEY_SECRET_ARN, ev.DD_API_KEY_SSM_ARN, ev.DD_KMS_API_KEY)
ENVIRONMENT = ("Environment", "Variables")


@dataclass(frozen=True)
class Finding:
    """One mistake: what is wrong and what to do, and where, under the function's Properties."""

    message: str
    path: tuple[str, ...]


@dataclass(frozen=True)
class Carried:
    """What one function carries that concerns Datadog, as its template writes it."""

    #: the literal runtime (through a parameter's default), or None
    runtime: str | None
    info: RuntimeInfo | None
    #: the one literal architecture (x86_64 when none is given), or None
    architecture: str | None
    #: the handler as written: a string, an intrinsic, or None
    handler: Any
    variables: Mapping[str, Any] = field(default_factory=dict)
    #: layer ARNs as written, and the name read from each (None when unreadable)
    layers: tuple[Any, ...] = ()
    layer_names: tuple[str | None, ...] = ()

    @property
    def family(self) -> str | None:
        return self.info.family if self.info is not None else None

    @property
    def wrapped(self) -> bool:
        """Whether the handler is one of Datadog's wrappers (Python or Node)."""
        return isinstance(self.handler, str) and self.handler in datadog_handlers(load_catalog())

    @property
    def extension(self) -> bool:
        names = load_catalog().extension_layer_names
        return any(name in names for name in self.layer_names)

    @property
    def library(self) -> bool:
        """Whether a Datadog runtime-library layer (not the extension) is attached."""
        catalog = load_catalog()
        datadog, extension = catalog.datadog_layer_names(), catalog.extension_layer_names
        return any(name in datadog and name not in extension for name in self.layer_names)

    @property
    def datadog_variables(self) -> bool:
        return any(str(name).startswith("DD_") for name in self.variables)

    def datadog_layers(self) -> list[tuple[int, Any, str]]:
        """(index, ARN as written, name) of every Datadog layer attached."""
        names = load_catalog().datadog_layer_names()
        return [
            (index, arn, name)
            for index, (arn, name) in enumerate(zip(self.layers, self.layer_names))
            if name is not None and name in names
        ]


def parameter_defaults(template: Mapping[str, Any]) -> dict[str, Any]:
    """The template's parameters that have a default, with that default."""
    parameters = template.get("Parameters")
    if not isinstance(parameters, Mapping):
        return {}
    return {
        name: spec["Default"]
        for name, spec in parameters.items()
        if isinstance(spec, Mapping) and "Default" in spec
    }


def carried(properties: Mapping[str, Any], defaults: Mapping[str, Any] | None = None) -> Carried:
    """Read a function's properties (any shape: nothing here raises)."""
    properties = properties if isinstance(properties, Mapping) else {}
    runtime = properties.get("Runtime")
    if isinstance(runtime, Mapping) and isinstance(runtime.get("Ref"), str):
        context = ReadContext(parameter_defaults=defaults or {})
        runtime = literal(runtime, "Runtime", context, [])
    runtime = runtime if isinstance(runtime, str) else None
    architectures = properties.get("Architectures", ["x86_64"])
    architecture = None
    if isinstance(architectures, list) and len(architectures) == 1:
        architecture = architectures[0] if isinstance(architectures[0], str) else None
    environment = properties.get("Environment")
    variables = environment.get("Variables") if isinstance(environment, Mapping) else None
    layers = properties.get("Layers")
    layers = tuple(layers) if isinstance(layers, list) else ()
    return Carried(
        runtime=runtime,
        info=load_catalog().runtime(runtime) if runtime is not None else None,
        architecture=architecture,
        handler=properties.get("Handler"),
        variables=dict(variables) if isinstance(variables, Mapping) else {},
        layers=layers,
        layer_names=tuple(layer_name_of(arn) for arn in layers),
    )


# --- one check per rule ----------------------------------------------------------------------


def wrapper_without_original(fn: Carried) -> list[Finding]:
    """The handler is Datadog's wrapper, but nothing tells the wrapper which code to run."""
    if not fn.wrapped or ev.DD_LAMBDA_HANDLER in fn.variables:
        return []
    return [
        Finding(
            f"Handler is the Datadog wrapper {fn.handler!r} but DD_LAMBDA_HANDLER is not set: the "
            "wrapper cannot find your code; set DD_LAMBDA_HANDLER to your original handler",
            ("Handler",),
        )
    ]


def wrapper_of_wrapper(fn: Carried) -> list[Finding]:
    """DD_LAMBDA_HANDLER names Datadog's wrapper: it would load itself."""
    original = fn.variables.get(ev.DD_LAMBDA_HANDLER)
    if not isinstance(original, str) or original not in datadog_handlers(load_catalog()):
        return []
    return [
        Finding(
            "DD_LAMBDA_HANDLER points at the Datadog wrapper itself (a double wrapper): set it "
            "to your original handler",
            (*ENVIRONMENT, ev.DD_LAMBDA_HANDLER),
        )
    ]


def _expected_layer(fn: Carried, name: str) -> str | None:
    catalog = load_catalog()
    if name in catalog.extension_layer_names:
        fips = name in catalog.fips_extension_layers.values()
        variants = catalog.fips_extension_layers if fips else catalog.extension_layers
        return variants.get(fn.architecture or "")
    if fn.info is not None and fn.info.layers:
        return fn.info.layers.get(fn.architecture or "")
    return None


def layer_mismatches(fn: Carried) -> list[Finding]:
    """Datadog layers built for another runtime or architecture than the function's."""
    if fn.runtime is None or fn.architecture is None:
        return []
    found = []
    for index, _, name in fn.datadog_layers():
        expected = _expected_layer(fn, name)
        if name == expected:
            continue
        found.append(
            Finding(
                f"Datadog layer {name!r} does not match runtime {fn.runtime} on "
                f"{fn.architecture}; use {expected!r}"
                if expected
                else f"Datadog layer {name!r} does not fit runtime {fn.runtime}; remove it",
                ("Layers", str(index)),
            )
        )
    return found


def extension_without_api_key(fn: Carried) -> list[Finding]:
    """The extension is attached, but no variable says where the API key is."""
    if not fn.extension or any(source in fn.variables for source in KEY_SOURCES):
        return []
    return [
        Finding(
            "the Datadog Lambda Extension has no API key source: set DD_API_KEY_SECRET_ARN "
            "(or DD_API_KEY_SSM_ARN, DD_KMS_API_KEY)",
            ENVIRONMENT,
        )
    ]


def clear_text_api_key(fn: Carried) -> list[Finding]:
    """DD_API_KEY as a literal: the key is in the template and the function's configuration."""
    if not isinstance(fn.variables.get(ev.DD_API_KEY), str):
        return []
    return [
        Finding(
            "DD_API_KEY holds the Datadog API key in clear text; keep it in Secrets Manager "
            "and set DD_API_KEY_SECRET_ARN",
            (*ENVIRONMENT, ev.DD_API_KEY),
        )
    ]


def metrics_go_nowhere(fn: Carried, subscribed: bool) -> list[Finding]:
    """Metrics written to the logs with nothing to ship the logs to Datadog.

    `subscribed`: whether a filter subscribes the function's log group (`cfn.function_subscribed`).
    """
    flush_to_log = str(fn.variables.get(ev.DD_FLUSH_TO_LOG, "")).lower() == "true"
    if not flush_to_log or fn.extension or subscribed:
        return []
    return [
        Finding(
            "DD_FLUSH_TO_LOG=true but no extension and no Forwarder subscription on the log "
            "group: metrics and logs go nowhere; subscribe the log group to the Forwarder",
            (*ENVIRONMENT, ev.DD_FLUSH_TO_LOG),
        )
    ]


def ruby_redirections(fn: Carried) -> list[Finding]:
    """Variables that look like Datadog instrumentation on a Ruby function but start nothing.

    Datadog's Ruby library is started by the handler's own `Datadog::Lambda.wrap` call:
    /opt/datadog_wrapper configures Java and .NET only (it matters to Ruby just for App and API
    Protection's runtime proxy), and DD_LAMBDA_HANDLER is read by the Python and Node wrappers.
    """
    if fn.family not in CODE_WRAPPED_FAMILIES:
        return []
    variables = fn.variables
    found = []
    appsec = str(variables.get(ev.DD_SERVERLESS_APPSEC_ENABLED, "")).lower() in ("1", "t", "true")
    if variables.get(ev.AWS_LAMBDA_EXEC_WRAPPER) == "/opt/datadog_wrapper" and not appsec:
        found.append((ev.AWS_LAMBDA_EXEC_WRAPPER, "/opt/datadog_wrapper configures Java and .NET"))
    if ev.DD_LAMBDA_HANDLER in variables:
        found.append((ev.DD_LAMBDA_HANDLER, "no Datadog wrapper reads it for Ruby"))
    return [
        Finding(
            f"{name} does not instrument a Ruby function ({why}): call "
            "Datadog::Lambda.wrap(event, context) in the handler (require 'datadog/lambda')",
            (*ENVIRONMENT, name),
        )
        for name, why in found
    ]


def environment_too_large(fn: Carried) -> list[Finding]:
    """Variables over Lambda's 4 KB (UTF-8 names and values)."""
    size = environment_size(fn.variables)
    if size <= MAX_ENVIRONMENT_BYTES:
        return []
    return [
        Finding(
            f"environment variables take {size} bytes; Lambda allows {MAX_ENVIRONMENT_BYTES}",
            ENVIRONMENT,
        )
    ]
