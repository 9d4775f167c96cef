"""`instrument_template`: the template front end over the engine.

It reads a CloudFormation, SAM or Serverless Framework template as the engine's stack input
(SAM functions with their `Globals` merged, parameter defaults, the region), asks the engine
for the stack's plan, and writes the plan into a copy of the template. The input is never
changed; running it on its own output changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdk_datadog.engine import cfn
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.config import (
    DatadogConfig,
    OptionError,
    config_from_options,
    function_settings,
)
from cdk_datadog.engine.notes import Note
from cdk_datadog.engine.plan import Plan, Skip
from cdk_datadog.engine.stack import STACK, Control, StackInput, plan_stack
from cdk_datadog.git_metadata import read_git_metadata
from cdk_datadog.templates.apply import apply_stack_plan
from cdk_datadog.templates.io import TemplateError, copy_template
from cdk_datadog.templates.naming import template_naming
from cdk_datadog.templates.sam import function_globals, merge_globals
from cdk_datadog.templates.versions import renew_versions

#: where notes about the template as a whole go, in the command's output
TEMPLATE = "(template)"


@dataclass
class Result:
    """The instrumented template, what was decided per function, and every note."""

    template: dict[str, Any]
    decisions: dict[str, Plan | Skip] = field(default_factory=dict)
    notes: list[tuple[str, Note]] = field(default_factory=list)
    resources_added: int = 0

    @property
    def errors(self) -> list[tuple[str, Note]]:
        return [(where, n) for where, n in self.notes if n.level == nk.ERROR]


def instrument_template(template: dict[str, Any], **options: Any) -> dict[str, Any]:
    """A copy of `template` with every Lambda function instrumented for Datadog.

    Options are those of `Datadog` (snake_case), plus `region` when the template does not fix
    one (layer ARNs then follow `AWS::Region` at deploy).

    :raises OptionError: (a ValueError) naming the option, for an invalid option.
    :raises TemplateError: (a ValueError) when `template` is not a CloudFormation template.
    """
    return instrument(template, **options).template


def build_config(options: dict[str, Any], cwd: Path | None = None) -> DatadogConfig:
    """Validated options; git metadata from `cwd` for source code integration."""
    config = config_from_options(options)
    if config.source_code_integration:
        git = read_git_metadata(cwd or Path.cwd())
        if git is not None:
            config = config_from_options(options, git=git)
    return config


def stack_input(
    template: dict[str, Any],
    region: str | None = None,
    function_options: dict[str, dict[str, Any]] | None = None,
    naming: str | None = None,
    grants: bool = True,
) -> StackInput:
    """The template as the engine reads a stack: SAM functions with `Globals.Function`
    merged (a read view; writes go to the function itself), parameter defaults, the region.

    :raises TemplateError: naming the function, for properties of the wrong shape.
    """
    resources = template["Resources"]
    globals_function = function_globals(template)
    view: dict[str, Any] = {}
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict):
            continue
        if cfn.type_of(resource) in cfn.FUNCTION_TYPES:
            properties = _checked_properties(logical_id, resource)
            if cfn.type_of(resource) == cfn.SERVERLESS_FUNCTION:
                resource = {**resource, "Properties": merge_globals(globals_function, properties)}
        view[logical_id] = resource
    parameters = template.get("Parameters") if isinstance(template.get("Parameters"), dict) else {}
    controls = {}
    source = "the config file's functions block"
    for logical_id, options in (function_options or {}).items():
        try:
            controls[logical_id] = Control(
                settings=function_settings(options, source), source=source
            )
        except OptionError as error:
            raise OptionError(error.option, f"function {logical_id}: {error.problem}") from None
    return StackInput(
        resources=view,
        region=region,
        parameter_defaults={
            name: spec["Default"]
            for name, spec in parameters.items()
            if isinstance(spec, dict) and "Default" in spec
        },
        controls=controls,
        naming=naming or template_naming(resources),
        grants=grants,
    )


#: the shapes the engine reads, by property: a function whose property has another shape is
#: refused with a message naming it, rather than read wrongly
_SHAPES: dict[str, tuple[type, ...]] = {
    "Runtime": (str, dict),
    "Handler": (str, dict),
    "Layers": (list, dict),
    "Environment": (dict,),
    "Architectures": (list, dict),
    "LoggingConfig": (dict,),
    "Tags": (list, dict),
    "PackageType": (str, dict),
    "FunctionName": (str, dict),
}


def _checked_properties(logical_id: str, resource: dict[str, Any]) -> dict[str, Any]:
    properties = resource.get("Properties", {})
    if not isinstance(properties, dict):
        raise TemplateError(f"function {logical_id}: Properties must be a mapping")
    for prop, kinds in _SHAPES.items():
        if prop in properties and not isinstance(properties[prop], kinds):
            _wrong_shape(logical_id, prop, kinds, properties[prop])
    variables = properties.get("Environment", {}).get("Variables", {})
    if not isinstance(variables, dict):
        _wrong_shape(logical_id, "Environment.Variables", (dict,), variables)
    return properties


def _wrong_shape(logical_id: str, prop: str, kinds: tuple[type, ...], value: Any) -> None:
    expected = " or ".join("mapping" if kind is dict else kind.__name__ for kind in kinds)
    raise TemplateError(
        f"function {logical_id}: {prop} must be a {expected}, not a {type(value).__name__}"
    )


def instrument(template: Any, **options: Any) -> Result:
    """`instrument_template`, with the decisions and notes the command line reports.

    `function_options` maps logical ids to per-function options (serverless.yml's
    `functions.<name>.datadog`); a function's `Metadata: {Datadog: ...}` wins over them.
    What only the calling front end knows: `naming` (`SERVERLESS_NAMING` for the Serverless
    plugin; by default, told from the template) and `grants` (False where roles are not read).
    """
    function_options = options.pop("function_options", None) or {}
    naming = options.pop("naming", None)
    grants = options.pop("grants", True)
    region = options.pop("region", None)
    if region is not None and not isinstance(region, str):
        raise OptionError("region", f"expected a region name such as 'us-east-1', got {region!r}")
    config = options.pop("config", None) or build_config(options)
    if not isinstance(template, dict):
        raise TemplateError(f"a template is a mapping; this one is a {type(template).__name__}")
    if not isinstance(template.get("Resources"), dict):
        raise TemplateError("the template has no Resources mapping")
    output = copy_template(template)
    size_before = len(output["Resources"])
    plan = plan_stack(stack_input(output, region, function_options, naming, grants), config)
    apply_stack_plan(output, plan)
    renew_versions(template, output)
    return Result(
        template=output,
        decisions=dict(plan.decisions),
        notes=[(TEMPLATE if where == STACK else where, n) for where, n in plan.notes],
        resources_added=len(output["Resources"]) - size_before,
    )
