"""E9002 DoubleWrapper: DD_LAMBDA_HANDLER must name the function's code, not the wrapper."""

from __future__ import annotations

import pytest

from tests.lint_rules.snippets import (
    NODE_LAYER,
    NODE_WRAPPER,
    PY_WRAPPER,
    SECRET,
    sam_template,
    template,
)
from tests.support.cfn_lint import datadog_findings, datadog_rule_ids

CASES = [
    pytest.param(
        template(Variables={"DD_LAMBDA_HANDLER": PY_WRAPPER, "DD_API_KEY_SECRET_ARN": SECRET}),
        {"E9002"},
        id="Python",
    ),
    pytest.param(
        template(
            Runtime="nodejs22.x",
            Handler=NODE_WRAPPER,
            Layers=[NODE_LAYER],
            Variables={"DD_LAMBDA_HANDLER": NODE_WRAPPER},
        ),
        {"E9002"},
        id="Node",
    ),
    pytest.param(
        sam_template(
            {"Environment": {"Variables": {"DD_LAMBDA_HANDLER": PY_WRAPPER}}},
            Variables={"DD_API_KEY_SECRET_ARN": SECRET},
        ),
        {"E9002"},
        id="SAM, from Globals",
    ),
    pytest.param(template(), set(), id="the original handler"),
    pytest.param(
        template(
            Variables={"DD_LAMBDA_HANDLER": {"Ref": "Handler"}, "DD_API_KEY_SECRET_ARN": SECRET}
        ),
        set(),
        id="an intrinsic",
    ),
]


@pytest.mark.parametrize(("template", "expected"), CASES)
def test_e9002_fires_exactly_when_dd_lambda_handler_names_the_wrapper(template, expected):
    assert datadog_rule_ids(template) == expected


def test_e9002_points_at_the_variable():
    bad = template(Variables={"DD_LAMBDA_HANDLER": PY_WRAPPER, "DD_API_KEY_SECRET_ARN": SECRET})
    ((_, message, path),) = datadog_findings(bad)
    assert path == "Resources/Fn/Properties/Environment/Variables/DD_LAMBDA_HANDLER"
    assert "double wrapper" in message
