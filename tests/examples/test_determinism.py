"""Two synths of the example app, in separate processes with different hash seeds, give
byte-identical templates: nothing we add depends on ordering, hashing or the clock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SYNTH = (
    "import sys; from examples.app import build_app; "
    "build_app(outdir=sys.argv[1], source_code_integration=False).synth()"
)


def _synth(outdir: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO_ROOT)}
    subprocess.run(
        [sys.executable, "-c", SYNTH, str(outdir)], env=env, check=True, capture_output=True
    )
    return {
        str(path.relative_to(outdir)): path.read_bytes()
        for path in sorted(outdir.rglob("*.template.json"))
    }


def test_templates_are_byte_identical_across_processes_and_hash_seeds(tmp_path):
    first = _synth(tmp_path / "first", seed="1")
    second = _synth(tmp_path / "second", seed="4242")

    assert len(first) == 3  # Orders, Billing, and the stage's copy of Orders
    assert first == second
