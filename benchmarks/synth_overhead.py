"""Synth overhead of cdk-datadog against a bare synth and against datadog-cdk-constructs-v2.

    bin/setup && .venv/bin/python benchmarks/synth_overhead.py [--sizes 50,200,1000] [--repeat 3]

For each size N (half Python, half Node functions; stacks of at most 200 functions) and each
mode (extension, forwarder), the three ways (bare, ours, reference) are synthesized in fresh
processes, alternating, `--repeat` times. It prints medians of wall time from after the N
functions are defined (the way's constructs + synth; the whole run is in results.json), the
overhead of each way over bare and the ratio of ours to the reference's, our overhead per
function (flat across N when the cost is linear), peak memory (Python and its jsii Node
process), and jsii calls per function during synthesis; then the import time cdk_datadog adds
and the engine's planning rate. Results also go to benchmarks/results.json
(results-validation.json with --validation, which keeps aws-cdk-lib's own validator on).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WAYS = ("bare", "ours", "reference")
#: what is compared: the way's constructs plus the synthesis. Defining the app's N functions
#: is the same work in every way, and its noise (a few tenths of a second at N = 1000 on a
#: shared machine) hid the difference being measured; `seconds` (the whole) is kept in
#: results.json
MEASURED = "measured_seconds"
#: the way `--baseline` adds: cdk_datadog from another checkout, such as an earlier commit
BASELINE = "baseline"


def _ours(way: str) -> str:
    return "ours" if way == BASELINE else way


def _env(validation: bool = False, package_root: Path = ROOT) -> dict[str, str]:
    env = dict(os.environ)
    # as users run it: with bytecode cached (bin/_env.sh turns caching off for development)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PATH"] = f"{ROOT / 'node_modules' / '.bin'}{os.pathsep}{env.get('PATH', '')}"
    env["CDK_VALIDATION"] = "true" if validation else "false"
    env["PYTHONPATH"] = str(package_root)
    return env


def measure_synth(
    n: int, way: str, mode: str, validation: bool, baseline: Path | None = None
) -> dict:
    """One synthesis; the `baseline` way is `ours` with cdk_datadog imported from the
    `baseline` checkout (the same app, the same measurement)."""
    done = subprocess.run(
        [sys.executable, str(HERE / "synth_child.py"), str(n), _ours(way), mode],
        capture_output=True,
        text=True,
        env=_env(validation, baseline if way == BASELINE else ROOT),
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_import(repeat: int) -> dict:
    """Median wall time of `import aws_cdk.aws_lambda` (what an app defining functions imports)
    alone, and followed by `from cdk_datadog import Datadog`."""

    def timed(code: str) -> float:
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import time; t=time.perf_counter(); {code}; print(time.perf_counter()-t)",
            ],
            capture_output=True,
            text=True,
            env=_env(),
            check=True,
        )
        return float(done.stdout.strip().splitlines()[-1])

    bare, both = [], []
    for _ in range(repeat):
        bare.append(timed("import aws_cdk.aws_lambda"))
        both.append(timed("import aws_cdk.aws_lambda; from cdk_datadog import Datadog"))
    return {
        "import_aws_cdk_s": statistics.median(bare),
        "import_with_cdk_datadog_s": statistics.median(both),
        "added_ms": (statistics.median(both) - statistics.median(bare)) * 1000,
    }


def measure_engine(count: int = 100_000) -> dict:
    sys.path.insert(0, str(ROOT))
    from cdk_datadog.engine import FunctionFacts, config_from_options, plan_function

    config = config_from_options(
        {
            "extension_layer_version": 101,
            "api_key_secret_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:k",
        }
    )
    runtimes = ("python3.12", "nodejs22.x", "java21", "dotnet8")
    facts = [
        FunctionFacts(
            path=f"S/Fn{i}",
            runtime=runtimes[i % 4],
            handler="index.handler",
            architecture="arm64" if i % 2 else "x86_64",
            region="us-east-1",
        )
        for i in range(count)
    ]
    start = time.perf_counter()
    for fact in facts:
        plan_function(fact, config)
    seconds = time.perf_counter() - start
    return {"functions": count, "seconds": seconds, "functions_per_second": count / seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,1000")
    parser.add_argument("--modes", default="extension,forwarder")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--validation",
        action="store_true",
        help="keep aws-cdk-lib's built-in CloudFormation validator on (CDK_VALIDATION=true)",
    )
    parser.add_argument("--output", type=Path, help="where to write the JSON results")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of cdk-datadog (such as a git worktree of an earlier commit, its Node "
        "helper built) measured as a fourth way in the same run, to tell a regression from a "
        "change of machine",
    )
    args = parser.parse_args()
    ways = (*WAYS, BASELINE) if args.baseline else WAYS
    sizes = [int(size) for size in args.sizes.split(",")]
    # installed packages come with their bytecode compiled; so does cdk_datadog here
    compileall.compile_dir(str(ROOT / "cdk_datadog"), quiet=1)
    modes = args.modes.split(",")

    rows = []
    for mode in modes:
        for n in sizes:
            runs: dict[str, list[dict]] = {way: [] for way in ways}
            for _ in range(args.repeat):
                for way in ways:  # alternating, so drift hits every way alike
                    runs[way].append(measure_synth(n, way, mode, args.validation, args.baseline))
            median = {w: statistics.median(r[MEASURED] for r in runs[w]) for w in ways}
            ours_over = median["ours"] - median["bare"]
            reference_over = median["reference"] - median["bare"]
            baseline = {}
            if args.baseline:
                baseline_over = median[BASELINE] - median["bare"]
                baseline = {
                    "baseline_s": median[BASELINE],
                    "baseline_overhead_s": baseline_over,
                    "baseline_to_reference": baseline_over / reference_over
                    if reference_over > 0
                    else None,
                }
            rows.append(
                {
                    "mode": mode,
                    "n": n,
                    **{
                        f"{w}_whole_s": statistics.median(r["seconds"] for r in runs[w])
                        for w in WAYS
                    },
                    **{f"{w}_s": median[w] for w in WAYS},
                    "ours_overhead_s": ours_over,
                    "reference_overhead_s": reference_over,
                    "ours_to_reference": ours_over / reference_over if reference_over > 0 else None,
                    **{
                        f"{w}_{side}_peak_mib": max(r[f"{side}_peak_mib"] for r in runs[w])
                        for w in WAYS
                        for side in ("python", "node")
                    },
                    "ours_overhead_ms_per_function": ours_over / n * 1000,
                    "ours_jsii_calls_per_function": runs["ours"][0][
                        "synth_jsii_calls_per_function"
                    ],
                    **baseline,
                }
            )
            print(json.dumps(rows[-1]), file=sys.stderr)

    results = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "baseline": str(args.baseline) if args.baseline else None,
        "synth": rows,
        "import": measure_import(args.repeat * 2),
        "engine": measure_engine(),
    }
    output = args.output or HERE / (
        "results-validation.json" if args.validation else "results.json"
    )
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(
        f"{results['date']}, {results['machine']}, CDK_VALIDATION={str(args.validation).lower()}, "
        f"medians of {args.repeat}\n"
    )
    print(
        "| mode | N | bare s | ours s | reference s | ours over bare | reference over bare "
        "| ours / reference | ours over bare per function | peak MiB bare / ours / reference "
        "| jsii calls per function |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        ratio = row["ours_to_reference"]
        peaks = " / ".join(
            f"{row[f'{w}_python_peak_mib'] + row[f'{w}_node_peak_mib']:.0f}" for w in WAYS
        )
        print(
            f"| {row['mode']} | {row['n']} | {row['bare_s']:.2f} | {row['ours_s']:.2f} | "
            f"{row['reference_s']:.2f} | +{row['ours_overhead_s']:.2f} s | "
            f"+{row['reference_overhead_s']:.2f} s | "
            f"{'n/a' if ratio is None else f'{ratio:.2f}'} | "
            f"{row['ours_overhead_ms_per_function']:.2f} ms | {peaks} | "
            f"{row['ours_jsii_calls_per_function']:.1f} |"
        )
    if args.baseline:
        print(f"\nAgainst the baseline ({args.baseline}), in the same run:\n")
        print(
            "| mode | N | baseline over bare | ours over bare | baseline / reference "
            "| ours / reference |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for row in rows:
            print(
                f"| {row['mode']} | {row['n']} | +{row['baseline_overhead_s']:.2f} s | "
                f"+{row['ours_overhead_s']:.2f} s | {row['baseline_to_reference']:.2f} | "
                f"{row['ours_to_reference']:.2f} |"
            )
    imp, eng = results["import"], results["engine"]
    print(
        f"\n`from cdk_datadog import Datadog` adds {imp['added_ms']:.0f} ms to "
        f"`import aws_cdk.aws_lambda` "
        f"({imp['import_aws_cdk_s']:.2f} s); the engine plans "
        f"{eng['functions_per_second']:,.0f} functions a second."
    )


if __name__ == "__main__":
    main()
