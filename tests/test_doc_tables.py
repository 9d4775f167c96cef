"""The docs' generated tables (options, diagnostics, serverless.yml keys, lint rules, benchmark
results) are the ones the code and the results files give today."""

from __future__ import annotations

import pytest

from cdk_datadog.engine.notes import NOTE_KINDS
from cdk_datadog.engine.options import OPTION_SPECS
from cdk_datadog.serverless.keys import KEYS
from tools import doc_tables


def test_every_page_carries_its_current_tables():
    stale = [
        str(path.relative_to(doc_tables.ROOT))
        for path, (text, updated) in doc_tables.current_pages().items()
        if text != updated
    ]
    assert stale == [], f"stale generated tables in {stale}: run `python -m tools.doc_tables`"


def _page(name: str) -> str:
    return (doc_tables.DOCS / name).read_text(encoding="utf-8")


def test_every_option_note_kind_key_and_lint_rule_has_a_row():
    options, diagnostics = _page("options.md"), _page("diagnostics.md")
    serverless, lint = _page("serverless.md"), _page("lint-rules.md")

    assert [name for name in OPTION_SPECS if f"| `{name}`" not in options] == []
    assert [kind.id for kind in NOTE_KINDS if f"| `{kind.id}` |" not in diagnostics] == []
    assert [key.name for key in KEYS if f"| `{key.name}`" not in serverless] == []
    rules = doc_tables.lint_rules_list()
    assert len(rules) >= 8
    assert [rule.id for rule in rules if f"| {rule.id} | `{rule.__name__}` |" not in lint] == []


def test_the_check_mode_exits_0_when_the_tables_are_current():
    assert doc_tables.main(["--check"]) == 0
    assert doc_tables.main(["--bogus"]) == 2


def test_a_page_without_its_markers_is_refused():
    with pytest.raises(ValueError, match="options-table:start"):
        doc_tables.with_table("# Options\n", "options-table")
