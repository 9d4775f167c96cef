"""`plan_stack`: every decision about one stack, for every front end.

A front end reads its stack as CloudFormation-shaped resources (the CDK shell through its Node
helper, the template shell from the template) and hands them over with what only it knows
(construct paths, per-function controls, the region). Back comes one `StackPlan`: per function
a Plan or a Skip with the changes to write, the resources to add with their logical ids, the
changes to other resources (state machines), and the notes, the stack's resource budget
included. The shells write it and decide nothing, so they cannot disagree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cdk_datadog.engine import cfn
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.api_gateway import STAGE_TYPES, plan_api_stages
from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.conditions import conditions_of, guarded, with_conditions
from cdk_datadog.engine.config import DatadogConfig, OptionError, function_settings
from cdk_datadog.engine.facts import FunctionFacts, ReadContext, function_facts
from cdk_datadog.engine.function_writes import blocked_note, function_writes, written
from cdk_datadog.engine.grants import (
    XRAY_WILDCARD_REASON,
    SecretFacts,
    api_key_grants,
    policy_statements,
)
from cdk_datadog.engine.layers import (
    ACCOUNT_MAPPING,
    account_mapping,
    needs_account_mapping,
    render_layer,
)
from cdk_datadog.engine.limits import MAX_STACK_RESOURCES, NEAR_STACK_LIMIT
from cdk_datadog.engine.logs import Subscriptions
from cdk_datadog.engine.monitors import plan_monitors
from cdk_datadog.engine.notes import Note, note
from cdk_datadog.engine.options import canonical_name
from cdk_datadog.engine.patches import Write
from cdk_datadog.engine.plan import Decision, Plan, Skip
from cdk_datadog.engine.planner import plan_function
from cdk_datadog.engine.resources import Acknowledgment, NewResource, ResourceChange
from cdk_datadog.engine.step_functions import plan_state_machines
from cdk_datadog.engine.vpc import egress_note, index_network, uses_vpc

#: where notes about the stack as a whole go
STACK = ""
#: `StackInput.naming`: how added resources are named
DEFAULT_NAMING = "default"
#: as serverless-plugin-datadog names them (`<log group>Subscription`, no FilterName)
SERVERLESS_NAMING = "serverless"


@dataclass(frozen=True)
class Control:
    """What the front end says about one function beyond its properties: an opt-out
    (`Datadog.exclude`) or per-function settings (`Datadog.configure`, serverless.yml's
    `functions.<name>.datadog`)."""

    opt_out: str | None = None
    settings: tuple[tuple[str, Any], ...] = ()
    source: str | None = None


@dataclass(frozen=True)
class StackInput:
    """A stack as a front end read it."""

    #: logical id -> CloudFormation-shaped resource (`Type`, `Properties`, `Metadata`); the
    #: read view (SAM functions with `Globals.Function` merged). A front end that reads only
    #: some of a stack's resources gives `known_ids`.
    resources: Mapping[str, Mapping[str, Any]]
    region: str | None = None
    parameter_defaults: Mapping[str, Any] = field(default_factory=dict)
    #: logical id -> the name notes use for it (the construct path in the CDK)
    paths: Mapping[str, str] = field(default_factory=dict)
    #: resources in the stack, those not in `resources` included (None: len(resources))
    resource_count: int | None = None
    controls: Mapping[str, Control] = field(default_factory=dict)
    #: functions the front end knows to be Lambda@Edge beyond the stack's distributions
    edge_functions: frozenset[str] = frozenset()
    #: the API key secret given as an object (CDK), for its grant
    secret: SecretFacts | None = None
    #: prefix of stack-level resources (the construct's id in the CDK)
    prefix: str = "Datadog"
    #: the functions to instrument (explicit mode); None for every function of the stack
    functions: frozenset[str] | None = None
    #: whether to instrument the stack's state machines and API stages here
    others: bool = True
    #: log groups (logical ids) to subscribe to the Forwarder besides functions' (the CDK's
    #: `add_forwarder_to_non_lambda_log_groups`)
    log_groups: frozenset[str] = frozenset()
    #: the state machines to instrument (DatadogStepFunctions' explicit mode, or all but
    #: those); None: every state machine of the stack, with `others`
    state_machines: frozenset[str] | None = None
    #: whether to add the `monitors` here; None: with `others`
    monitors: bool | None = None
    #: every logical id the stack defines (resources, parameters), when `resources` does not
    #: hold them all; None: `resources` is the whole stack
    known_ids: frozenset[str] | None = None
    #: the front end's naming convention for added resources
    naming: str = DEFAULT_NAMING
    #: whether added resources carry cdk-nag acknowledgments (`Metadata.cdk_nag`, and
    #: aws-cdk-lib validation acknowledgments): only where cdk-nag can run, a CDK app
    cdk_nag: bool = False
    #: whether to plan the API key policy (and its notes) here: the Serverless plugin's
    #: functions hook reads functions without their roles, its template hook grants
    grants: bool = True


@dataclass(frozen=True)
class FunctionChange:
    """What to write on one function: its plan, the writes it comes to, with the layers
    rendered and its new log group (when one was added for it)."""

    logical_id: str
    plan: Plan
    #: what to write on the function's properties, worked out on them as read
    writes: tuple[Write, ...] = ()
    #: what to record in its `Metadata` under `RECORD_KEY`, when anything was written
    record: Mapping[str, Any] | None = None
    layers: tuple[Any, ...] = ()
    log_group: Any = None
    #: SAM (`Tracing`, tag maps) or CloudFormation
    is_sam: bool = False


@dataclass(frozen=True)
class StackPlan:
    decisions: Mapping[str, Decision]
    functions: tuple[FunctionChange, ...] = ()
    changes: tuple[ResourceChange, ...] = ()
    resources: tuple[NewResource, ...] = ()
    mappings: Mapping[str, Any] = field(default_factory=dict)
    #: conditions to add to the stack (`Fn::And`s of the stack's own, for added resources)
    conditions: Mapping[str, Any] = field(default_factory=dict)
    #: (logical id, or STACK, note), in a stable order
    notes: tuple[tuple[str, Note], ...] = ()

    @property
    def errors(self) -> list[tuple[str, Note]]:
        return [(where, n) for where, n in self.notes if n.level == nk.ERROR]


def _metadata_settings(logical_id: str, resource: Mapping[str, Any]) -> Control | None:
    """`Metadata: {Datadog: {Service: ..., LogLevel: ...}}` as per-function settings."""
    block = cfn.datadog_metadata(resource)
    if not block:
        return None
    options = {}
    for key, value in block.items():
        if key == "Instrument":
            continue
        name = canonical_name(key)
        if name is None:
            raise OptionError(f"Metadata.Datadog.{key}", f"function {logical_id}: unknown option")
        options[name] = value
    if not options:
        return None
    source = "Metadata Datadog"
    try:
        return Control(settings=function_settings(options, source), source=source)
    except OptionError as error:
        raise OptionError(error.option, f"function {logical_id}: {error.problem}") from None


def _with_controls(
    facts: FunctionFacts, front_end: Control | None, metadata: Control | None
) -> FunctionFacts:
    """The facts with the front end's opt-out, and the per-function settings: the function's
    `Metadata.Datadog` over the front end's (serverless.yml's per-function blocks)."""
    settings = metadata if metadata is not None and metadata.settings else front_end
    return dataclasses.replace(
        facts,
        opt_out=facts.opt_out or (front_end.opt_out if front_end is not None else None),
        settings=settings.settings if settings is not None else (),
        settings_source=settings.source if settings is not None and settings.settings else None,
    )


def plan_stack(stack: StackInput, config: DatadogConfig) -> StackPlan:
    """Plan the instrumentation of one stack.

    :raises OptionError: naming the function, when its `Metadata.Datadog` settings are invalid.
    """
    resources = stack.resources
    context = ReadContext(
        region=stack.region,
        parameter_defaults=stack.parameter_defaults,
        edge_functions=cfn.edge_functions(resources) | stack.edge_functions,
    )
    decisions: dict[str, Decision] = {}
    notes: list[tuple[str, Note]] = []
    planned: list[tuple[str, Mapping[str, Any], Plan]] = []
    for logical_id, resource in resources.items():
        if cfn.type_of(resource) not in cfn.FUNCTION_TYPES:
            continue
        if stack.functions is not None and logical_id not in stack.functions:
            continue
        properties = cfn.properties_of(resource)
        facts, read_notes = function_facts(
            logical_id, resource, properties, context, stack.paths.get(logical_id)
        )
        facts = _with_controls(
            facts, stack.controls.get(logical_id), _metadata_settings(logical_id, resource)
        )
        decision = plan_function(facts, config)
        if isinstance(decision, Plan):
            decision = _writable(decision, resource, properties)
        decisions[logical_id] = decision
        notes.extend((logical_id, n) for n in read_notes)
        if isinstance(decision, Skip):
            notes.extend((logical_id, n) for n in (decision.reason, *decision.notes))
        else:
            notes.extend((logical_id, n) for n in decision.notes)
            planned.append((logical_id, resource, decision))

    subscriptions = None
    if config.forwarder_arn is not None:
        subscriptions = Subscriptions(
            config.forwarder_arn,
            config.create_forwarder_permissions,
            cfn.index_log_groups(resources),
            serverless=stack.naming == SERVERLESS_NAMING,
        )
        for logical_id, resource, plan in planned:
            if plan.subscribe_logs:
                subscriptions.subscribe_function(logical_id, cfn.properties_of(resource))
        for logical_id in sorted(stack.log_groups):
            group = cfn.LogGroup(f"id:{logical_id}", {"Ref": logical_id})
            subscriptions.subscribe(logical_id, group)
    if subscriptions is None:
        notes.extend((lid, note(nk.LOGS_NO_FORWARDER)) for lid in sorted(stack.log_groups))
    machines_plan = None
    if (stack.others or stack.state_machines is not None) and config.instruments_step_functions:
        machines = {
            lid: r
            for lid, r in resources.items()
            if cfn.type_of(r) in cfn.STATE_MACHINE_TYPES
            and (stack.state_machines is None or lid in stack.state_machines)
        }
        machines_plan = plan_state_machines(
            machines, resources, stack.paths, config, subscriptions, stack.known_ids
        )
    if stack.others and subscriptions is not None:
        stages = {lid: r for lid, r in resources.items() if cfn.type_of(r) in STAGE_TYPES}
        plan_api_stages(stages, config, subscriptions)

    added: list[NewResource] = []
    changes: list[ResourceChange] = []
    if machines_plan is not None:
        added.extend(machines_plan.resources)
        changes.extend(machines_plan.changes)
        notes.extend(machines_plan.notes)
    if stack.grants:
        policy, policy_notes = _api_key_policy(stack, config, planned)
        notes.extend(policy_notes)
        if policy is not None:
            added.append(policy)
    if stack.others if stack.monitors is None else stack.monitors:
        monitors, monitor_notes = plan_monitors(config, stack.prefix)
        added.extend(monitors)
        notes.extend((STACK, n) for n in monitor_notes)
    notes.extend(_egress_notes(resources, config, planned))

    log_groups: dict[str, Any] = {}
    existing = stack.resource_count if stack.resource_count is not None else len(resources)
    if subscriptions is not None:
        fits, budget_notes = _budget(existing, added, subscriptions)
        notes.extend(budget_notes)
        if fits:
            added.extend(subscriptions.resources)
            notes.extend(subscriptions.notes)
            log_groups = subscriptions.function_log_groups
    else:
        notes.extend(_near_limit(existing + len(added)))

    functions, mappings, write_notes = _function_changes(planned, log_groups)
    notes.extend(write_notes)
    added, conditions = with_conditions(added, resources)
    if not stack.cdk_nag:
        added = [dataclasses.replace(r, acknowledgments=()) for r in added]
    return StackPlan(
        decisions=decisions,
        functions=functions,
        changes=tuple(changes),
        resources=tuple(added),
        mappings=mappings,
        conditions=conditions,
        notes=tuple(notes),
    )


def _writable(plan: Plan, resource: Mapping[str, Any], properties: Mapping[str, Any]) -> Decision:
    """The plan, or a Skip when its layers, handler or variables cannot be written on the
    function as it is (see `function_writes`)."""
    layers = tuple(render_layer(layer) for layer in plan.layers)
    is_sam = cfn.type_of(resource) == cfn.SERVERLESS_FUNCTION
    writes, _ = function_writes(plan, properties, layers, is_sam)
    if writes.blocking:
        return Skip(plan.path, blocked_note(writes), plan.notes)
    return plan


def _egress_notes(
    resources: Mapping[str, Any],
    config: DatadogConfig,
    planned: list[tuple[str, Mapping[str, Any], Plan]],
) -> list[tuple[str, Note]]:
    """A warning on each function that needs to call Datadog from subnets without a way out."""
    if not planned or not uses_vpc(resources):
        return []
    network = index_network(resources)
    found = []
    for logical_id, resource, plan in planned:
        properties = cfn.properties_of(resource)
        own = (properties.get("Environment") or {}).get("Variables") or {}
        environment = {**plan.environment, **(own if isinstance(own, Mapping) else {})}
        warning = egress_note(properties, environment, config.site, network)
        if warning is not None:
            found.append((logical_id, warning))
    return found


def _function_changes(
    planned: list[tuple[str, Mapping[str, Any], Plan]], log_groups: Mapping[str, Any]
) -> tuple[tuple[FunctionChange, ...], dict[str, Any], list[tuple[str, Note]]]:
    changes = []
    notes: list[tuple[str, Note]] = []
    mapping_needed = False
    for logical_id, resource, plan in planned:
        mapping_needed |= any(needs_account_mapping(layer) for layer in plan.layers)
        layers = tuple(render_layer(layer) for layer in plan.layers)
        is_sam = cfn.type_of(resource) == cfn.SERVERLESS_FUNCTION
        log_group = log_groups.get(logical_id)
        properties = cfn.properties_of(resource)
        writes, write_notes = function_writes(plan, properties, layers, is_sam, log_group)
        notes.extend((logical_id, n) for n in write_notes)
        record = written(plan, properties, writes)
        changes.append(
            FunctionChange(
                logical_id,
                plan,
                writes.writes,
                record.as_metadata() if record else None,
                layers,
                log_group,
                is_sam,
            )
        )
    mappings = {ACCOUNT_MAPPING: account_mapping(load_catalog())} if mapping_needed else {}
    return tuple(changes), mappings, notes


def _budget(
    existing: int, added: list[NewResource], subscriptions: Subscriptions
) -> tuple[bool, list[tuple[str, Note]]]:
    """Whether the Forwarder subscriptions fit in CloudFormation's 500 resources per stack.

    A stack over the limit cannot be deployed; better to say so on the stack, with the numbers,
    and leave the subscriptions out than to write a template that fails at deploy.
    """
    total = existing + len(added) + len(subscriptions.resources)
    if total > MAX_STACK_RESOURCES and subscriptions.resources:
        return False, [
            (
                STACK,
                note(
                    nk.STACK_TOO_MANY_RESOURCES,
                    count=len(subscriptions.subscribers),
                    added=len(subscriptions.resources),
                    total=total,
                ),
            ),
            *_near_limit(existing + len(added)),
        ]
    return True, _near_limit(total)


def _near_limit(total: int) -> list[tuple[str, Note]]:
    if total > NEAR_STACK_LIMIT:
        return [(STACK, note(nk.STACK_NEAR_LIMIT, total=total))]
    return []


def _api_key_policy(
    stack: StackInput, config: DatadogConfig, planned: list[tuple[str, Mapping[str, Any], Plan]]
) -> tuple[NewResource | None, list[tuple[str, Note]]]:
    """One managed policy for the stack, attached to the role of every instrumented function
    that needs it: the grants are the same for every function of a configuration, and a policy
    per role would add a resource per function (a stack of 200 functions would pass 500)."""
    grants, _ = api_key_grants(config)
    secret = stack.secret if config.grant_secret_read_access else None
    xray = any(plan.xray_tracing for _, _, plan in planned)
    statements = policy_statements(grants, secret, xray)
    if not statements:
        return None, []
    roles: list[Any] = []
    seen: set[str] = set()
    conditional = conditions_of(stack.resources)
    notes: list[tuple[str, Note]] = []
    for logical_id, resource, plan in planned:
        if not (plan.grants or secret is not None or plan.xray_tracing):
            continue
        role = cfn.role_name(logical_id, resource, stack.resources)
        if role is None:
            actions = sorted({a for s in statements for a in _as_list(s["Action"])})
            targets = sorted({str(r) for s in statements for r in _as_list(s["Resource"])})
            notes.append(
                (logical_id, note(nk.GRANT_ROLE_ELSEWHERE, actions=actions, resources=targets))
            )
            continue
        if cfn.canonical(role) not in seen:
            seen.add(cfn.canonical(role))
            roles.append(guarded(role, conditional.get(cfn.referenced_id(role) or "")))
    if not roles:
        return None, notes
    acknowledgments = (
        (Acknowledgment("AwsSolutions-IAM5", "Resource::*", XRAY_WILDCARD_REASON),) if xray else ()
    )
    policy = NewResource(
        f"{stack.prefix}Policy",
        "",
        "AWS::IAM::ManagedPolicy",
        {
            "Description": "Lets functions instrumented by cdk-datadog read the Datadog API key",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
            "Roles": roles,
        },
        acknowledgments=acknowledgments,
    )
    return policy, notes


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
