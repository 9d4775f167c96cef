"""The README's tables of options and diagnostics are the ones the code generates."""

from __future__ import annotations

from pathlib import Path

from cdk_datadog.engine.notes import NOTE_KINDS
from cdk_datadog.engine.options import OPTION_SPECS
from cdk_datadog.readme_tables import with_tables

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_readme_carries_the_current_tables():
    assert with_tables(README) == README, (
        "README.md's generated tables are stale: run "
        "`python -m cdk_datadog.readme_tables --write README.md`"
    )


def test_every_option_and_note_kind_has_a_row():
    for name in OPTION_SPECS:
        assert f"| `{name}`" in README, name
    for kind in NOTE_KINDS:
        assert f"| `{kind.id}` |" in README, kind.id
