"""When and where instrumentation runs: once, at the first visit of the scope's aspects.

aws-cdk-lib invokes aspects node by node, from the root down, each node's aspects in order of
priority. An aspect of ours on the scope is therefore called on the scope itself before any
aspect visits a construct below it: instrumenting there means that every aspect that looks at
functions, state machines or policies afterwards (cdk-nag's checks, at whatever priority) sees
them instrumented. What the user's own aspects do later still wins: a later `add_environment`
of a variable we wrote overrides ours (see `letLaterVariablesWin` in the Node helper), layers
go through the L2 function and tags through the TagManager at a low priority, so a later
`add_layers` or `Tags.of(...)` adds to or overrides ours; tags those aspects will add are read
before planning (an opt-out tag included).

The aspect itself lives in Node (`Batch.addFirstVisitAspect`): an aspect written in Python
would cost a call into Python for every node of the tree.

Stages are synthesized before the aspects of the App that holds them, so each Stage gets an
aspect of its own; a Stage created after `Datadog(app)` gets one when the App's runs, and is
synthesized again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import jsii
from aws_cdk import IAspect, Stack, Stage
from constructs import IConstruct

from cdk_datadog.cdk import tree as construct_tree
from cdk_datadog.cdk.instrument import PROXIED_TYPES, Instrumenter, jsii_ref
from cdk_datadog.cdk.node_helper import add_first_visit_aspect, instances_of
from cdk_datadog.collector import collector_paused
from cdk_datadog.engine.cfn import LAMBDA_FUNCTION, STATE_MACHINE

#: after AspectPriority.DEFAULT (500), before READONLY (1000): the order among the aspects of
#: the scope's own node; a literal, as reading AspectPriority at import would be the app's
#: first (30 ms) call into Node
DATADOG_PRIORITY = 600
#: explicit `DatadogLambda.add_lambda_functions` runs before a `Datadog` on the same scope
EXPLICIT_PRIORITY = DATADOG_PRIORITY - 10


def read_tree(scope: IConstruct) -> construct_tree.Tree:
    """The tree under `scope`, with proxies of the resources the shell writes or annotates."""
    return construct_tree.read(scope, PROXIED_TYPES)


@jsii.implements(IAspect)
class _Once:
    def __init__(self, action: Callable[[], None]) -> None:
        self._action = action

    def visit(self, node: IConstruct) -> None:
        with collector_paused():
            self._action()


def run_at_first_visit(scope: IConstruct, action: Callable[[], None], priority: int) -> None:
    """Run `action` once, when aspects first visit `scope` at synthesis."""
    add_first_visit_aspect(scope, _Once(action), priority)


def instrument_tree(
    instrumenter: Instrumenter,
    scope: IConstruct,
    tree: construct_tree.Tree | None = None,
    others: bool = True,
) -> None:
    """Instrument every stack under `scope`, leaving nested Stages to their own aspects; a
    scope below its stack instruments that stack's functions under the scope."""
    if not isinstance(scope, (Stack, Stage)):
        stack = Stack.of(scope)
        within = {jsii_ref(node) for node in read_tree(scope).nodes if node is not None}
        _instrument_by_stack(instrumenter, read_tree(stack), within, others=False)
    else:
        _instrument_by_stack(instrumenter, tree or read_tree(scope), None, others)
    _instrument_remaining_log_groups(instrumenter)


