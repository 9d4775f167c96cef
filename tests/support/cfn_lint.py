"""cfn-lint, in-process, on the templates the tests produce: errors only, W3005 ignored.

W3005 (an obsolete DependsOn) fires on nearly every CDK template; warnings about deprecated
runtimes are not ours to fix. An error is a template CloudFormation would refuse.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cfnlint.api import ManualArgs, lint

_CONFIG = ManualArgs(ignore_checks=["W3005"], regions=["us-east-1"])


#: third-party CloudFormation registry types cfn-lint has no schema for (it reports E3006,
#: "Resource type does not exist"); their properties are checked against the type's own
#: schema elsewhere (tests/cdk/test_monitors_cdk.py)
REGISTRY_TYPES = ("Datadog::Monitors::Monitor",)


def lint_errors(template: dict[str, Any] | Path | str) -> list[str]:
    """The cfn-lint errors (rule id E...) in a template given as a dict, a path or text;
    E3006 on the registry types of `REGISTRY_TYPES` left out."""
    if isinstance(template, dict):
        text = json.dumps(template)
    elif isinstance(template, Path):
        text = template.read_text(encoding="utf-8")
    else:
        text = template
    return [
        f"{match.rule.id} {match.message} ({'/'.join(map(str, match.path or []))})"
        for match in lint(text, config=_CONFIG)
        if match.rule.id.startswith("E")
        and not (match.rule.id == "E3006" and any(t in match.message for t in REGISTRY_TYPES))
    ]
