"""Fixtures for the Serverless Framework tests: the framework to run (each test that runs one
runs with Serverless Framework 3 and with osls 4), and a folder every xdist worker shares, so
that each test project is packaged once per run (see sls_projects.packaged)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.serverless.sls_projects import FRAMEWORKS, Framework


@pytest.fixture(scope="session", params=FRAMEWORKS, ids=[f.id for f in FRAMEWORKS])
def framework(request: pytest.FixtureRequest) -> Framework:
    framework: Framework = request.param
    if not framework.bin.exists():
        pytest.skip(f"node_modules/{framework.package} missing: run bin/setup first")
    assert framework.version.split(".")[0] == str(framework.major), (
        f"{framework.package} {framework.version} is pinned in package.json; the tests expect "
        f"{framework.major}.x"
    )
    return framework


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # pytest-N/, the parent of every worker's popen-gwN/
    folder = root / "serverless"
    folder.mkdir(exist_ok=True)
    return folder
