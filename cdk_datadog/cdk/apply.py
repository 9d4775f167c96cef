"""Writing a Plan into a CfnFunction with as few calls into aws-cdk-lib as possible.

Each call crosses into Node (jsii), so a plan is applied with one override per property:
the environment override is deep-merged by CloudFormation rendering, so the function's own
variables, even ones added later, stay as they are.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Annotations, Aws, CfnMapping, Fn, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.layers import ACCOUNT_MAPPING, account_mapping
from cdk_datadog.engine.notes import ERROR, INFO
from cdk_datadog.engine.plan import LayerArn, Note, Plan

#: below the default priority of `Tags.of(...).add` (100), so the user's tags win
TAG_PRIORITY = 50
XRAY_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]


def render_layer(stack: Stack, layer: LayerArn) -> str:
    """The layer ARN, or an `Fn::Sub` of it when region, partition or account come at deploy."""
    if layer.is_resolved:
        return layer.arn
    if "${DatadogAccount}" not in layer.arn:
        return Fn.sub(layer.arn)
    mapping = stack.node.try_find_child(ACCOUNT_MAPPING)
    if mapping is None:
        mapping = CfnMapping(
            stack, ACCOUNT_MAPPING, mapping=account_mapping(load_catalog()), lazy=True
        )
    account = mapping.find_in_map(Aws.PARTITION, "Account")
    return Fn.sub(layer.arn, {"DatadogAccount": account})


def annotate(target: Construct, notes: tuple[Note, ...]) -> None:
    """Notes as CDK Annotations: warnings can be acknowledged by id, errors fail `cdk synth`."""
    if not notes:
        return
    annotations = Annotations.of(target)
    for note in notes:
        if note.level == INFO:
            annotations.add_info(f"{note.message} [{note.id}]")
        elif note.level == ERROR:
            annotations.add_error(f"{note.message} [{note.id}]")
        else:
            annotations.add_warning_v2(note.id, note.message)


def _grantee(
    cfn: lambda_.CfnFunction, function: lambda_.Function | None, stack: Stack
) -> iam.IGrantable:
    if function is not None:
        return function
    return iam.Role.from_role_arn(stack, f"{cfn.node.id}DatadogRole", cfn.role, mutable=True)


def apply_plan(
    cfn: lambda_.CfnFunction,
    function: lambda_.Function | None,
    plan: Plan,
    existing_layers: list[Any],
    secret: Any,
) -> None:
    """Apply `plan` to `cfn`; `function` is its L2 construct, when it has one."""
    stack = Stack.of(cfn)
    if plan.layers:
        rendered = [render_layer(stack, layer) for layer in plan.layers]
        cfn.add_property_override("Layers", [*existing_layers, *rendered])
    if plan.handler is not None:
        cfn.add_property_override("Handler", plan.handler)
    if plan.environment:
        cfn.add_property_override("Environment.Variables", dict(plan.environment))
    for key, value in plan.tags.items():
        cfn.tags.set_tag(key, value, TAG_PRIORITY)
    statements = [
        iam.PolicyStatement(actions=list(grant.actions), resources=list(grant.resources))
        for grant in plan.grants
    ]
    if plan.xray_tracing:
        cfn.add_property_override("TracingConfig.Mode", "Active")
        statements.append(iam.PolicyStatement(actions=XRAY_ACTIONS, resources=["*"]))
    if statements or secret is not None:
        grantee = _grantee(cfn, function, stack)
        for statement in statements:
            grantee.grant_principal.add_to_principal_policy(statement)
        if secret is not None:
            secret.grant_read(grantee)
