"""A serverless.yml read from disk, for `cdk-datadog instrument --config serverless.yml`.

The plugin gets the service with Serverless variables resolved; a file read from disk has
them as written (`${ssm:...}`), and a value that still holds one cannot be used: a Datadog
key or ARN must never be the literal text `${...}`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cdk_datadog.engine.config import OptionError
from cdk_datadog.serverless.translate import CUSTOM, ServiceContext, lambda_logical_id
from cdk_datadog.templates.io import TemplateError, load_template

#: the Serverless Framework's defaults
DEFAULT_STAGE = "dev"
DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class ServerlessProject:
    """What `translate` needs from a serverless.yml."""

    custom: Any
    functions: dict[str, Any] = field(default_factory=dict)
    service: ServiceContext = field(default_factory=ServiceContext)
    region: str | None = None


def is_serverless_yml(data: Any) -> bool:
    """A Serverless service (rather than a plain file of options)."""
    if not isinstance(data, dict):
        return False
    custom = data.get("custom")
    return (isinstance(custom, dict) and "datadog" in custom) or "functions" in data


def _literal(value: Any) -> str | None:
    return value if isinstance(value, str) and value and "${" not in value else None


def _refuse_variables(value: Any, where: str) -> None:
    if isinstance(value, str) and "${" in value:
        raise OptionError(
            where,
            f"{value!r} is a Serverless variable, which `cdk-datadog instrument --config` "
            "cannot resolve; give the value, or use the Serverless plugin "
            "(serverless-plugin-cdk-datadog), which gets it resolved",
        )
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_variables(item, f"{where}.{key}")
    if isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_variables(item, f"{where}[{index}]")


def project_from_data(data: dict[str, Any]) -> ServerlessProject:
    """The service of a parsed serverless.yml."""
    custom = data.get("custom") if isinstance(data.get("custom"), dict) else {}
    section = custom.get("datadog")
    _refuse_variables(section, CUSTOM)
    functions = data.get("functions") if isinstance(data.get("functions"), dict) else {}
    for key, spec in functions.items():
        if isinstance(spec, dict):
            _refuse_variables(spec.get("datadog"), f"functions.{key}.datadog")
    provider = data.get("provider") if isinstance(data.get("provider"), dict) else {}
    name = data.get("service")
    if isinstance(name, dict):  # the old `service: {name: ...}` form
        name = name.get("name")
    stage = provider.get("stage", DEFAULT_STAGE)
    return ServerlessProject(
        custom=section,
        functions=functions,
        service=ServiceContext(
            name=_literal(name),
            stage=_literal(stage),
            functions={key: lambda_logical_id(key) for key in functions},
        ),
        region=_literal(provider.get("region", DEFAULT_REGION)),
    )


def read_project(path: Path) -> ServerlessProject:
    """The service of the serverless.yml at `path`.

    :raises TemplateError: when the file cannot be read as YAML or is not a service.
    """
    try:
        data, _ = load_template(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TemplateError(f"cannot read {path}: {error.strerror}") from None
    if not is_serverless_yml(data):
        raise TemplateError(f"{path} is not a serverless.yml (no functions, no custom.datadog)")
    return project_from_data(data)
