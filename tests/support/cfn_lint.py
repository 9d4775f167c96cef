"""cfn-lint, in-process, on the templates the tests produce.

`lint_errors`: stock errors only, W3005 ignored. W3005 (an obsolete DependsOn) fires on nearly
every CDK template; warnings about deprecated runtimes are not ours to fix. An error is a
template CloudFormation would refuse.

`datadog_findings`: what cdk-datadog's rule pack (`cdk-datadog lint-rules-path`) finds, errors
and warnings alike, in the same run as stock cfn-lint's errors.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from cfnlint.config import ConfigMixIn, ManualArgs
from cfnlint.decode.decode import decode_str
from cfnlint.runner import Runner

import cdk_datadog

#: the folder `cdk-datadog lint-rules-path` prints
RULES_PATH = str(Path(cdk_datadog.__file__).resolve().parent / "lint_rules")

_CONFIG = ManualArgs(ignore_checks=["W3005"], regions=["us-east-1"])
_WITH_PACK = ManualArgs(ignore_checks=["W3005"], regions=["us-east-1"], append_rules=[RULES_PATH])


@functools.lru_cache(maxsize=2)
def _runner(with_pack: bool) -> Runner:
    """One runner per process: loading cfn-lint's rules takes most of a `cfnlint.api.lint`
    call (about 0.4 s of 0.6 s), and the runner reuses them from template to template as the
    `cfn-lint` command does for several files."""
    return Runner(ConfigMixIn(**(_WITH_PACK if with_pack else _CONFIG)))


def lint(text: str, with_pack: bool = False) -> list[Any]:
    """What `cfnlint.api.lint` returns, with the rules loaded once."""
    template, errors = decode_str(text)
    if errors:
        return errors
    if template is None:
        return []
    return list(_runner(with_pack).validate_template(template))


def _text(template: dict[str, Any] | Path | str) -> str:
    if isinstance(template, dict):
        return json.dumps(template)
    if isinstance(template, Path):
        return template.read_text(encoding="utf-8")
    return template


def _line(match: Any) -> str:
    return f"{match.rule.id} {match.message} ({'/'.join(map(str, match.path or []))})"


def _is_ours(rule_id: str) -> bool:
    return rule_id[1:2] == "9"


#: third-party CloudFormation registry types cfn-lint has no schema for (it reports E3006,
#: "Resource type does not exist"); their properties are checked against the type's own
#: schema elsewhere (tests/cdk/test_monitors_cdk.py)
REGISTRY_TYPES = ("Datadog::Monitors::Monitor",)


def _is_error(match: Any) -> bool:
    """An error CloudFormation would raise: E3006 on a registry type of `REGISTRY_TYPES`
    is cfn-lint not knowing the type."""
    if match.rule.id == "E3006" and any(kind in match.message for kind in REGISTRY_TYPES):
        return False
    return match.rule.id[0] == "E"


def lint_errors(template: dict[str, Any] | Path | str) -> list[str]:
    """The cfn-lint errors (rule id E...) in a template given as a dict, a path or text."""
    return [_line(match) for match in lint(_text(template)) if _is_error(match)]


def lint_with_datadog_rules(template: dict[str, Any] | Path | str) -> list[str]:
    """Stock cfn-lint's errors and every finding of the Datadog rule pack, in one run."""
    return [
        _line(match)
        for match in lint(_text(template), with_pack=True)
        if _is_error(match) or _is_ours(match.rule.id)
    ]


def datadog_findings(template: dict[str, Any] | Path | str) -> list[tuple[str, str, str]]:
    """(rule id, message, path) of every finding of the Datadog rule pack."""
    return [
        (match.rule.id, match.message, "/".join(map(str, match.path or [])))
        for match in lint(_text(template), with_pack=True)
        if _is_ours(match.rule.id)
    ]


def datadog_rule_ids(template: dict[str, Any] | Path | str) -> set[str]:
    """The ids of the Datadog rules that fire on a template."""
    return {rule_id for rule_id, _, _ in datadog_findings(template)}
