"""The rule pack as a whole: shaped as cfn-lint's own rules (one rule per file, with its
descriptions and source), found by the command users run, and silent on everything
cdk-datadog itself writes: the golden outputs and every example's instrumented output."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from cfnlint.rules import CloudFormationLintRule

from cdk_datadog.templates.io import load_template
from cdk_datadog.templates.transform import instrument
from tests.support.cfn_lint import RULES_PATH, lint_with_datadog_rules

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "fixtures" / "templates" / "expected"
SAM_EXAMPLE = ROOT / "examples" / "sam" / "template.yaml"
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:datadog-api-key"
FORWARDER = "arn:aws:lambda:eu-west-1:123456789012:function:datadog-forwarder"
EXPECTED_IDS = {"E9001", "E9002", "E9003", "E9004", "W9005", "W9006", "E9008", "W9009"}


def _rule_files() -> list[Path]:
    return sorted(path for path in Path(RULES_PATH).glob("*.py") if not path.name.startswith("_"))


def _rules_in(path: Path) -> list[type]:
    module = importlib.import_module(f"cdk_datadog.lint_rules.{path.stem}")
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, CloudFormationLintRule)
        and value is not CloudFormationLintRule
    ]


def test_each_rule_file_holds_one_rule_named_after_it_with_its_documentation():
    ids = []
    for path in _rule_files():
        (rule,) = _rules_in(path)
        assert rule.__name__ == path.stem
        assert rule.shortdesc and rule.description and rule.source_url.startswith("https://")
        ids.append(rule.id)
    assert sorted(ids) == sorted(EXPECTED_IDS)


def test_the_command_prints_the_folder_cfn_lint_loads_the_pack_from():
    done = subprocess.run(
        [sys.executable, "-m", "cdk_datadog.cli", "lint-rules-path"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(done.stdout.strip()) == Path(RULES_PATH)


def _example_app_templates(tmp_path_factory, **overrides) -> dict[str, dict]:
    from examples.app import build_app

    outdir = tmp_path_factory.mktemp("cdk.out")
    build_app(outdir=str(outdir), **overrides).synth()
    return {
        f"example app: {path.name}": json.loads(path.read_text())
        for path in sorted(outdir.rglob("*.template.json"))
    }


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, dict]:
    """Every template cdk-datadog writes in the tests' golden files and examples."""
    found = {
        f"golden: {path.name}": load_template(path.read_text())[0]
        for path in sorted(GOLDEN.iterdir())
    }
    sam, _ = load_template(SAM_EXAMPLE.read_text())
    for mode, options in (
        ("extension", {"extension_layer_version": 101, "api_key_secret_arn": SECRET}),
        ("forwarder", {"forwarder_arn": FORWARDER}),
    ):
        result = instrument(sam, region="eu-west-1", source_code_integration=False, **options)
        found[f"SAM example, {mode}"] = result.template
    found.update(_example_app_templates(tmp_path_factory))
    found.update(
        {
            f"{name}, forwarder": template
            for name, template in _example_app_templates(
                tmp_path_factory,
                extension_layer_version=None,
                api_key_secret_arn=None,
                forwarder_arn="arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder",
            ).items()
        }
    )
    return found


def test_the_pack_and_stock_cfn_lint_find_nothing_in_what_cdk_datadog_writes(outputs):
    assert len(outputs) == 4 + 2 + 3 + 3
    found = {name: lint_with_datadog_rules(template) for name, template in outputs.items()}
    assert found == {name: [] for name in outputs}
