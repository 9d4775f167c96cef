"""The example app: two stacks and a stage with Python, Node, Java and custom-runtime functions.

`cdk synth` (through the root cdk.json) synthesizes it; `python -m examples.app --report` also
prints, per function, what cdk-datadog did. One `Datadog` construct on the App covers every
stack, including the stage created after it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from cdk_datadog import Datadog
from cdk_datadog.engine.describe import describe

FUNCTIONS = Path(__file__).resolve().parent / "functions"
ACCOUNT = "123456789012"


class OrdersStack(cdk.Stack):
    """An API backend in Python and Node."""

    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        lambda_.Function(
            self,
            "CreateOrder",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="app.handler",
            code=lambda_.Code.from_asset(str(FUNCTIONS / "python")),
            environment={"DD_ENV": "staging"},  # set by the team: cdk-datadog keeps it
        )
        lambda_.Function(
            self,
            "ListOrders",
            runtime=lambda_.Runtime.NODEJS_22_X,
            architecture=lambda_.Architecture.ARM_64,
            handler="index.handler",
            code=lambda_.Code.from_asset(str(FUNCTIONS / "node")),
        )


class BillingStack(cdk.Stack):
    """A Java service and a custom-runtime (Go/Rust style) worker."""

    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        lambda_.Function(
            self,
            "Invoice",
            runtime=lambda_.Runtime.JAVA_21,
            handler="com.example.Invoice::handleRequest",
            code=lambda_.Code.from_asset(str(FUNCTIONS / "java")),
            memory_size=1024,
        )
        lambda_.Function(
            self,
            "Reconcile",
            runtime=lambda_.Runtime.PROVIDED_AL2023,
            architecture=lambda_.Architecture.ARM_64,
            handler="bootstrap",
            code=lambda_.Code.from_asset(str(FUNCTIONS / "custom")),
        )


class ProdStage(cdk.Stage):
    def __init__(self, scope: Construct, id: str, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        OrdersStack(self, "Orders", env=cdk.Environment(account=ACCOUNT, region="eu-west-1"))


#: the extension ships metrics, traces and logs; the key stays in Secrets Manager
DATADOG_OPTIONS = {
    "site": "datadoghq.eu",
    "extension_layer_version": 101,
    "api_key_secret_arn": f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:datadog-api-key",
    "service": "shop",
    "env": "prod",
    "version": "1.4.2",
}


def build_app(
    outdir: str | None = None, instrument: bool = True, **option_overrides: object
) -> cdk.App:
    """The example app; `option_overrides` (None removes an option) let tests try other modes,
    and `instrument=False` gives the same app without Datadog, to compare against."""
    app = cdk.App(outdir=outdir) if outdir else cdk.App()
    if instrument:
        Datadog(app, "Datadog", **{**DATADOG_OPTIONS, **option_overrides})
    OrdersStack(app, "Orders", env=cdk.Environment(account=ACCOUNT, region="us-east-1"))
    BillingStack(app, "Billing")  # environment-agnostic: layer ARNs follow the deploy region
    ProdStage(app, "Prod")
    return app


def print_report(app: cdk.App) -> None:
    """Per function: what cdk-datadog did, or why it left the function alone."""
    datadog = app.node.find_child("Datadog")
    for path, decision in sorted(datadog.decisions.items()):
        print(f"{path.removesuffix('/Resource')}\n    {describe(decision)}")
        for note in getattr(decision, "notes", ()):
            print(f"    {note.level}: {note.message} [{note.id}]")


def main(argv: list[str]) -> None:
    app = build_app(instrument="--bare" not in argv)
    assembly = app.synth()
    if "--report" in argv and "--bare" not in argv:
        print(f"synthesized {len(assembly.stacks)} stacks into {assembly.directory}\n")
        print_report(app)


if __name__ == "__main__":
    main(sys.argv[1:])
