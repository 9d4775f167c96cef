"""E9004 ExtensionWithoutKey: the extension needs a variable saying where the API key is."""

from __future__ import annotations

import pytest

from tests.lint_rules.snippets import LAYERS, PY_LAYER, SECRET, sam_template, template
from tests.support.cfn_lint import datadog_findings, datadog_rule_ids

ORIGINAL = {"DD_LAMBDA_HANDLER": "app.handler"}

CASES = [
    pytest.param(template(Variables=ORIGINAL), {"E9004"}, id="no key source"),
    pytest.param(
        template(Layers=[PY_LAYER, f"{LAYERS}Datadog-Extension-FIPS:101"], Variables=ORIGINAL),
        {"E9004"},
        id="the FIPS extension",
    ),
    pytest.param(sam_template(Variables=ORIGINAL), {"E9004"}, id="SAM"),
    pytest.param(template(), set(), id="DD_API_KEY_SECRET_ARN"),
    pytest.param(
        template(Variables={**ORIGINAL, "DD_API_KEY_SSM_ARN": "arn:aws:ssm:x"}),
        set(),
        id="DD_API_KEY_SSM_ARN",
    ),
    pytest.param(
        template(Variables={**ORIGINAL, "DD_KMS_API_KEY": "AQICAHh"}), set(), id="DD_KMS_API_KEY"
    ),
    pytest.param(
        sam_template(
            {"Environment": {"Variables": {"DD_API_KEY_SECRET_ARN": SECRET}}}, Variables=ORIGINAL
        ),
        set(),
        id="SAM, the key source from Globals",
    ),
    pytest.param(
        template(Layers=[PY_LAYER], Variables=ORIGINAL), set(), id="no extension, no key needed"
    ),
]


@pytest.mark.parametrize(("template", "expected"), CASES)
def test_e9004_fires_exactly_on_the_extension_without_an_api_key_source(template, expected):
    assert datadog_rule_ids(template) == expected


def test_e9004_points_at_the_variables():
    ((_, message, path),) = datadog_findings(template(Variables=ORIGINAL))
    assert path == "Resources/Fn/Properties/Environment/Variables"
    assert "DD_API_KEY_SECRET_ARN" in message
