"""The docs' Serverless pages say what the code does: the table of keys is generated from the
key table (tests/test_doc_tables.py), and every difference the differential test allows is
listed on the migration page."""

from __future__ import annotations

from pathlib import Path

from tests.serverless import test_sls_differential as differential

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_difference_the_differential_test_allows_is_in_the_docs():
    page = (DOCS / "from-serverless-plugin-datadog.md").read_text(encoding="utf-8")
    section = page.split("## Differences from serverless-plugin-datadog", 1)[1]
    allowed = {
        **differential.OURS_ONLY,
        **differential.OURS_ONLY_FORWARDER,
        **differential.THEIRS_ONLY_FORWARDER,
        **differential.OURS_ONLY_EXTENSION,
    }
    assert [name for name in allowed if f"`{name}`" not in section] == []
    assert "dd_sls_plugin" in section and "Layer versions" in section


def test_the_docs_name_the_frameworks_the_tests_run():
    from tests.serverless.sls_projects import FRAMEWORKS

    page = (DOCS / "serverless.md").read_text(encoding="utf-8")
    for framework in FRAMEWORKS:
        assert f"({framework.version})" in page, framework
    assert "Serverless Framework 4 | not tested" in page
