"""plan_function: the one decision, for one function, that both front ends apply."""

from __future__ import annotations

import dataclasses
import fnmatch
import functools

from cdk_datadog import __version__
from cdk_datadog.engine import dd_tags
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine import variable_names as ev
from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.config import DatadogConfig, OptionError, with_function_settings
from cdk_datadog.engine.facts import FunctionFacts
from cdk_datadog.engine.grants import api_key_grants
from cdk_datadog.engine.handler import CODE_WRAPPED_FAMILIES, EXEC_WRAPPER_FAMILIES, redirect
from cdk_datadog.engine.layers import (
    choose_layers,
    fips_undecided,
    layer_name_of,
    with_fips_default,
)
from cdk_datadog.engine.limits import MAX_ENVIRONMENT_BYTES, MAX_HANDLER_LENGTH, MAX_LAYERS
from cdk_datadog.engine.notes import Note, note
from cdk_datadog.engine.plan import LayerArn, Plan, Skip
from cdk_datadog.engine.tokens import is_token
from cdk_datadog.engine.variables import (
    datadog_variables,
    datadog_variables_size,
    environment_size,
)

CONSTRUCT_TAG = "dd_cdk_construct"
CONSTRUCT_TAG_VALUE = f"cdk-datadog/{__version__}"


def excluded_by(facts: FunctionFacts, patterns: tuple[str, ...]) -> str | None:
    """The first `exclude` pattern matching the function's construct path, `aws:cdk:path`,
    logical id or FunctionName."""
    names = facts.names
    for pattern in patterns:
        if any(fnmatch.fnmatchcase(name, pattern) for name in names):
            return pattern
    return None


def function_tags(config: DatadogConfig) -> dict[str, str]:
    """Resource tags: the construct marker, unified service tags and the `tags` option."""
    return dict(_function_tags(config))


@functools.lru_cache(maxsize=64)
def _function_tags(config: DatadogConfig) -> dict[str, str]:
    tags = {CONSTRUCT_TAG: CONSTRUCT_TAG_VALUE, **dict(dd_tags.pairs(config.tags))}
    for key in ("service", "env", "version"):
        value = getattr(config, key)
        if value is not None:
            tags[key] = value
    return tags


def _kept_values(facts: FunctionFacts, wanted: dict[str, str]) -> dict[str, str]:
    """Our variables minus those the function already sets (the user wins)."""
    ours = facts.written_before.variables
    return {
        name: value
        for name, value in wanted.items()
        if name not in facts.environment or name in ours
    }


@functools.lru_cache(maxsize=64)
def _config_consequences(config: DatadogConfig) -> tuple[tuple, tuple[Note, ...]]:
    """Grants and notes that follow from the options alone, the same for every function."""
    grants, kms_unknown = api_key_grants(config)
    notes = []
    if kms_unknown:
        notes.append(note(nk.API_KEY_KMS_UNKNOWN))
    if not config.grant_secret_read_access and config.api_key_sources() not in ([], ["api_key"]):
        notes.append(note(nk.API_KEY_NO_GRANT))
    if config.api_key is not None:
        notes.append(note(nk.API_KEY_PLAINTEXT))
    if config.forwarder_arn is not None and config.uses_extension:
        notes.append(note(nk.LOGS_EXTENSION))
    if config.flush_to_log and config.forwarder_arn is None:
        notes.append(note(nk.LOGS_NOWHERE))
    if config.is_fips_enabled and not is_token(config.site) and not _is_gov_site(config.site):
        notes.append(note(nk.FIPS_SITE_NOT_GOV, site=config.site))
    return grants, tuple(notes)


def _is_gov_site(site: str) -> bool:
    return site.lower().endswith("ddog-gov.com")


def _user_overrides(facts: FunctionFacts, wanted: dict[str, str]) -> list[str]:
    return sorted(
        name
        for name, value in wanted.items()
        if name in facts.environment
        and name not in facts.written_before.variables
        and facts.environment[name] != value
        and name != ev.DD_LAMBDA_HANDLER
    )


