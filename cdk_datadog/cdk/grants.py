"""IAM for instrumented functions: one managed policy per stack, attached to every role.

A grant added to each function's role (`add_to_role_policy`) creates one `AWS::IAM::Policy`
per role: 200 functions would add 200 resources and push a stack of 200 functions (400
resources) past CloudFormation's 500. The statements are the same for every function of a
configuration, so they live in one `AWS::IAM::ManagedPolicy` per stack, attached to each
function's role: one resource per stack, the same least privilege per role.
"""

from __future__ import annotations

from typing import Any, Callable

from aws_cdk import Aws, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

from cdk_datadog.engine.grants import secret_resource
from cdk_datadog.engine.plan import Plan
from cdk_datadog.engine.tokens import is_token

XRAY_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
SECRET_ACTIONS = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]


def plan_statements(plan: Plan, secret: Any) -> list[iam.PolicyStatement]:
    """Statements for the plan's grants, the ISecret given as `api_key_secret`, and X-Ray."""
    statements = [
        iam.PolicyStatement(actions=list(grant.actions), resources=list(grant.resources))
        for grant in plan.grants
    ]
    if secret is not None:
        statements.extend(secret_statements(secret))
    if plan.xray_tracing:
        # X-Ray's write actions support no resource-level permission: "*" is the only choice.
        statements.append(iam.PolicyStatement(actions=XRAY_ACTIONS, resources=["*"]))
    return statements


def secret_statements(secret: Any) -> list[iam.PolicyStatement]:
    """Read the secret, and decrypt with its key only through Secrets Manager."""
    full_arn = secret.secret_full_arn
    if full_arn is None:
        arn = secret.secret_arn
        full_arn = f"{arn}-??????" if is_token(arn) else secret_resource(arn)
    statements = [iam.PolicyStatement(actions=SECRET_ACTIONS, resources=[full_arn])]
    key = secret.encryption_key
    if key is not None:
        statements.append(
            iam.PolicyStatement(
                actions=["kms:Decrypt"],
                resources=[key.key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"secretsmanager.{Aws.REGION}.amazonaws.com"}
                },
            )
        )
    return statements


def role_of(
    cfn: lambda_.CfnFunction, function: lambda_.Function | None, stack: Stack
) -> iam.IRole | None:
    """The function's execution role: the L2's, or one imported from the L1's Role ARN."""
    if function is not None:
        return function.role
    return iam.Role.from_role_arn(stack, f"{cfn.node.id}DatadogRole", cfn.role)


class StackPolicies:
    """The managed policy of each stack for one configuration, created on first use."""

    def __init__(self, owner_id: str) -> None:
        self._policy_id = f"{owner_id}Policy"
        self._policies: dict[str, iam.ManagedPolicy] = {}

    def attach(
        self,
        stack: Stack,
        stack_key: str,
        role: iam.IRole,
        statements: Callable[[], list[iam.PolicyStatement]],
    ) -> None:
        """Attach the stack's policy to `role`; `statements` is called once per stack."""
        policy = self._policies.get(stack_key)
        if policy is None:
            policy = iam.ManagedPolicy(
                stack,
                self._policy_id,
                description="Lets instrumented functions read the Datadog API key (cdk-datadog)",
                statements=statements(),
            )
            self._policies[stack_key] = policy
        policy.attach_to_role(role)
