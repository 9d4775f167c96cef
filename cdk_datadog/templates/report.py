"""`cdk-datadog report`: what every function of a template carries, ours or not, and why.

It reads any template (instrumented by cdk-datadog, by another tool, by hand, or not at all)
and says per function which Datadog layers it has, whether the extension is there, whether
its log group is subscribed, and whether it is instrumented, partly, not, or excluded.

The reasons are the engine's: the template is planned as `cdk-datadog instrument` would plan
it with default options, so a function that is or would be left alone gives the same note
(and note id) that `instrument` prints and the CDK construct annotates, e.g.
`cdk-datadog:Function.edge` for Lambda@Edge. Reading is the shared reader's: which log group
is a function's and whether it is subscribed comes from `engine/cfn.py`, what a function
carries from `templates/checks.py`. A template the engine refuses is reported function by
function; nothing here raises on a template's content.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from cdk_datadog.engine import cfn
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine import variable_names as ev
from cdk_datadog.engine.config import DatadogConfig, OptionError, config_from_options
from cdk_datadog.engine.handler import CODE_WRAPPED_FAMILIES, EXEC_WRAPPER_FAMILIES
from cdk_datadog.engine.notes import Note
from cdk_datadog.engine.plan import Plan, Skip
from cdk_datadog.engine.stack import plan_stack
from cdk_datadog.templates.checks import Carried, carried, parameter_defaults
from cdk_datadog.templates.sam import function_globals, merge_globals
from cdk_datadog.templates.transform import stack_input

INSTRUMENTED = "instrumented"
PARTLY = "partly"
NOT = "not"
EXCLUDED = "excluded"
#: skips that leave a function alone on purpose: its status is "excluded", not "not"
_ON_PURPOSE = frozenset({nk.EXCLUDED.id, nk.DEPLOY_TIME_FUNCTION.id})
#: notes of a Plan that explain what a function carries, in order of precedence
_EXPLAINING = (
    nk.IMAGE.id,
    nk.HANDLER_CONFLICT.id,
    nk.LAYERS_WRONG.id,
    nk.HANDLER_RUBY_WRAP_IN_CODE.id,
    nk.SETTINGS_APPLIED.id,
)
#: of those, the ones whose message the report's own reason already says
_SAID = frozenset({nk.IMAGE.id})


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
    #: the note id of the engine's reason (`cdk-datadog:Function.edge`), or None
    note_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@functools.lru_cache(maxsize=1)
def _neutral_config() -> DatadogConfig:
    """Default options: what `cdk-datadog instrument` does when given none."""
    return config_from_options({})


@dataclass(frozen=True)
class _Read:
    """One function as planned: its read view (SAM Globals merged) and the engine's decision,
    or the error that kept the engine from planning it."""

    properties: Mapping[str, Any]
    decision: Plan | Skip | None = None
    error: str | None = None
    #: the reason the engine gives for a function it cannot plan (invalid settings)
    note: Note | None = None


def _plan(template: dict[str, Any]) -> dict[str, _Read]:
    """The engine's decision for each function of the template, with default options."""
    planned = stack_input(template)
    decisions = plan_stack(planned, _neutral_config()).decisions
    return {
        logical_id: _Read(cfn.properties_of(planned.resources[logical_id]), decision)
        for logical_id, decision in decisions.items()
    }


def _plan_each(template: dict[str, Any], functions: list[str]) -> dict[str, _Read]:
    """`_plan`, one function at a time, when the engine refuses the whole template: the error
    then lands on the function that caused it and the others are still read."""
    resources = template["Resources"]
    others = {
        logical_id: resource
        for logical_id, resource in resources.items()
        if cfn.type_of(resource) not in cfn.FUNCTION_TYPES
    }
    found = {}
    for logical_id in functions:
        alone = {**template, "Resources": {**others, logical_id: resources[logical_id]}}
        try:
            found.update(_plan(alone))
        except OptionError as error:  # only per-function settings (Metadata.Datadog) raise it
            problem = str(error).removeprefix("cdk-datadog: ")
            invalid = nk.note(nk.SETTINGS_INVALID, source="Metadata Datadog", problem=problem)
            found[logical_id] = _Read(_properties(resources[logical_id], template), note=invalid)
        except (ValueError, TypeError, AttributeError) as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            found[logical_id] = _Read(
                _properties(resources[logical_id], template),
                error=f"cdk-datadog cannot read it: {message.removeprefix('cdk-datadog: ')}",
            )
    return found


def _properties(resource: Any, template: dict[str, Any]) -> Mapping[str, Any]:
    """A function's properties as SAM reads them, for a function the engine could not read."""
    properties = resource.get("Properties") if isinstance(resource, Mapping) else None
    if not isinstance(properties, dict):
        return {}
    if cfn.type_of(resource) == cfn.SERVERLESS_FUNCTION:
        return merge_globals(function_globals(template), properties)
    return properties


def report_rows(template: Any, name: str = "template") -> list[FunctionRow]:
    """A row per Lambda function of `template` (CloudFormation, SAM or Serverless Framework)."""
    resources = template.get("Resources") if isinstance(template, dict) else None
    if not isinstance(resources, dict):
        return []
    functions = [lid for lid, r in resources.items() if cfn.type_of(r) in cfn.FUNCTION_TYPES]
    try:
        reads = _plan(template)
    except (ValueError, TypeError, AttributeError):
        reads = _plan_each(template, functions)
    groups = cfn.index_log_groups(resources)
    defaults = parameter_defaults(template)
    return [_row(name, lid, reads[lid], groups, defaults) for lid in functions]


