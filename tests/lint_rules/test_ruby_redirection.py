"""W9009 RubyRedirection: Datadog::Lambda.wrap in the handler instruments Ruby; the
redirection variables of the other runtimes start nothing there."""

from __future__ import annotations

import pytest

from tests.lint_rules.snippets import LAYERS, sam_template, template
from tests.support.cfn_lint import datadog_findings, datadog_rule_ids

RUBY_LAYER = f"{LAYERS}Datadog-Ruby3-3:30"
EXT = f"{LAYERS}Datadog-Extension:101"
KEY = {"DD_API_KEY_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:k"}
WRAPPER = {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/datadog_wrapper"}


def _ruby(runtime: str = "ruby3.3", **variables: str) -> dict:
    return template(
        Runtime=runtime, Handler="app.handler", Layers=[RUBY_LAYER, EXT], Variables=variables
    )


CASES = [
    pytest.param(_ruby(**KEY, **WRAPPER), {"W9009"}, id="AWS_LAMBDA_EXEC_WRAPPER"),
    pytest.param(_ruby(**KEY, DD_LAMBDA_HANDLER="app.handler"), {"W9009"}, id="DD_LAMBDA_HANDLER"),
    pytest.param(
        sam_template(
            {"Environment": {"Variables": WRAPPER}},
            Runtime="ruby3.3",
            Handler="app.handler",
            Layers=[RUBY_LAYER, EXT],
            Variables=KEY,
        ),
        {"W9009"},
        id="SAM, from Globals",
    ),
    pytest.param(
        _ruby(**KEY, **WRAPPER, DD_SERVERLESS_APPSEC_ENABLED="true"),
        set(),
        id="App and API Protection's runtime proxy",
    ),
    pytest.param(_ruby(**KEY, DD_TRACE_ENABLED="true"), set(), id="DD_* variables only"),
    pytest.param(
        template(
            Runtime="java21",
            Handler="com.example.Handler::handleRequest",
            Layers=[f"{LAYERS}dd-trace-java:28", EXT],
            Variables={**KEY, **WRAPPER},
        ),
        set(),
        id="Java",
    ),
]


@pytest.mark.parametrize(("template", "expected"), CASES)
def test_w9009_fires_exactly_on_redirections_that_start_nothing_for_ruby(template, expected):
    assert datadog_rule_ids(template) == expected


def test_w9009_flags_each_variable_and_says_what_to_write_in_the_handler():
    findings = datadog_findings(_ruby("ruby3.3", **KEY, **WRAPPER, DD_LAMBDA_HANDLER="a.b"))
    assert sorted(path.rsplit("/", 1)[-1] for _, _, path in findings) == [
        "AWS_LAMBDA_EXEC_WRAPPER",
        "DD_LAMBDA_HANDLER",
    ]
    assert all("Datadog::Lambda.wrap(event, context)" in message for _, message, _ in findings)
