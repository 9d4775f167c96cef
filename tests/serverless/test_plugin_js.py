"""The plugin's own JavaScript tests (serverless-plugin/test, node:test), run with Node 24."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.serverless.sls_projects import NODE, PLUGIN


@pytest.mark.node
def test_the_plugins_javascript_tests_pass():
    done = subprocess.run(
        [str(NODE), "--test", "--test-reporter=tap"],
        cwd=PLUGIN,
        env={
            **os.environ,
            "CDK_DATADOG_TEST_BACKEND": str(Path(sys.executable).parent / "cdk-datadog"),
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "# fail 0" in done.stdout and "# skipped 0" in done.stdout, done.stdout
