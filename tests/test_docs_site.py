"""The documentation site builds with `mkdocs build --strict`: every page in the nav exists and
is in it, every link and anchor resolves, every snippet file exists, and mkdocstrings finds
every public name the API page lists. Deselect with `-m "not docs"`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cdk_datadog

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.docs


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("mkdocs", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("mkdocs is not installed (pip install -e '.[dev]')")
    outdir = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(outdir)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return outdir


def test_mkdocs_build_strict_passes(site):
    assert (site / "index.html").is_file()


def test_the_api_page_documents_every_public_name(site):
    page = (site / "api" / "index.html").read_text(encoding="utf-8")
    documented = set(re.findall(r'id="cdk_datadog\.(\w+)"', page))

    assert set(cdk_datadog.__all__) - {"__version__"} <= documented


def test_the_getting_started_page_shows_the_tested_readme_app(site):
    page = (site / "getting-started" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page)

    assert "from cdk_datadog import Datadog" in text.replace("&quot;", '"')
    assert "--8&lt;--" not in page
