"""`Datadog` (every function under a scope) and `DatadogLambda` (the functions you list)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jsii
from aws_cdk import App, Aspects, IAspect, Stage
from aws_cdk import aws_lambda as lambda_
from constructs import Construct, IConstruct

from cdk_datadog.cdk.aspect import (
    DATADOG_PRIORITY,
    EXPLICIT_PRIORITY,
    DatadogAspect,
    registry_of,
)
from cdk_datadog.cdk.options import build_config
from cdk_datadog.engine.plan import Plan, Skip


class Datadog(Construct):
    """Instruments every Lambda function under `scope` (a Stack, a Stage or the App) at synth.

    Options are those of datadog-cdk-constructs-v2's `DatadogLambdaProps`, in snake_case,
    plus `exclude` and `enable_xray_tracing`; the `datadog` key of cdk.json context gives
    defaults that keyword arguments override.

    :raises OptionError: (a ValueError) naming the option, when an option is invalid.
    """

    def __init__(self, scope: Construct, id: str, **options: Any) -> None:
        config, secret = build_config(scope, options)
        super().__init__(scope, id)
        self.config = config
        self._registry = registry_of(scope)
        self._aspect = DatadogAspect(config, secret, self._registry, id)
        self._covered: set[str] = set()
        Aspects.of(scope).add(self._aspect, priority=DATADOG_PRIORITY)
        if isinstance(scope, Stage):
            self._cover_stages(scope, resynthesize=False)
            if isinstance(scope, App):
                # Stages are synthesized before the App's aspects run: a Stage created after
                # this construct is covered when the App's aspects run, and synthesized again.
                Aspects.of(scope).add(_StageCoverage(self), priority=DATADOG_PRIORITY)

    def _cover_stages(self, scope: Stage, resynthesize: bool) -> None:
        stages = [
            node for node in scope.node.find_all() if isinstance(node, Stage) and node is not scope
        ]
        new = [stage for stage in stages if stage.node.path not in self._covered]
        for stage in new:
            self._covered.add(stage.node.path)
            Aspects.of(stage).add(self._aspect, priority=DATADOG_PRIORITY)
        if resynthesize:
            for stage in sorted(new, key=lambda stage: -len(stage.node.scopes)):
                stage.synth(force=True)

    @property
    def decisions(self) -> dict[str, Plan | Skip]:
        """What was decided for each function (by CfnFunction path), once synthesized."""
        return dict(self._registry.decisions)


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
        self._aspect = DatadogAspect(config, secret, self._registry, id)
        self._added: set[str] = set()

    def add_lambda_functions(self, lambda_functions: Iterable[lambda_.IFunction]) -> None:
        """Instrument these functions at synthesis; imported functions are ignored."""
        for function in lambda_functions:
            node_path = function.node.path
            if node_path in self._added:
                continue
            self._added.add(node_path)
            Aspects.of(function).add(self._aspect, priority=EXPLICIT_PRIORITY)

    @property
    def decisions(self) -> dict[str, Plan | Skip]:
        return dict(self._registry.decisions)


@jsii.implements(IAspect)
class _StageCoverage:
    """Runs on the App: covers Stages created after `Datadog(app)`, then re-synthesizes them."""

    def __init__(self, owner: Datadog) -> None:
        self._owner = owner

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, App):
            self._owner._cover_stages(node, resynthesize=True)