def plan_function(facts: FunctionFacts, config: DatadogConfig) -> Plan | Skip:
    """Decide how to instrument one function: a Plan to apply, or a Skip saying why not.

    Precedence: the function's own DD_* variables, then its per-function settings
    (`facts.settings`), then the construct's options, then defaults.
    """
    if facts.opt_out is not None:
        return Skip(facts.path, note(nk.EXCLUDED, source=facts.opt_out))
    if facts.deploy_time is not None and not config.instrument_deploy_time_functions:
        return Skip(facts.path, note(nk.DEPLOY_TIME_FUNCTION, what=facts.deploy_time))
    pattern = excluded_by(facts, config.exclude)
    if pattern is not None:
        return Skip(facts.path, note(nk.EXCLUDED, source=f"exclude pattern {pattern!r}"))
    if facts.settings:
        try:
            config = with_function_settings(config, facts.settings)
        except OptionError as error:
            reason = note(nk.SETTINGS_INVALID, source=facts.settings_source, problem=str(error))
            return Skip(facts.path, reason)
        decision = _plan(facts, config)
        configured = note(
            nk.SETTINGS_APPLIED,
            source=facts.settings_source,
            names=", ".join(name for name, _ in facts.settings),
        )
        return dataclasses.replace(decision, notes=(*decision.notes, configured))
    return _plan(facts, config)


def _plan(facts: FunctionFacts, config: DatadogConfig) -> Plan | Skip:
    if facts.is_edge:
        return Skip(facts.path, note(nk.EDGE))
    config = with_fips_default(config, facts.region)
    if facts.package_type == "Image":
        return _plan_image(facts, config)
    return _plan_zip(facts, config)


def _plan_image(facts: FunctionFacts, config: DatadogConfig) -> Plan | Skip:
    carry = "the Datadog library and extension" if config.uses_extension else "the Datadog library"
    return _finish(facts, config, "image", (), None, {}, [note(nk.IMAGE, carry=carry)])


def _plan_zip(facts: FunctionFacts, config: DatadogConfig) -> Plan | Skip:
    catalog = load_catalog()
    if facts.runtime is None:
        raw = facts.unresolved.get("runtime", "missing")
        return Skip(facts.path, note(nk.RUNTIME_UNRESOLVED, value=raw))
    runtime = catalog.runtime(facts.runtime)
    if runtime is None:
        return Skip(facts.path, note(nk.RUNTIME_UNSUPPORTED, runtime=facts.runtime))
    if facts.architecture is None:
        raw = facts.unresolved.get("architecture", "missing")
        return Skip(facts.path, note(nk.ARCHITECTURE_UNRESOLVED, value=raw))
    if runtime.layers and facts.architecture not in runtime.layers:
        return Skip(
            facts.path,
            note(
                nk.ARCHITECTURE_NO_LAYER,
                architecture=facts.architecture,
                runtime=runtime.name,
            ),
        )
    family = runtime.family
    notes: list[Note] = []

    choice = choose_layers(runtime, facts.architecture, facts.region, config, catalog)
    if choice.unpublished_partition is not None:
        return Skip(
            facts.path,
            note(
                nk.LAYERS_NO_PUBLISHER,
                region=facts.region,
                partition=choice.unpublished_partition,
            ),
        )
    layers = _new_layers(facts, choice.layers, runtime.name, notes)
    if len(facts.layers) + len(layers) > MAX_LAYERS:
        names = ", ".join(layer_name_of(arn) or str(arn) for arn in facts.layers)
        return Skip(
            facts.path,
            note(
                nk.LAYERS_TOO_MANY,
                existing=len(facts.layers),
                names=names,
                added=len(layers),
            ),
        )

    wanted: dict[str, str] = {}
    new_handler = None
    if config.redirect_handler:
        if facts.handler is None and family in ("python", "node"):
            return Skip(facts.path, note(nk.HANDLER_UNRESOLVED))
        if facts.handler is not None and len(facts.handler) > MAX_HANDLER_LENGTH:
            length = len(facts.handler)
            return Skip(
                facts.path, note(nk.HANDLER_TOO_LONG, length=length, limit=MAX_HANDLER_LENGTH)
            )
        change = redirect(
            family,
            facts.handler or "",
            facts.environment,
            config.add_layers,
            config.uses_extension,
            catalog,
            config.custom_handler,
        )
        if change.conflict is not None:
            notes.append(note(nk.HANDLER_CONFLICT, value=change.conflict, handler=facts.handler))
        new_handler = change.handler
        wanted.update(change.environment)
    if family in EXEC_WRAPPER_FAMILIES and not config.uses_extension:
        notes.append(note(nk.HANDLER_NEEDS_EXTENSION, family=family))
    if family in CODE_WRAPPED_FAMILIES:
        notes.append(note(nk.HANDLER_RUBY_WRAP_IN_CODE))
    if (
        family == "node"
        and config.secret_arn
        and not config.uses_extension
        and not config.flush_to_log
    ):
        return Skip(facts.path, note(nk.API_KEY_SECRET_NODE_SYNC))
    return _finish(facts, config, family, layers, new_handler, wanted, notes)


