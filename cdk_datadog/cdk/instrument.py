"""Instrumenting the functions of a stack in one batch: read once, plan, write once.

Every call into aws-cdk-lib crosses into Node (jsii) and costs about 0.3 ms, so the work is
done per stack, not per construct: one `Stack.resolve` reads the properties of all its
functions, each function gets a single `Properties` override, and what is the same for a
whole stack (region, layer ARNs, the IAM policy) is made once. Construct paths cost two calls
each, so they are read only when needed: for `exclude` patterns, for a function with notes,
and when a report asks for `decisions`.
"""

from __future__ import annotations

import dataclasses
import weakref
from dataclasses import dataclass, field
from typing import Any, Union

from aws_cdk import CfnResource, FeatureFlags, Stack, Token
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import IConstruct

from cdk_datadog.cdk.api_gateway import instrument_stage
from cdk_datadog.cdk.apply import (
    annotate,
    function_overrides,
    render_layer,
    tag_through_manager,
)
from cdk_datadog.cdk.edge import edge_function_logical_ids
from cdk_datadog.cdk.facts import FunctionControl, facts_from_properties
from cdk_datadog.cdk.grants import create_stack_policy, role_name
from cdk_datadog.cdk.logs import existing_filter_counts, subscribe_function_logs
from cdk_datadog.cdk.step_functions import instrument_state_machine
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.grants import api_key_grants
from cdk_datadog.engine.plan import Note, Plan, Skip
from cdk_datadog.engine.planner import note, plan_function

Decision = Union[Plan, Skip]
L2_SUFFIX = "/Resource"
MAX_STACK_RESOURCES = 500
NEAR_STACK_LIMIT = 450


def aspects_run_before(scope: IConstruct) -> bool:
    """With aspect stabilization our work runs in a later pass than every other aspect."""
    return bool(FeatureFlags.of(scope).is_enabled("@aws-cdk/core:aspectStabilization"))


def jsii_ref(construct: Any) -> str:
    """A stable identity of a construct, free of any call into Node."""
    return construct.__jsii_ref__.ref


@dataclass
class Registry:
    """Per-app record of what was decided, so every function is instrumented exactly once."""

    done: set[str] = field(default_factory=set)
    #: CfnFunctions listed with `DatadogLambda.add_lambda_functions`: theirs, whatever runs first
    claimed: set[str] = field(default_factory=set)
    entries: list[tuple[lambda_.CfnFunction, Decision]] = field(default_factory=list)
    #: per-function control by the jsii ref of the function (L2 or CfnFunction)
    controls: dict[str, FunctionControl] = field(default_factory=dict)

    def control_of(self, cfn: lambda_.CfnFunction) -> FunctionControl | None:
        if not self.controls:
            return None
        found = self.controls.get(jsii_ref(cfn))
        if found is None and cfn.node.id == "Resource":
            found = self.controls.get(jsii_ref(cfn.node.scope))
        return found

    def decisions(self) -> dict[str, Decision]:
        """Decisions by CfnFunction path (paths are read here, after synthesis)."""
        result = {}
        for cfn, decision in self.entries:
            path = cfn.node.path
            display = path[: -len(L2_SUFFIX)] if path.endswith(L2_SUFFIX) else path
            result[path] = dataclasses.replace(decision, path=display)
        return dict(sorted(result.items()))


_REGISTRIES: weakref.WeakKeyDictionary[Any, Registry] = weakref.WeakKeyDictionary()


def registry_of(scope: IConstruct) -> Registry:
    root = scope.node.root
    registry = _REGISTRIES.get(root)
    if registry is None:
        registry = _REGISTRIES[root] = Registry()
    return registry


def _target(cfn: lambda_.CfnFunction) -> IConstruct:
    """Where notes go: the L2 function users wrote, or the CfnFunction itself."""
    parent = cfn.node.scope
    return parent if isinstance(parent, lambda_.Function) else cfn


