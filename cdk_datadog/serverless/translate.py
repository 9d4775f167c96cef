"""`custom.datadog` (and per-function `datadog:` blocks) to engine options.

The defaults are serverless-plugin-datadog's, not the CDK construct's: the extension is on
(`addExtension: true`), `service` is the service name, `env` the stage, state machines are
left alone unless asked for. Every message names the key as the user wrote it
(`custom.datadog.addExtension`), never the engine's snake_case option; `renamed` turns an
`OptionError` from the engine into one that does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.config import STACK_WIDE_OPTIONS, OptionError
from cdk_datadog.engine.options import camel_case, canonical_name
from cdk_datadog.serverless import keys as k

CUSTOM = "custom.datadog"
API_KEY_ENVIRONMENT = "DATADOG_API_KEY"
_KEY_SOURCES = ("api_key", "api_kms_key", "api_key_secret_arn", "api_key_ssm_arn")
_EXTENSION_OPTIONS = ("extension_layer_version", "extension_layer_arn")


@dataclass(frozen=True)
class ServiceContext:
    """What the translation needs to know about the service besides `custom.datadog`."""

    name: str | None = None
    stage: str | None = None
    #: function key (as in serverless.yml) -> the function's logical id
    functions: Mapping[str, str] = field(default_factory=dict)
    #: DATADOG_API_KEY from the environment `sls` runs in, as serverless-plugin-datadog reads it
    environment_api_key: str | None = None


@dataclass(frozen=True)
class ConfigNote:
    """A key accepted without (full) effect, and why."""

    level: str
    where: str
    message: str


@dataclass(frozen=True)
class Translation:
    """Engine options from `custom.datadog`, and how to name them back."""

    enabled: bool = True
    options: dict[str, Any] = field(default_factory=dict)
    #: logical id -> per-function options (from `functions.<key>.datadog`)
    function_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: tuple[ConfigNote, ...] = ()
    #: engine option -> the key that set it, as written (`custom.datadog.addExtension`)
    written: dict[str, str] = field(default_factory=dict)
    #: logical id -> {engine option -> key as written}
    function_written: dict[str, dict[str, str]] = field(default_factory=dict)

    def renamed(self, error: OptionError, logical_id: str | None = None) -> OptionError:
        """`error` with the option and every option it mentions named as the user wrote them."""
        written = dict(self.written)
        if logical_id is not None:
            written.update(self.function_written.get(logical_id, {}))
        for option, related in _RELATED.items():
            if option not in written and related in written:
                written[option] = written[related]
        option = written.get(error.option) or _spelled(error.option)
        return OptionError(option, rename_options(error.problem, written))


#: an option the engine names in a message -> the one the user may have set instead
_RELATED = {
    "datadog_app_sec_mode": "enable_datadog_asm",
    "extension_layer_version": "extension_layer_arn",
}


def _spelled(option: str) -> str:
    """How a user of serverless-plugin-datadog would name an engine option."""
    if option.startswith((CUSTOM, "functions.")) or option in (API_KEY_ENVIRONMENT,):
        return option
    return f"{CUSTOM}.{k.PREFERRED_NAME.get(option) or camel_case(option)}"


def rename_options(text: str, written: Mapping[str, str]) -> str:
    """Backquoted snake_case option names in `text` as the user's keys (`addExtension`)."""

    def name(match: re.Match[str]) -> str:
        option, value = match.group(1), (match.group(2) or "").replace("True", "true")
        if option in written:
            return f"`{written[option].rsplit('.', 1)[-1]}{value.replace('False', 'false')}`"
        if "_" in option or option in k.PREFERRED_NAME:
            return f"`{_spelled(option).rsplit('.', 1)[-1]}{value.replace('False', 'false')}`"
        return match.group(0)

    renamed = re.sub(r"`([a-z][a-z0-9_]*)(=[^`]*)?`", name, text)
    return re.sub(r"(`[^`]+`) or \1", r"\1", renamed)


def _bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    raise OptionError(where, f"expected true or false, got {value!r}")


