"""Reading and writing templates, JSON or YAML, with CloudFormation's short-form tags intact.

YAML goes through cfn-flip's handling of intrinsic tags: `!Ref`, `!Sub`, `!GetAtt` and the
others are read into their long form (`{"Ref": ...}`), which the engine and the transformer
read like JSON, and written back as short-form tags, so a YAML template comes out as a YAML
template a person can still review. Both directions run on libyaml's C parser and emitter
(cfn-flip's own classes are pure Python, 10x slower on a 10,000-function template), with
cfn-flip's constructors and representers; JSON uses orjson.
"""

from __future__ import annotations

from typing import Any

import orjson
import yaml
from cfn_flip.yaml_dumper import STR_MAX_LENGTH_QUOTED, STR_MAX_LINES_QUOTED, fn_representer
from cfn_tools.yaml_loader import construct_getatt

from cdk_datadog.collector import collector_paused
from cdk_datadog.errors import DatadogError

TAG_MAP = "tag:yaml.org,2002:map"
UNCONVERTED_TAGS = ("Ref", "Condition")
_C_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_C_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class TemplateError(DatadogError, ValueError):
    """The template cannot be read, or is not a CloudFormation template."""


class _Loader(_C_LOADER):  # type: ignore[misc, valid-type]
    """YAML with CloudFormation tags, read into plain dicts in document order."""


def _construct_mapping(loader: Any, node: Any, deep: bool = False) -> dict[Any, Any]:
    return {
        loader.construct_object(key, deep=deep): loader.construct_object(value, deep=deep)
        for key, value in node.value
    }


def _construct_tag(loader: Any, tag_suffix: str, node: Any) -> dict[str, Any]:
    name = tag_suffix if tag_suffix in UNCONVERTED_TAGS else f"Fn::{tag_suffix}"
    if name == "Fn::GetAtt":
        return {name: construct_getatt(node)}
    if isinstance(node, yaml.ScalarNode):
        return {name: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {name: loader.construct_sequence(node, deep=True)}
    return {name: _construct_mapping(loader, node, deep=True)}


_Loader.add_constructor(TAG_MAP, _construct_mapping)
_Loader.add_multi_constructor("!", _construct_tag)


class _Dumper(_C_DUMPER):  # type: ignore[misc, valid-type]
    """Plain dicts written in order, intrinsic functions as short-form tags."""

    def ignore_aliases(self, data: Any) -> bool:
        # a value used twice is written twice: no YAML anchors in a CloudFormation template
        return True


def _represent_dict(dumper: Any, value: dict[str, Any]) -> Any:
    if len(value) == 1:
        ((key, item),) = value.items()
        if key in UNCONVERTED_TAGS:
            return fn_representer(dumper, key, item)
        if isinstance(key, str) and key.startswith("Fn::"):
            return fn_representer(dumper, key[4:], item)
    return dumper.represent_mapping(TAG_MAP, value, flow_style=False)


def _represent_str(dumper: Any, value: str) -> Any:
    """cfn-flip's choice of scalar style, counting line breaks at C speed."""
    style = None
    if value.count("\n") + value.count("\r") >= STR_MAX_LINES_QUOTED:
        style = "|"
    elif len(value) >= STR_MAX_LENGTH_QUOTED and "\n" not in value:
        style = ">"
    elif value.startswith("0"):
        style = "'"  # an account id such as 012345678901 stays a string
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(str, _represent_str)


def load_template(text: str) -> tuple[dict[str, Any], str]:
    """The template as plain dicts and lists, and its format: "json" or "yaml"."""
    if text.lstrip().startswith("{"):
        try:
            data, fmt = orjson.loads(text), "json"
        except orjson.JSONDecodeError as error:
            raise TemplateError(f"not a JSON template: {error}") from None
    else:
        try:
            data, fmt = yaml.load(text, Loader=_Loader), "yaml"
        except yaml.YAMLError as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise TemplateError(f"not a JSON or YAML template: {first_line}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"a template is a mapping; this one is a {type(data).__name__}")
    return data, fmt


def dump_template(template: dict[str, Any], fmt: str) -> str:
    """The template in `fmt`: YAML with short-form intrinsic tags, or indented JSON."""
    if fmt == "yaml":
        with collector_paused():
            return yaml.dump(
                template,
                Dumper=_Dumper,
                default_flow_style=False,
                allow_unicode=True,
                sort_keys=False,
                width=200,
            )
    return orjson.dumps(template, option=orjson.OPT_INDENT_2).decode() + "\n"


def copy_template(template: dict[str, Any]) -> dict[str, Any]:
    """A deep copy, at C speed; templates hold only JSON values (YAML dates become text)."""
    try:
        return orjson.loads(orjson.dumps(template))
    except TypeError:
        import copy

        return copy.deepcopy(template)
