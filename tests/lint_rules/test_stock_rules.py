"""What stock cfn-lint already checks, so the pack does not repeat it: more than 5 layers is
E3032 (Lambda's schema, SAM's too, Globals merged), and an AWS::Lambda::Function environment
over 4 KB is E3697. Only SAM functions' environments are left to the pack (E9008)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint_rules.snippets import LAYERS, SECRET, sam_template, template
from tests.support.cfn_lint import RULES_PATH, datadog_rule_ids, lint_errors

SIX_LAYERS = [f"{LAYERS}Layer{i}:1" for i in range(6)]
VARIABLES = {"DD_LAMBDA_HANDLER": "app.handler", "DD_API_KEY_SECRET_ARN": SECRET}


def _stock_ids(template: dict) -> set[str]:
    return {line.split(" ", 1)[0] for line in lint_errors(template)}


@pytest.mark.parametrize(
    "bad",
    [
        template(Layers=SIX_LAYERS),
        sam_template(Layers=SIX_LAYERS),
        sam_template({"Layers": SIX_LAYERS[:3]}, Layers=SIX_LAYERS[3:]),
    ],
    ids=["CloudFormation", "SAM", "SAM, Globals merged"],
)
def test_stock_e3032_flags_more_than_5_layers_so_the_pack_has_no_rule_for_it(bad):
    assert "E3032" in _stock_ids(bad)
    assert datadog_rule_ids(bad) == set()


def test_stock_e3697_flags_a_lambda_function_environment_over_4_kb():
    bad = template(Variables={**VARIABLES, "BIG": "x" * 4200})
    assert "E3697" in _stock_ids(bad)
    assert datadog_rule_ids(bad) == set()


def test_stock_cfn_lint_leaves_a_sam_environment_over_4_kb_to_e9008():
    bad = sam_template({"Environment": {"Variables": {"G": "x" * 2100}}}, Variables=VARIABLES)
    bad["Resources"]["Fn"]["Properties"]["Environment"]["Variables"]["BIG"] = "x" * 2100
    assert _stock_ids(bad) == set()
    assert datadog_rule_ids(bad) == {"E9008"}


def test_the_pack_has_no_rule_for_layer_count():
    assert not any("layers" in path.stem.lower() for path in Path(RULES_PATH).glob("*.py"))
