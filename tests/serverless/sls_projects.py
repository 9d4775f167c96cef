"""Run the real Serverless Framework 3 and osls 4 (node_modules, pinned) on test projects,
offline.

A project is copied to a temporary folder, given the plugin under test in its node_modules
(a symlink: no npm install, no network), and packaged with `sls package` in the offline
environment of FACTS.md. Every test of a framework runs with each of FRAMEWORKS (the
`framework` fixture, tests/serverless/conftest.py). Packaging takes seconds, so `packaged()`
packages each (framework, project, variant) once per test run, whatever the number of xdist
workers: the first worker packages into a shared folder under a file lock, the others read the
result.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO / "node_modules"
NODE = NODE_MODULES / ".bin" / "node"
PLUGIN = REPO / "serverless-plugin"
OURS = "serverless-plugin-cdk-datadog"
THEIRS = "serverless-plugin-datadog"
PROJECTS = REPO / "tests" / "fixtures" / "serverless"
TEMPLATE = Path(".serverless") / "cloudformation-template-update-stack.json"


@dataclass(frozen=True)
class Framework:
    """A Serverless Framework the plugin is tested with: an npm package in node_modules."""

    package: str
    #: the major version the tests expect, so that a changed pin is a deliberate change
    major: int

    @property
    def bin(self) -> Path:
        return NODE_MODULES / self.package / "bin" / "serverless.js"

    @cached_property
    def version(self) -> str:
        manifest = NODE_MODULES / self.package / "package.json"
        return json.loads(manifest.read_text())["version"]

    @property
    def id(self) -> str:
        return f"{self.package}-{self.major}"


#: Serverless Framework 3 (the last open-source release of the original) and osls 4 (its
#: open-source continuation); Serverless Framework 4 needs a login even to package
SERVERLESS_3 = Framework("serverless", 3)
OSLS_4 = Framework("osls", 4)
FRAMEWORKS = (SERVERLESS_3, OSLS_4)

#: FACTS.md: what `sls package` needs to run offline
OFFLINE = {
    "AWS_ACCESS_KEY_ID": "AKIAFAKE",
    "AWS_SECRET_ACCESS_KEY": "fake",
    "AWS_REGION": "us-east-1",
    "SLS_TELEMETRY_DISABLED": "1",
    "SLS_NOTIFICATIONS_MODE": "off",
    "SLS_DEPRECATION_DISABLE": "*",
    "SLS_AWS_REQUEST_MAX_RETRIES": "0",
}


@dataclass(frozen=True)
class Run:
    """One `sls` run in a project folder."""

    directory: Path
    returncode: int
    stdout: str
    stderr: str

    @cached_property
    def template(self) -> dict[str, Any]:
        return json.loads((self.directory / TEMPLATE).read_text())

    @property
    def resources(self) -> dict[str, Any]:
        return self.template["Resources"]

    def function(self, logical_id: str) -> dict[str, Any]:
        return self.resources[logical_id]["Properties"]

    def variables(self, logical_id: str) -> dict[str, Any]:
        return self.function(logical_id).get("Environment", {}).get("Variables", {})

    def of_type(self, kind: str) -> dict[str, Any]:
        return {key: r for key, r in self.resources.items() if r.get("Type") == kind}

    @property
    def error_lines(self) -> list[str]:
        """The lines of Serverless' `Error:` section (its stdout), up to the first blank."""
        lines = self.stdout.splitlines()
        if "Error:" not in lines:
            return []
        rest = lines[lines.index("Error:") + 1 :]
        return rest[: rest.index("")] if "" in rest else rest

    def describe(self) -> str:
        return (
            f"exit {self.returncode}\n--- stdout ---\n{self.stdout}\n--- stderr ---\n{self.stderr}"
        )


def environment(extra: Mapping[str, str] | None = None, backend_on_path: bool = True) -> dict:
    """The offline environment, with this virtualenv's `cdk-datadog` on PATH (or not)."""
    path = [str(NODE_MODULES / ".bin"), "/usr/bin", "/bin"]
    if backend_on_path:
        path.insert(0, str(Path(sys.executable).parent))
    env = {"PATH": os.pathsep.join(path), "HOME": os.environ.get("HOME", "/tmp"), **OFFLINE}
    env.update(extra or {})
    return env


def prepare(
    source: Path,
    destination: Path,
    plugin: str | None = OURS,
    edit: Callable[[Path], None] | None = None,
) -> Path:
    """A copy of a project with `plugin` (None: no plugin) in its node_modules and
    serverless.yml."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(".serverless"))
    modules = destination / "node_modules"
    modules.mkdir(exist_ok=True)
    if plugin is None:  # no Datadog plugin at all
        replace(destination / "serverless.yml", f"plugins:\n  - {OURS}\n", "")
        # without the plugin, which declares it, osls refuses the per-function `datadog:` key
        # (Serverless 3 warns): let both warn
        with (destination / "serverless.yml").open("a") as config:
            config.write("configValidationMode: warn\n")
    else:
        target = PLUGIN if plugin == OURS else NODE_MODULES / plugin
        (modules / plugin).symlink_to(target, target_is_directory=True)
    if plugin not in (OURS, None):
        replace(destination / "serverless.yml", f"  - {OURS}\n", f"  - {plugin}\n")
    if edit is not None:
        edit(destination)
    return destination


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def sls(
    framework: Framework, directory: Path, *args: str, env: Mapping[str, str] | None = None
) -> Run:
    done = subprocess.run(
        [str(NODE), str(framework.bin), *args],
        cwd=directory,
        env=dict(env) if env is not None else environment(),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return Run(directory, done.returncode, done.stdout, done.stderr)


def packaged(
    framework: Framework,
    shared: Path,
    name: str,
    project: str | Path = "shop",
    plugin: str | None = OURS,
    env: Mapping[str, str] | None = None,
    edit: Callable[[Path], None] | None = None,
) -> Run:
    """`sls package` of a copy of `project`, once per test run under the name `name`.

    `shared` is a folder all xdist workers see (the parent of their basetemp)."""
    name = f"{framework.id}-{name}"
    lock = shared / f"{name}.lock"
    result = shared / f"{name}.json"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if result.exists():
            return Run(**{**json.loads(result.read_text()), "directory": shared / name})
        directory = prepare(PROJECTS / project, shared / name, plugin, edit)  # or absolute
        run = sls(framework, directory, "package", env=environment(env))
        saved = {key: getattr(run, key) for key in ("returncode", "stdout", "stderr")}
        result.write_text(json.dumps(saved))
        return run
