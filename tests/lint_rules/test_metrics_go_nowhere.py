"""W9006 MetricsGoNowhere: metrics written to the logs need the Forwarder subscribed to the
function's log group, however the template names that group, or the extension."""

from __future__ import annotations

import pytest

from tests.lint_rules.snippets import (
    PY_LAYER,
    log_group,
    sam_template,
    subscription,
    template,
)
from tests.support.cfn_lint import datadog_findings, datadog_rule_ids

FLUSH = {"DD_LAMBDA_HANDLER": "app.handler", "DD_FLUSH_TO_LOG": "true"}


def _forwarder_mode(others: dict | None = None, **changes) -> dict:
    return template(Layers=[PY_LAYER], Variables=FLUSH, others=others, **changes)


NESTED = {
    "Type": "AWS::CloudFormation::Stack",
    "Properties": {"TemplateURL": "https://s3.amazonaws.com/bucket/logs.json"},
}
FROM_NESTED = {"Fn::GetAtt": ["Logs", "Outputs.GroupName"]}

CASES = [
    pytest.param(_forwarder_mode(), {"W9006"}, id="no subscription"),
    pytest.param(
        _forwarder_mode(
            {"Other": log_group(), "Sub": subscription({"Ref": "Other"})},
            LoggingConfig={"LogGroup": {"Ref": "Group"}},
        ),
        {"W9006"},
        id="a subscription on another group",
    ),
    pytest.param(
        sam_template(
            {"Environment": {"Variables": {"DD_FLUSH_TO_LOG": "true"}}},
            Layers=[PY_LAYER],
            Variables={"DD_LAMBDA_HANDLER": "app.handler"},
        ),
        {"W9006"},
        id="SAM, DD_FLUSH_TO_LOG from Globals",
    ),
    pytest.param(
        _forwarder_mode(
            {
                "FnLogGroup": log_group("/aws/lambda/shop-dev-hello"),
                "Sub": subscription({"Ref": "FnLogGroup"}),
            },
            FunctionName="shop-dev-hello",
        ),
        set(),
        id="Serverless Framework: its /aws/lambda group by Ref",
    ),
    pytest.param(
        _forwarder_mode(
            {"Group": log_group(), "Sub": subscription({"Ref": "Group"})},
            LoggingConfig={"LogGroup": {"Ref": "Group"}},
        ),
        set(),
        id="LoggingConfig, filter by Ref",
    ),
    pytest.param(
        _forwarder_mode(
            {
                "Group": log_group(),
                "Sub": subscription({"Fn::GetAtt": ["Group", "LogGroupName"]}),
            },
            LoggingConfig={"LogGroup": {"Ref": "Group"}},
        ),
        set(),
        id="LoggingConfig by Ref, filter by Fn::GetAtt on the group",
    ),
    pytest.param(
        _forwarder_mode(
            {"Logs": NESTED, "Sub": subscription(FROM_NESTED)},
            LoggingConfig={"LogGroup": FROM_NESTED},
        ),
        set(),
        id="both by Fn::GetAtt of a nested stack's output",
    ),
    pytest.param(
        _forwarder_mode({"Sub": subscription("/aws/lambda/orders")}, FunctionName="orders"),
        set(),
        id="literal /aws/lambda/<FunctionName>",
    ),
    pytest.param(
        _forwarder_mode({"Sub": subscription({"Fn::Sub": "/aws/lambda/${Fn}"})}),
        set(),
        id="Fn::Sub /aws/lambda/${Fn}",
    ),
    pytest.param(
        _forwarder_mode({"Sub": subscription({"Fn::Join": ["", ["/aws/lambda/", {"Ref": "Fn"}]]})}),
        set(),
        id="Fn::Join on Ref Fn",
    ),
    pytest.param(
        sam_template(
            {"Environment": {"Variables": {"DD_FLUSH_TO_LOG": "true"}}},
            others={"Sub": subscription({"Fn::Sub": "/aws/lambda/${Fn}"})},
            Layers=[PY_LAYER],
            Variables={"DD_LAMBDA_HANDLER": "app.handler"},
        ),
        set(),
        id="SAM, subscribed",
    ),
    pytest.param(
        template(Variables={**FLUSH, "DD_API_KEY_SECRET_ARN": "k"}), set(), id="extension"
    ),
    pytest.param(
        template(Layers=[PY_LAYER], Variables={"DD_LAMBDA_HANDLER": "app.handler"}),
        set(),
        id="DD_FLUSH_TO_LOG unset",
    ),
]


@pytest.mark.parametrize(("template", "expected"), CASES)
def test_w9006_fires_exactly_when_nothing_ships_the_logs(template, expected):
    assert datadog_rule_ids(template) == expected


def test_w9006_points_at_dd_flush_to_log():
    ((_, message, path),) = datadog_findings(_forwarder_mode())
    assert path == "Resources/Fn/Properties/Environment/Variables/DD_FLUSH_TO_LOG"
    assert "subscribe the log group to the Forwarder" in message
