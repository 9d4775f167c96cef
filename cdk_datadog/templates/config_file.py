"""Options from a file: a serverless.yml (its `custom.datadog` section, with the keys
serverless-plugin-datadog documents) or a plain YAML/JSON file of options.

serverless.yml's own names differ from ours in places (`enableDDTracing`, `addExtension`,
`apiKMSKey`); they are translated here, and keys the plugin documents that have no meaning
for a template transform (app keys, failOnError) are reported and ignored rather than guessed.
`monitors` become Datadog::Monitors::Monitor resources of the template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.config import OptionError
from cdk_datadog.engine.options import canonical_name
from cdk_datadog.templates.io import TemplateError, load_template

#: serverless-plugin-datadog keys whose name differs from ours
SERVERLESS_KEYS = {
    "apiKey": "api_key",
    "apiKMSKey": "api_kms_key",
    "apiKeySecretArn": "api_key_secret_arn",
    "addLayers": "add_layers",
    "forwarderArn": "forwarder_arn",
    "forwarder": "forwarder_arn",
    "enableDDTracing": "enable_datadog_tracing",
    "enableDDLogs": "enable_datadog_logs",
    "enableXrayTracing": "enable_xray_tracing",
    "enableSourceCodeIntegration": "source_code_integration",
    "enableASM": "enable_datadog_asm",
    "appSecMode": "datadog_app_sec_mode",
    "redirectHandlers": "redirect_handler",
    "subscribeToStepFunctionLogs": "step_functions",
}
#: documented by the plugin, meaningless for a template transform: ignored, with a warning
IGNORED_KEYS = frozenset(
    {
        "appKey",
        "monitorsApiKey",
        "monitorsAppKey",
        "integrationTesting",
        "failOnError",
        "skipCloudformationOutputs",
        "uploadGitMetadata",
        "customHandler",
        "testingMode",
    }
)


@dataclass(frozen=True)
class FileOptions:
    """Options read from a file, per-function settings by logical id, and what was ignored."""

    options: dict[str, Any]
    function_settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    ignored: tuple[str, ...] = ()
    enabled: bool = True
    #: serverless.yml's provider.region: the packaged template does not fix one
    region: str | None = None


def serverless_logical_id(function_key: str) -> str:
    """The logical id the Serverless Framework gives a function: `hello-world` ->
    `HelloDashworldLambdaFunction`."""
    normalized = function_key[:1].upper() + function_key[1:]
    normalized = normalized.replace("-", "Dash").replace("_", "Underscore")
    return f"{normalized}LambdaFunction"


def _translate(section: dict[str, Any], where: str) -> tuple[dict[str, Any], list[str]]:
    options: dict[str, Any] = {}
    ignored = []
    for key, value in section.items():
        if key in IGNORED_KEYS:
            ignored.append(key)
            continue
        if key == "addExtension":
            if value:
                options["extension_layer_version"] = load_catalog().default_layer_versions[
                    "extension"
                ]
            continue
        if key == "enabled":
            continue
        name = SERVERLESS_KEYS.get(key) or canonical_name(key)
        if name is None:
            raise OptionError(f"{where}.{key}", "unknown option in the config file")
        options[name] = value
    return options, ignored


def load_config_file(path: Path) -> FileOptions:
    """Options from `path`: serverless.yml's `custom.datadog`, or a plain file of options.

    :raises OptionError: naming the key, for an unknown option.
    :raises TemplateError: when the file cannot be read as YAML or JSON.
    """
    try:
        data, _ = load_template(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TemplateError(f"cannot read {path}: {error.strerror}") from None
    custom = data.get("custom")
    if (isinstance(custom, dict) and "datadog" in custom) or "functions" in data:
        section = (custom or {}).get("datadog") or {}
        if not isinstance(section, dict):
            raise OptionError("custom.datadog", "must be a mapping of options")
        options, ignored = _translate(section, "custom.datadog")
        per_function = {}
        for key, spec in (data.get("functions") or {}).items():
            block = spec.get("datadog") if isinstance(spec, dict) else None
            if isinstance(block, dict):
                settings, more = _translate(block, f"functions.{key}.datadog")
                ignored.extend(more)
                per_function[serverless_logical_id(key)] = settings
        provider = data.get("provider") if isinstance(data.get("provider"), dict) else {}
        region = provider.get("region")
        return FileOptions(
            options,
            per_function,
            tuple(ignored),
            enabled=section.get("enabled", True) is not False,
            region=region if isinstance(region, str) else None,
        )
    options, ignored = _translate(data, "options")
    return FileOptions(options, {}, tuple(ignored))
