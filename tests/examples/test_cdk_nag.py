"""cdk-nag's AWS Solutions checks, used the two ways users use them, find nothing that
instrumentation added, and see the instrumented stack: a finding the bare app has because it
lacks what Datadog needs (state-machine logging, AwsSolutions-SF1) is gone.

cdk-nag 3 (in .venv) is a validation plugin: it reads the final templates. cdk-nag 2 is an
Aspect that looks at each construct when it visits it, so it sees the instrumented stack only
because cdk-datadog instruments at the first visit of the aspects; bin/setup installs it apart
(.cache/cdk-nag-2.x), and the Aspect tests run in a subprocess with it first on PYTHONPATH.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk
import pytest
from cdk_nag import AwsSolutionsChecks

from examples.app import build_app
from tests.support import nag_app

ROOT = Path(__file__).resolve().parents[2]
NAG2 = sorted((ROOT / ".cache").glob("cdk-nag-2.*"))


def _plugin_findings(outdir: Path, app: cdk.App) -> set[tuple[str, str]]:
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


def _example_findings(outdir: Path, instrument: bool, **options: object) -> set[tuple[str, str]]:
    return _plugin_findings(outdir, build_app(outdir=str(outdir), instrument=instrument, **options))


def _nag_app_findings(outdir: Path, instrument: bool) -> set[tuple[str, str]]:
    app = cdk.App(outdir=str(outdir))
    nag_app.build(app, instrument)
    return _plugin_findings(outdir, app)


def test_instrumentation_adds_no_cdk_nag_finding_to_the_example_app(tmp_path):
    bare = _example_findings(tmp_path / "bare", instrument=False)
    instrumented = _example_findings(tmp_path / "instrumented", instrument=True)

    assert bare, "the bare example should have the usual findings, or the check proves nothing"
    # The instrumented app also has the stage's copy of the Orders stack; compare like with like.
    added = {(rule, path) for rule, path in instrumented - bare if not path.startswith("Prod/")}
    assert added == set()


def test_the_inherent_x_ray_wildcard_is_acknowledged_with_a_reason(tmp_path):
    bare = _example_findings(tmp_path / "bare", instrument=False)
    traced = _example_findings(tmp_path / "traced", instrument=True, enable_xray_tracing=True)

    added = {(rule, path) for rule, path in traced - bare if not path.startswith("Prod/")}
    assert added == set()


def test_the_validation_plugin_sees_state_machine_logging_and_no_new_finding(tmp_path):
    bare = _nag_app_findings(tmp_path / "bare", instrument=False)
    instrumented = _nag_app_findings(tmp_path / "instrumented", instrument=True)

    assert ("AwsSolutions-SF1", "Shop/Checkout/Resource") in bare
    assert instrumented < bare
    assert not any(rule == "AwsSolutions-SF1" for rule, _ in instrumented)


@pytest.mark.skipif(not NAG2, reason="cdk-nag 2 not installed: run bin/setup")
@pytest.mark.parametrize("priority", ["default", "1000"], ids=["default", "READONLY"])
def test_cdk_nag_as_an_aspect_sees_the_instrumented_stack(priority):
    assert int(cdk.AspectPriority.READONLY) == 1000
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.nag_app", priority],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(NAG2[-1]), str(ROOT)])},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout)
    bare = {tuple(item) for item in found["bare"]}
    instrumented = {tuple(item) for item in found["instrumented"]}

    assert ("/Shop/Checkout/Resource", "AwsSolutions-SF1") in bare
    assert instrumented < bare  # nothing added; SF1 gone: the Aspect saw the logging
    assert ("/Shop/Checkout/Resource", "AwsSolutions-SF1") not in instrumented
