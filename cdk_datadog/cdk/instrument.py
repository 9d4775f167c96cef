"""Instrumenting the functions of a stack in one batch: read once, plan, write once.

Every call into aws-cdk-lib crosses into Node (jsii) and costs about 0.3 ms, so the work is
done per stack, not per function: one call (`batch.read_resources`) reads the properties,
logical ids and paths of all its functions, one call writes a `Properties` override into each,
one call adds their annotations, and what is the same for a whole stack (region, layer ARNs,
the IAM policy) is made once. With the Forwarder, two more calls add every log group,
subscription filter and permission of the stack.
"""

from __future__ import annotations

import dataclasses
import weakref
from dataclasses import dataclass, field
from typing import Any

from aws_cdk import CfnResource, FeatureFlags, Stack, Token
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import IConstruct

from cdk_datadog.cdk.api_gateway import instrument_stage
from cdk_datadog.cdk.apply import TAG_PRIORITY, function_overrides, render_layer
from cdk_datadog.cdk.batch import (
    Reading,
    add_property_overrides,
    annotate_all,
    logical_ids,
    read_resources,
    set_tags,
)
from cdk_datadog.cdk.edge import edge_function_logical_ids
from cdk_datadog.cdk.facts import FunctionControl, facts_from_properties
from cdk_datadog.cdk.grants import create_stack_policy, role_name
from cdk_datadog.cdk.logs import (
    Subscription,
    existing_filter_counts,
    explicit_log_group,
    subscribe_functions,
)
from cdk_datadog.cdk.step_functions import instrument_state_machines
from cdk_datadog.cdk.tree import L2_RESOURCE_ID, display_path
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.grants import api_key_grants
from cdk_datadog.engine.plan import Note, Plan, Skip
from cdk_datadog.engine.planner import note, plan_function

Decision = Plan | Skip
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
    #: functions listed with `DatadogLambda.add_lambda_functions` (the L2 or CfnFunction, and
    #: the CfnFunctions found under them): theirs, whatever runs first
    claimed: set[str] = field(default_factory=set)
    #: (CfnFunction path, decision), in the order they were made
    entries: list[tuple[str, Decision]] = field(default_factory=list)
    #: per-function control by the jsii ref of the function (L2 or CfnFunction)
    controls: dict[str, FunctionControl] = field(default_factory=dict)

    def control_of(self, cfn: lambda_.CfnFunction, reading: Reading) -> FunctionControl | None:
        if not self.controls:
            return None
        found = self.controls.get(jsii_ref(cfn))
        if found is None and reading.id == L2_RESOURCE_ID:
            found = self.controls.get(jsii_ref(reading.scope))
        return found

    def decisions(self) -> dict[str, Decision]:
        """Decisions by CfnFunction path."""
        result = {}
        for path, decision in self.entries:
            result[path] = dataclasses.replace(decision, path=display_path(path))
        return dict(sorted(result.items()))


_REGISTRIES: weakref.WeakKeyDictionary[Any, Registry] = weakref.WeakKeyDictionary()


def registry_of(scope: IConstruct) -> Registry:
    root = scope.node.root
    registry = _REGISTRIES.get(root)
    if registry is None:
        registry = _REGISTRIES[root] = Registry()
    return registry


