"""What a front end knows about one Lambda function, read from its CloudFormation shape."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cdk_datadog.engine import cfn
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.deploy_time import deploy_time_function
from cdk_datadog.engine.notes import note
from cdk_datadog.engine.patches import is_list_expression, list_items, values_at
from cdk_datadog.engine.plan import RECORD_KEY, Note, Written
from cdk_datadog.engine.tokens import describe


@dataclass(frozen=True)
class FunctionFacts:
    """One function as read from a CDK construct or a template resource.

    A value the front end could not resolve to a literal (a token, an intrinsic) is given as
    `None` with the raw form in `unresolved`, so the engine can say what it could not read.
    """

    #: construct path (CDK) or logical id (templates): the name every note uses
    path: str
    runtime: str | None
    handler: str | None
    architecture: str | None = "x86_64"
    package_type: str = "Zip"
    #: concrete region, or None when the stack is environment-agnostic
    region: str | None = None
    #: existing variables; values may be tokens, only keys and DD_* values are read
    environment: Mapping[str, str] = field(default_factory=dict)
    #: existing layer ARNs (strings; unresolvable entries as given)
    layers: tuple[str, ...] = ()
    is_edge: bool = False
    function_name: str | None = None
    #: raw forms of values that could not be resolved, keyed by fact name, for messages
    unresolved: Mapping[str, str] = field(default_factory=dict)
    #: set when the function is opted out, to where that came from ("tag dd:instrument=false")
    opt_out: str | None = None
    #: per-function options (validated with `function_settings`), and where they came from
    settings: tuple[tuple[str, Any], ...] = ()
    settings_source: str | None = None
    #: the logical id, and the construct path aws-cdk-lib recorded (also matched by `exclude`)
    logical_id: str | None = None
    cdk_path: str | None = None
    #: what kind of CDK deploy-time function this is, or None
    deploy_time: str | None = None
    #: what an earlier run of cdk-datadog recorded it wrote on the function
    written_before: Written = field(default_factory=Written)

    @property
    def names(self) -> tuple[str, ...]:
        """Every name `exclude` patterns match: construct path, `aws:cdk:path`, logical id and
        FunctionName."""
        found = [self.path]
        for name in (self.cdk_path, self.logical_id, self.function_name):
            if isinstance(name, str) and name not in found:
                found.append(name)
        if self.cdk_path and self.cdk_path.endswith("/Resource"):
            found.append(self.cdk_path[: -len("/Resource")])
        return tuple(found)


@dataclass(frozen=True)
class ReadContext:
    """What is the same for every resource of one stack."""

    region: str | None = None
    parameter_defaults: Mapping[str, Any] = field(default_factory=dict)
    edge_functions: frozenset[str] = frozenset()


def literal(value: Any, prop: str, context: ReadContext, notes: list[Note]) -> Any:
    """A literal value, through a parameter default if need be; None when unknown."""
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Mapping) and set(value) == {"Ref"}:
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


def _variables_under_every_condition(properties: Mapping[str, Any]) -> dict[str, Any]:
    """The variables the function sets whatever the conditions (in every branch of an
    `Fn::If` on the way to them); those set under some conditions only are the writer's to
    keep, branch by branch."""
    branches = values_at(properties, ("Environment", "Variables"))
    maps = [value if isinstance(value, Mapping) else {} for value in branches]
    if not maps:
        return {}
    first, *others = maps
    return {key: value for key, value in first.items() if all(key in m for m in others)}


def written_record(resource: Mapping[str, Any]) -> Written:
    """What an earlier run recorded in the function's `Metadata` (nothing when absent or not
    of the shape cdk-datadog writes)."""
    metadata = resource.get("Metadata")
    record = metadata.get(RECORD_KEY) if isinstance(metadata, Mapping) else None
    if not isinstance(record, Mapping):
        return Written()

    def names(key: str) -> frozenset[str]:
        value = record.get(key)
        if not isinstance(value, list):
            return frozenset()
        return frozenset(item for item in value if isinstance(item, str))

    return Written(names("layers"), names("variables"), names("tags"))


def function_facts(
    logical_id: str,
    resource: Mapping[str, Any],
    properties: Mapping[str, Any],
    context: ReadContext,
    path: str | None = None,
) -> tuple[FunctionFacts, list[Note]]:
    """The facts of a function resource, and notes on what was read.

    `properties` is the read view (for SAM, with `Globals.Function` merged); `path` the name
    notes use (the construct path in the CDK, the logical id in templates).
    """
    notes: list[Note] = []
    unresolved: dict[str, str] = {}
    runtime = literal(properties.get("Runtime"), "Runtime", context, notes)
    if not isinstance(runtime, str):
        runtime = None
        if properties.get("Runtime") is not None:
            unresolved["runtime"] = describe(properties.get("Runtime"))
    architectures = properties.get("Architectures", ["x86_64"])
    architecture = None
    if isinstance(architectures, list) and len(architectures) == 1:
        architecture = literal(architectures[0], "Architectures", context, notes)
    elif isinstance(architectures, Mapping):
        resolved = literal(architectures, "Architectures", context, notes)
        architecture = resolved[0] if isinstance(resolved, list) and len(resolved) == 1 else None
    if not isinstance(architecture, str):
        architecture = None
        unresolved["architecture"] = describe(architectures)
    handler = properties.get("Handler")
    environment = _variables_under_every_condition(properties)
    layers = list_items(properties.get("Layers"))
    if is_list_expression(properties.get("Layers")):
        notes.append(note(nk.LAYERS_FROM_LIST_EXPRESSION, value=describe(properties.get("Layers"))))
    function_name = properties.get("FunctionName")
    recorded_path = cfn.cdk_path(resource)
    facts = FunctionFacts(
        path=path or logical_id,
        runtime=runtime,
        handler=handler if isinstance(handler, str) else None,
        architecture=architecture,
        package_type=properties.get("PackageType") or "Zip",
        region=context.region,
        environment=environment,
        layers=tuple(layers),
        is_edge=logical_id in context.edge_functions,
        function_name=function_name if isinstance(function_name, str) else None,
        unresolved=unresolved,
        opt_out=cfn.opt_out(resource, properties),
        logical_id=logical_id,
        cdk_path=recorded_path,
        deploy_time=deploy_time_function(path, recorded_path, logical_id),
        written_before=written_record(resource),
    )
    return facts, notes
