"""The benchmark scripts keep working: a tiny run of each, end to end, in a subprocess.

Nothing here is timed; the figures are the README's, from full runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _synth_benchmark(output: Path, *args: str) -> subprocess.CompletedProcess:
    """A run of benchmarks/synth_overhead.py at N = 4, one repeat, results written to `output`."""
    return subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "synth_overhead.py"),
            "--sizes",
            "4",
            "--repeat",
            "1",
            "--output",
            str(output),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_synth_benchmark_compares_bare_ours_and_the_reference_at_a_tiny_size(tmp_path):
    output = tmp_path / "results.json"
    done = _synth_benchmark(output, "--modes", "forwarder")

    assert done.returncode == 0, done.stderr
    results = json.loads(output.read_text())
    (row,) = results["synth"]
    assert (row["mode"], row["n"]) == ("forwarder", 4)
    assert all(row[f"{way}_s"] > 0 for way in ("bare", "ours", "reference"))
    assert all(row[f"{way}_node_peak_mib"] > 0 for way in ("bare", "ours", "reference"))
    assert "| forwarder | 4 |" in done.stdout
    assert results["engine"]["functions_per_second"] > 0


def test_the_synth_benchmark_measures_a_baseline_checkout_as_a_fourth_way(tmp_path):
    output = tmp_path / "results.json"
    # this checkout stands in for an earlier one
    done = _synth_benchmark(output, "--modes", "extension", "--baseline", str(ROOT))

    assert done.returncode == 0, done.stderr
    results = json.loads(output.read_text())
    (row,) = results["synth"]
    assert row["baseline_s"] > 0 and row["ours_s"] > 0
    assert results["baseline"] == str(ROOT)
    assert "Against the baseline" in done.stdout
    assert "| extension | 4 | +" in done.stdout
