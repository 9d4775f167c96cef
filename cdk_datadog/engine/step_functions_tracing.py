"""Trace merging: a state machine definition rewritten so that its Lambda tasks and nested
executions carry Datadog's context.

Datadog links a state machine's trace to the traces of the Lambda functions and state
machines it starts when these receive the Step Functions context object (`$$`): a Lambda
task passes `Execution`, `State` and `StateMachine` in its payload, a nested execution passes
them as `CONTEXT` in its input (Datadog's "Merge Step Functions and Lambda Traces"). This
module makes that change where it keeps the task's meaning, in the forms serverless-plugin-
datadog and Datadog's CloudFormation macro write, and leaves every other task as it is with
a note that says why:

- `arn:<partition>:states:::lambda:invoke` tasks: no payload gets
  `Payload.$: $$['Execution', 'State', 'StateMachine']`; the whole input (`Payload.$: $`) gets
  `States.JsonMerge($$, $, false)`; a payload object gets the three `.$` fields. A payload
  of another shape, or one that already has fields of these names, is the user's.
- the legacy form, a function ARN as `Resource`: its `Parameters` are the payload and get the
  three fields; without `Parameters` the input goes to the function as it is and cannot take
  the context without being replaced.
- `arn:<partition>:states:::states:startExecution*` tasks: an `Input` object gets
  `CONTEXT.$: $$['Execution', 'State', 'StateMachine']`, a task without input gets an input of
  just that; `Input.$` (aws-cdk-lib's default, the whole state input) cannot take a field.
- states in JSONata are left alone: Datadog documents their own expressions.

Tasks inside Parallel branches and Map iterators are visited too. A definition already
merged is left as it is, so instrumenting twice changes nothing.

A definition is read from `Definition` (an object), `DefinitionString` as text, as `Fn::Sub`
(text with `${...}` inside its strings, as serverless-step-functions writes it) or as
`Fn::Join` of text and intrinsic functions (as aws-cdk-lib renders a definition that names
functions and state machines), with `DefinitionSubstitutions`. A definition in S3, behind a
parameter or a condition, or not valid JSON, is left untouched with a note.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cdk_datadog.engine import cfn
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.notes import Note, note
from cdk_datadog.engine.tokens import describe

#: the fields a Lambda payload carries, as Datadog documents them
PAYLOAD_CONTEXT = {
    "Execution.$": "$$.Execution",
    "State.$": "$$.State",
    "StateMachine.$": "$$.StateMachine",
}
PAYLOAD_FIELDS = ("Execution", "State", "StateMachine")
JSON_MERGE = "States.JsonMerge($$, $, false)"
CONTEXT_PATH = "$$['Execution', 'State', 'StateMachine']"

_LAMBDA_INVOKE = re.compile(r"^arn:[^:]+:states:::lambda:invoke(\.waitForTaskToken)?$")
_START_EXECUTION = re.compile(
    r"^arn:[^:]+:states:::states:startExecution(\.sync(:2)?|\.waitForTaskToken)?$"
)
_FUNCTION_ARN = re.compile(r"^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$")
_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")
_PLACEHOLDER = "__cdkdatadog{}__"
_PLACEHOLDERS = re.compile(r"__cdkdatadog(\d+)__")
#: resources whose `Ref` is a function ARN a legacy task can name
_ARN_BY_REF = ("AWS::Lambda::Alias", "AWS::Lambda::Version")

CHANGED = "changed"
ALREADY = "already merged"
LAMBDA, LEGACY, NESTED = "lambda", "legacy", "nested"


@dataclass(frozen=True)
class TraceMerge:
    """What trace merging does to one state machine: properties to set (none when the
    definition is left as it is) and notes."""

    properties: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()


@dataclass
class _Definition:
    """A definition as a document to change, how to write it back, and what its `${...}`
    and intrinsic functions stand for."""

    key: str
    document: Any
    write: Callable[[Any], Any]
    #: placeholder -> the intrinsic function it stands for (Fn::Join)
    placeholders: dict[str, Any] = field(default_factory=dict)
    #: `${name}` -> value (Fn::Sub's variables, DefinitionSubstitutions)
    variables: dict[str, Any] = field(default_factory=dict)
    #: logical ids the definition names through intrinsic functions: (id, by GetAtt)
    references: set[tuple[str, bool]] = field(default_factory=set)


class _Unreadable(Exception):
    """The definition cannot be read at synthesis; the message says what it is."""


def _compact(document: Any) -> str:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def _parse(text: str, form: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise _Unreadable(f"{form} that is not JSON known at synthesis ({error.msg})") from None


def _references(value: Any, found: set[tuple[str, bool]]) -> None:
    """Logical ids named by `Ref` and `Fn::GetAtt` in an intrinsic function, pseudo
    parameters left out."""
    if isinstance(value, Mapping):
        if isinstance(value.get("Ref"), str) and len(value) == 1:
            if "::" not in value["Ref"]:
                found.add((value["Ref"], False))
            return
        target = cfn.referenced_id(value) if "Fn::GetAtt" in value else None
        if target is not None:
            found.add((target, True))
            return
        if "Fn::Sub" in value:
            sub = value["Fn::Sub"]
            text = sub[0] if isinstance(sub, list) and sub else sub
            variables = sub[1] if isinstance(sub, list) and len(sub) > 1 else {}
            if isinstance(text, str):
                _sub_references(text, variables, found)
            _references(variables, found)
            return
        for item in value.values():
            _references(item, found)
    elif isinstance(value, list):
        for item in value:
            _references(item, found)


def _sub_references(text: str, variables: Any, found: set[tuple[str, bool]]) -> None:
    for name in _SUB_VARIABLE.findall(text):
        if "::" in name or (isinstance(variables, Mapping) and name in variables):
            continue
        found.add((name.split(".")[0], "." in name))


def _from_join(join: Any) -> _Definition:
    if not (
        isinstance(join, list)
        and len(join) == 2
        and isinstance(join[0], str)
        and isinstance(join[1], list)
    ):
        raise _Unreadable("an Fn::Join of an unexpected shape")
    delimiter, parts = join
    texts, placeholders = [], {}
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, Mapping) and len(part) == 1:
            placeholder = _PLACEHOLDER.format(len(placeholders))
            placeholders[placeholder] = part
            texts.append(placeholder)
        else:
            raise _Unreadable(f"an Fn::Join holding {describe(part)}")
    text = delimiter.join(texts)
    if len(_PLACEHOLDERS.findall(text)) != len(placeholders):
        raise _Unreadable("an Fn::Join whose text cannot be told from its functions")
    document = _parse(text, "an Fn::Join")
    references: set[tuple[str, bool]] = set()
    for intrinsic in placeholders.values():
        _references(intrinsic, references)

    def write(changed: Any) -> Any:
        pieces: list[Any] = []
        position = 0
        rendered = _compact(changed)
        for match in _PLACEHOLDERS.finditer(rendered):
            if match.start() > position:
                pieces.append(rendered[position : match.start()])
            pieces.append(placeholders[match.group(0)])
            position = match.end()
        if position < len(rendered):
            pieces.append(rendered[position:])
        return {"Fn::Join": ["", pieces]}

    return _Definition(
        "DefinitionString", document, write, placeholders=placeholders, references=references
    )


def _from_sub(sub: Any) -> _Definition:
    text, variables = (sub, {}) if isinstance(sub, str) else (None, None)
    if isinstance(sub, list) and len(sub) == 2 and isinstance(sub[1], Mapping):
        text, variables = sub
    if not isinstance(text, str):
        raise _Unreadable("an Fn::Sub of an unexpected shape")
    document = _parse(text, "an Fn::Sub")
    references: set[tuple[str, bool]] = set()
    _sub_references(text, variables, references)
    _references(variables, references)

    def write(changed: Any) -> Any:
        rendered = _compact(changed)
        return {"Fn::Sub": rendered if isinstance(sub, str) else [rendered, sub[1]]}

    return _Definition(
        "DefinitionString", document, write, variables=dict(variables), references=references
    )


def _read(resource: Mapping[str, Any]) -> _Definition | None:
    """The state machine's definition, None when it has none.

    :raises _Unreadable: when it cannot be read at synthesis.
    """
    properties = cfn.properties_of(resource)
    if properties.get("DefinitionS3Location") is not None:
        raise _Unreadable("an S3 location (DefinitionS3Location)")
    if properties.get("DefinitionUri") is not None:
        raise _Unreadable("a file or an S3 location (DefinitionUri)")
    substitutions = properties.get("DefinitionSubstitutions")
    substitutions = dict(substitutions) if isinstance(substitutions, Mapping) else {}
    definition: _Definition | None = None
    if "Definition" in properties:
        value = properties["Definition"]
        if not isinstance(value, Mapping) or cfn.referenced_id(value) or _is_intrinsic(value):
            raise _Unreadable(f"a Definition given as {describe(value)}")
        references: set[tuple[str, bool]] = set()
        _references(value, references)
        definition = _Definition(
            "Definition", copy.deepcopy(dict(value)), lambda changed: changed, references=references
        )
    elif "DefinitionString" in properties:
        value = properties["DefinitionString"]
        if isinstance(value, str):
            document = _parse(value, "a DefinitionString")
            definition = _Definition("DefinitionString", document, _compact)
        elif isinstance(value, Mapping) and set(value) == {"Fn::Join"}:
            definition = _from_join(value["Fn::Join"])
        elif isinstance(value, Mapping) and set(value) == {"Fn::Sub"}:
            definition = _from_sub(value["Fn::Sub"])
        else:
            raise _Unreadable(f"a DefinitionString given as {describe(value)}")
    if definition is None:
        return None
    if not isinstance(definition.document, dict):
        raise _Unreadable("a definition that is not a JSON object")
    for name, value in substitutions.items():
        definition.variables.setdefault(name, value)
        _references(value, definition.references)
    return definition


def _is_intrinsic(value: Mapping[str, Any]) -> bool:
    return len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref"))


# --- which tasks call what -----------------------------------------------------------------------


def _neutral(text: str) -> str:
    """The text with `${...}` and placeholders as plain words, so ARN patterns match."""
    return _PLACEHOLDERS.sub("x", _SUB_VARIABLE.sub("x", text))


def _kind_of_intrinsic(value: Any, definition: _Definition, resources: Mapping[str, Any]) -> Any:
    if not isinstance(value, Mapping):
        return None
    target = cfn.referenced_id(value)
    if target is not None:
        kind = cfn.type_of(resources.get(target))
        if "Fn::GetAtt" in value and kind in cfn.FUNCTION_TYPES:
            return LEGACY
        if "Ref" in value and kind in _ARN_BY_REF:
            return LEGACY
        return None
    if isinstance(value.get("Fn::Sub"), str):
        return _kind_of(value["Fn::Sub"], definition, resources)
    join = value.get("Fn::Join")
    if isinstance(join, list) and len(join) == 2 and isinstance(join[1], list):
        text = str(join[0]).join(part if isinstance(part, str) else "x" for part in join[1])
        return _kind_of(text, definition, resources)
    return None


def _kind_of(resource: Any, definition: _Definition, resources: Mapping[str, Any]) -> Any:
    """LAMBDA, LEGACY, NESTED, or None for a task of another service (or one that cannot be
    told)."""
    if isinstance(resource, Mapping):
        return _kind_of_intrinsic(resource, definition, resources)
    if not isinstance(resource, str):
        return None
    if resource in definition.placeholders:
        return _kind_of_intrinsic(definition.placeholders[resource], definition, resources)
    whole = _SUB_VARIABLE.fullmatch(resource)
    if whole is not None:
        name = whole.group(1)
        if name in definition.variables:
            value = definition.variables[name]
            if isinstance(value, str):
                return _kind_of(value, definition, resources)
            return _kind_of_intrinsic(value, definition, resources)
        target, _, attribute = name.partition(".")
        if attribute == "Arn" and cfn.type_of(resources.get(target)) in cfn.FUNCTION_TYPES:
            return LEGACY
        return None
    text = _neutral(resource)
    if _LAMBDA_INVOKE.match(text):
        return LAMBDA
    if _START_EXECUTION.match(text):
        return NESTED
    if _FUNCTION_ARN.match(text):
        return LEGACY
    return None


# --- the changes, task by task --------------------------------------------------------------------


def _merge_payload_object(payload: Any) -> str:
    if not isinstance(payload, dict):
        return "a payload that is not an object"
    if all(payload.get(key) == value for key, value in PAYLOAD_CONTEXT.items()):
        return ALREADY
    if any(key in payload or f"{key}.$" in payload for key in PAYLOAD_FIELDS):
        return "Execution, State or StateMachine fields of its own in its payload"
    payload.update(PAYLOAD_CONTEXT)
    return CHANGED


def _merge_lambda(state: dict[str, Any]) -> str:
    parameters = state.get("Parameters")
    if not isinstance(parameters, dict):
        return "no Parameters object"
    if "Payload" in parameters:
        return _merge_payload_object(parameters["Payload"])
    if "Payload.$" in parameters:
        path = parameters["Payload.$"]
        if path == "$":
            parameters["Payload.$"] = JSON_MERGE
            return CHANGED
        if path in (JSON_MERGE, CONTEXT_PATH):
            return ALREADY
        return f"a Payload.$ of its own ({path!r})"
    parameters["Payload.$"] = CONTEXT_PATH
    return CHANGED


def _merge_legacy(state: dict[str, Any]) -> str:
    if "Parameters" not in state:
        return (
            "a function ARN as Resource and no Parameters: its input goes to the function as "
            "it is (use arn:aws:states:::lambda:invoke)"
        )
    return _merge_payload_object(state["Parameters"])


def _merge_nested(state: dict[str, Any]) -> str:
    parameters = state.get("Parameters")
    if not isinstance(parameters, dict):
        return "no Parameters object"
    if "Input.$" in parameters:
        return (
            f"an Input.$ ({parameters['Input.$']!r}) where the context needs an Input object "
            "with a CONTEXT field"
        )
    if "Input" not in parameters:
        parameters["Input"] = {"CONTEXT.$": CONTEXT_PATH}
        return CHANGED
    task_input = parameters["Input"]
    if not isinstance(task_input, dict):
        return "an Input that is not an object"
    context = task_input.get("CONTEXT")
    if task_input.get("CONTEXT.$") in (CONTEXT_PATH, JSON_MERGE) or (
        isinstance(context, dict)
        and all(context.get(key) == value for key, value in PAYLOAD_CONTEXT.items())
    ):
        return ALREADY
    if "CONTEXT" in task_input or "CONTEXT.$" in task_input:
        return "a CONTEXT field of its own in its Input"
    task_input["CONTEXT.$"] = CONTEXT_PATH
    return CHANGED


_MERGERS = {LAMBDA: _merge_lambda, LEGACY: _merge_legacy, NESTED: _merge_nested}


@dataclass
class _Outcome:
    changed: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    #: (state name, why it was left)
    left: list[tuple[str, str]] = field(default_factory=list)


def _visit(
    container: Any,
    language: str,
    definition: _Definition,
    resources: Mapping[str, Any],
    outcome: _Outcome,
) -> None:
    states = container.get("States") if isinstance(container, dict) else None
    if not isinstance(states, dict):
        return
    language = container.get("QueryLanguage", language)
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        own_language = state.get("QueryLanguage", language)
        if state.get("Type") == "Task":
            kind = _kind_of(state.get("Resource"), definition, resources)
            if kind is not None:
                if own_language == "JSONata":
                    outcome.left.append((name, "JSONata, whose expressions Datadog documents"))
                else:
                    result = _MERGERS[kind](state)
                    if result == CHANGED:
                        outcome.changed.append(name)
                    elif result == ALREADY:
                        outcome.already.append(name)
                    else:
                        outcome.left.append((name, result))
        for branch in state.get("Branches") or []:
            _visit(branch, own_language, definition, resources, outcome)
        for key in ("Iterator", "ItemProcessor"):
            _visit(state.get(key), own_language, definition, resources, outcome)


def _names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(repr(name) for name in names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


def merge_traces(
    resource: Mapping[str, Any],
    resources: Mapping[str, Any],
    known_ids: frozenset[str] | None = None,
) -> TraceMerge:
    """Trace merging for one state machine resource (`AWS::StepFunctions::StateMachine` or
    `AWS::Serverless::StateMachine`).

    `resources` are the stack's (to tell a function's ARN from other intrinsic functions);
    `known_ids`, when given, every logical id the stack defines: a definition that names
    another (a resource of another stack, which aws-cdk-lib would export) is left as it is,
    as writing it back would lose the reference.
    """
    try:
        definition = _read(resource)
    except _Unreadable as unreadable:
        return TraceMerge(notes=(note(nk.STEP_FUNCTIONS_DEFINITION_NOT_READ, form=unreadable),))
    if definition is None:
        return TraceMerge()
    foreign = sorted(
        name
        for name, by_attribute in definition.references
        if name not in resources
        and (by_attribute or (known_ids is not None and name not in known_ids))
    )
    if foreign:
        form = f"a definition naming {_names(foreign)}, which this stack does not define"
        return TraceMerge(notes=(note(nk.STEP_FUNCTIONS_DEFINITION_NOT_READ, form=form),))
    outcome = _Outcome()
    document = definition.document
    _visit(document, document.get("QueryLanguage", "JSONPath"), definition, resources, outcome)
    notes = []
    if outcome.changed:
        notes.append(
            note(
                nk.STEP_FUNCTIONS_TRACES_MERGED,
                count=len(outcome.changed),
                tasks=_names(outcome.changed),
            )
        )
    elif outcome.already:
        notes.append(note(nk.STEP_FUNCTIONS_ALREADY_MERGED, tasks=_names(outcome.already)))
    if outcome.left:
        reasons = "; ".join(f"{name!r}: {why}" for name, why in outcome.left)
        notes.append(note(nk.STEP_FUNCTIONS_TASKS_NOT_MERGED, tasks=reasons))
    properties = {definition.key: definition.write(document)} if outcome.changed else {}
    return TraceMerge(properties, tuple(notes))
