"""One measured synthesis, run in a fresh process by `synth_overhead.py`.

Defines an app of N functions (half Python, half Node; stacks per STACK_SIZE below),
instruments it one way (`bare`, `ours`, `reference`) in one mode (`extension`, `forwarder`),
synthesizes it, and prints one JSON line: wall seconds of the whole and of what differs
between the ways (their constructs, then the synthesis: `measured_seconds`), the peak memory
of this process and of its jsii Node process, and jsii calls per function.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("CDK_VALIDATION", "false")

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

#: functions per stack: 200, but 100 with Forwarder subscriptions, whose log group and filter
#: per function would take a stack of 200 functions to 800 resources (CloudFormation allows 500)
STACK_SIZE = {"extension": 200, "forwarder": 100}
ACCOUNT = "123456789012"
OPTIONS = {
    "extension": {
        "extension_layer_version": 101,
        "api_key_secret_arn": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:dd-api-key",
    },
    "forwarder": {
        "forwarder_arn": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:datadog-forwarder",
    },
}
CALLS = {"count": 0}


def _count_jsii_calls() -> None:
    """Wrap jsii's entry points: every call crosses into Node once (callbacks included)."""
    import jsii

    for name in ("create", "get", "set", "sget", "sset", "invoke", "sinvoke"):
        original = getattr(jsii, name)

        def counted(*args, __original=original, **kwargs):
            CALLS["count"] += 1
            return __original(*args, **kwargs)

        setattr(jsii, name, counted)


def _node_peak_kib() -> int:
    """Peak resident memory of the jsii Node process (a child of this one)."""
    peak = 0
    for children in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        for pid in children.read_text().split():
            status = Path(f"/proc/{pid}/status")
            if status.exists():
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
    return peak


def _self_peak_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def define(n: int, mode: str, outdir: str) -> tuple[cdk.App, list[lambda_.Function]]:
    """The app and its N functions, the same work whichever way it is instrumented."""
    app = cdk.App(outdir=outdir)
    code = lambda_.Code.from_inline("def handler(event, context):\n    return event\n")
    functions = []
    for index in range(n):
        if index % STACK_SIZE[mode] == 0:
            stack = cdk.Stack(
                app,
                f"Stack{index // STACK_SIZE[mode]}",
                env=cdk.Environment(account=ACCOUNT, region="us-east-1"),
            )
        python = index % 2 == 0
        functions.append(
            lambda_.Function(
                stack,
                f"Fn{index}",
                runtime=lambda_.Runtime.PYTHON_3_12 if python else lambda_.Runtime.NODEJS_22_X,
                handler="index.handler",
                code=code,
            )
        )
    return app, functions


def instrument(app: cdk.App, functions: list[lambda_.Function], way: str, mode: str) -> None:
    """Add the way's constructs (nothing for `bare`)."""
    options = {**OPTIONS[mode], "source_code_integration": False}
    if way == "ours":
        from cdk_datadog import Datadog

        Datadog(app, "Datadog", **options)
    elif way == "reference":
        from datadog_cdk_constructs_v2 import DatadogLambda

        for stack in {Fn.node.scope for Fn in functions}:
            stack_functions = [f for f in functions if f.node.scope is stack]
            DatadogLambda(stack, "Datadog", **options).add_lambda_functions(stack_functions)


def main() -> None:
    n, way, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    _count_jsii_calls()
    with tempfile.TemporaryDirectory() as outdir:
        start = time.perf_counter()
        app, functions = define(n, mode, outdir)
        defined = time.perf_counter()
        instrument(app, functions, way, mode)
        built = time.perf_counter()
        calls_before_synth = CALLS["count"]
        app.synth()
        done = time.perf_counter()
    print(
        json.dumps(
            {
                "n": n,
                "way": way,
                "mode": mode,
                "seconds": done - start,
                # what differs between the ways: their constructs and the synthesis
                "measured_seconds": done - defined,
                "instrument_seconds": built - defined,
                "synth_seconds": done - built,
                "python_peak_mib": _self_peak_kib() / 1024,
                "node_peak_mib": _node_peak_kib() / 1024,
                "synth_jsii_calls_per_function": (CALLS["count"] - calls_before_synth) / n,
            }
        )
    )


if __name__ == "__main__":
    main()
