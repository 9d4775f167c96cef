"""The README's CDK app is examples/readme_app.py, word for word, so the install tests that run
the file run what the README shows."""

from __future__ import annotations

import re

from tests.install.wheelhouse import REPO_ROOT


def test_the_readme_cdk_app_is_examples_readme_app_py_word_for_word():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use it in a CDK app\n", 1)[1]
    block = re.search(r"```python\n(.*?)```\n", section, re.DOTALL)

    assert block is not None, "README.md: no python block under 'Use it in a CDK app'"
    assert block.group(1) == (REPO_ROOT / "examples" / "readme_app.py").read_text(encoding="utf-8")
