"""The README's app and the example app, synthesized in an install test's venv, and what their
templates must show for every function to count as instrumented.

The apps run from a folder that holds only them, so `cdk_datadog` comes from the venv, never
from a checkout (`synth` checks that).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from tests.install.venvs import Venv, make_venv

FORWARDER = "arn:aws:lambda:eu-west-1:123456789012:function:datadog-forwarder"
#: the README app's extension options, and what replaces them for Forwarder mode
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:datadog-api-key"
EXTENSION_LINES = ("    extension_layer_version=101,\n", f'    api_key_secret_arn="{SECRET}",\n')
FORWARDER_LINES = (f'    forwarder_arn="{FORWARDER}",\n', "")

MODES = ("extension", "forwarder")
WRAPPERS = {
    "python": "datadog_lambda.handler.handler",
    "nodejs": "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler",
}
#: runs apps in one process (one import of aws-cdk-lib: 15 s at the floor, where aws_cdk
#: imports every submodule). The README app runs as `python app.py` would (runpy); it writes to
#: CDK_OUTDIR, which jsii's Node process read once at its start, so each run's templates are
#: moved out before the next. The example app runs through build_app (Forwarder mode switched
#: as tests/examples/test_example_app.py does).
DRIVER = """
import os, runpy, shutil, sys
import cdk_datadog

print(cdk_datadog.__file__)
for app, mode, path, outdir in (arg.split("|") for arg in sys.argv[1:]):
    if app == "readme":
        runpy.run_path(path, run_name="__main__")
        shutil.move(os.environ["CDK_OUTDIR"], outdir)
    else:
        from examples.app import build_app

        overrides = {}
        if mode == "forwarder":
            overrides = dict(
                extension_layer_version=None, api_key_secret_arn=None, forwarder_arn=FORWARDER
            )
        build_app(outdir=outdir, **overrides).synth()
""".replace("FORWARDER", repr(FORWARDER))


def readme_app_source(source: str, mode: str) -> str:
    """The README's app as it is (extension), or with the Forwarder instead of the extension."""
    if mode == "extension":
        return source
    for old, new in zip(EXTENSION_LINES, FORWARDER_LINES):
        assert source.count(old) == 1, f"the README app no longer has the line {old!r}"
        source = source.replace(old, new)
    return source


def synth(
    venv: Venv, examples: Path, workdir: Path, jobs: list[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """Synthesize `(app, mode)` jobs, app "readme" (examples/readme_app.py, the README's code)
    or "example" (examples/app.py), in one process of the venv run from a folder that holds
    only the apps; their templates by job."""
    shutil.copytree(examples, workdir / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    source = (examples / "readme_app.py").read_text(encoding="utf-8")
    args = []
    for app, mode in jobs:
        script = workdir / f"readme_app_{mode}.py"
        if app == "readme":
            script.write_text(readme_app_source(source, mode), encoding="utf-8")
        args.append(f"{app}|{mode}|{script}|{workdir / f'out-{app}-{mode}'}")
    env = venv.env(CDK_OUTDIR=str(workdir / "cdk.out"))
    result = venv.run("python", "-c", DRIVER, *args, cwd=workdir, env=env)
    assert result.returncode == 0, f"synthesizing {jobs} failed:\n{result.stderr}"
    package = Path(result.stdout.splitlines()[0])
    assert package.is_relative_to(venv.root), f"cdk_datadog came from {package}"
    return synthesized(workdir, jobs)


def install_and_synth(
    folder: Path, examples: Path, jobs: list[tuple[str, str]], *requirements: str
) -> None:
    """A venv in `folder/venv` with `requirements` installed, and the `jobs` synthesized in it
    into `folder/apps` (read them back with `synthesized`)."""
    venv = make_venv(folder / "venv")
    venv.pip_install(*requirements)
    (folder / "apps").mkdir()
    synth(venv, examples, folder / "apps", jobs)


def synthesized(
    workdir: Path, jobs: list[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The templates `synth` wrote into `workdir`, by job."""
    return {(app, mode): templates(workdir / f"out-{app}-{mode}") for app, mode in jobs}


def templates(outdir: Path) -> dict[str, Any]:
    """Every template of a cloud assembly (stages included), by path inside it."""
    found = {
        str(path.relative_to(outdir)): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(outdir.rglob("*.template.json"))
    }
    assert found, f"no template in {outdir}"
    return found


def functions(templates_by_name: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every AWS::Lambda::Function, as `<template>/<logical id>` -> properties."""
    return {
        f"{name}/{logical_id}": resource["Properties"]
        for name, template in templates_by_name.items()
        for logical_id, resource in template.get("Resources", {}).items()
        if resource["Type"] == "AWS::Lambda::Function"
    }


def assert_instrumented(templates_by_name: dict[str, Any], mode: str, expected: int) -> None:
    """Each of the `expected` functions carries Datadog: layers, the wrapper with the original
    handler kept (Python, Node), DD_* variables; the extension with its API key in extension
    mode, a subscription filter to the Forwarder per function in Forwarder mode."""
    found = functions(templates_by_name)
    assert len(found) == expected, sorted(found)
    filters = [
        resource["Properties"]
        for template in templates_by_name.values()
        for resource in template.get("Resources", {}).values()
        if resource["Type"] == "AWS::Logs::SubscriptionFilter"
    ]
    for where, properties in found.items():
        env = properties["Environment"]["Variables"]
        layers = json.dumps(properties.get("Layers", []))
        family = properties["Runtime"].rstrip("0123456789.x")
        if family != "provided.al":  # custom runtimes get the extension only
            assert ":layer:Datadog-" in layers or ":layer:dd-trace-" in layers, where
        assert env["DD_SERVICE"] == "shop" and env["DD_VERSION"] == "1.4.2", where
        if family in WRAPPERS:
            assert properties["Handler"] == WRAPPERS[family], where
            assert env["DD_LAMBDA_HANDLER"] not in ("", WRAPPERS[family]), where
        if mode == "extension":
            assert ":layer:Datadog-Extension" in layers, where
            assert env["DD_SITE"] == "datadoghq.eu" and "DD_API_KEY_SECRET_ARN" in env, where
            assert env["DD_FLUSH_TO_LOG"] == "false", where
        else:
            assert "Datadog-Extension" not in layers, where
            assert env["DD_FLUSH_TO_LOG"] == "true", where
    if mode == "forwarder":
        assert len(filters) == expected, filters
        assert all(f["DestinationArn"] == FORWARDER for f in filters), filters
    else:
        assert filters == []
