"""IAM for instrumented functions: one managed policy per stack, attached to every role.

A grant added to each function's role (`add_to_role_policy`) creates one `AWS::IAM::Policy`
per role: 200 functions would add 200 resources and push a stack of 200 functions (400
resources) past CloudFormation's 500. The statements are the same for every function of a
configuration, so they live in one `AWS::IAM::ManagedPolicy` per stack, attached to each
function's role: one resource per stack, the same least privilege per role.
"""

from __future__ import annotations

from typing import Any

import aws_cdk
from aws_cdk import Aws, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

from cdk_datadog.engine.grants import secret_resource
from cdk_datadog.engine.plan import Plan
from cdk_datadog.engine.tokens import is_token

XRAY_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
SECRET_ACTIONS = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
XRAY_NAG_RULE = "AwsSolutions::AwsSolutions-IAM5[Resource::*]"
XRAY_WILDCARD_REASON = (
    "xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permission; "
    "AWS documents Resource '*' for them (added by cdk-datadog for enable_xray_tracing)."
)


def policy_document(plan: Plan, secret: Any) -> dict[str, Any]:
    """The statements for the plan's grants, the ISecret given as `api_key_secret`, and X-Ray."""
    statements = [
        {"Effect": "Allow", "Action": list(grant.actions), "Resource": list(grant.resources)}
        for grant in plan.grants
    ]
    if secret is not None:
        statements.extend(secret_statements(secret))
    if plan.xray_tracing:
        # X-Ray's write actions support no resource-level permission: "*" is the only choice.
        statements.append({"Effect": "Allow", "Action": XRAY_ACTIONS, "Resource": "*"})
    return {"Version": "2012-10-17", "Statement": statements}


def secret_statements(secret: Any) -> list[dict[str, Any]]:
    """Read the secret, and decrypt with its key only through Secrets Manager."""
    full_arn = secret.secret_full_arn
    if full_arn is None:
        arn = secret.secret_arn
        full_arn = f"{arn}-??????" if is_token(arn) else secret_resource(arn)
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Action": SECRET_ACTIONS, "Resource": full_arn}
    ]
    key = secret.encryption_key
    if key is not None:
        statements.append(
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": key.key_arn,
                "Condition": {
                    "StringEquals": {"kms:ViaService": f"secretsmanager.{Aws.REGION}.amazonaws.com"}
                },
            }
        )
    return statements


def role_name(
    cfn: lambda_.CfnFunction,
    properties: dict[str, Any],
    role_ids: set[str],
    stack: Stack,
    index: int,
) -> Any:
    """The name of the function's execution role, as the managed policy's `Roles` wants it.

    A role of the same stack is a `Ref`; a literal ARN gives its name (paths included); a role
    from elsewhere is imported, so the CDK turns the reference into an export if needed.
    """
    role = properties.get("role")
    if isinstance(role, dict) and set(role) == {"Fn::GetAtt"}:
        logical_id, attribute = role["Fn::GetAtt"]
        if attribute == "Arn" and logical_id in role_ids:
            return {"Ref": logical_id}
    if isinstance(role, str) and not is_token(role) and ":role/" in role:
        return role.rsplit("/", 1)[-1]
    return iam.Role.from_role_arn(stack, f"DatadogImportedRole{index}", cfn.role).role_name


def _acknowledge(construct: Any, rule: str, reason: str) -> None:
    """Acknowledge a validation-plugin finding (aws-cdk-lib 2.2xx+; older ones skip it)."""
    validations = getattr(aws_cdk, "Validations", None)
    acknowledgment = getattr(aws_cdk, "Acknowledgment", None)
    if validations is not None and acknowledgment is not None:
        validations.of(construct).acknowledge(acknowledgment(id=rule, reason=reason))


def create_stack_policy(
    stack: Stack, policy_id: str, source: tuple[Plan, Any], role_names: list[Any]
) -> iam.CfnManagedPolicy:
    """One managed policy for the stack, attached to every instrumented function's role."""
    plan, secret = source
    policy = iam.CfnManagedPolicy(
        stack,
        policy_id,
        description="Lets functions instrumented by cdk-datadog read the Datadog API key",
        policy_document=policy_document(plan, secret),
    )
    unique = list({repr(name): name for name in role_names}.values())
    policy.add_property_override("Roles", unique)
    if plan.xray_tracing:
        # cdk-nag flags the "*" (AwsSolutions-IAM5); it is inherent to X-Ray, so acknowledge
        # it here, with the reason, rather than leave every user to suppress it
        _acknowledge(policy, XRAY_NAG_RULE, XRAY_WILDCARD_REASON)
    return policy
