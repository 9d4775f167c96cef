"""What would be published: the sdist and the wheel (`python -m build`), and the Serverless
plugin's npm tarball (`npm pack`). Their metadata passes `twine check --strict`, they carry the
package's one version and licence, and they hold what runs and nothing else: no tests,
fixtures, caches or documentation generators in the wheel, only the plugin in the tarball.

They are built from a copy of the working tree's tracked and new files (what a commit would
hold), offline: the wheel with the venv's own setuptools (`--no-isolation`), the tarball by npm
from the plugin's folder. (tests/install/test_dists.py builds from a clone with an isolated
backend and installs the results.)
"""

from __future__ import annotations

import email.parser
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from cdk_datadog import __version__
from tests.install.wheelhouse import REPO_ROOT

pytestmark = pytest.mark.xdist_group("install-packaging")

NPM = shutil.which("npm")
PLUGIN = "serverless-plugin-cdk-datadog"
#: what the wheel may hold besides Python modules
WHEEL_DATA = {
    "cdk_datadog/py.typed",
    "cdk_datadog/data/datadog.yaml",
    f"cdk_datadog/cdk/_jsii/cdk-datadog-batch@{__version__}.jsii.tgz",
}
DIST_INFO = f"cdk_datadog-{__version__}.dist-info"
#: the plugin's files, as npm packs them (under package/)
PLUGIN_FILES = {
    "package.json",
    "README.md",
    "LICENSE",
    "index.js",
    "lib/backend.js",
    "lib/service.js",
}


def _run(*command: str, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}{done.stderr}"
    return done


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files git tracks or would track, copied as they are in the working tree."""
    listed = _run(
        "git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO_ROOT
    ).stdout.split("\0")
    target = tmp_path_factory.mktemp("packaging") / "cdk-datadog"
    for name in filter(None, listed):
        path = REPO_ROOT / name
        if path.is_file() and not path.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / name)
    return target


@pytest.fixture(scope="module")
def dists(source: Path) -> dict[str, Path]:
    """The sdist, and the wheel `python -m build` makes from it."""
    outdir = source.parent / "dist"
    env = {**os.environ, "PIP_NO_INDEX": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(outdir), str(source)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"python -m build:\n{done.stdout}{done.stderr}"
    (sdist,) = outdir.glob(f"cdk_datadog-{__version__}.tar.gz")
    (wheel,) = outdir.glob(f"cdk_datadog-{__version__}-py3-none-any.whl")
    return {"sdist": sdist, "wheel": wheel}


@pytest.fixture(scope="module")
def plugin_tarball(source: Path) -> Path:
    if NPM is None:
        pytest.skip("npm is not on PATH")
    outdir = source.parent / "npm"
    outdir.mkdir()
    done = _run(
        NPM, "pack", "--json", "--pack-destination", str(outdir), cwd=source / "serverless-plugin"
    )
    [packed] = json.loads(done.stdout)
    return outdir / packed["filename"]


def _wheel_members(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as archive:
        text = archive.read(f"{DIST_INFO}/METADATA").decode()
    return email.parser.Parser().parsestr(text)


def test_twine_check_passes_on_the_sdist_and_the_wheel(dists):
    done = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *map(str, dists.values())],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2, done.stdout


def test_the_wheel_declares_the_packages_version_and_licence(dists):
    metadata = _metadata(dists["wheel"])

    assert metadata["Version"] == __version__
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata["License-File"] == "LICENSE"
    assert f"{DIST_INFO}/licenses/LICENSE" in _wheel_members(dists["wheel"])


def test_the_wheel_holds_the_package_its_data_and_nothing_else(dists):
    members = _wheel_members(dists["wheel"])
    package = {m for m in members if not m.startswith(f"{DIST_INFO}/")}

    assert WHEEL_DATA <= package
    assert {m for m in package if not m.endswith(".py")} == WHEEL_DATA
    assert all(m.startswith("cdk_datadog/") for m in package), sorted(package)
    assert not [m for m in package if "__pycache__" in m or "/tests/" in m or "fixtures" in m]
    assert "cdk_datadog/readme_tables.py" not in package  # docs/ are generated from the source


def test_the_sdist_holds_the_sources_and_licence_but_no_tests_or_caches(dists):
    with tarfile.open(dists["sdist"]) as archive:
        members = {name.partition("/")[2] for name in archive.getnames()}

    assert {"LICENSE", "README.md", "CHANGELOG.md", "setup.py", "pyproject.toml"} <= members
    assert WHEEL_DATA <= members
    top = {name.partition("/")[0] for name in members if name}
    assert top <= {
        "LICENSE",
        "README.md",
        "CHANGELOG.md",
        "MANIFEST.in",
        "setup.py",
        "setup.cfg",
        "pyproject.toml",
        "PKG-INFO",
        "cdk_datadog",
        "cdk_datadog.egg-info",
    }, sorted(top)
    assert not [m for m in members if "__pycache__" in m or m.endswith(".pyc")]


def test_the_plugin_tarball_holds_only_the_plugin(plugin_tarball, source):
    with tarfile.open(plugin_tarball) as archive:
        members = {name.removeprefix("package/") for name in archive.getnames()}
        manifest = json.load(archive.extractfile("package/package.json"))
        licence = archive.extractfile("package/LICENSE").read().decode()

    assert members == PLUGIN_FILES
    assert plugin_tarball.name == f"{PLUGIN}-{__version__}.tgz"
    assert (manifest["name"], manifest["version"]) == (PLUGIN, __version__)
    assert manifest["license"] == "Apache-2.0"
    assert licence == (source / "LICENSE").read_text(encoding="utf-8")


def test_installing_the_plugin_installs_no_serverless_framework(plugin_tarball, tmp_path):
    """Its peers (serverless 3 or 4, osls 4) are optional: npm installs none of them."""
    project = tmp_path / "service"
    project.mkdir()
    (project / "package.json").write_text('{"name": "service", "private": true}\n')

    _run(
        NPM,
        "install",
        "--offline",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        str(plugin_tarball),
        cwd=project,
    )

    modules = project / "node_modules"
    assert [p.name for p in modules.iterdir() if not p.name.startswith(".")] == [PLUGIN]