class _Options:
    """Options collected from keys, refusing one option set two ways."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.written: dict[str, str] = {}

    def set(self, option: str, value: Any, where: str) -> None:
        if option in self.values and self.values[option] != value:
            raise OptionError(
                where,
                f"conflicts with `{self.written[option].rsplit('.', 1)[-1]}` "
                f"({self.values[option]!r} there, {value!r} here); keep one",
            )
        self.values[option] = value
        self.written.setdefault(option, where)


def translate(section: Any, service: ServiceContext, functions: Mapping[str, Any]) -> Translation:
    """The engine options for a service: `section` is its `custom.datadog`, `functions` its
    `functions` mapping (key -> configuration, read for the `datadog:` blocks).

    :raises OptionError: naming the key as written, for an unknown, removed, mistyped or
        conflicting key.
    """
    if section is None:
        section = {}
    if not isinstance(section, dict):
        raise OptionError(CUSTOM, f"must be a mapping of keys, not {type(section).__name__}")
    if section.get("enabled", True) is False:
        return Translation(enabled=False)
    collected = _Options()
    notes: list[ConfigNote] = []
    special: dict[str, Any] = {}
    step_functions: list[tuple[bool, str]] = []
    merges: list[tuple[bool, str]] = []
    for name, value in section.items():
        where = f"{CUSTOM}.{name}"
        if name in k.REMOVED:
            raise OptionError(
                where, f"was removed from serverless-plugin-datadog; use {k.REMOVED[name]}"
            )
        key = k.BY_NAME.get(name)
        if key is None:
            option = canonical_name(name)
            if option is None:
                raise OptionError(where, _unknown(name))
            collected.set(option, value, where)
            continue
        if key.options == k.SPECIAL:
            special[name] = value
        elif key.pending_options:
            pending = ", ".join(f"`{option}`" for option in key.pending_options)
            notes.append(
                ConfigNote(
                    k.WARNING,
                    where,
                    f"accepted, not applied: this version of cdk-datadog has no {pending} "
                    "option yet",
                )
            )
        elif "step_functions" in key.options:
            step_functions.append((_bool(value, where), where))
        elif key.options == ("merge_step_function_and_lambda_traces",):
            merges.append((_bool(value, where), where))
        elif key.options:
            for option in key.options:
                collected.set(option, value, where)
        if key.note is not None:
            notes.append(ConfigNote(key.level, where, f"{key.here}: {key.note}"))
    _special_keys(special, collected, service)
    notes.extend(_step_functions(step_functions, merges, collected))
    _defaults(special, collected, service)
    function_options, function_written = _function_blocks(functions, service)
    return Translation(
        enabled=True,
        options=collected.values,
        function_options=function_options,
        notes=tuple(notes),
        written=collected.written,
        function_written=function_written,
    )


def _step_functions(
    tracing: list[tuple[bool, str]], merges: list[tuple[bool, str]], collected: _Options
) -> list[ConfigNote]:
    """serverless-plugin-datadog's Step Functions keys, any of a kind enough as there:
    enableStepFunctionsTracing (or its old spelling) instruments and traces state machines;
    propagateUpstreamTrace (or its two old spellings) rewrites their definitions, only with
    it, and is off by default."""
    traced = any(value for value, _ in tracing)
    if tracing:
        for option in ("step_functions", "enable_step_functions_tracing"):
            collected.values[option] = traced
            collected.written[option] = tracing[0][1]
        if not traced:
            del collected.values["enable_step_functions_tracing"]
    merged = any(value for value, _ in merges)
    if merged and not traced:
        where = next(where for value, where in merges if value)
        return [
            ConfigNote(
                k.WARNING,
                where,
                "accepted, not applied: definitions are rewritten only with "
                "enableStepFunctionsTracing, as in serverless-plugin-datadog",
            )
        ]
    if traced:
        collected.values["merge_step_function_and_lambda_traces"] = merged
        collected.written["merge_step_function_and_lambda_traces"] = (
            merges[0][1] if merges else tracing[0][1]
        )
    return []


def _unknown(name: str) -> str:
    close = k.closest_key(name)
    hint = f"; did you mean `{close}`?" if close else ""
    return (
        f"unknown key{hint} Keys are serverless-plugin-datadog's (see the table of keys in "
        "cdk-datadog's docs/serverless.md) or cdk-datadog's options in camelCase"
    )


def _special_keys(special: dict[str, Any], collected: _Options, service: ServiceContext) -> None:
    """Keys whose effect is more than "this value goes to that option"."""
    if "forwarder" in special:
        where = f"{CUSTOM}.forwarder"
        if "forwarder_arn" in collected.values:
            raise OptionError(where, "set together with `forwarderArn`; keep forwarderArn")
        collected.set("forwarder_arn", special["forwarder"], where)
    if "enableXrayTracing" in special:
        where = f"{CUSTOM}.enableXrayTracing"
        xray = _bool(special["enableXrayTracing"], where)
        collected.set("enable_xray_tracing", xray, where)
        # as serverless-plugin-datadog: X-Ray traces merge into Datadog's unless tracing is off
        tracing = collected.values.get("enable_datadog_tracing", True)
        collected.set("enable_merge_xray_traces", xray and tracing is not False, where)
    if "enableASM" in special:
        where = f"{CUSTOM}.enableASM"
        if _bool(special["enableASM"], where):  # false is the default: it asks for nothing
            collected.set("enable_datadog_asm", True, where)
    if "exclude" in special:
        where = f"{CUSTOM}.exclude"
        collected.set("exclude", _exclude(special["exclude"], service, where), where)
    if "addExtension" in special:
        where = f"{CUSTOM}.addExtension"
        if _bool(special["addExtension"], where):
            _default_extension(collected, where)
        else:
            for option in _EXTENSION_OPTIONS:
                if option in collected.values:
                    raise OptionError(
                        collected.written[option],
                        "is set while `addExtension` is false; remove one of them",
                    )
    handler = special.get("customHandler")
    if handler is not None and (not isinstance(handler, str) or not handler):
        raise OptionError(f"{CUSTOM}.customHandler", f"expected a handler string, got {handler!r}")
    path = special.get("cdkDatadogPath")
    if path is not None and not isinstance(path, str):
        raise OptionError(f"{CUSTOM}.cdkDatadogPath", f"expected a path, got {path!r}")


def _exclude(value: Any, service: ServiceContext, where: str) -> tuple[str, ...]:
    """Function keys as serverless-plugin-datadog takes them, as the logical ids the engine
    matches; anything else stays a glob over logical ids and function names."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise OptionError(where, f"expected a list of function keys, got {value!r}")
    return tuple(service.functions.get(item, item) for item in value)


