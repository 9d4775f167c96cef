"""Instrumenting a stack: read it as CloudFormation, plan it in the engine, write the plan.

Every call into aws-cdk-lib crosses into Node (jsii) and costs about 0.3 ms, so the work is
done a stack at a time: the construct tree is read once (constructs, parents, resource types),
one call reads the stack's functions, log groups, filters, roles, state machines, stages,
distributions, versions and parameters as their template entries, the engine plans the whole
stack, and one call writes the plan (resources added with the engine's logical ids, changes to
functions and state machines, tags), one more adds the annotations.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aws_cdk import Stack, Token
from constructs import IConstruct

from cdk_datadog.cdk.node_helper import Reading, annotate_all, read_stack, write_stack
from cdk_datadog.cdk.tree import L2_RESOURCE_ID, PARAMETER, Tree, display_path
from cdk_datadog.engine import cfn
from cdk_datadog.engine.api_gateway import STAGE_TYPES
from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.function_writes import LAYERS, TAGS, VARIABLES
from cdk_datadog.engine.grants import SecretFacts
from cdk_datadog.engine.patches import dotted
from cdk_datadog.engine.plan import RECORD_KEY, Decision
from cdk_datadog.engine.reading import READ_TYPES, SHALLOW_TYPES, reads_every_resource
from cdk_datadog.engine.resources import NewResource, nag_metadata
from cdk_datadog.engine.stack import (
    STACK,
    Control,
    FunctionChange,
    StackInput,
    StackPlan,
    plan_stack,
)

#: below the default priority of `Tags.of(...).add` (100), so the user's tags win
TAG_PRIORITY = 50
#: what the shell writes to or annotates: these resources (and the constructs they hang from)
#: cross into Python as proxies; every other resource is read by its index in the tree
PROXIED_TYPES = frozenset({*cfn.FUNCTION_TYPES, cfn.STATE_MACHINE, cfn.LOG_GROUP, *STAGE_TYPES})
#: the aws-cdk-lib L1 class of each type the engine adds (typed, so `Tags.of` and cdk-nag
#: see them as they see the user's own resources)
L1_CLASSES = {
    cfn.LOG_GROUP: "aws_logs.CfnLogGroup",
    cfn.SUBSCRIPTION_FILTER: "aws_logs.CfnSubscriptionFilter",
    "AWS::Lambda::Permission": "aws_lambda.CfnPermission",
    "AWS::IAM::ManagedPolicy": "aws_iam.CfnManagedPolicy",
    "AWS::IAM::Policy": "aws_iam.CfnPolicy",
}
#: properties whose value is free-form JSON, written as it is
FREE_FORM = frozenset({"PolicyDocument", "Variables", "Definition", "DefinitionSubstitutions"})
#: aws-cdk-lib's AWS::CDK::Metadata resource, added to each stack at synthesis
CDK_METADATA = 1


def jsii_ref(construct: Any) -> str:
    """A stable identity of a construct, free of any call into Node."""
    return construct.__jsii_ref__.ref


@dataclass
class Registry:
    """Per-app record of what was decided, so every function is instrumented exactly once."""

    #: functions done (jsii refs of CfnFunctions), and stacks whose other resources were
    done: set[str] = field(default_factory=set)
    #: functions listed with `DatadogLambda.add_lambda_functions` (the L2 or CfnFunction, and
    #: the CfnFunctions found under them): theirs, whatever runs first
    claimed: set[str] = field(default_factory=set)
    #: (CfnFunction path, decision), in the order they were made
    entries: list[tuple[str, Decision]] = field(default_factory=list)
    #: per-function control by the jsii ref of the function (L2 or CfnFunction)
    controls: dict[str, Control] = field(default_factory=dict)
    #: state machines listed with `DatadogStepFunctions.add_state_machines` (the L2 or
    #: CfnStateMachine, and the CfnStateMachines under them): `Datadog` leaves them alone
    claimed_machines: set[str] = field(default_factory=set)

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


def secret_facts(secret: Any) -> SecretFacts | None:
    """What the grant of an ISecret needs, read once at construction."""
    if secret is None:
        return None
    full_arn = secret.secret_full_arn
    key = secret.encryption_key
    return SecretFacts(
        arn=full_arn if full_arn is not None else secret.secret_arn,
        full_arn_known=full_arn is not None,
        kms_key_arn=key.key_arn if key is not None else None,
    )


def l1_value(value: Any) -> Any:
    """A CloudFormation-shaped value as aws-cdk-lib's L1 classes take it: camelCase keys, except
    inside intrinsic functions and free-form JSON."""
    if isinstance(value, Mapping):
        if len(value) == 1 and next(iter(value)).startswith(("Ref", "Fn::")):
            return value
        return {
            key[:1].lower() + key[1:]: item if key in FREE_FORM else l1_value(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [l1_value(item) for item in value]
    return value


@dataclass
class _Stack:
    """One stack as read: what the plan is written through."""

    stack: Stack
    readings: dict[str, Reading]
    nodes: dict[str, Any]

    def target(self, logical_id: str) -> Any:
        """Where notes go: the L2 construct users wrote, the L1, or the stack (also for a
        resource that was read without crossing into Python)."""
        if logical_id == STACK or logical_id not in self.readings:
            return self.stack
        reading = self.readings[logical_id]
        found = reading.scope if reading.id == L2_RESOURCE_ID else self.nodes[logical_id]
        return self.stack if found is None else found

    def owner(self, logical_id: str) -> Any:
        """Where an added resource hangs: under the function or state machine it belongs to
        (whose tags it then shares), else under the stack. Not under an API stage: aws-cdk-lib
        makes a stage wait for the API's account settings, and everything under it would wait
        too, which the template front end cannot know."""
        resource = self.readings.get(logical_id)
        kind = cfn.type_of(resource.resource) if resource is not None else None
        if kind in cfn.FUNCTION_TYPES or kind in cfn.STATE_MACHINE_TYPES:
            return self.target(logical_id)
        return self.stack


@dataclass
class _Found:
    """What one instrumenter finds to do in one stack (indexes in the tree, jsii refs)."""

    stack_ref: str
    #: whether the stack's state machines and API stages are this instrumenter's
    do_others: bool
    present: list[int] = field(default_factory=list)
    parameters: list[int] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    machines: list[str] = field(default_factory=list)
    log_groups: list[str] = field(default_factory=list)
    do_monitors: bool = False

    @property
    def monitors_key(self) -> str:
        return f"{self.stack_ref}#monitors"


class Instrumenter:
    """Applies one configuration to the stacks under a scope."""

    def __init__(
        self,
        config: DatadogConfig,
        secret: Any,
        registry: Registry,
        owner_id: str,
        explicit: bool = False,
    ) -> None:
        self.config = config
        self._secret = secret_facts(secret) if config.grant_secret_read_access else None
        self._registry = registry
        self._owner_id = owner_id
        #: DatadogLambda's: the functions it was given (L2 and CfnFunction refs), which no
        #: other construct instruments; None for `Datadog`, which takes every other function
        self.own: set[str] | None = set() if explicit else None
        #: DatadogStepFunctions': the state machines it was given (L2 and CfnStateMachine
        #: refs); None for the others
        self.own_machines: set[str] | None = None
        #: log groups given to add_forwarder_to_non_lambda_log_groups, by CfnLogGroup ref
        self.log_groups: dict[str, Any] = {}
        #: Stages given a first-visit aspect of this instrumenter
        self.covered_stages: set[str] = set()

    @property
    def claimed(self) -> set[str]:
        """Refs of the functions (L2 or CfnFunction) listed with `add_lambda_functions`."""
        return self._registry.claimed

    @property
    def claimed_machines(self) -> set[str]:
        """Refs of the state machines listed with `DatadogStepFunctions.add_state_machines`."""
        return self._registry.claimed_machines

    def _is_mine(self, ref: str) -> bool:
        if self.own is not None:
            return ref in self.own
        return ref not in self._registry.claimed

    def _machine_is_mine(self, ref: str, do_others: bool) -> bool:
        if ref in self._registry.done:
            return False
        if self.own_machines is not None:
            return ref in self.own_machines
        return do_others and ref not in self._registry.claimed_machines

    def instrument(
        self,
        tree: Tree,
        indexes: Iterable[int],
        stack_index: int,
        edge_refs: set[str],
        within: set[str] | None = None,
        others: bool = True,
    ) -> None:
        """Instrument the stack `tree.nodes[stack_index]`, whose own nodes are `indexes`.

        `edge_refs` are the functions known to be Lambda@Edge from the tree; `within` limits
        the functions to these refs; `others` says whether state machines and API stages are
        this instrumenter's to do (they are `Datadog`'s, once per stack).
        """
        stack = tree.nodes[stack_index]
        found = self._find(tree, indexes, stack, others, within)
        if not self._claim(found):
            return
        read_all = reads_every_resource(self.config, bool(found.machines))
        read_indexes = [i for i in found.present if read_all or tree.types[i] in READ_TYPES]
        shallow_indexes = (
            [] if read_all else [i for i in found.present if tree.types[i] in SHALLOW_TYPES]
        )
        scopes = [tree.nodes[tree.parents[index]] for index in (*read_indexes, *shallow_indexes)]
        readings, defaults = read_stack(
            tree.nodes[0], tree.handle, read_indexes, scopes, found.parameters, shallow_indexes
        )
        read = [tree.nodes[index] for index in read_indexes]
        refs = [None if node is None else jsii_ref(node) for node in read]
        by_ref = {ref: r.logical_id for r, ref in zip(readings, refs) if ref is not None}

        def ids(wanted: Iterable[str]) -> frozenset[str]:
            return frozenset(by_ref[ref] for ref in wanted if ref in by_ref)

        every_machine = frozenset(
            r.logical_id for r in readings if cfn.type_of(r.resource) in cfn.STATE_MACHINE_TYPES
        )
        machines = ids(found.machines)
        self._plan_and_write(
            stack,
            readings,
            [*read, *(tree.nodes[index] for index in shallow_indexes)],
            defaults,
            CDK_METADATA + len(found.present),
            selected=ids(found.functions),
            edge=ids(edge_refs),
            do_others=found.do_others,
            groups=ids(found.log_groups),
            state_machines=None if machines == every_machine and found.do_others else machines,
            monitors=found.do_monitors,
            known_ids=(
                frozenset(r.logical_id for r in readings) | frozenset(defaults)
                if read_all
                else None
            ),
        )

    def _find(
        self,
        tree: Tree,
        indexes: Iterable[int],
        stack: Any,
        others: bool,
        within: set[str] | None,
    ) -> _Found:
        """The stack's resources and parameters, and which of them are this instrumenter's."""
        registry = self._registry
        stack_ref = jsii_ref(stack)
        explicit = self.own is not None or self.own_machines is not None
        found = _Found(stack_ref, others and not explicit and stack_ref not in registry.done)
        for index in indexes:
            kind = tree.types[index]
            if kind == PARAMETER:
                found.parameters.append(index)
                continue
            if not kind:
                continue
            found.present.append(index)
            node = tree.nodes[index]
            if node is None:
                continue
            ref = jsii_ref(node)
            if kind in cfn.FUNCTION_TYPES:
                if (
                    ref not in registry.done
                    and self._is_mine(ref)
                    and (within is None or ref in within)
                ):
                    found.functions.append(ref)
            elif kind == cfn.STATE_MACHINE and self._machine_is_mine(ref, found.do_others):
                found.machines.append(ref)
            elif ref in self.log_groups:
                found.log_groups.append(ref)
        found.do_monitors = (
            bool(self.config.monitors)
            and found.monitors_key not in registry.done
            and (found.do_others or bool(found.functions))
        )
        return found

    def _claim(self, found: _Found) -> bool:
        """Record what this instrumenter does, so that no other does it again; False when there
        is nothing to do."""
        if not (found.functions or found.log_groups or found.do_others or found.machines):
            return False
        registry = self._registry
        registry.done.update(found.functions)
        registry.done.update(found.machines)
        for ref in found.log_groups:
            del self.log_groups[ref]
        if found.do_others:
            registry.done.add(found.stack_ref)
        if found.do_monitors:
            registry.done.add(found.monitors_key)
        return True

    def _plan_and_write(
        self,
        stack: Stack,
        readings: list[Reading],
        nodes: list[Any],
        defaults: dict[str, Any],
        count: int,
        selected: frozenset[str],
        edge: frozenset[str],
        do_others: bool,
        groups: frozenset[str],
        state_machines: frozenset[str] | None,
        monitors: bool,
        known_ids: frozenset[str] | None,
    ) -> None:
        region = stack.region
        read = _Stack(
            stack,
            {r.logical_id: r for r in readings},
            {r.logical_id: node for r, node in zip(readings, nodes)},
        )
        controls = {}
        for reading in readings:
            control = self._control_of(read.nodes[reading.logical_id], reading)
            if control is not None:
                controls[reading.logical_id] = control
        plan = plan_stack(
            StackInput(
                resources={r.logical_id: r.resource for r in readings},
                region=None if Token.is_unresolved(region) else region,
                parameter_defaults=defaults,
                paths={r.logical_id: display_path(r.path) for r in readings},
                resource_count=count,
                controls=controls,
                edge_functions=edge,
                secret=self._secret,
                prefix=f"{self._owner_id}",
                functions=selected,
                others=do_others,
                log_groups=groups,
                state_machines=state_machines,
                monitors=monitors,
                known_ids=known_ids,
                cdk_nag=True,
            ),
            self.config,
        )
        for logical_id, decision in plan.decisions.items():
            self._registry.entries.append((read.readings[logical_id].path, decision))
        _write(read, plan)
        annotate_all([(read.target(where), note) for where, note in plan.notes])

    def _control_of(self, node: Any, reading: Reading) -> Control | None:
        controls = self._registry.controls
        if not controls:
            return None
        found = None if node is None else controls.get(jsii_ref(node))
        if found is None and reading.id == L2_RESOURCE_ID and reading.scope is not None:
            found = controls.get(jsii_ref(reading.scope))
        return found


def _write(read: _Stack, plan: StackPlan) -> None:
    functions = [read.nodes[change.logical_id] for change in plan.functions]
    others = [read.nodes[change.logical_id] for change in plan.changes]
    if not (plan.resources or functions or others or plan.mappings or plan.conditions):
        return
    write_stack(
        read.stack,
        [read.owner(resource.owner) for resource in plan.resources],
        {
            "mappings": dict(plan.mappings),
            "conditions": dict(plan.conditions),
            "resources": [_spec(read, resource) for resource in plan.resources],
            "functions": [_function_change(read, change) for change in plan.functions],
            "others": [
                {
                    "props": l1_value(dict(change.properties)),
                    "tags": dict(change.tags),
                    "dependsOn": list(change.depends_on),
                }
                for change in plan.changes
            ],
        },
        functions,
        others,
        TAG_PRIORITY,
    )


def _spec(read: _Stack, resource: NewResource) -> dict[str, Any]:
    construct_id = resource.logical_id
    owned = read.owner(resource.owner) is not read.stack
    if owned and construct_id.startswith(resource.owner):
        construct_id = construct_id[len(resource.owner) :]
    l1 = L1_CLASSES.get(resource.type)
    spec: dict[str, Any] = {
        "id": construct_id,
        "logicalId": resource.logical_id,
        "type": resource.type,
        "l1": l1,
        "props": l1_value(dict(resource.properties)) if l1 else dict(resource.properties),
        "retain": resource.retain,
        "dependsOn": list(resource.depends_on),
        "condition": resource.condition,
    }
    if resource.acknowledgments:
        spec["metadata"] = {"cdk_nag": nag_metadata(resource.acknowledgments)}
        spec["acknowledge"] = [
            {"id": f"AwsSolutions::{ack.rule}[{ack.applies_to}]", "reason": ack.reason}
            for ack in resource.acknowledgments
        ]
    return spec


def _function_change(read: _Stack, change: FunctionChange) -> dict[str, Any]:
    """The engine's writes on one function as the Node helper takes them: variables (one
    override, which a later `add_environment` still overrides), layers to append through the
    L2 (unless the user overrides `Layers`, whose override would replace them) or the whole
    list as an override, tags through the TagManager below the user's priority, and every other
    write as a property override at its path."""
    reading = read.readings[change.logical_id]
    environment: dict[str, Any] = {}
    overrides: dict[str, Any] = {}
    spec: dict[str, Any] = {"layers": []}
    tagged = False
    for write in change.writes:
        if write.path[:2] == VARIABLES and len(write.path) == 3:
            environment[write.path[2]] = write.value
        elif write.path == LAYERS and write.append and LAYERS[0] not in reading.overridden:
            spec["layers"] = list(write.value)
            own = cfn.properties_of(reading.resource).get(LAYERS[0])
            spec["layersOverride"] = [*(own if isinstance(own, list) else []), *write.value]
        elif write.path == LAYERS and write.append:
            own = cfn.properties_of(reading.resource).get(LAYERS[0])
            spec["layersOverride"] = [*(own if isinstance(own, list) else []), *write.value]
        elif write.path == LAYERS:
            spec["layersOverride"] = write.value
        elif write.path == TAGS:
            tagged = True
        else:
            overrides[dotted(write.path)] = write.value
    return {
        **spec,
        "environment": environment,
        "overrides": overrides,
        "metadata": {RECORD_KEY: dict(change.record)} if change.record else {},
        "tags": dict(change.plan.tags) if tagged else {},
    }
