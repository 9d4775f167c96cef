"""Options in, one validated `DatadogConfig` out, or an `OptionError` that names the option.

Validation happens once, when the construct is created or the template command starts, so a
mistake fails before any function is touched.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import math
import re
from collections.abc import Mapping
from typing import Any

from cdk_datadog.engine import dd_tags
from cdk_datadog.engine import options as opt
from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.options import STACK_WIDE_OPTIONS, DatadogConfig, GitMetadata
from cdk_datadog.engine.tokens import as_option_value, is_token
from cdk_datadog.errors import DatadogError

APP_SEC_MODES = ("off", "on", "extension", "tracer")
LOG_LEVELS = ("trace", "debug", "info", "warn", "warning", "error", "critical", "off")
_ML_APP = re.compile(r"^[a-zA-Z0-9_\-:./]{1,193}$")
_ACCOUNT = re.compile(r"^\d{12}$")
_ARN_HEAD = r"^arn:aws(?:-[a-z]+)*:"
_ARN_PATTERNS = {
    "layer": re.compile(_ARN_HEAD + r"lambda:[a-z0-9-]+:\d{12}:layer:[A-Za-z0-9_-]+:\d+$"),
    "function": re.compile(
        _ARN_HEAD + r"lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(?::[A-Za-z0-9$_-]+)?$"
    ),
    "secret": re.compile(_ARN_HEAD + r"secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$"),
    "parameter": re.compile(_ARN_HEAD + r"ssm:[a-z0-9-]+:\d{12}:parameter/[\w/.-]+$"),
}
_ARN_EXAMPLES = {
    "layer": "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312:128",
    "function": "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder",
    "secret": "arn:aws:secretsmanager:us-east-1:123456789012:secret:datadog-api-key-AbCdEf",
    "parameter": "arn:aws:ssm:us-east-1:123456789012:parameter/datadog/api-key",
}


class OptionError(DatadogError, ValueError):
    """An option has a wrong name, type or value, or clashes with another option."""

    def __init__(self, option: str, problem: str) -> None:
        self.option = option
        self.problem = problem
        super().__init__(f"cdk-datadog: option `{option}`: {problem}")


def resolve_aliases(options: Mapping[str, Any]) -> dict[str, Any]:
    """Options with other tools' names (`lambda_fips`, ...) under ours.

    :raises OptionError: naming the alias, when it is given together with the option it
        stands for (two values for one setting), unless it is one of `AGREEING_ALIASES`
        with the same value (Datadog's Step Functions guide sets `propagateUpstreamTrace`
        and `mergeStepFunctionAndLambdaTraces` together).
    """
    resolved = dict(options)
    for alias, name in opt.ALIASES.items():
        if alias not in resolved:
            continue
        value = resolved.pop(alias)
        given = resolved.get(name)
        agrees = alias in opt.AGREEING_ALIASES and given == value
        if given is not None and value is not None and not agrees:
            raise OptionError(
                alias,
                f"is another name for `{name}`, which is also given; keep only `{name}`",
            )
        if value is not None:
            resolved[name] = value
    return resolved


def config_from_options(
    options: Mapping[str, Any], *, git: GitMetadata | None = None
) -> DatadogConfig:
    """Validate user options (snake_case) and return the config, or raise `OptionError`."""
    values: dict[str, Any] = {}
    for name, value in resolve_aliases(options).items():
        spec = opt.OPTION_SPECS.get(name)
        if spec is None:
            raise OptionError(name, _unknown_option_hint(name))
        if value is None:
            continue
        values[name] = _checked_type(spec, value)
    config = DatadogConfig(**values, git=git)
    _check_values(config)
    _check_combinations(config)
    return config


def _unknown_option_hint(name: str) -> str:
    canonical = opt.canonical_name(name)
    if canonical:
        return f"unknown option; write it in snake_case: `{canonical}`"
    close = difflib.get_close_matches(name, list(opt.OPTION_SPECS), n=1)
    hint = f" Did you mean `{close[0]}`?" if close else ""
    return f"unknown option.{hint} Options are those of datadog-cdk-constructs-v2 (snake_case)."


#: options whose value is a credential: never echoed in an error message
SECRET_OPTIONS = frozenset({"api_key", "api_kms_key"})


def _checked_type(spec: opt.OptionSpec, value: Any) -> Any:
    try:
        return _checked_type_of(spec, value)
    except OptionError:
        if spec.name in SECRET_OPTIONS:
            raise OptionError(spec.name, f"expected {spec.kind} (value not shown)") from None
        raise


def _checked_type_of(spec: opt.OptionSpec, value: Any) -> Any:
    kind = spec.kind
    if kind == opt.OBJECT:
        return value
    if is_token(value) and kind in (opt.STR, opt.STR_OR_NUMBER):
        return as_option_value(value)
    if kind == opt.BOOL:
        if isinstance(value, bool):
            return value
        raise OptionError(spec.name, f"expected True or False, got {value!r}")
    if kind == opt.STR:
        if spec.name == "datadog_app_sec_mode" and isinstance(getattr(value, "value", None), str):
            value = value.value  # the reference's DatadogAppSecMode enum
        if isinstance(value, str):
            return value
        raise OptionError(spec.name, f"expected a string, got {value!r}")
    if kind == opt.INT:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        raise OptionError(spec.name, f"expected a positive whole number, got {value!r}")
    if kind in (opt.NUMBER, opt.STR_OR_NUMBER):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if math.isfinite(value) and value >= 0:
                return value
        elif kind == opt.STR_OR_NUMBER and isinstance(value, str):
            return value
        raise OptionError(spec.name, f"expected a number of at least 0, got {value!r}")
    if kind == opt.MONITORS:
        from cdk_datadog.engine.monitors import parse_monitors

        return parse_monitors(value)
    if kind == opt.STR_LIST:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise OptionError(spec.name, f"expected a list of strings, got {value!r}")
    raise AssertionError(f"option kind {kind!r} not handled")  # pragma: no cover


def _check_arn(config: DatadogConfig, name: str, kind: str) -> None:
    value = getattr(config, name)
    if value is None or is_token(value) or _ARN_PATTERNS[kind].match(value):
        return
    raise OptionError(
        name,
        f"{value!r} is not a {kind} ARN; expected the form {_ARN_EXAMPLES[kind]!r}",
    )


def _check_values(config: DatadogConfig) -> None:
    sites = load_catalog().sites
    if not is_token(config.site) and config.site.lower() not in sites:
        close = difflib.get_close_matches(config.site.lower(), sites, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise OptionError(
            "site",
            f"{config.site!r} is not a Datadog site{hint}; use one of: " + ", ".join(sites),
        )
    for _version_option, arn_option in opt.LAYER_OPTIONS.values():
        _check_arn(config, arn_option, "layer")
    _check_arn(config, "forwarder_arn", "function")
    _check_arn(config, "api_key_secret_arn", "secret")
    _check_arn(config, "api_key_ssm_arn", "parameter")
    account = config.use_layers_from_account
    if account is not None and not is_token(account) and not _ACCOUNT.match(account):
        raise OptionError(
            "use_layers_from_account", f"{account!r} is not a 12-digit AWS account id"
        )
    if config.datadog_app_sec_mode is not None and config.datadog_app_sec_mode not in APP_SEC_MODES:
        raise OptionError(
            "datadog_app_sec_mode",
            f"{config.datadog_app_sec_mode!r} is not a mode; use one of: "
            + ", ".join(APP_SEC_MODES),
        )
    if config.log_level is not None and config.log_level.lower() not in LOG_LEVELS:
        raise OptionError(
            "log_level",
            f"{config.log_level!r} is not a log level; use one of: " + ", ".join(LOG_LEVELS),
        )
    if config.tags is not None and not dd_tags.is_well_formed(config.tags):
        raise OptionError("tags", f"{config.tags!r} must be `key:value` pairs separated by commas")
    if config.llm_obs_ml_app and not _ML_APP.match(config.llm_obs_ml_app):
        raise OptionError(
            "llm_obs_ml_app",
            f"{config.llm_obs_ml_app!r} may only hold up to 193 letters, digits, `_-:./`",
        )


def _check_combinations(config: DatadogConfig) -> None:
    for version_option, arn_option in opt.LAYER_OPTIONS.values():
        if getattr(config, version_option) is not None and getattr(config, arn_option) is not None:
            raise OptionError(
                arn_option,
                f"give either `{version_option}` or `{arn_option}`, not both",
            )
    sources = config.api_key_sources()
    if len(sources) > 1:
        raise OptionError(
            sources[1],
            "more than one API key source: "
            + ", ".join(f"`{s}`" for s in sources)
            + "; keep exactly one",
        )
    if not sources and config.uses_extension:
        name = "extension_layer_arn" if config.extension_layer_arn else "extension_layer_version"
        raise OptionError(
            name,
            "the Datadog Lambda Extension needs an API key: set `api_key_secret_arn` (or "
            "`api_key_secret`, `api_key_ssm_arn`, `api_kms_key`, `api_key`)",
        )
    if not sources and not config.flush_metrics_to_logs:
        raise OptionError(
            "flush_metrics_to_logs",
            "when false, metrics are sent directly and need an API key: set "
            "`api_key_secret_arn` (or `api_key_secret`, `api_key_ssm_arn`, `api_kms_key`, "
            "`api_key`)",
        )
    if config.enable_datadog_asm is not None and config.datadog_app_sec_mode is not None:
        raise OptionError(
            "enable_datadog_asm",
            "deprecated and exclusive with `datadog_app_sec_mode`; set only `datadog_app_sec_mode`",
        )
    if config.app_sec_mode != "off" and not (
        config.enable_datadog_tracing and config.uses_extension
    ):
        raise OptionError(
            "datadog_app_sec_mode",
            "App and API Protection needs `enable_datadog_tracing=True` and the extension "
            "(`extension_layer_version` or `extension_layer_arn`)",
        )
    if config.llm_obs_enabled and not config.llm_obs_ml_app:
        raise OptionError("llm_obs_ml_app", "required when `llm_obs_enabled` is true")
    if config.is_fips_enabled:
        _check_fips(config)
    _check_step_functions(config)


def _check_step_functions(config: DatadogConfig) -> None:
    if config.step_functions is False and (
        config.enable_step_functions_tracing or config.merge_step_function_and_lambda_traces
    ):
        name = (
            "enable_step_functions_tracing"
            if config.enable_step_functions_tracing
            else "merge_step_function_and_lambda_traces"
        )
        raise OptionError(
            name,
            "`step_functions=False` leaves state machines alone, so they cannot be traced; "
            "remove one of the two",
        )
    if (
        config.merge_step_function_and_lambda_traces
        and config.enable_step_functions_tracing is False
    ):
        raise OptionError(
            "merge_step_function_and_lambda_traces",
            "merges the traces of state machines, which `enable_step_functions_tracing=False` "
            "turns off; remove one of the two",
        )


_LAYER_NAME_IN_ARN = re.compile(r":layer:([A-Za-z0-9_-]+)(?::\d+)?$")


def _check_fips(config: DatadogConfig) -> None:
    """FIPS mode is the FIPS-compliant extension: Datadog's libraries in FIPS mode send
    metrics only through it, so asking for FIPS without it is a mistake, not a no-op."""
    if not config.uses_extension:
        raise OptionError(
            "is_fips_enabled",
            "FIPS mode needs the Datadog Lambda Extension, whose FIPS-compliant layer it "
            "attaches: set `extension_layer_version` (and an API key source), or remove "
            "`is_fips_enabled`",
        )
    arn = config.extension_layer_arn
    match = _LAYER_NAME_IN_ARN.search(arn) if arn and not is_token(arn) else None
    if match and not match.group(1).endswith("-FIPS"):
        raise OptionError(
            "extension_layer_arn",
            f"names layer {match.group(1)!r}, but `is_fips_enabled` is true: give the ARN of "
            "Datadog-Extension-FIPS (or Datadog-Extension-ARM-FIPS), or use "
            "`extension_layer_version` and cdk-datadog picks it",
        )


def function_settings(options: Mapping[str, Any], source: str) -> tuple[tuple[str, Any], ...]:
    """Per-function options, checked by name and type, in a hashable, ordered form.

    :raises OptionError: naming the option and `source`, for an unknown option, a wrong type
        or an option that only makes sense for a whole stack.
    """
    settings = []
    for name, value in sorted(resolve_aliases(options).items()):
        spec = opt.OPTION_SPECS.get(name)
        if spec is None:
            raise OptionError(name, f"({source}) {_unknown_option_hint(name)}")
        if name in STACK_WIDE_OPTIONS:
            raise OptionError(
                name, f"({source}) applies to a whole stack; set it on the Datadog construct"
            )
        if value is not None:
            checked = _checked_type(spec, value)
            settings.append((name, list(checked) if isinstance(checked, list) else checked))
    return tuple(settings)


@functools.lru_cache(maxsize=1024)
def with_function_settings(
    config: DatadogConfig, settings: tuple[tuple[str, Any], ...]
) -> DatadogConfig:
    """The config of one function: its own settings over the construct's options.

    :raises OptionError: when the combination is invalid (e.g. tracing off with App and API
        Protection on).
    """
    if not settings:
        return config
    merged = dataclasses.replace(config, **dict(settings))
    _check_values(merged)
    _check_combinations(merged)
    return merged
