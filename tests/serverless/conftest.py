"""Fixtures for the Serverless Framework tests: a folder every xdist worker shares, so that
each test project is packaged once per run (see sls_projects.packaged)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.serverless.sls_projects import SLS


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SLS.exists():
        pytest.skip("node_modules/serverless missing: run bin/setup first")
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # pytest-N/, the parent of every worker's popen-gwN/
    folder = root / "serverless"
    folder.mkdir(exist_ok=True)
    return folder