def _default_extension(collected: _Options, where: str) -> None:
    if not any(option in collected.values for option in _EXTENSION_OPTIONS):
        version = load_catalog().default_layer_versions["extension"]
        collected.values["extension_layer_version"] = version
        collected.written["extension_layer_version"] = where


def _defaults(special: dict[str, Any], collected: _Options, service: ServiceContext) -> None:
    """serverless-plugin-datadog's defaults, where they differ from the construct's."""
    if "addExtension" not in special:
        _default_extension(collected, f"{CUSTOM}.addExtension")
    values = collected.values
    if not any(source in values for source in _KEY_SOURCES) and service.environment_api_key:
        values["api_key"] = service.environment_api_key
        collected.written["api_key"] = API_KEY_ENVIRONMENT
    if isinstance(service.name, str) and service.name:
        values.setdefault("service", service.name)
    if isinstance(service.stage, str) and service.stage:
        values.setdefault("env", service.stage)
    values.setdefault("step_functions", False)


def _function_blocks(
    functions: Mapping[str, Any], service: ServiceContext
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, str]]]:
    """`functions.<key>.datadog` blocks, by logical id: option keys only."""
    options: dict[str, dict[str, Any]] = {}
    written: dict[str, dict[str, str]] = {}
    for function_key, spec in functions.items():
        block = spec.get("datadog") if isinstance(spec, dict) else None
        if block is None:
            continue
        base = f"functions.{function_key}.datadog"
        if not isinstance(block, dict):
            raise OptionError(base, f"must be a mapping of keys, not {type(block).__name__}")
        collected = _Options()
        for name, value in block.items():
            where = f"{base}.{name}"
            key = k.BY_NAME.get(name)
            if key is not None and (key.options == k.SPECIAL or not key.options):
                raise OptionError(where, "applies to the whole service; set it in custom.datadog")
            if key is not None and key.pending_options:
                raise OptionError(where, "is not supported per function by this cdk-datadog")
            targets = key.options if key is not None else (canonical_name(name),)
            if targets == (None,):
                raise OptionError(where, _unknown(name))
            if any(option in STACK_WIDE_OPTIONS for option in targets):
                raise OptionError(where, "applies to the whole service; set it in custom.datadog")
            for option in targets:
                collected.set(option, value, where)
        logical_id = service.functions.get(function_key) or lambda_logical_id(function_key)
        options[logical_id] = collected.values
        written[logical_id] = collected.written
    return options, written


def lambda_logical_id(function_key: str) -> str:
    """The logical id the Serverless Framework gives a function (`naming.getLambdaLogicalId`):
    `hello-world` -> `HelloDashworldLambdaFunction`."""
    normalized = function_key.replace("-", "Dash").replace("_", "Underscore")
    return f"{normalized[:1].upper()}{normalized[1:]}LambdaFunction"
