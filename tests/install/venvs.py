"""Clean virtual environments, filled by pip from the wheelhouse alone, and commands run in them
as a user would: with the system's Node, outside any source checkout.

A venv is made without pip (`python -m venv --without-pip`) and filled by the test run's own
pip (`pip --python <venv>`): it then holds the package and what pip resolved for it, nothing
else. Installs read no network and no machine-wide pip configuration (PIP_CONFIG_FILE is
/dev/null), only `.cache/wheelhouse` (tests/install/wheelhouse.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.install.wheelhouse import REPO_ROOT, STAMP, WHEELHOUSE

#: jsii prints an end-of-life banner on Node 20 (the system Node on CI) unless told not to
SYSTEM_NODE_ENV = {
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    "CDK_DISABLE_CLI_TELEMETRY": "true",
    "CDK_VALIDATION": "false",
}


def require_wheelhouse() -> None:
    """Fail with what to do when bin/setup has not downloaded the wheels."""
    if not STAMP.is_file():
        raise AssertionError(f"{WHEELHOUSE} is not complete: run bin/setup (it downloads it once)")


def _outside_repo(entry: str) -> bool:
    try:
        return not Path(entry).resolve().is_relative_to(REPO_ROOT)
    except OSError:
        return True


@dataclass(frozen=True)
class Venv:
    """A virtual environment made for one install test."""

    root: Path

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a user's shell with this venv active: PATH has the venv and the
        system's folders (so `node` is the system's), nothing from the checkout."""
        kept = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTHON", "PIP_", "CDK_", "JSII_", "VIRTUAL_ENV"))
        }
        path = [str(self.root / "bin")]
        path += [p for p in os.environ.get("PATH", "").split(os.pathsep) if p and _outside_repo(p)]
        return {**kept, **SYSTEM_NODE_ENV, "PATH": os.pathsep.join(path), **extra}

    def pip_install(self, *requirements: str) -> None:
        """`pip install` from the wheelhouse only (a source tree is built from it too)."""
        require_wheelhouse()
        command = [sys.executable, "-m", "pip", "--python", str(self.python), "install"]
        command += ["--quiet", "--no-index", "--find-links", str(WHEELHOUSE), "--no-compile"]
        env = {**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}
        env["PIP_FIND_LINKS"] = str(WHEELHOUSE)  # for the isolated build of a source tree
        result = subprocess.run(
            [*command, *requirements], env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"pip install {requirements} failed:\n{result.stderr}"

    def run(
        self, *args: str | Path, cwd: Path, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run a command found on this venv's PATH (`python`, `cdk-datadog`, `node`) in `cwd`."""
        env = env or self.env()
        program = shutil.which(str(args[0]), path=env["PATH"])
        assert program is not None, f"{args[0]} is not on PATH {env['PATH']}"
        return subprocess.run(
            [program, *map(str, args[1:])],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    def installed_versions(self, *names: str) -> dict[str, str]:
        code = "import importlib.metadata as m, sys; print(*[m.version(n) for n in sys.argv[1:]])"
        result = self.run("python", "-c", code, *names, cwd=self.root)
        assert result.returncode == 0, result.stderr
        return dict(zip(names, result.stdout.split()))


def make_venv(path: Path) -> Venv:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
    return Venv(path)
