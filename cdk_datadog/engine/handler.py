"""Pointing a function at the Datadog wrapper, so no function code changes."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

from cdk_datadog.engine import variable_names as ev
from cdk_datadog.engine.catalog import Catalog

#: families whose tracer is started by the extension's /opt/datadog_wrapper, named in
#: AWS_LAMBDA_EXEC_WRAPPER: the script configures the Java agent and the .NET profiler only
#: (datadog-lambda-extension, scripts/datadog_wrapper), as the reference and
#: serverless-plugin-datadog set it for Java and .NET only
EXEC_WRAPPER_FAMILIES = ("java", "dotnet")
#: families whose handler must call the Datadog library in code: Datadog's Ruby layer holds
#: the datadog-lambda gem and no wrapper, and Datadog's Ruby docs wrap the handler with
#: `Datadog::Lambda.wrap(event, context) { ... }`
CODE_WRAPPED_FAMILIES = ("ruby",)


@dataclass(frozen=True)
class HandlerChange:
    handler: str | None = None
    environment: Mapping[str, str] = field(default_factory=dict)
    #: DD_LAMBDA_HANDLER set by the user to something else than the current handler
    conflict: str | None = None


@functools.lru_cache(maxsize=4)
def datadog_handlers(catalog: Catalog) -> frozenset[str]:
    keys = ("python", "node_with_layer", "node_bundled")
    return frozenset(catalog.handlers[key] for key in keys)


def wrapper_handler(family: str, add_layers: bool, catalog: Catalog) -> str | None:
    if family == "python":
        return catalog.handlers["python"]
    if family == "node":
        return catalog.handlers["node_with_layer" if add_layers else "node_bundled"]
    return None


def redirect(
    family: str,
    handler: str,
    environment: Mapping[str, str],
    add_layers: bool,
    uses_extension: bool,
    catalog: Catalog,
    custom_handler: str | None = None,
) -> HandlerChange:
    """The handler and variables that make the Datadog wrapper (or the user's
    `custom_handler`, which calls it) run first.

    Never wraps twice: a handler that already is a Datadog wrapper or the custom handler is
    left alone, and so is a function whose DD_LAMBDA_HANDLER disagrees with its handler
    (reported as a conflict).
    """
    if family in EXEC_WRAPPER_FAMILIES:
        if uses_extension:
            return HandlerChange(
                environment={ev.AWS_LAMBDA_EXEC_WRAPPER: catalog.handlers["exec_wrapper"]}
            )
        return HandlerChange()
    wrapper = wrapper_handler(family, add_layers, catalog)
    if wrapper is None or handler in datadog_handlers(catalog) or handler == custom_handler:
        return HandlerChange()
    wrapper = custom_handler or wrapper
    existing = environment.get(ev.DD_LAMBDA_HANDLER)
    if existing is not None and existing != handler:
        return HandlerChange(conflict=existing)
    return HandlerChange(handler=wrapper, environment={ev.DD_LAMBDA_HANDLER: handler})
