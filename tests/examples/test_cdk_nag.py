"""cdk-nag's AWS Solutions checks find nothing in the example app that instrumentation added."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from examples.app import build_app


def _findings(outdir: Path, instrument: bool, **options: object) -> set[tuple[str, str]]:
    app = build_app(outdir=str(outdir), instrument=instrument, **options)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    try:
        app.synth()
    except Exception as error:  # cdk-nag findings fail the synth; the report says which
        assert "validation-report.json" in str(error), error
    report = json.loads((outdir / "validation-report.json").read_text())
    return {
        (violation["ruleName"], construct["constructPath"])
        for plugin in report["pluginReports"]
        for violation in plugin["violations"]
        for construct in violation["violatingConstructs"]
    }


def test_instrumentation_adds_no_cdk_nag_finding(tmp_path):
    bare = _findings(tmp_path / "bare", instrument=False)
    instrumented = _findings(tmp_path / "instrumented", instrument=True)

    assert bare, "the bare example should have the usual findings, or the check proves nothing"
    # The instrumented app also has the stage's copy of the Orders stack; compare like with like.
    added = {(rule, path) for rule, path in instrumented - bare if not path.startswith("Prod/")}
    assert added == set()


def test_the_inherent_x_ray_wildcard_is_acknowledged_with_a_reason(tmp_path):
    bare = _findings(tmp_path / "bare", instrument=False)
    traced = _findings(tmp_path / "traced", instrument=True, enable_xray_tracing=True)

    added = {(rule, path) for rule, path in traced - bare if not path.startswith("Prod/")}
    assert added == set()