def _instrument_by_stack(
    instrumenter: Instrumenter,
    tree: construct_tree.Tree,
    within: set[str] | None,
    others: bool,
) -> None:
    """Each stack of the tree (nested stacks are stacks) with its own constructs, those of
    nested Stages left out."""
    in_stage = tree.owners_of_kind(construct_tree.STAGE)
    kept = [index for index in range(len(tree.nodes)) if in_stage[index] < 0]
    _claim_listed(instrumenter, tree, kept)
    stack_of = tree.owners_of_kind(construct_tree.STACK, root_owns=True)
    in_edge = tree.owners_of_kind(construct_tree.EDGE_FUNCTION)
    edge_refs = {
        jsii_ref(tree.nodes[index])
        for index in kept
        if in_edge[index] >= 0 and tree.nodes[index] is not None
    }
    own: dict[int, list[int]] = {}
    for index in kept:
        if stack_of[index] >= 0:
            own.setdefault(stack_of[index], []).append(index)
    for stack_index, indexes in own.items():
        instrumenter.instrument(tree, indexes, stack_index, edge_refs, within, others)


def _claim_listed(instrumenter: Instrumenter, tree: construct_tree.Tree, kept: list[int]) -> None:
    """The CfnFunctions under the functions listed with `add_lambda_functions` are claimed
    too, and those under an explicit instrumenter's own functions are its own; likewise the
    CfnStateMachines under the state machines listed with `add_state_machines`."""
    for refs, kind in (
        (instrumenter.claimed, LAMBDA_FUNCTION),
        (instrumenter.own, LAMBDA_FUNCTION),
        (instrumenter.claimed_machines, STATE_MACHINE),
        (instrumenter.own_machines, STATE_MACHINE),
    ):
        if refs:
            listed = tree.owners(lambda index, refs=refs: _ref_at(tree, index) in refs)
            refs.update(
                jsii_ref(tree.nodes[index])
                for index in kept
                if listed[index] >= 0 and tree.types[index] == kind
            )


def _ref_at(tree: construct_tree.Tree, index: int) -> str | None:
    node = tree.nodes[index]
    return None if node is None else jsii_ref(node)


def _instrument_remaining_log_groups(instrumenter: Instrumenter) -> None:
    """Log groups given to `add_forwarder_to_non_lambda_log_groups` in stacks outside the
    scope: their stacks are read for them alone."""
    stacks: dict[str, Stack] = {}
    for group in list(instrumenter.log_groups.values()):
        stack = Stack.of(group)
        stacks.setdefault(jsii_ref(stack), stack)
    for stack in stacks.values():
        _instrument_by_stack(instrumenter, read_tree(stack), set(), others=False)


def instrument_functions(
    instrumenter: Instrumenter, scope: IConstruct, functions: Iterable[Any]
) -> None:
    """Instrument these (L2 or L1) functions, or state machines (`DatadogStepFunctions`),
    stack by stack: those under `scope` in its tree, read once, any other (in another Stage)
    in its own stack's tree."""
    tree = read_tree(scope)
    instrument_tree(instrumenter, scope, tree, others=False)
    in_tree = {jsii_ref(node) for node in tree.nodes if node is not None}
    elsewhere: dict[str, Stack] = {}
    for function in functions:
        if jsii_ref(function) not in in_tree:
            stack = Stack.of(function)
            elsewhere.setdefault(jsii_ref(stack), stack)
    for stack in elsewhere.values():
        instrument_tree(instrumenter, stack, others=False)


def cover_stages(
    scope: Stage,
    instrumenter: Instrumenter,
    resynthesize: bool,
    tree: construct_tree.Tree | None = None,
) -> None:
    """Give every Stage under `scope` its first-visit aspect; synthesize again those that were
    synthesized already."""
    nodes = tree.nodes if tree is not None else instances_of(scope, "Stage")
    stages = [
        node
        for node in nodes
        if isinstance(node, Stage)
        and node is not scope
        and jsii_ref(node) not in instrumenter.covered_stages
    ]
    for stage in stages:
        instrumenter.covered_stages.add(jsii_ref(stage))
        run_at_first_visit(
            stage,
            lambda stage=stage: instrument_tree(instrumenter, stage),
            DATADOG_PRIORITY,
        )
    if resynthesize:
        for stage in sorted(stages, key=lambda stage: -len(stage.node.scopes)):
            stage.synth(force=True)
