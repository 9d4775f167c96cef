"""The README's Serverless section says what the code does: its table of keys is generated
from the key table, and every difference the differential test allows is listed."""

from __future__ import annotations

from pathlib import Path

from cdk_datadog.serverless import keys
from tests.serverless import test_sls_differential as differential

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_the_readme_carries_the_current_table_of_keys():
    assert keys.with_table(README) == README, (
        "README.md's table of custom.datadog keys is stale: run "
        "`python -m cdk_datadog.serverless.keys --write README.md`"
    )


def test_every_difference_the_differential_test_allows_is_in_the_readme():
    section = README.split("### Differences from serverless-plugin-datadog", 1)[1]
    section = section.split("\n## ", 1)[0]
    allowed = {
        **differential.OURS_ONLY,
        **differential.OURS_ONLY_FORWARDER,
        **differential.THEIRS_ONLY_FORWARDER,
        **differential.OURS_ONLY_EXTENSION,
    }
    assert [name for name in allowed if f"`{name}`" not in section] == []
    assert "dd_sls_plugin" in section and "Layer versions" in section
