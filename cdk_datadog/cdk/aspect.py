"""The Aspect that instruments functions at synthesis, and the registry that does it once.

Instrumenting at synthesis (not when the construct is created) is what lets `Datadog` see
functions defined after it and variables added late with `add_environment`. The aspect runs
with a priority after the user's own mutating aspects (Tags, default-priority aspects), so
it sees their result, and before read-only ones such as cdk-nag, so they see ours.

Every call into aws-cdk-lib crosses into Node, so per function the aspect reads the
properties once (one `Stack.resolve`), writes them once (one override), and keeps what is
the same for a whole stack (its region, layer tokens, IAM policy) in per-stack caches.
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

from cdk_datadog.cdk.apply import annotate, function_overrides, render_layer
from cdk_datadog.cdk.edge import edge_function_logical_ids
from cdk_datadog.cdk.facts import facts_from_properties
from cdk_datadog.cdk.grants import StackPolicies, plan_statements, role_of
from cdk_datadog.cdk.logs import existing_filter_counts, subscribe_function_logs
from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.plan import LayerArn, Plan, Skip
from cdk_datadog.engine.planner import plan_function

#: after AspectPriority.DEFAULT (500) aspects, before READONLY (1000) ones
DATADOG_PRIORITY = AspectPriority.DEFAULT + 100
#: explicit `DatadogLambda.add_lambda_functions` wins over a `Datadog` covering the same scope
EXPLICIT_PRIORITY = DATADOG_PRIORITY - 10
L2_SUFFIX = "/Resource"


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


def _is_under(path: str, scopes: set[str]) -> bool:
    return any(path == scope or path.startswith(scope + "/") for scope in scopes)


@dataclass
class _StackState:
    """What is the same for every function of one stack."""

    stack: Stack
    region: str | None
    layers: dict[str, str] = field(default_factory=dict)
    edge_ids: frozenset[str] | None = None
    filter_counts: dict[str, int] | None = None


@jsii.implements(IAspect)
class DatadogAspect:
    """Instruments every CfnFunction it visits with one config."""

    def __init__(
        self, config: DatadogConfig, secret: Any, registry: Registry, owner_id: str
    ) -> None:
        self._config = config
        self._secret = secret if config.grant_secret_read_access else None
        self._registry = registry
        self._policies = StackPolicies(owner_id)
        self._stacks: dict[str, _StackState] = {}

    def visit(self, node: IConstruct) -> None:
        if isinstance(node, lambda_.CfnFunction):
            self._instrument(node)
        elif isinstance(node, Stack):
            self._stack_state(node, node.node.path)
        elif isinstance(node, cloudfront.experimental.EdgeFunction):
            self._registry.edge_scopes.add(node.node.path)

    def _stack_state(self, stack: Stack, path: str) -> _StackState:
        state = self._stacks.get(path)
        if state is None:
            region = stack.region
            state = _StackState(stack, None if Token.is_unresolved(region) else region)
            self._stacks[path] = state
        return state

    def _state_for(self, cfn: lambda_.CfnFunction, path: str) -> tuple[str, _StackState]:
        """The function's stack, found by path among visited stacks (no call into Node)."""
        parts = path.split("/")
        for end in range(len(parts) - 1, 0, -1):
            prefix = "/".join(parts[:end])
            if prefix in self._stacks:
                return prefix, self._stacks[prefix]
        stack = Stack.of(cfn)
        prefix = stack.node.path
        return prefix, self._stack_state(stack, prefix)

    def _instrument(self, cfn: lambda_.CfnFunction) -> None:
        node = cfn.node
        path = node.path
        if path in self._registry.decisions:
            return
        display_path = path[: -len(L2_SUFFIX)] if path.endswith(L2_SUFFIX) else path
        stack_key, state = self._state_for(cfn, path)
        properties = state.stack.resolve(cfn._cfn_properties)
        facts = facts_from_properties(
            display_path, properties, state.region, self._is_edge(cfn, state, display_path)
        )
        decision = plan_function(facts, self._config)
        self._registry.decisions[path] = decision
        notes = (decision.reason, *decision.notes) if isinstance(decision, Skip) else ()
        if isinstance(decision, Plan):
            notes = self._apply(cfn, node, state, stack_key, properties, decision)
        if notes:
            annotate(self._target(node, cfn), notes)

    def _apply(
        self,
        cfn: lambda_.CfnFunction,
        node: Any,
        state: _StackState,
        stack_key: str,
        properties: dict[str, Any],
        plan: Plan,
    ) -> tuple:
        layers = [self._layer_token(state, layer) for layer in plan.layers]
        overrides = function_overrides(plan, properties, layers)
        if overrides:
            cfn.add_override("Properties", overrides)
        if plan.grants or self._secret is not None or plan.xray_tracing:
            function = self._function(node)
            role = role_of(cfn, function, state.stack)
            if role is not None:
                self._policies.attach(
                    state.stack, stack_key, role, lambda: plan_statements(plan, self._secret)
                )
        notes = plan.notes
        if plan.subscribe_logs and self._config.forwarder_arn is not None:
            if state.filter_counts is None:
                state.filter_counts = existing_filter_counts(state.stack)
            log_note = subscribe_function_logs(
                cfn,
                self._target(node, cfn),
                properties,
                self._config.forwarder_arn,
                self._config.create_forwarder_permissions,
                state.filter_counts,
            )
            notes = (*notes, log_note) if log_note is not None else notes
        return notes

    def _layer_token(self, state: _StackState, layer: LayerArn) -> str:
        if layer.arn not in state.layers:
            state.layers[layer.arn] = render_layer(state.stack, layer)
        return state.layers[layer.arn]

    @staticmethod
    def _function(node: Any) -> lambda_.Function | None:
        parent = node.scope
        return parent if isinstance(parent, lambda_.Function) else None

    def _target(self, node: Any, cfn: lambda_.CfnFunction) -> Construct:
        """Where notes go: the L2 function users wrote, or the CfnFunction itself."""
        return self._function(node) or cfn

    def _is_edge(self, cfn: lambda_.CfnFunction, state: _StackState, path: str) -> bool:
        if _is_under(path, self._registry.edge_scopes):
            return True
        if state.edge_ids is None:
            state.edge_ids = edge_function_logical_ids(state.stack)
        return bool(state.edge_ids) and state.stack.get_logical_id(cfn) in state.edge_ids
