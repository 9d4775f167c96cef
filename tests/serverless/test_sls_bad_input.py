"""Bad input makes `sls package` fail with one clear line naming the key as written: no Python
traceback, no JavaScript stack trace. A missing backend says how to install it.

(A backend of another protocol is refused in serverless-plugin/test/backend.test.js; every
other bad key, per-function blocks included, in test_custom_datadog_keys.py, in process.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from cdk_datadog import __version__
from tests.serverless.sls_projects import (
    NODE_MODULES,
    PROJECTS,
    THEIRS,
    environment,
    prepare,
    replace,
    sls,
)

#: Node 24 and the Serverless Frameworks from node_modules (bin/setup)
pytestmark = pytest.mark.node


def _forwarder_block(old: str, new: str):
    def edit(project: Path) -> None:
        replace(project / "datadog-forwarder.yml", old, new)

    return edit


def _next_to_serverless_plugin_datadog(project: Path) -> None:
    replace(
        project / "serverless.yml",
        "  - serverless-plugin-cdk-datadog\n",
        f"  - serverless-plugin-cdk-datadog\n  - {THEIRS}\n",
    )
    (project / "node_modules" / THEIRS).symlink_to(NODE_MODULES / THEIRS)


CASES = {
    "wrong-site": (
        _forwarder_block("site: datadoghq.eu", "site: datadoghq.con"),
        "custom.datadog.site: 'datadoghq.con' is not a Datadog site (did you mean "
        "'datadoghq.com'?)",
    ),
    "unknown-key": (
        _forwarder_block("site: datadoghq.eu", "sitte: datadoghq.eu"),
        "custom.datadog.sitte: unknown key; did you mean `site`?",
    ),
    "conflicting-keys": (
        _forwarder_block("addExtension: false", "addExtension: false\nextensionLayerVersion: 90"),
        "custom.datadog.extensionLayerVersion: is set while `addExtension` is false",
    ),
    "next-to-serverless-plugin-datadog": (
        _next_to_serverless_plugin_datadog,
        "plugins: serverless-plugin-datadog and serverless-plugin-cdk-datadog are both listed",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_fails_sls_package_with_one_line_naming_it(case, framework, tmp_path):
    edit, expected = CASES[case]
    project = prepare(PROJECTS / "shop", tmp_path / "p", edit=edit)

    run = sls(framework, project, "package")

    assert run.returncode != 0, run.describe()
    assert len(run.error_lines) == 1, run.describe()
    assert expected in run.error_lines[0], run.describe()
    output = run.stdout + run.stderr
    assert "Traceback" not in output and "    at " not in output, run.describe()
    assert not (project / ".serverless" / "cloudformation-template-update-stack.json").exists()


def test_a_missing_backend_says_how_to_install_it(framework, tmp_path):
    project = prepare(PROJECTS / "shop", tmp_path / "p")

    run = sls(framework, project, "package", env=environment(backend_on_path=False))

    assert run.returncode != 0
    assert run.error_lines == [
        "the cdk-datadog command is not on PATH: serverless-plugin-cdk-datadog needs its Python "
        f"backend: pip install cdk-datadog=={__version__} (or set custom.datadog.cdkDatadogPath "
        "to its path)"
    ], run.describe()
