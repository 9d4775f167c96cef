"""The README is what a user reads first: short, its two commands first (and CI runs the test
one exactly), its links resolving, and no lab-notebook lines (nor in the other docs). (Its CDK
app is examples/readme_app.py word for word: tests/install/test_readme_app.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

#: phrases of a diary, not of documentation: what the code used to do belongs in git and the
#: changelog
DIARY = ("used to", "former E9", "before this round", "cannot disagree", "refactor", "until now")


def _first_block() -> list[str]:
    block = re.search(r"```sh\n(.*?)```", README, re.DOTALL)
    assert block is not None, "README.md has no sh block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines()]


def test_the_readme_is_under_250_lines():
    assert len(README.splitlines()) < 250


def test_the_first_commands_run_the_example_then_the_tests():
    assert _first_block() == ["bin/example", "bin/test"]
    assert README.index("bin/example") < README.index("## ")
    for command in _first_block():
        assert (ROOT / command).is_file()


def test_ci_runs_exactly_the_readmes_test_command():
    test_command = _first_block()[1]
    commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith(("#", "set ", "cd "))
    ]
    assert commands == [f"exec {test_command}"]


DOCS = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "docs").glob("*.md"))
PAGES = ["README.md", "CONTRIBUTING.md", "CHANGELOG.md", *DOCS]


@pytest.mark.parametrize("page", PAGES)
def test_no_diary_lines(page):
    text = (ROOT / page).read_text(encoding="utf-8").lower()
    assert [phrase for phrase in DIARY if phrase.lower() in text] == []


@pytest.mark.parametrize("page", ["README.md", "CONTRIBUTING.md"])
def test_every_relative_link_resolves(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [target for target in targets if "://" not in target]
    assert local, f"{page} links nowhere"
    assert [target for target in local if not (ROOT / target).exists()] == []
