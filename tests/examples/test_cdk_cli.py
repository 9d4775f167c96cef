"""The real CDK CLI on the root cdk.json: `cdk synth` gives instrumented stacks with the pinned
CLI (aws-cdk 2.1148.1, node_modules) and with the newest one (bin/setup installs it into
.cache/aws-cdk-newest), and `cdk diff` against the bare app names only Datadog changes.

aws-cdk-lib is PyPI's newest (2.275.0) in both. aws-cdk 3.0.0, the npm registry's highest
version, is deprecated and cannot read the assemblies aws-cdk-lib 2.275 writes ("Maximum schema
version supported is 43.x.x, but found 55.0.0"), so the newest CLI tested is the newest 2.x."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CDK = REPO_ROOT / "node_modules" / ".bin" / "cdk"
#: the CLIs `cdk synth` is tested with: the pinned one (package.json) and the newest
CLIS = {
    "pinned": REPO_ROOT / "node_modules",
    "newest": REPO_ROOT / ".cache" / "aws-cdk-newest" / "node_modules",
}

pytestmark = pytest.mark.node


def _cdk(
    *args: str, outdir: Path, app: str | None = None, cli: Path = CDK
) -> subprocess.CompletedProcess:
    command = [str(cli), *args, "--no-notices", "--output", str(outdir)]
    if app is not None:
        command += ["--app", app]
    env = {**os.environ, "CDK_DISABLE_CLI_TELEMETRY": "true", "CI": "true"}
    return subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _cli_version(modules: Path) -> str:
    return json.loads((modules / "aws-cdk" / "package.json").read_text())["version"]


@pytest.mark.parametrize("cli", sorted(CLIS))
def test_cdk_synth_from_the_repository_root_instruments_the_example(cli, tmp_path):
    modules = CLIS[cli]
    if not (modules / ".bin" / "cdk").exists():
        pytest.skip(f"{modules} has no CDK CLI: run bin/setup")
    if cli == "newest":  # not the pinned one again
        assert _cli_version(modules) != _cli_version(CLIS["pinned"])

    done = _cdk("synth", "--quiet", outdir=tmp_path, cli=modules / ".bin" / "cdk")

    assert done.returncode == 0, done.stderr
    orders = json.loads((tmp_path / "Orders.template.json").read_text())
    functions = [
        resource["Properties"]
        for resource in orders["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function"
    ]
    assert len(functions) == 2
    for function in functions:
        assert any("Datadog-Extension" in json.dumps(layer) for layer in function["Layers"])
    assert "end-of-life" not in done.stderr


def test_cdk_diff_against_the_bare_app_names_only_datadog_changes(tmp_path):
    bare = _cdk(
        "synth",
        "--quiet",
        outdir=tmp_path / "bare",
        app=f"{REPO_ROOT / '.venv/bin/python'} -m examples.app --bare",
    )
    assert bare.returncode == 0, bare.stderr

    diff = _cdk(
        "diff",
        "Orders",
        "--template",
        str(tmp_path / "bare" / "Orders.template.json"),
        outdir=tmp_path / "instrumented",
    )

    text = diff.stdout + diff.stderr
    assert "Datadog" in text
    changed = set(re.findall(r"\[[~+-]\] (AWS::[\w:]+)", text))
    # the functions change (layers, handler, variables, tags) and one managed policy, shared by
    # their roles, is added to read the API key: nothing else
    assert changed == {"AWS::Lambda::Function", "AWS::IAM::ManagedPolicy"}, text
    assert "[+] AWS::IAM::ManagedPolicy" in text
    assert "IAM Statement Changes" in text  # the table wraps with the terminal width
    assert "AWS::Lambda::Function" in changed
    assert "DD_LAMBDA_HANDLER" in text
