"""Reading and writing templates, JSON or YAML, with CloudFormation's short-form tags intact.

cfn-flip parses `!Ref`, `!Sub`, `!GetAtt` and the other intrinsic tags into their long form
(`{"Ref": ...}`), which the engine and the transformer read like JSON, and writes them back as
short-form tags, so a YAML template comes out as a YAML template a person can still review.
"""

from __future__ import annotations

import json
from typing import Any

import cfn_flip
import yaml
from cfn_tools.odict import ODict


class TemplateError(ValueError):
    """The template cannot be read, or is not a CloudFormation template."""


def load_template(text: str) -> tuple[dict[str, Any], str]:
    """The template as plain dicts and lists, and its format: "json" or "yaml"."""
    try:
        data, fmt = cfn_flip.load(text)
    except (ValueError, yaml.YAMLError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise TemplateError(f"not a JSON or YAML template: {first_line}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"a template is a mapping; this one is a {type(data).__name__}")
    return _plain(data), fmt


def dump_template(template: dict[str, Any], fmt: str) -> str:
    """The template in `fmt`, YAML with short-form intrinsic tags."""
    if fmt == "yaml":
        return cfn_flip.dump_yaml(_ordered(template), clean_up=False, long_form=False)
    return json.dumps(template, indent=2) + "\n"


def _ordered(value: Any) -> Any:
    """cfn-flip's YAML dumper writes short-form tags (and keeps key order) for its ODict."""
    if isinstance(value, dict):
        return ODict([(key, _ordered(item)) for key, item in value.items()])
    if isinstance(value, list):
        return [_ordered(item) for item in value]
    return value


def _plain(value: Any) -> Any:
    """cfn-flip's ordered dicts as plain dicts (order kept), so copies and dumps are cheap."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
