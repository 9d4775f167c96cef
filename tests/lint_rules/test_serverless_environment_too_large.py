"""E9008 ServerlessEnvironmentTooLarge: a SAM function's variables, Globals included, fit in
Lambda's 4 KB. (Stock E3697 checks AWS::Lambda::Function; see test_stock_rules.py.)"""

from __future__ import annotations

import pytest

from tests.lint_rules.snippets import SECRET, sam_template, template
from tests.support.cfn_lint import datadog_findings, datadog_rule_ids

ORIGINAL = {"DD_LAMBDA_HANDLER": "app.handler", "DD_API_KEY_SECRET_ARN": SECRET}
#: bytes the two variables above take
USED = sum(len(name) + len(value) for name, value in ORIGINAL.items())


def _sam(total: int, in_globals: int = 0) -> dict:
    """A SAM function whose variables take `total` bytes, `in_globals` of them from Globals."""
    own = {**ORIGINAL, "BIG": "x" * (total - USED - in_globals - len("BIG"))}
    globals_function = (
        {"Environment": {"Variables": {"G": "x" * (in_globals - 1)}}} if in_globals else None
    )
    return sam_template(globals_function, Variables=own)


CASES = [
    pytest.param(_sam(4097), {"E9008"}, id="4097 bytes"),
    pytest.param(_sam(4097, in_globals=2000), {"E9008"}, id="4097 bytes with Globals"),
    pytest.param(_sam(4096), set(), id="4096 bytes"),
    pytest.param(_sam(4096, in_globals=2000), set(), id="4096 bytes with Globals"),
    pytest.param(
        template(Variables={**ORIGINAL, "BIG": "x" * 5000}),
        set(),
        id="AWS::Lambda::Function: stock E3697's",
    ),
]


@pytest.mark.parametrize(("template", "expected"), CASES)
def test_e9008_fires_exactly_on_a_sam_function_over_4_kb(template, expected):
    assert datadog_rule_ids(template) == expected


def test_e9008_counts_bytes_and_gives_the_size():
    ((_, message, path),) = datadog_findings(_sam(4097, in_globals=100))
    assert message == "environment variables take 4097 bytes; Lambda allows 4096"
    assert path == "Resources/Fn/Properties/Environment/Variables"
