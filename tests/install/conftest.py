"""Fixtures of the install tests: a fresh clone of the repository, and the apps' folder.

Each test module builds its own venv(s) at module scope and is one xdist group (bin/test runs
pytest with `--dist loadgroup`), so a venv is made once and the modules' installs run in
parallel.
"""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.install.venvs import require_wheelhouse
from tests.install.wheelhouse import REPO_ROOT


def _git(*args: str, cwd: Path = REPO_ROOT) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout


@pytest.fixture(scope="session")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh `git clone` of this repository at HEAD: what a user (or CI) starts from.

    Only committed work is in it. On CI the tree is clean; locally, uncommitted changes are
    named in a warning, since these tests then check HEAD and not them.
    """
    require_wheelhouse()
    head = _git("rev-parse", "HEAD").strip()
    changed = _git("status", "--porcelain", "--untracked-files=no").splitlines()
    if changed:
        files = ", ".join(line[3:] for line in changed)
        warnings.warn(
            f"tests/install tested commit {head[:12]} (a clone of HEAD); uncommitted changes to "
            f"{files} are not in it: commit them to test them",
            stacklevel=1,
        )
    target = tmp_path_factory.mktemp("clone") / "cdk-datadog"
    _git("clone", "--quiet", "--no-checkout", str(REPO_ROOT), str(target))
    _git("checkout", "--quiet", head, cwd=target)
    return target


@pytest.fixture(scope="session")
def examples(clone: Path) -> Path:
    """The clone's examples/ (readme_app.py, app.py, functions/)."""
    return clone / "examples"


@pytest.fixture(scope="session")
def built_once(tmp_path_factory: pytest.TempPathFactory, worker_id: str):
    """`built_once(name, build)`: the folder `build(folder)` filled, once per test run.

    Under xdist the folder is shared by the workers (a file lock makes the others wait and then
    reuse it), so a venv and its synths are made once even if the scheduler splits a module;
    module fixtures alone would make them again in each worker that runs one of its tests.
    """

    def once(name: str, build: Callable[[Path], None]) -> Path:
        if worker_id == "master":
            folder = tmp_path_factory.mktemp(name)
            build(folder)
            return folder
        root = tmp_path_factory.getbasetemp().parent  # this run's folder, shared by workers
        folder = root / name
        with open(root / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (folder / ".done").exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                build(folder)
                (folder / ".done").touch()
        return folder

    return once
