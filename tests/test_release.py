"""One version and one licence for everything that is released.

The version is defined once, as `cdk_datadog.__version__`: setup.py reads it from there, the
Serverless plugin's backend answers with it and the CDK shell loads the Node helper by it. The
JSON files that cannot read it (the plugin's and the helper's package.json) carry a copy, and
the tests below keep every copy equal. To release a new version: change `__version__`, the two
`"version"` fields, add its section to CHANGELOG.md, and run `bin/setup --rebuild-helper` (the
helper's tarball is named after its version).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from cdk_datadog import __version__
from cdk_datadog.cdk import node_helper

ROOT = Path(__file__).resolve().parents[1]
#: the npm packages that are released with the Python package
NPM_PACKAGES = ("serverless-plugin/package.json", "cdk_datadog/cdk/node/package.json")
LICENCE = "Apache-2.0"


def _json(path: str) -> dict:
    return json.loads((ROOT / path).read_text(encoding="utf-8"))


def _setup_keyword(name: str) -> ast.expr:
    """The value of `setup(name=...)` in setup.py, as written."""
    tree = ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))
    [call] = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setup"
    ]
    [keyword] = [keyword for keyword in call.keywords if keyword.arg == name]
    return keyword.value


def test_the_version_is_a_release_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__), __version__


def test_setup_py_reads_the_version_from_the_package_instead_of_repeating_it():
    assert isinstance(_setup_keyword("version"), ast.Name)
    assert f'"{__version__}"' not in (ROOT / "setup.py").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", NPM_PACKAGES)
def test_each_npm_package_has_the_python_packages_version(path):
    assert _json(path)["version"] == __version__, (
        f"{path} says {_json(path)['version']}, cdk_datadog.__version__ is {__version__}: "
        "they are released together (see this file's docstring)"
    )


def test_the_node_helper_is_loaded_and_committed_under_the_packages_version():
    assert node_helper.VERSION == __version__
    assert (ROOT / "cdk_datadog" / "cdk" / "_jsii" / node_helper.TARBALL).is_file()


def test_the_changelog_opens_with_the_current_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", text, re.MULTILINE)

    assert headings, "CHANGELOG.md has no `## [version]` section"
    assert headings[0] in (__version__, "Unreleased"), headings
    assert f"## [{__version__}]" in text


def test_the_licence_file_is_the_apache_license_2_0():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")

    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_every_package_declares_the_same_licence():
    declared = {"setup.py": ast.literal_eval(_setup_keyword("license_expression"))}
    for path in (*NPM_PACKAGES, "package.json"):
        declared[path] = _json(path)["license"]

    assert declared == dict.fromkeys(declared, LICENCE)
