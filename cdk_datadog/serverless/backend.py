"""`cdk-datadog serverless`: the backend of the Serverless Framework plugin, JSON in and out.

The plugin (serverless-plugin/) sends one request on stdin per lifecycle hook:

    {"protocol": 1, "hook": "functions" | "template",
     "service": "shop", "stage": "dev", "region": "eu-west-1",
     "custom": {...custom.datadog, variables resolved...},
     "provider": {"runtime", "architecture", "environment", "layers", "tags", "tracing"},
     "functions": {"<key>": {"logicalId", "name", "handler", "runtime", "architecture",
                             "environment", "layers", "tags", "tracing", "image", "datadog"}},
     "only": ["<key>"],                      (optional: `sls deploy function -f <key>`)
     "environment": {"DATADOG_API_KEY": ...}, (optional, as serverless-plugin-datadog reads it)
     "template": {...}}                       ("template" hook: the compiled template)

and gets one answer on stdout:

    {"protocol": 1, "version": "0.1.0", "ok": true, "enabled": true,
     "functions": {"<key>": {"handler", "environment", "layers", "tags", "tracing"}},
     "template": {...},
     "notes": [{"level", "where", "id", "message"}]}

or `{"protocol": 1, "version": ..., "ok": false, "error": "<one line naming the key>"}` with
exit status 1. `protocol` is the version handshake: the plugin refuses an answer in another
protocol, and the backend a request in another protocol.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

from cdk_datadog import __version__
from cdk_datadog.engine.config import (
    DatadogConfig,
    OptionError,
    function_settings,
    with_function_settings,
)
from cdk_datadog.engine.plan import Note
from cdk_datadog.engine.stack import SERVERLESS_NAMING
from cdk_datadog.errors import DatadogError
from cdk_datadog.serverless.functions import plan_service_functions
from cdk_datadog.serverless.translate import (
    API_KEY_ENVIRONMENT,
    ServiceContext,
    Translation,
    lambda_logical_id,
    rename_options,
    translate,
)
from cdk_datadog.templates.io import TemplateError
from cdk_datadog.templates.transform import Result, build_config, instrument

PROTOCOL = 1
HOOKS = ("functions", "template")
#: the id of the notes on keys accepted without (full) effect
KEY_NOT_APPLIED = "cdk-datadog:Serverless.keyNotApplied"


class RequestError(DatadogError, ValueError):
    """The plugin sent something this backend cannot answer."""


def validated_config(translation: Translation, cwd: Path | None = None) -> DatadogConfig:
    """The engine's config, with every error naming the key as written; per-function blocks
    are checked too, so a bad one fails the run instead of skipping its function."""
    try:
        config = build_config(dict(translation.options), cwd)
    except OptionError as error:
        raise translation.renamed(error) from None
    for logical_id, options in translation.function_options.items():
        try:
            with_function_settings(config, function_settings(options, "serverless.yml"))
        except OptionError as error:
            raise translation.renamed(error, logical_id) from None
    return config


def instrument_packaged(
    template: Any,
    translation: Translation,
    region: str | None,
    cwd: Path | None = None,
) -> Result:
    """A packaged Serverless template instrumented with a translated `custom.datadog`."""
    config = validated_config(translation, cwd)
    try:
        result = instrument(
            template,
            function_options=dict(translation.function_options),
            region=region,
            config=config,
            naming=SERVERLESS_NAMING,
        )
    except OptionError as error:
        raise translation.renamed(error) from None
    return result


def _note_json(where: str, note: Note, translation: Translation) -> dict[str, str]:
    message = rename_options(note.message, translation.written)
    return {"level": note.level, "where": where, "id": note.id, "message": message}


def _string(request: Mapping[str, Any], name: str) -> str | None:
    value = request.get(name)
    if value is not None and not isinstance(value, str):
        raise RequestError(f"`{name}` must be a string, not {type(value).__name__}")
    return value


def _mapping(request: Mapping[str, Any], name: str) -> dict[str, Any]:
    value = request.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RequestError(f"`{name}` must be a mapping, not {type(value).__name__}")
    return value


def answer(request: Any, cwd: Path | None = None) -> dict[str, Any]:
    """The answer to one request (see the module docstring).

    :raises RequestError: for a request in another protocol or of the wrong shape.
    :raises OptionError: naming the key as written, for bad `custom.datadog` input.
    :raises TemplateError: for a template that is not a CloudFormation template.
    """
    if not isinstance(request, dict):
        raise RequestError("the request must be a JSON object")
    if request.get("protocol") != PROTOCOL:
        raise RequestError(
            f"the plugin speaks protocol {request.get('protocol')!r} and cdk-datadog "
            f"{__version__} speaks protocol {PROTOCOL}: install the cdk-datadog release of "
            "your serverless-plugin-cdk-datadog version (pip install cdk-datadog==<version>)"
        )
    hook = request.get("hook")
    if hook not in HOOKS:
        raise RequestError(f"`hook` must be one of {', '.join(HOOKS)}, not {hook!r}")
    functions = _mapping(request, "functions")
    keys = {
        key: (spec.get("logicalId") if isinstance(spec, dict) else None) or lambda_logical_id(key)
        for key, spec in functions.items()
    }
    service = ServiceContext(
        name=_string(request, "service"),
        stage=_string(request, "stage"),
        functions=keys,
        environment_api_key=_mapping(request, "environment").get(API_KEY_ENVIRONMENT),
    )
    translation = translate(request.get("custom"), service, functions)
    base = {"protocol": PROTOCOL, "version": __version__, "ok": True}
    if not translation.enabled:
        return {**base, "enabled": False, "notes": []}
    notes = [
        {"level": n.level, "where": n.where, "id": KEY_NOT_APPLIED, "message": n.message}
        for n in translation.notes
    ]
    key_of = {logical_id: key for key, logical_id in keys.items()}
    region = _string(request, "region")
    if hook == "functions":
        only = request.get("only")
        if only is not None:
            functions = {key: spec for key, spec in functions.items() if key in only}
        provider = _mapping(request, "provider")
        changes, result = _function_changes(functions, provider, keys, translation, region, cwd)
        reply = {"functions": changes}
    else:
        result = instrument_packaged(request.get("template"), translation, region, cwd)
        reply = {"template": result.template}
    notes += [_note_json(key_of.get(where, where), n, translation) for where, n in result.notes]
    return {**base, "enabled": True, **reply, "notes": notes}


def _function_changes(
    functions: dict[str, Any],
    provider: dict[str, Any],
    keys: dict[str, str],
    translation: Translation,
    region: str | None,
    cwd: Path | None,
) -> tuple[dict[str, dict[str, Any]], Result]:
    """Per function key, the changes for `service.functions`."""
    config = validated_config(translation, cwd)
    changes, result = plan_service_functions(
        functions, provider, keys, config, translation.function_options, region
    )
    return {key: change.as_json() for key, change in changes.items()}, result


def run(stdin: TextIO, stdout: TextIO, stderr: TextIO, cwd: Path | None = None) -> int:
    """Read a request from `stdin`, write the answer to `stdout`; 0, or 1 on an error."""
    try:
        request = json.load(stdin)
    except ValueError as error:
        return _fail(stdout, f"the request is not JSON: {error}")
    try:
        reply = answer(request, cwd)
    except (OptionError, TemplateError, RequestError) as error:
        if isinstance(error, OptionError):
            message = f"{error.option}: {error.problem}"
        else:
            message = str(error)
        return _fail(stdout, message.splitlines()[0] if message else type(error).__name__)
    except Exception as error:  # a bug: one line for the user, the traceback for a report
        traceback.print_exc(file=stderr)
        return _fail(stdout, f"cdk-datadog failed unexpectedly ({type(error).__name__}: {error})")
    json.dump(reply, stdout)
    return 0


def _fail(stdout: TextIO, message: str) -> int:
    json.dump({"protocol": PROTOCOL, "version": __version__, "ok": False, "error": message}, stdout)
    return 1


def main() -> int:
    return run(sys.stdin, sys.stdout, sys.stderr, Path.cwd())
