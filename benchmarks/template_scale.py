"""How `instrument_template` scales: a template of N functions, JSON and YAML, end to end
(load, instrument, dump), for N = 1,000, 5,000 and 10,000; linear growth means the time per
function stays flat.

    .venv/bin/python benchmarks/template_scale.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cdk_datadog.templates.io import dump_template, load_template
from cdk_datadog.templates.transform import instrument

OPTIONS = {
    "region": "us-east-1",
    "forwarder_arn": "arn:aws:lambda:us-east-1:123456789012:function:fwd",
    "source_code_integration": False,
}


def template_of(n: int) -> dict:
    resources = {"Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}}
    for i in range(n):
        resources[f"Fn{i}"] = {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12" if i % 2 else "nodejs22.x",
                "Handler": "index.handler",
                "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                "Code": {"S3Bucket": {"Ref": "Bucket"}, "S3Key": f"fn{i}.zip"},
                "Environment": {"Variables": {"TABLE": {"Ref": "Table"}}},
            },
        }
    return {"Resources": resources}


def measure(n: int, fmt: str) -> float:
    text = dump_template(template_of(n), fmt)
    start = time.perf_counter()
    template, detected = load_template(text)
    result = instrument(template, **OPTIONS)
    dump_template(result.template, detected)
    return time.perf_counter() - start


def main() -> None:
    rows = []
    for fmt in ("json", "yaml"):
        for n in (1_000, 5_000, 10_000):
            seconds = measure(n, fmt)
            rows.append(
                {"format": fmt, "n": n, "seconds": seconds, "us_per_function": seconds / n * 1e6}
            )
            print(json.dumps(rows[-1]), file=sys.stderr)
    print("| format | functions | seconds | µs per function |")
    print("| --- | ---: | ---: | ---: |")
    for row in rows:
        print(
            f"| {row['format']} | {row['n']} | {row['seconds']:.2f} "
            f"| {row['us_per_function']:.0f} |"
        )


if __name__ == "__main__":
    main()
