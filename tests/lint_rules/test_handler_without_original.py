"""E9001 HandlerWithoutOriginal: a handler redirected to Datadog's wrapper needs
DD_LAMBDA_HANDLER, or the wrapper cannot find the function's code."""

from __future__ import annotations

import pytest

from tests.lint_rules.snippets import (
    NODE_LAYER,
    NODE_WRAPPER,
    PY_LAYER,
    SECRET,
    sam_template,
    template,
)
from tests.support.cfn_lint import datadog_findings, datadog_rule_ids

CASES = [
    pytest.param(template(Variables={"DD_API_KEY_SECRET_ARN": SECRET}), {"E9001"}, id="Python"),
    pytest.param(
        template(
            Runtime="nodejs22.x",
            Handler=NODE_WRAPPER,
            Layers=[NODE_LAYER],
            Variables={"DD_SITE": "datadoghq.com"},
        ),
        {"E9001"},
        id="Node",
    ),
    pytest.param(
        sam_template(
            {"Handler": "datadog_lambda.handler.handler"},
            Handler=None,
            Variables={"DD_API_KEY_SECRET_ARN": SECRET},
        ),
        {"E9001"},
        id="SAM, the wrapper from Globals",
    ),
    pytest.param(template(), set(), id="wrapper with DD_LAMBDA_HANDLER"),
    pytest.param(
        sam_template(
            {"Environment": {"Variables": {"DD_LAMBDA_HANDLER": "app.handler"}}},
            Variables={"DD_API_KEY_SECRET_ARN": SECRET},
        ),
        set(),
        id="SAM, DD_LAMBDA_HANDLER from Globals",
    ),
    pytest.param(
        template(Handler="app.handler", Layers=[PY_LAYER], Environment=None),
        set(),
        id="handler not redirected",
    ),
    pytest.param(template(Handler={"Fn::Sub": "app.handler"}), set(), id="intrinsic handler"),
]


@pytest.mark.parametrize(("template", "expected"), CASES)
def test_e9001_fires_exactly_when_the_wrapper_has_no_original_handler(template, expected):
    assert datadog_rule_ids(template) == expected


def test_e9001_points_at_the_handler_and_says_what_to_set():
    ((rule, message, path),) = datadog_findings(
        template(Variables={"DD_API_KEY_SECRET_ARN": SECRET})
    )
    assert (rule, path) == ("E9001", "Resources/Fn/Properties/Handler")
    assert "set DD_LAMBDA_HANDLER to your original handler" in message
