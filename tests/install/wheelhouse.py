"""The wheels the install tests need, downloaded once so that the tests use no network.

    python -m tests.install.wheelhouse      (bin/setup runs it; fast when already done)

The tests install cdk-datadog into clean virtual environments with
`pip install --no-index --find-links .cache/wheelhouse`, at two points of every range that
setup.py declares for users (`install_requires` and the `cdk` extra):

- newest: each of those packages at the version the `dev` extra pins (what CI tests with);
- floor: each at the lower bound of its range, and jsii at the lower bound that the
  aws-cdk-lib floor itself declares (what an app that pinned that aws-cdk-lib a year ago has).

Both sets, and the build backend of pyproject.toml at the `dev` pin, are read from setup.py,
so a changed range or pin changes what is downloaded and tested without editing this file.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO_ROOT = Path(__file__).resolve().parents[2]
WHEELHOUSE = REPO_ROOT / ".cache" / "wheelhouse"
#: written last, with the requirement lists the wheelhouse holds
STAMP = WHEELHOUSE / "complete.json"
#: besides the declared dependencies: the build backend (pyproject.toml's build-system)
BUILD_PACKAGES = ("setuptools",)


@dataclass(frozen=True)
class Declared:
    """What setup.py declares: the user-facing ranges and the `dev` pins."""

    #: install_requires followed by the `cdk` extra
    ranges: tuple[Requirement, ...]
    #: canonical name -> the version the `dev` extra pins
    dev_pins: dict[str, str]


def declared(setup_py: Path = REPO_ROOT / "setup.py") -> Declared:
    """Read setup.py's literal requirement lists (it is parsed, not run)."""
    tree = ast.parse(setup_py.read_text(encoding="utf-8"))
    (call,) = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setup"
    ]
    keywords = {
        keyword.arg: ast.literal_eval(keyword.value)
        for keyword in call.keywords
        if keyword.arg in ("install_requires", "extras_require")
    }
    extras = keywords["extras_require"]
    ranges = tuple(Requirement(text) for text in [*keywords["install_requires"], *extras["cdk"]])
    pins = {}
    for text in extras["dev"]:
        requirement = Requirement(text)
        (specifier,) = requirement.specifier
        pins[canonicalize_name(requirement.name)] = specifier.version
    return Declared(ranges=ranges, dev_pins=pins)


def lower_bound(requirement: Requirement) -> str:
    """The version of a range's `>=` bound; a range without one cannot be tested at its floor."""
    bounds = [spec.version for spec in requirement.specifier if spec.operator == ">="]
    if len(bounds) != 1:
        raise ValueError(f"setup.py: {requirement} needs exactly one >= bound to be tested")
    return bounds[0]


def newest(spec: Declared) -> list[str]:
    """Each declared dependency at its `dev` pin."""
    missing = [r.name for r in spec.ranges if canonicalize_name(r.name) not in spec.dev_pins]
    if missing:
        raise ValueError(f"setup.py: pin {', '.join(missing)} in the dev extra as well")
    return [f"{r.name}=={spec.dev_pins[canonicalize_name(r.name)]}" for r in spec.ranges]


def floors(spec: Declared) -> list[str]:
    """Each declared dependency at the lower bound of its range."""
    return [f"{r.name}=={lower_bound(r)}" for r in spec.ranges]


def build_backend(spec: Declared) -> list[str]:
    return [f"{name}=={spec.dev_pins[name]}" for name in BUILD_PACKAGES]


def jsii_floor(wheelhouse: Path, aws_cdk_lib_version: str) -> str:
    """`jsii==<lowest>` that the given aws-cdk-lib wheel in the wheelhouse accepts."""
    (wheel,) = wheelhouse.glob(f"aws_cdk_lib-{aws_cdk_lib_version}-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (metadata,) = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        lines = archive.read(metadata).decode().splitlines()
    for line in lines:
        if line.startswith("Requires-Dist: "):
            requirement = Requirement(line.removeprefix("Requires-Dist: "))
            if canonicalize_name(requirement.name) == "jsii":
                return f"jsii=={lower_bound(requirement)}"
    raise ValueError(f"{wheel.name} declares no jsii")


def floor_set(spec: Declared, wheelhouse: Path = WHEELHOUSE) -> list[str]:
    """The floor requirements plus the jsii floor of the aws-cdk-lib floor."""
    pins = floors(spec)
    (cdk_floor,) = [p.partition("==")[2] for p in pins if p.startswith("aws-cdk-lib==")]
    return [*pins, jsii_floor(wheelhouse, cdk_floor)]


def _download(*requirements: str, deps: bool = True) -> None:
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
    command += ["--only-binary=:all:", "--dest", str(WHEELHOUSE)]
    command += [] if deps else ["--no-deps"]
    result = subprocess.run([*command, *requirements], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"wheelhouse: pip download failed:\n{result.stdout}{result.stderr}")


def ensure() -> bool:
    """Download what is missing; False when the wheelhouse was already complete."""
    spec = declared()
    wanted = {"newest": newest(spec), "floors": floors(spec), "build": build_backend(spec)}
    if STAMP.is_file() and json.loads(STAMP.read_text(encoding="utf-8")) == wanted:
        return False
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    STAMP.unlink(missing_ok=True)
    _download(*wanted["newest"], *wanted["build"])
    _download(*[p for p in wanted["floors"] if p.startswith("aws-cdk-lib==")], deps=False)
    _download(*floor_set(spec))
    STAMP.write_text(json.dumps(wanted, indent=2), encoding="utf-8")
    return True


if __name__ == "__main__":
    print("downloaded" if ensure() else "up to date")
