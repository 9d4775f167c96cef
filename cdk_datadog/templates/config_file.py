"""Options from a file: a serverless.yml (its `custom.datadog` section and per-function
`datadog:` blocks), or a plain YAML/JSON file of options.

serverless.yml is read as serverless-plugin-datadog reads it, with its key names and its
defaults: the translation lives in `cdk_datadog.serverless`, shared with the Serverless
Framework plugin, so `cdk-datadog instrument --config serverless.yml` and the plugin decide
the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdk_datadog.engine.config import OptionError
from cdk_datadog.engine.options import canonical_name
from cdk_datadog.serverless.project import is_serverless_yml, project_from_data
from cdk_datadog.serverless.translate import ConfigNote, Translation, translate
from cdk_datadog.templates.io import TemplateError, load_template


@dataclass(frozen=True)
class FileOptions:
    """Options read from a file, per-function settings by logical id, and notes on keys that
    were accepted without (full) effect."""

    options: dict[str, Any]
    function_settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: tuple[ConfigNote, ...] = ()
    enabled: bool = True
    #: serverless.yml's provider.region: the packaged template does not fix one
    region: str | None = None
    #: for a serverless.yml: how to name options back as the user wrote them, customHandler
    translation: Translation | None = None


def load_config_file(path: Path) -> FileOptions:
    """Options from `path`: serverless.yml's `custom.datadog`, or a plain file of options.

    :raises OptionError: naming the key as written, for an unknown or invalid key.
    :raises TemplateError: when the file cannot be read as YAML or JSON.
    """
    try:
        data, _ = load_template(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TemplateError(f"cannot read {path}: {error.strerror}") from None
    if is_serverless_yml(data):
        project = project_from_data(data)
        translation = translate(project.custom, project.service, project.functions)
        return FileOptions(
            translation.options,
            translation.function_options,
            translation.notes,
            enabled=translation.enabled,
            region=project.region,
            translation=translation,
        )
    if not isinstance(data, dict):
        raise TemplateError(f"{path} must hold a mapping of options")
    options = {}
    for key, value in data.items():
        name = canonical_name(key)
        if name is None:
            raise OptionError(f"options.{key}", "unknown option in the config file")
        options[name] = value
    return FileOptions(options)
