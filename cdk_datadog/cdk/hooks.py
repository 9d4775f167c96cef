"""When and where instrumentation runs: one Aspect callback per construct, not per node.

An Aspect added to a scope is called back (through jsii) for every node below it: about four
per function, which would dominate the cost. These aspects are added to a leaf construct of
ours instead, so each is called once, at synthesis, after the user's mutating aspects (Tags,
default-priority aspects) and before read-only ones such as cdk-nag. From there the
scope's construct tree is read in one call (constructs and their parents) and the work is
done a stack at a time.

Stages are synthesized before the aspects of the App that holds them, so each Stage gets a
hook of its own; a Stage created after `Datadog(app)` is given one when the App's hook runs,
and is synthesized again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jsii
from aws_cdk import Aspects, FeatureFlags, IAspect, Stack, Stage
from aws_cdk import aws_lambda as lambda_
from constructs import Construct, IConstruct

from cdk_datadog.cdk import tree as construct_tree
from cdk_datadog.cdk.api_gateway import stage_type
from cdk_datadog.cdk.batch import instances_of
from cdk_datadog.cdk.edge import EDGE_FUNCTION, is_jsii_type
from cdk_datadog.cdk.instrument import Instrumenter, jsii_ref
from cdk_datadog.cdk.step_functions import CFN_STATE_MACHINE

#: after AspectPriority.DEFAULT (500) aspects, before READONLY (1000) ones; a literal, as
#: reading AspectPriority at import would be the app's first (30 ms) call into Node
DATADOG_PRIORITY = 600
#: explicit `DatadogLambda.add_lambda_functions` wins over a `Datadog` covering the same scope
EXPLICIT_PRIORITY = DATADOG_PRIORITY - 10
STABILIZATION_FLAG = "@aws-cdk/core:aspectStabilization"


def instrument_tree(
    instrumenter: Instrumenter, scope: IConstruct, tree: construct_tree.Tree | None = None
) -> None:
    """Instrument every CfnFunction under `scope`, leaving nested Stages to their own hooks.

    The tree is read once; each function goes to the innermost stack holding it (nested
    stacks are stacks), and each stack is instrumented with its own constructs.
    """
    tree = tree or construct_tree.read(scope)
    in_stage = tree.owners(lambda node: isinstance(node, Stage))
    kept = [index for index in range(len(tree.nodes)) if in_stage[index] < 0]
    nodes = [tree.nodes[index] for index in kept]
    if instrumenter.config.instruments_step_functions:
        instrumenter.instrument_state_machines(
            [node for node in nodes if is_jsii_type(node, CFN_STATE_MACHINE)]
        )
    for node in nodes:
        kind = stage_type(node)
        if kind is not None:
            instrumenter.instrument_api_stage(node, kind)
    if not any(isinstance(node, lambda_.CfnFunction) for node in nodes):
        return
    claimed = instrumenter.claimed
    if claimed:  # functions listed with DatadogLambda.add_lambda_functions are left to it
        listed = tree.owners(lambda node: jsii_ref(node) in claimed)
        claimed.update(
            jsii_ref(tree.nodes[index])
            for index in kept
            if listed[index] >= 0 and isinstance(tree.nodes[index], lambda_.CfnFunction)
        )
    in_edge = tree.owners(lambda node: is_jsii_type(node, EDGE_FUNCTION))
    edge_refs = {jsii_ref(tree.nodes[index]) for index in kept if in_edge[index] >= 0}
    _instrument_by_stack(instrumenter, tree, kept, kept, edge_refs)


def _instrument_by_stack(
    instrumenter: Instrumenter,
    tree: construct_tree.Tree,
    kept: list[int],
    targets: list[int],
    edge_refs: set[str],
) -> None:
    """Instrument the CfnFunctions among `targets` (indexes in the tree) a stack at a time,
    each stack with its own constructs among `kept`."""
    stack_of = tree.owners(lambda node: isinstance(node, Stack), root_owns=True)
    own_nodes: dict[int, list[IConstruct]] = {}
    for index in kept:
        if stack_of[index] >= 0:
            own_nodes.setdefault(stack_of[index], []).append(tree.nodes[index])
    by_stack: dict[int, list[lambda_.CfnFunction]] = {}
    loose = []
    for index in targets:
        node = tree.nodes[index]
        if not isinstance(node, lambda_.CfnFunction):
            continue
        if stack_of[index] < 0:
            loose.append(node)
        else:
            by_stack.setdefault(stack_of[index], []).append(node)
    for stack, functions in by_stack.items():
        instrumenter.instrument_stack(tree.nodes[stack], functions, own_nodes[stack], edge_refs)
    for cfn in loose:  # a scope below its stack
        _instrument_alone(instrumenter, cfn, edge_refs)


def _instrument_alone(
    instrumenter: Instrumenter, cfn: lambda_.CfnFunction, edge_refs: set[str]
) -> None:
    """A function outside the tree read: its stack is looked up and listed on its own."""
    stack = Stack.of(cfn)
    instrumenter.instrument_stack(stack, [cfn], stack.node.find_all(), edge_refs)


def cfn_functions_of(function: Any) -> list[lambda_.CfnFunction]:
    """The CfnFunction(s) behind an L2 function (none for an imported one)."""
    if isinstance(function, lambda_.CfnFunction):
        return [function]
    return [node for node in function.node.find_all() if isinstance(node, lambda_.CfnFunction)]


def instrument_functions(
    instrumenter: Instrumenter, scope: IConstruct, functions: Iterable[lambda_.IFunction]
) -> None:
    """Instrument the CfnFunctions of these (L2 or L1) functions, grouped by stack.

    Those under `scope` are found in its tree, read once; any other (in another Stage) is
    read on its own.
    """
    functions = list(functions)
    wanted = {jsii_ref(function) for function in functions}
    tree = construct_tree.read(scope)
    listed = tree.owners(lambda node: jsii_ref(node) in wanted)
    everything = list(range(len(tree.nodes)))
    targets = [index for index in everything if listed[index] >= 0]
    _instrument_by_stack(instrumenter, tree, everything, targets, set())
    in_tree = {jsii_ref(tree.nodes[listed[index]]) for index in targets}
    for function in functions:
        if jsii_ref(function) not in in_tree:
            for cfn in cfn_functions_of(function):
                _instrument_alone(instrumenter, cfn, set())


def aspects_stabilized(scope: IConstruct) -> bool:
    """Whether aspects run in passes until none is new (aws-cdk-lib's default since 2.172)."""
    return bool(FeatureFlags.of(scope).is_enabled(STABILIZATION_FLAG))


@jsii.implements(IAspect)
class ScopeHook:
    """Added to our own leaf construct: runs `action` once, at synthesis, after the others.

    aws-cdk-lib invokes aspects node by node in tree order, and our construct usually comes
    before the functions, so the user's Tags would not be applied yet. With aspect
    stabilization (the default), the first visit adds a leaf at the end of `tail_parent` and
    runs `action` from there: after every aspect of every node before it. Without
    stabilization an aspect added now would never run, so the work is done at once, and tags
    go through each function's TagManager so that the user's tags still win.
    """

    def __init__(self, action: Any, tail_parent: IConstruct, tail_id: str) -> None:
        self._action = action
        self._tail_parent = tail_parent
        self._tail_id = tail_id
        self._done = False

    def visit(self, node: IConstruct) -> None:
        if self._done:
            return
        self._done = True
        if aspects_stabilized(node):
            tail = Construct(self._tail_parent, self._tail_id)
            Aspects.of(tail).add(_RunOnce(self._action), priority=DATADOG_PRIORITY)
        else:
            self._action()


@jsii.implements(IAspect)
class _RunOnce:
    def __init__(self, action: Any) -> None:
        self._action = action
        self._done = False

    def visit(self, node: IConstruct) -> None:
        if not self._done:
            self._done = True
            self._action()


class StageHook(Construct):
    """A leaf in a Stage whose aspect instruments that Stage's functions at its synthesis."""

    def __init__(self, stage: Stage, hook_id: str, instrumenter: Instrumenter) -> None:
        super().__init__(stage, hook_id)
        hook = ScopeHook(lambda: instrument_tree(instrumenter, stage), stage, f"{hook_id}Run")
        Aspects.of(self).add(hook, priority=DATADOG_PRIORITY)


def cover_stages(
    scope: Stage,
    hook_id: str,
    instrumenter: Instrumenter,
    resynthesize: bool,
    tree: construct_tree.Tree | None = None,
) -> None:
    """Give every Stage under `scope` a hook; synthesize again those that were already."""
    nodes = tree.nodes if tree is not None else instances_of(scope, "Stage")
    stages = [
        node
        for node in nodes
        if isinstance(node, Stage)
        and node is not scope
        and node.node.try_find_child(hook_id) is None
    ]
    for stage in stages:
        StageHook(stage, hook_id, instrumenter)
    if resynthesize:
        for stage in sorted(stages, key=lambda stage: -len(stage.node.scopes)):
            stage.synth(force=True)
