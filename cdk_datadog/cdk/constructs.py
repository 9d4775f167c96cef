"""`Datadog` (every function under a scope) and `DatadogLambda` (the functions you list)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aws_cdk import App, Stage
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from cdk_datadog.cdk import tree as construct_tree
from cdk_datadog.cdk.batch import annotate_all
from cdk_datadog.cdk.hooks import (
    DATADOG_PRIORITY,
    EXPLICIT_PRIORITY,
    cover_stages,
    instrument_functions,
    instrument_tree,
    run_at_first_visit,
)
from cdk_datadog.cdk.instrument import Instrumenter, jsii_ref, registry_of
from cdk_datadog.cdk.options import build_config
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.config import function_settings
from cdk_datadog.engine.notes import note
from cdk_datadog.engine.plan import Plan, Skip
from cdk_datadog.engine.stack import Control


class Datadog(Construct):
    """Instruments every Lambda function under `scope` (a Stack, a Stage or the App) at synth.

    Options are those of datadog-cdk-constructs-v2's `DatadogLambdaProps`, in snake_case,
    plus ours (`exclude`, `enable_xray_tracing`, `subscribe_to_access_logs`,
    `subscribe_to_execution_logs`, `step_functions`); the `datadog` key of cdk.json context
    gives defaults that keyword arguments override.

    :raises OptionError: (a ValueError) naming the option, when an option is invalid.
    """

    def __init__(self, scope: Construct, id: str, **options: Any) -> None:
        config, secret = build_config(scope, options)
        super().__init__(scope, id)
        self.config = config
        self._registry = registry_of(scope)
        self._instrumenter = instrumenter = Instrumenter(config, secret, self._registry, id)
        if isinstance(scope, Stage) and not isinstance(scope, App):
            cover_stages(scope, instrumenter, resynthesize=False)

        def run() -> None:
            tree = construct_tree.read(scope)
            if isinstance(scope, App):
                cover_stages(scope, instrumenter, resynthesize=True, tree=tree)
            instrument_tree(instrumenter, scope, tree)

        run_at_first_visit(scope, run, DATADOG_PRIORITY)

    @property
    def decisions(self) -> dict[str, Plan | Skip]:
        """What was decided for each function (by CfnFunction path), once synthesized."""
        return self._registry.decisions()

    def add_forwarder_to_non_lambda_log_groups(self, log_groups: Iterable[logs.ILogGroup]) -> None:
        """Subscribe these log groups to the Forwarder too (as datadog-cdk-constructs-v2 does).

        Without `forwarder_arn` nothing is subscribed, and an info annotation says so.
        """
        if self.config.forwarder_arn is None:
            annotate_all([(self, note(nk.LOGS_NO_FORWARDER))])
            return
        for group in log_groups:
            cfn = group if isinstance(group, logs.CfnLogGroup) else group.node.default_child
            if cfn is not None:  # an imported group has none: nothing of ours to subscribe
                self._instrumenter.log_groups[jsii_ref(cfn)] = cfn

    @staticmethod
    def exclude(function: lambda_.IFunction | lambda_.CfnFunction) -> None:
        """Leave this function alone, whatever covers it; callable before or after `Datadog`.

        The function's annotation says it was excluded by `Datadog.exclude()`.
        """
        _set_control(function, Control(opt_out="Datadog.exclude()"))

    @staticmethod
    def configure(function: lambda_.IFunction | lambda_.CfnFunction, **options: Any) -> None:
        """Options for this function only (service, env, version, tags, log_level, ...).

        They win over the construct's options; a DD_* variable set on the function still wins
        over both. Options that must be the same for a whole stack (the API key, the
        Forwarder) are refused.

        :raises OptionError: naming the option, when it is unknown, mistyped or stack-wide.
        """
        registry = registry_of(function)
        previous = registry.controls.get(jsii_ref(function))
        merged = dict(previous.settings) if previous else {}
        merged.update(options)
        settings = function_settings(merged, "Datadog.configure()")
        _set_control(function, Control(settings=settings, source="Datadog.configure()"))


def _set_control(function: Any, control: Control) -> None:
    registry = registry_of(function)
    previous = registry.controls.get(jsii_ref(function))
    if previous is not None and previous.opt_out and not control.opt_out:
        control = Control(previous.opt_out, control.settings, control.source)
    registry.controls[jsii_ref(function)] = control


class DatadogLambda(Construct):
    """The explicit mode of datadog-cdk-constructs-v2: instruments only the functions added.

    A function added twice, or also covered by a `Datadog`, is instrumented once, with this
    construct's options.
    """

    def __init__(self, scope: Construct, id: str, **options: Any) -> None:
        config, secret = build_config(scope, options)
        super().__init__(scope, id)
        self.config = config
        self._registry = registry_of(scope)
        self._functions: dict[str, lambda_.IFunction] = {}
        self._instrumenter = instrumenter = Instrumenter(
            config, secret, self._registry, id, explicit=True
        )
        stage = Stage.of(self) or self.node.root
        run_at_first_visit(
            stage,
            lambda: instrument_functions(instrumenter, stage, self._functions.values()),
            EXPLICIT_PRIORITY,
        )

    def add_lambda_functions(self, lambda_functions: Iterable[lambda_.IFunction]) -> None:
        """Instrument these functions at synthesis; imported functions are ignored."""
        for function in lambda_functions:
            ref = jsii_ref(function)
            self._functions.setdefault(ref, function)
            self._registry.claimed.add(ref)
            self._instrumenter.own.add(ref)

    @property
    def decisions(self) -> dict[str, Plan | Skip]:
        return self._registry.decisions()

    add_forwarder_to_non_lambda_log_groups = Datadog.add_forwarder_to_non_lambda_log_groups