class _Target:
    """The construct notes and added resources hang from, looked up once and only if needed."""

    def __init__(self, cfn: lambda_.CfnFunction) -> None:
        self._cfn = cfn
        self._target: IConstruct | None = None

    def get(self) -> IConstruct:
        if self._target is None:
            self._target = _target(self._cfn)
        return self._target


class Instrumenter:
    """Applies one configuration to batches of CfnFunctions, a stack at a time."""

    def __init__(
        self,
        config: DatadogConfig,
        secret: Any,
        registry: Registry,
        owner_id: str,
        explicit: bool = False,
    ) -> None:
        self._config = config
        self._secret = secret if config.grant_secret_read_access else None
        self._registry = registry
        self._owner_id = owner_id
        #: DatadogLambda's: instruments the functions it claimed, which others leave to it
        self._explicit = explicit
        grants, _ = api_key_grants(config)
        self._needs_policy = bool(grants) or self._secret is not None or config.enable_xray_tracing

    def instrument_stack(
        self,
        stack: Stack,
        functions: list[lambda_.CfnFunction],
        stack_nodes: list[IConstruct],
        edge_refs: set[str],
    ) -> None:
        """Instrument `functions` of `stack`; `stack_nodes` is the stack's own subtree."""
        skip = (
            self._registry.done if self._explicit else self._registry.done | self._registry.claimed
        )
        functions = [cfn for cfn in functions if jsii_ref(cfn) not in skip]
        if not functions:
            return
        self._registry.done.update(jsii_ref(cfn) for cfn in functions)
        # the stack's role ids are read only when functions will need the API key policy
        roles = (
            [node for node in stack_nodes if isinstance(node, iam.CfnRole)]
            if self._needs_policy
            else []
        )
        resolved = stack.resolve(
            {
                "functions": [cfn._cfn_properties for cfn in functions],
                "roles": [role.ref for role in roles],
            }
        )
        region = stack.region
        region = None if Token.is_unresolved(region) else region
        edge_ids = edge_function_logical_ids(stack, stack_nodes)
        batch = _StackBatch(
            stack, {ref["Ref"] for ref in resolved["roles"]}, aspects_run_before(stack)
        )
        planned = []
        for cfn, properties in zip(functions, resolved["functions"]):
            is_edge = jsii_ref(cfn) in edge_refs or (
                bool(edge_ids) and stack.get_logical_id(cfn) in edge_ids
            )
            path = self._path_if_needed(cfn)
            control = self._registry.control_of(cfn)
            facts = facts_from_properties(path, properties, region, is_edge, control)
            decision = plan_function(facts, self._config)
            self._registry.entries.append((cfn, decision))
            planned.append((cfn, properties, decision))
        batch.subscribe = self._check_resource_limit(stack, stack_nodes, planned)
        for cfn, properties, decision in planned:
            if isinstance(decision, Skip):
                annotate(_target(cfn), (decision.reason, *decision.notes))
                continue
            target = _Target(cfn)
            notes = self._apply(cfn, target, properties, decision, batch)
            if notes:
                annotate(target.get(), notes)
        if batch.policy_source is not None:
            create_stack_policy(
                stack, f"{self._owner_id}Policy", batch.policy_source, batch.role_names
            )

    @property
    def config(self) -> DatadogConfig:
        return self._config

    def instrument_state_machine(self, machine: Any) -> None:
        ref = jsii_ref(machine)
        if ref not in self._registry.done:
            self._registry.done.add(ref)
            instrument_state_machine(machine, self._config)

    def instrument_api_stage(self, stage: Any, kind: str) -> None:
        ref = jsii_ref(stage)
        if ref not in self._registry.done:
            self._registry.done.add(ref)
            instrument_stage(stage, kind, self._config)

    def _check_resource_limit(
        self, stack: Stack, stack_nodes: list[IConstruct], planned: list[tuple]
    ) -> bool:
        """Whether the Forwarder subscriptions fit in the stack's 500 resources.

        CloudFormation refuses a stack over 500 resources, and aws-cdk-lib fails the synth
        deep inside jsii; better to say so on the stack, in our words, and leave them out.
        """
        subscribing = [
            properties
            for _, properties, decision in planned
            if isinstance(decision, Plan) and decision.subscribe_logs
        ]
        per_function = 2 if self._config.create_forwarder_permissions else 1
        added = sum(
            per_function + (0 if (props.get("loggingConfig") or {}).get("logGroup") else 1)
            for props in subscribing
        )
        needs_policy = any(
            isinstance(decision, Plan) and (decision.grants or decision.xray_tracing)
            for _, _, decision in planned
        ) or (self._secret is not None)
        existing = sum(1 for node in stack_nodes if isinstance(node, CfnResource))
        # + 1 for the AWS::CDK::Metadata resource the CDK adds at synthesis
        total = existing + added + int(needs_policy) + 1
        if total > MAX_STACK_RESOURCES and subscribing:
            annotate(
                stack,
                (
                    note(
                        nk.STACK_TOO_MANY_RESOURCES,
                        count=len(subscribing),
                        added=added,
                        total=total,
                    ),
                ),
            )
            return False
        if total > NEAR_STACK_LIMIT:
            annotate(stack, (note(nk.STACK_NEAR_LIMIT, total=total),))
        return True

    def _path_if_needed(self, cfn: lambda_.CfnFunction) -> str:
        if not self._config.exclude:
            return ""
        path = cfn.node.path
        return path[: -len(L2_SUFFIX)] if path.endswith(L2_SUFFIX) else path

    def _apply(
        self,
        cfn: lambda_.CfnFunction,
        target: _Target,
        properties: dict[str, Any],
        plan: Plan,
        batch: _StackBatch,
    ) -> tuple[Note, ...]:
        notes = plan.notes
        logging_config = None
        if plan.subscribe_logs and self._config.forwarder_arn is not None and batch.subscribe:
            if batch.filter_counts is None:
                batch.filter_counts = existing_filter_counts(batch.stack)
            subscription = subscribe_function_logs(
                batch.stack,
                target.get(),
                properties,
                self._config.forwarder_arn,
                self._config.create_forwarder_permissions,
                batch.filter_counts,
            )
            logging_config = subscription.logging_config
            if subscription.note is not None:
                notes = (*notes, subscription.note)
        layers = [batch.layer_token(layer) for layer in plan.layers]
        overrides = function_overrides(plan, properties, layers, batch.tags_final)
        if plan.tags and not batch.tags_final:
            tag_through_manager(cfn, dict(plan.tags))
        if logging_config is not None:
            overrides["LoggingConfig"] = logging_config
        if overrides:
            cfn.add_override("Properties", overrides)
        if plan.grants or self._secret is not None or plan.xray_tracing:
            if batch.policy_source is None:
                batch.policy_source = (plan, self._secret)
            batch.role_names.append(
                role_name(cfn, properties, batch.role_ids, batch.stack, len(batch.role_names))
            )
        return notes


@dataclass
class _StackBatch:
    """What is made once per stack while its functions are instrumented."""

    stack: Stack
    #: logical ids of the IAM roles defined in this stack
    role_ids: set[str]
    #: whether every mutating aspect (Tags) has run, so resolved tags are final
    tags_final: bool
    layers: dict[str, str] = field(default_factory=dict)
    #: the plan and ISecret the stack's IAM policy is written from (the same for all)
    policy_source: tuple[Plan, Any] | None = None
    role_names: list[Any] = field(default_factory=list)
    filter_counts: dict[str, int] | None = None
    #: whether Forwarder subscriptions fit in the stack's resource limit
    subscribe: bool = True

    def layer_token(self, layer: Any) -> str:
        if layer.arn not in self.layers:
            self.layers[layer.arn] = render_layer(self.stack, layer)
        return self.layers[layer.arn]
