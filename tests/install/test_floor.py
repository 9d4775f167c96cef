"""At the floor of every declared range (aws-cdk-lib 2.172.0 with the jsii it first accepted,
constructs 10.0.0, and the lowest PyYAML, cfn-flip, rich and orjson), the README's app and the
example app are instrumented in both modes, and the command line works.

aws-cdk-lib 2.171.1, the release before the floor, fails in `Datadog(...)`:
`Aspects.add() got an unexpected keyword argument 'priority'` (aspect priorities came in 2.172.0).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packaging.version import Version

from tests.install.apps import MODES, assert_instrumented, install_and_synth
from tests.install.apps import synthesized as synthesized_in
from tests.install.venvs import Venv
from tests.install.wheelhouse import declared, floor_set

pytestmark = pytest.mark.xdist_group("install-floor")


@pytest.fixture(scope="module")
def pins() -> dict[str, str]:
    return dict(pin.split("==") for pin in floor_set(declared()))


JOBS = [(app, mode) for app in ("readme", "example") for mode in MODES]


@pytest.fixture(scope="module")
def built(clone: Path, examples: Path, pins: dict[str, str], built_once) -> Path:
    def build(folder: Path) -> None:
        floor = (f"{name}=={version}" for name, version in pins.items())
        install_and_synth(folder, examples, JOBS, f"{clone}[cdk]", *floor)

    return built_once("floor", build)


@pytest.fixture(scope="module")
def venv(built: Path) -> Venv:
    return Venv(built / "venv")


@pytest.fixture(scope="module")
def synthesized(built: Path) -> dict:
    return synthesized_in(built / "apps", JOBS)


def test_the_floor_venv_has_every_declared_lower_bound(venv, pins):
    installed = venv.installed_versions(*pins)

    assert installed["aws-cdk-lib"] == "2.172.0"
    assert {name: Version(version) for name, version in installed.items()} == {
        name: Version(version) for name, version in pins.items()
    }


@pytest.mark.parametrize("mode", MODES)
def test_the_readme_app_is_instrumented_at_the_aws_cdk_lib_floor(synthesized, mode):
    assert_instrumented(synthesized["readme", mode], mode, expected=2)


@pytest.mark.parametrize("mode", MODES)
def test_the_example_app_is_instrumented_at_the_aws_cdk_lib_floor(synthesized, mode):
    assert_instrumented(synthesized["example", mode], mode, expected=6)


def test_the_command_line_reports_on_a_cloud_assembly_at_the_floors(venv, synthesized, tmp_path):
    (tmp_path / "out").mkdir()
    for name, template in synthesized["readme", "extension"].items():
        (tmp_path / "out" / name).write_text(json.dumps(template), encoding="utf-8")

    table = venv.run("cdk-datadog", "report", "out", cwd=tmp_path)
    as_json = venv.run("cdk-datadog", "report", "out", "--json", cwd=tmp_path)

    assert table.returncode == 0 and as_json.returncode == 0, table.stderr + as_json.stderr
    assert "CreateOrder" in table.stdout and "ListOrders" in table.stdout
    rows = json.loads(as_json.stdout)
    assert len(rows) == 2
    assert {row["status"] for row in rows} == {"instrumented"}