def _target(cfn: lambda_.CfnFunction, reading: Reading) -> IConstruct:
    """Where notes and added resources go: the L2 function users wrote, or the CfnFunction."""
    return reading.scope if isinstance(reading.scope, lambda_.Function) else cfn


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
        readings = read_resources(functions)
        region = stack.region
        region = None if Token.is_unresolved(region) else region
        edge_ids = edge_function_logical_ids(stack, stack_nodes)
        batch = _StackBatch(
            stack,
            set(logical_ids(roles)),
            aspects_run_before(stack),
            stack_nodes,
        )
        planned = []
        for cfn, reading in zip(functions, readings):
            is_edge = jsii_ref(cfn) in edge_refs or reading.logical_id in edge_ids
            control = self._registry.control_of(cfn, reading)
            facts = facts_from_properties(
                display_path(reading.path), reading.properties, region, is_edge, control
            )
            decision = plan_function(facts, self._config)
            self._registry.entries.append((reading.path, decision))
            planned.append((cfn, reading, decision))
        subscribe = self._check_resource_limit(stack, stack_nodes, planned, batch)
        instrumented = [
            (cfn, reading, decision)
            for cfn, reading, decision in planned
            if isinstance(decision, Plan)
        ]
        for cfn, reading, decision in planned:
            if isinstance(decision, Skip):
                batch.annotate(_target(cfn, reading), (decision.reason, *decision.notes))
        subscriptions = self._subscribe(instrumented, batch) if subscribe else {}
        written, overrides = [], []
        for cfn, reading, plan in instrumented:
            override = self._apply(cfn, reading, plan, batch, subscriptions.get(jsii_ref(cfn)))
            if override:
                written.append(cfn)
                overrides.append(override)
        add_property_overrides(written, overrides)
        set_tags([cfn for cfn, _ in batch.tagged], [tags for _, tags in batch.tagged], TAG_PRIORITY)
        if batch.policy_source is not None:
            create_stack_policy(
                stack, f"{self._owner_id}Policy", batch.policy_source, batch.role_names
            )
        annotate_all(batch.annotations)

    @property
    def config(self) -> DatadogConfig:
        return self._config

    @property
    def claimed(self) -> set[str]:
        """Refs of the functions (L2 or CfnFunction) listed with `add_lambda_functions`."""
        return self._registry.claimed

    def instrument_state_machines(self, machines: list[Any]) -> None:
        machines = [machine for machine in machines if jsii_ref(machine) not in self._registry.done]
        self._registry.done.update(jsii_ref(machine) for machine in machines)
        instrument_state_machines(machines, self._config)

    def instrument_api_stage(self, stage: Any, kind: str) -> None:
        ref = jsii_ref(stage)
        if ref not in self._registry.done:
            self._registry.done.add(ref)
            instrument_stage(stage, kind, self._config)

    def _check_resource_limit(
        self, stack: Stack, stack_nodes: list[IConstruct], planned: list[tuple], batch: _StackBatch
    ) -> bool:
        """Whether the Forwarder subscriptions fit in the stack's 500 resources.

        CloudFormation refuses a stack over 500 resources, and aws-cdk-lib fails the synth
        deep inside jsii; better to say so on the stack, in our words, and leave them out.
        """
        subscribing = [
            reading.properties
            for _, reading, decision in planned
            if isinstance(decision, Plan) and decision.subscribe_logs
        ]
        per_function = 2 if self._config.create_forwarder_permissions else 1
        added = sum(per_function + (0 if explicit_log_group(props) else 1) for props in subscribing)
        needs_policy = any(
            isinstance(decision, Plan) and (decision.grants or decision.xray_tracing)
            for _, _, decision in planned
        ) or (self._secret is not None)
        existing = sum(1 for node in stack_nodes if isinstance(node, CfnResource))
        # + 1 for the AWS::CDK::Metadata resource the CDK adds at synthesis
        total = existing + added + int(needs_policy) + 1
        if total > MAX_STACK_RESOURCES and subscribing:
            batch.annotate(
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
            batch.annotate(stack, (note(nk.STACK_NEAR_LIMIT, total=total),))
        return True

    def _subscribe(self, instrumented: list[tuple], batch: _StackBatch) -> dict[str, Subscription]:
        """Forwarder subscriptions for the functions that want them, by function."""
        wanted = [(cfn, reading) for cfn, reading, plan in instrumented if plan.subscribe_logs]
        if not wanted or self._config.forwarder_arn is None:
            return {}
        explicit = any(explicit_log_group(reading.properties) is not None for _, reading in wanted)
        filters = [n for n in batch.stack_nodes if isinstance(n, logs.CfnSubscriptionFilter)]
        subscriptions = subscribe_functions(
            batch.stack,
            [(_target(cfn, reading), reading.properties) for cfn, reading in wanted],
            self._config.forwarder_arn,
            self._config.create_forwarder_permissions,
            existing_filter_counts(filters) if explicit else {},
        )
        return {jsii_ref(cfn): sub for (cfn, _), sub in zip(wanted, subscriptions)}

    def _apply(
        self,
        cfn: lambda_.CfnFunction,
        reading: Reading,
        plan: Plan,
        batch: _StackBatch,
        subscription: Subscription | None,
    ) -> dict[str, Any]:
        """The function's `Properties` override; the stack policy and notes go to `batch`."""
        properties = reading.properties
        notes = plan.notes
        if subscription is not None and subscription.note is not None:
            notes = (*notes, subscription.note)
        batch.annotate(_target(cfn, reading), notes)
        logging_config = subscription.logging_config if subscription is not None else None
        layers = [batch.layer_token(layer) for layer in plan.layers]
        overrides = function_overrides(plan, properties, layers, batch.tags_final)
        if plan.tags and not batch.tags_final:
            # below `Tags.of(...)` (100), whenever the user's tags come
            batch.tagged.append((cfn, dict(plan.tags)))
        if logging_config is not None:
            overrides["LoggingConfig"] = logging_config
        if plan.grants or self._secret is not None or plan.xray_tracing:
            if batch.policy_source is None:
                batch.policy_source = (plan, self._secret)
            batch.role_names.append(
                role_name(cfn, properties, batch.role_ids, batch.stack, len(batch.role_names))
            )
        return overrides


@dataclass
class _StackBatch:
    """What is made once per stack while its functions are instrumented."""

    stack: Stack
    #: logical ids of the IAM roles defined in this stack
    role_ids: set[str]
    #: whether every mutating aspect (Tags) has run, so resolved tags are final
    tags_final: bool
    #: the stack's own constructs (nested stacks' excluded)
    stack_nodes: list[IConstruct]
    layers: dict[str, str] = field(default_factory=dict)
    #: the plan and ISecret the stack's IAM policy is written from (the same for all)
    policy_source: tuple[Plan, Any] | None = None
    role_names: list[Any] = field(default_factory=list)
    #: notes for the stack's constructs, written as Annotations in one call at the end
    annotations: list[tuple[IConstruct, Note]] = field(default_factory=list)
    #: tags to set through TagManagers (when Tags aspects may still come), in one call
    tagged: list[tuple[lambda_.CfnFunction, dict[str, str]]] = field(default_factory=list)

    def annotate(self, construct: IConstruct, notes: tuple[Note, ...]) -> None:
        self.annotations.extend((construct, note) for note in notes)

    def layer_token(self, layer: Any) -> str:
        if layer.arn not in self.layers:
            self.layers[layer.arn] = render_layer(self.stack, layer)
        return self.layers[layer.arn]
