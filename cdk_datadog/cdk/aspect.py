"""The Aspect that instruments functions at synthesis, and the registry that does it once.

Instrumenting at synthesis (not when the construct is created) is what lets `Datadog` see
functions defined after it and variables added late with `add_environment`. The aspect runs
with a priority after the user's own mutating aspects (Tags, default-priority aspects), so
it sees their result, and before read-only ones such as cdk-nag, so they see ours.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

import jsii
from aws_cdk import AspectPriority, IAspect, Stack, Token
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_lambda as lambda_
from constructs import Construct, IConstruct

from cdk_datadog.cdk.apply import annotate, apply_plan
from cdk_datadog.cdk.edge import edge_function_logical_ids
from cdk_datadog.cdk.facts import facts_from_properties
from cdk_datadog.cdk.logs import existing_filter_counts, subscribe_function_logs
from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.plan import Plan, Skip
from cdk_datadog.engine.planner import plan_function

#: after AspectPriority.DEFAULT (500) aspects, before READONLY (1000) ones
DATADOG_PRIORITY = AspectPriority.DEFAULT + 100
#: explicit `DatadogLambda.add_lambda_functions` wins over a `Datadog` covering the same scope
EXPLICIT_PRIORITY = DATADOG_PRIORITY - 10


@dataclass
class Registry:
    """Per-app record of what was decided, so every function is instrumented exactly once."""

    decisions: dict[str, Plan | Skip] = field(default_factory=dict)
    edge_scopes: set[str] = field(default_factory=set)


_REGISTRIES: weakref.WeakKeyDictionary[Any, Registry] = weakref.WeakKeyDictionary()


def registry_of(scope: IConstruct) -> Registry:
    root = scope.node.root
    registry = _REGISTRIES.get(root)
    if registry is None:
        registry = _REGISTRIES[root] = Registry()
    return registry


def _function_of(cfn: lambda_.CfnFunction) -> lambda_.Function | None:
    parent = cfn.node.scope
    return parent if isinstance(parent, lambda_.Function) else None


def _is_under(path: str, scopes: set[str]) -> bool:
    return any(path == scope or path.startswith(scope + "/") for scope in scopes)


@jsii.implements(IAspect)
class DatadogAspect:
    """Instruments every CfnFunction it visits with one config."""

    def __init__(self, config: DatadogConfig, secret: Any, registry: Registry) -> None:
        self._config = config
        self._secret = secret if config.grant_secret_read_access else None
        self._registry = registry
        self._regions: dict[str, str | None] = {}
        self._filter_counts: dict[str, dict[str, int]] = {}
        self._edge_ids: dict[str, frozenset[str]] = {}

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, lambda_.CfnFunction):
            self._instrument(node)
        elif isinstance(node, cloudfront.experimental.EdgeFunction):
            self._registry.edge_scopes.add(node.node.path)

    def _region(self, stack: Stack) -> str | None:
        key = stack.node.path
        if key not in self._regions:
            region = stack.region
            self._regions[key] = None if Token.is_unresolved(region) else region
        return self._regions[key]

    def _instrument(self, cfn: lambda_.CfnFunction) -> None:
        path = cfn.node.path
        if path in self._registry.decisions:
            return
        function = _function_of(cfn)
        target: Construct = function if function is not None else cfn
        display_path = target.node.path
        stack = Stack.of(cfn)
        properties = stack.resolve(cfn._cfn_properties)
        facts = facts_from_properties(
            display_path,
            properties,
            self._region(stack),
            self._is_edge(cfn, stack, display_path),
        )
        decision = plan_function(facts, self._config)
        self._registry.decisions[path] = decision
        if isinstance(decision, Skip):
            annotate(target, (decision.reason, *decision.notes))
            return
        apply_plan(cfn, function, decision, list(properties.get("layers") or []), self._secret)
        notes = decision.notes
        if decision.subscribe_logs and self._config.forwarder_arn is not None:
            log_note = subscribe_function_logs(
                cfn,
                target,
                properties,
                self._config.forwarder_arn,
                self._config.create_forwarder_permissions,
                self._filter_counts_of(stack),
            )
            notes = (*notes, log_note) if log_note is not None else notes
        annotate(target, notes)

    def _is_edge(self, cfn: lambda_.CfnFunction, stack: Stack, path: str) -> bool:
        if _is_under(path, self._registry.edge_scopes):
            return True
        key = stack.node.path
        if key not in self._edge_ids:
            self._edge_ids[key] = edge_function_logical_ids(stack)
        return bool(self._edge_ids[key]) and stack.get_logical_id(cfn) in self._edge_ids[key]

    def _filter_counts_of(self, stack: Stack) -> dict[str, int]:
        key = stack.node.path
        if key not in self._filter_counts:
            self._filter_counts[key] = existing_filter_counts(stack)
        return self._filter_counts[key]
