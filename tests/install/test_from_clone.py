"""`pip install "<clean clone>[cdk]"` alone (no bin/setup, no Node build tools) gives a package
that instruments the README's app and the example app with the system's Node, at the newest
aws-cdk-lib (the dev extra's pin)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdk_datadog import __version__
from tests.install.apps import MODES, assert_instrumented, install_and_synth
from tests.install.apps import synthesized as synthesized_in
from tests.install.venvs import Venv
from tests.install.wheelhouse import REPO_ROOT, declared, newest

pytestmark = pytest.mark.xdist_group("install-clone")


JOBS = [(app, mode) for app in ("readme", "example") for mode in MODES]


@pytest.fixture(scope="module")
def built(clone: Path, examples: Path, built_once) -> Path:
    def build(folder: Path) -> None:
        install_and_synth(folder, examples, JOBS, f"{clone}[cdk]")

    return built_once("clone", build)


@pytest.fixture(scope="module")
def venv(built: Path) -> Venv:
    return Venv(built / "venv")


@pytest.fixture(scope="module")
def synthesized(built: Path) -> dict:
    return synthesized_in(built / "apps", JOBS)


def test_pip_installs_the_clone_with_the_newest_declared_dependencies(venv):
    pins = dict(pin.split("==") for pin in newest(declared()))

    assert venv.installed_versions(*pins) == pins


def test_jsii_runs_on_the_systems_node_when_the_checkout_is_not_on_path(venv):
    result = venv.run("node", "-e", "console.log(process.execPath)", cwd=venv.root)

    assert result.returncode == 0, result.stderr
    assert not Path(result.stdout.strip()).resolve().is_relative_to(REPO_ROOT), result.stdout


@pytest.mark.parametrize("mode", MODES)
def test_the_readme_app_is_instrumented_when_installed_from_a_clone(synthesized, mode):
    assert_instrumented(synthesized["readme", mode], mode, expected=2)


@pytest.mark.parametrize("mode", MODES)
def test_the_example_app_is_instrumented_at_the_newest_aws_cdk_lib(synthesized, mode):
    assert_instrumented(synthesized["example", mode], mode, expected=6)


def test_version_reports_the_package_its_layer_versions_and_aws_cdk_lib(venv, tmp_path):
    result = venv.run("cdk-datadog", "--version", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    site_packages = f"{venv.root}/lib/python3.11/site-packages/"
    assert lines[0].startswith(f"cdk-datadog {__version__} ({site_packages}")
    assert lines[1].startswith("default Datadog layer versions: python 128, node 143, java 28,")
    assert "extension 101" in lines[1]
    assert lines[2] == "aws-cdk-lib 2.275.0, constructs 10.8.1: the CDK constructs are available"
    assert lines[3].startswith("node: v")