def _row(
    template: str,
    logical_id: str,
    read: _Read,
    groups: cfn.LogGroups,
    defaults: Mapping[str, Any],
) -> FunctionRow:
    properties = read.properties
    fn = carried(properties, defaults)
    status, reason = _carried_status(fn, properties)
    status, reason, note_id = _with_the_engines_reason(status, reason, read)
    return FunctionRow(
        template=template,
        logical_id=logical_id,
        runtime=fn.runtime or _text(properties.get("Runtime")),
        architecture=fn.architecture or _text(properties.get("Architectures")),
        handler=_text(properties.get("Handler")),
        layers=tuple(_layer_label(arn, name) for _, arn, name in fn.datadog_layers()),
        extension=fn.extension,
        subscribed=cfn.function_subscribed(logical_id, properties, groups),
        status=status,
        reason=reason,
        note_id=note_id,
    )


def _with_the_engines_reason(status: str, reason: str, read: _Read) -> tuple[str, str, str | None]:
    """The status and reason from what the function carries, explained by the engine's note:
    why it is or would be skipped, or what is special about it."""
    if read.error is not None:
        return status, f"{reason}; {read.error}" if status != NOT else read.error, None
    decision = read.decision
    skip_note = read.note or (decision.reason if isinstance(decision, Skip) else None)
    if skip_note is not None:
        if status == INSTRUMENTED:
            return status, reason, None
        if status == NOT:
            return EXCLUDED if skip_note.id in _ON_PURPOSE else NOT, skip_note.message, skip_note.id
        return status, f"{reason}; {skip_note.message}", skip_note.id
    if status == NOT or not isinstance(decision, Plan):
        return status, reason, None
    explaining = sorted(
        (n for n in decision.notes if n.id in _EXPLAINING), key=lambda n: _EXPLAINING.index(n.id)
    )
    if not explaining:
        return status, reason, None
    said = [n.message for n in explaining if n.id not in _SAID]
    return status, "; ".join([reason, *said]), explaining[0].id


def _carried_status(fn: Carried, properties: Mapping[str, Any]) -> tuple[str, str]:
    """Instrumented, partly or not, from what the function carries alone."""
    if properties.get("PackageType") == "Image":
        if fn.datadog_variables:
            return PARTLY, (
                "container image with DD_* variables; the image must carry the Datadog library "
                "(and the extension, to use it) and run the Datadog wrapper"
            )
        return NOT, "container image without DD_* variables"
    family = fn.family
    if family is None:
        return NOT, f"runtime {_text(properties.get('Runtime'))} has no Datadog layer"
    if family in ("python", "node"):
        original = ev.DD_LAMBDA_HANDLER in fn.variables
        if fn.wrapped and original and (fn.library or family == "node"):
            return INSTRUMENTED, "handler wrapped, library present"
        if fn.wrapped and not original:
            return PARTLY, "handler wrapped but DD_LAMBDA_HANDLER is missing"
        if fn.library or fn.datadog_variables:
            return PARTLY, "Datadog layer or DD_* variables, but the handler is not wrapped"
        return NOT, "no Datadog layer, handler or variables"
    if family in EXEC_WRAPPER_FAMILIES:
        if fn.variables.get(ev.AWS_LAMBDA_EXEC_WRAPPER) == "/opt/datadog_wrapper":
            return INSTRUMENTED, "started through AWS_LAMBDA_EXEC_WRAPPER"
        if fn.library or fn.datadog_variables:
            return PARTLY, "Datadog layer or variables, but no AWS_LAMBDA_EXEC_WRAPPER"
        return NOT, "no Datadog layer or wrapper"
    if family in CODE_WRAPPED_FAMILIES:
        # the handler's own Datadog::Lambda.wrap call is in the code, not in the template
        if fn.library:
            return INSTRUMENTED, "Ruby layer present"
        if fn.datadog_variables:
            return PARTLY, "DD_* variables but no Datadog Ruby layer (or a bundled gem)"
        return NOT, "no Datadog layer or variables"
    if fn.datadog_variables:
        return INSTRUMENTED, "custom runtime with DD_* variables"
    return NOT, "no DD_* variables"


def _text(value: Any) -> str:
    """A property as one short text: itself, `(Fn::Sub)` for an intrinsic, `-` when absent."""
    if isinstance(value, str):
        return value
    if value is None:
        return "-"
    if isinstance(value, list) and len(value) == 1:
        return _text(value[0])
    return "(" + str(next(iter(value))) + ")" if isinstance(value, dict) and value else str(value)


def _layer_label(arn: Any, name: str) -> str:
    """`Name:version` of a layer ARN, whether literal or an `Fn::Sub` template."""
    text = arn
    if isinstance(arn, dict) and "Fn::Sub" in arn:
        sub = arn["Fn::Sub"]
        text = sub[0] if isinstance(sub, list) and sub else sub
    version = text.rsplit(":", 1)[-1] if isinstance(text, str) else "?"
    return f"{name}:{version}"