def _new_layers(
    facts: FunctionFacts, wanted: tuple[LayerArn, ...], runtime: str, notes: list[Note]
) -> tuple[LayerArn, ...]:
    """Wanted layers the function does not carry yet (in every branch of an `Fn::If`); a
    Datadog layer of the same kind already there under another name is kept."""
    if not facts.layers:
        return wanted
    catalog = load_catalog()
    datadog_names = catalog.datadog_layer_names()
    ours = facts.written_before.layers
    existing = [layer_name_of(arn) for arn in facts.layers]
    extension_names = catalog.extension_layer_names
    result = []
    for layer in wanted:
        is_extension = layer.name in extension_names
        if layer.name in ours:
            result.append(layer)  # written on an earlier run: takes the version asked now
            continue
        if layer.name in existing:
            continue
        same_kind = [
            name
            for name in existing
            if name in datadog_names
            and name not in ours
            and (name in extension_names) == is_extension
        ]
        if same_kind:
            notes.append(
                note(
                    nk.LAYERS_WRONG,
                    existing=same_kind[0],
                    runtime=runtime,
                    architecture=facts.architecture,
                    expected=layer.name,
                )
            )
            continue
        result.append(layer)
    return tuple(result)


def _finish(
    facts: FunctionFacts,
    config: DatadogConfig,
    family: str,
    layers: tuple[LayerArn, ...],
    handler: str | None,
    handler_variables: dict[str, str],
    notes: list[Note],
) -> Plan | Skip:
    """The variables, grants, tags and log notes common to every kind of function.

    `handler_variables` are the function's own (DD_LAMBDA_HANDLER, AWS_LAMBDA_EXEC_WRAPPER);
    the DD_* variables of the options are the same for a whole family and come from a cache.
    """
    wanted = {**handler_variables, **datadog_variables(config, family)}
    if facts.environment:
        overridden = _user_overrides(facts, wanted)
        if overridden:
            notes.append(note(nk.ENV_KEPT, names=", ".join(overridden)))
        if ev.DD_TAGS in overridden and config.source_code_integration and config.git:
            notes.append(note(nk.SOURCE_CODE_TAGS_KEPT))
        environment = _kept_values(facts, wanted)
    else:
        environment = wanted
    # an upper bound first (sizes of the option variables are cached); exact only near 4 KB
    size = (
        environment_size(facts.environment)
        + environment_size(handler_variables)
        + datadog_variables_size(config, family)
    )
    if size > MAX_ENVIRONMENT_BYTES:
        size = environment_size({**facts.environment, **environment})
    if size > MAX_ENVIRONMENT_BYTES:
        return Skip(facts.path, note(nk.ENV_TOO_LARGE, size=size), tuple(notes))
    grants, config_notes = _config_consequences(config)
    notes.extend(config_notes)
    if family != "image" and fips_undecided(config, facts.region):
        notes.append(note(nk.FIPS_REGION_UNKNOWN))
    subscribe = config.forwarder_arn is not None and not config.uses_extension
    return Plan(
        path=facts.path,
        family=family,
        layers=layers,
        handler=handler,
        environment=environment,
        tags=function_tags(config),
        grants=grants,
        subscribe_logs=subscribe,
        xray_tracing=config.enable_xray_tracing,
        notes=tuple(notes),
        written_before=facts.written_before,
    )


__all__ = ["plan_function"]
