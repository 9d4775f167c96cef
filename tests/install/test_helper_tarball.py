"""The compiled Node helper is committed, and it is what its source compiles to.

pip installs (from a clone, an sdist or a wheel) take the helper from the repository, so a
change to cdk_datadog/cdk/node that is not recompiled and committed would ship stale code.
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile

import pytest

from cdk_datadog import __version__
from tests.install.wheelhouse import REPO_ROOT

HELPER = f"cdk_datadog/cdk/_jsii/cdk-datadog-batch@{__version__}.jsii.tgz"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_the_compiled_helper_is_tracked_by_git_when_the_package_names_it():
    from cdk_datadog.cdk import node_helper

    assert HELPER.endswith(node_helper.TARBALL)
    assert _git("ls-files", "--", HELPER).strip() == HELPER


@pytest.mark.node
def test_the_committed_helper_has_the_contents_its_source_compiles_to():
    # bin/build-helper compiles cdk_datadog/cdk/node with the pinned jsii into a temporary
    # folder and compares the tarballs member by member (.jsii, lib/index.js, lib/index.d.ts,
    # package.json, README.md); on a difference it says to run bin/setup --rebuild-helper.
    result = _check()

    assert result.returncode == 0, result.stderr
    assert "matches cdk_datadog/cdk/node" in result.stdout


@pytest.mark.node
def test_the_check_names_the_stale_member_and_the_fix_when_the_helper_differs(tmp_path):
    stale = tmp_path / "stale.jsii.tgz"
    with tarfile.open(REPO_ROOT / HELPER) as source, tarfile.open(stale, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "package/lib/index.js":
                data += b"// an edit that was never compiled\n"
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))

    result = _check("--tarball", str(stale))

    assert result.returncode == 1
    assert "differs: package/lib/index.js" in result.stderr
    assert "run `bin/setup --rebuild-helper` and commit it" in result.stderr


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "bin" / "build-helper"), "--check", *args],
        capture_output=True,
        text=True,
        check=False,
    )
