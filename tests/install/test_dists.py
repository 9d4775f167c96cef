"""`python -m build` on a clean clone makes an sdist, and a wheel from that sdist; both carry the
data file, py.typed and the compiled Node helper, and both install with pip alone into clean
venvs that synthesize the README's app."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from cdk_datadog import __version__
from tests.install.apps import assert_instrumented, synth
from tests.install.venvs import make_venv
from tests.install.wheelhouse import WHEELHOUSE

pytestmark = pytest.mark.xdist_group("install-dists")

PACKAGE_FILES = (
    "cdk_datadog/data/datadog.yaml",
    "cdk_datadog/py.typed",
    f"cdk_datadog/cdk/_jsii/cdk-datadog-batch@{__version__}.jsii.tgz",
)


@pytest.fixture(scope="module")
def dists(clone: Path, built_once) -> dict[str, Path]:
    """The sdist and the wheel `python -m build` makes, its build backend from the wheelhouse."""

    def build(outdir: Path) -> None:
        env = {**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}
        env["PIP_FIND_LINKS"] = str(WHEELHOUSE)
        result = subprocess.run(
            [sys.executable, "-m", "build", "--outdir", str(outdir), str(clone)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"python -m build failed:\n{result.stdout}{result.stderr}"

    outdir = built_once("dists", build)
    (sdist,) = outdir.glob(f"cdk_datadog-{__version__}.tar.gz")
    (wheel,) = outdir.glob(f"cdk_datadog-{__version__}-py3-none-any.whl")
    return {"sdist": sdist, "wheel": wheel}


def _members(dist: Path) -> set[str]:
    if dist.suffix == ".whl":
        with zipfile.ZipFile(dist) as archive:
            return set(archive.namelist())
    with tarfile.open(dist) as archive:
        return {name.partition("/")[2] for name in archive.getnames()}


@pytest.mark.parametrize("kind", ["sdist", "wheel"])
def test_the_dist_carries_the_data_file_py_typed_and_the_node_helper(dists, kind):
    assert set(PACKAGE_FILES) <= _members(dists[kind])


def test_the_wheel_carries_no_tests_examples_or_typescript_source(dists):
    members = _members(dists["wheel"])

    assert not [m for m in members if m.startswith(("tests/", "examples/")) or m.endswith(".ts")]


@pytest.mark.parametrize("kind", ["sdist", "wheel"])
def test_the_readme_app_is_instrumented_when_installed_from_the_dist(
    dists, kind, examples, tmp_path_factory
):
    venv = make_venv(tmp_path_factory.mktemp("venv") / kind)
    venv.pip_install(f"cdk-datadog[cdk] @ {dists[kind].as_uri()}")

    synthesized = synth(venv, examples, tmp_path_factory.mktemp(kind), [("readme", "extension")])

    assert_instrumented(synthesized["readme", "extension"], "extension", expected=2)
