"""W9005 ClearTextKey: an API key in clear text lands in the template and the function."""

from __future__ import annotations

import pytest

from tests.lint_rules.snippets import sam_template, template
from tests.support.cfn_lint import datadog_findings, datadog_rule_ids

ORIGINAL = {"DD_LAMBDA_HANDLER": "app.handler"}

CASES = [
    pytest.param(
        template(Variables={**ORIGINAL, "DD_API_KEY": "0123456789abcdef"}), {"W9005"}, id="literal"
    ),
    pytest.param(
        sam_template(
            {"Environment": {"Variables": {"DD_API_KEY": "0123456789abcdef"}}}, Variables=ORIGINAL
        ),
        {"W9005"},
        id="SAM, from Globals",
    ),
    pytest.param(template(), set(), id="DD_API_KEY_SECRET_ARN"),
    pytest.param(
        {
            **template(Variables={**ORIGINAL, "DD_API_KEY": {"Ref": "ApiKey"}}),
            "Parameters": {"ApiKey": {"Type": "String", "NoEcho": True}},
        },
        set(),
        id="a NoEcho parameter",
    ),
]


@pytest.mark.parametrize(("template", "expected"), CASES)
def test_w9005_fires_exactly_on_a_literal_api_key(template, expected):
    assert datadog_rule_ids(template) == expected


def test_w9005_points_at_the_variable_and_never_repeats_the_key():
    ((_, message, path),) = datadog_findings(
        template(Variables={**ORIGINAL, "DD_API_KEY": "0123456789abcdef"})
    )
    assert path == "Resources/Fn/Properties/Environment/Variables/DD_API_KEY"
    assert "0123456789abcdef" not in message
