"""The IAM role Datadog's AWS integration assumes to read Lambda metrics from CloudWatch."""

from __future__ import annotations

import re

from aws_cdk import Aws, CfnMapping, CfnOutput, Stack, Token
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.config import OptionError
from cdk_datadog.engine.layers import partition_of

#: what the integration needs for Lambda, and nothing else; none of these actions supports
#: resource-level permissions, hence "*"
INTEGRATION_ACTIONS = [
    "lambda:List*",
    "tag:GetResources",
    "cloudtrail:LookupEvents",
    "cloudwatch:GetMetricData",
    "cloudwatch:ListMetrics",
    "cloudwatch:GetMetricStatistics",
    "cloudwatch:Describe*",
]
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")


class DatadogIntegrationRole(Construct):
    """A role trusted by Datadog's AWS account (GovCloud's in GovCloud), with your external ID.

    :raises OptionError: naming `external_id` when it is missing or malformed.
    """

    def __init__(self, scope: Construct, id: str, *, external_id: str, **kwargs: object) -> None:
        if kwargs:
            name = next(iter(kwargs))
            raise OptionError(
                name, "unknown option of DatadogIntegrationRole; it takes external_id"
            )
        if not isinstance(external_id, str) or not (
            Token.is_unresolved(external_id) or _EXTERNAL_ID.match(external_id)
        ):
            raise OptionError(
                "external_id",
                f"{external_id!r} is not an external ID: use the one Datadog's AWS integration "
                "page shows (2-1224 characters, no spaces)",
            )
        super().__init__(scope, id)
        stack = Stack.of(self)
        region = None if Token.is_unresolved(stack.region) else stack.region
        accounts = load_catalog().publisher_accounts
        partition = partition_of(region)
        if partition is not None and partition in accounts:
            account = accounts[partition]
        else:
            mapping = CfnMapping(
                self,
                "DatadogAccounts",
                mapping={p: {"Account": a} for p, a in sorted(accounts.items())},
                lazy=True,
            )
            account = mapping.find_in_map(Aws.PARTITION, "Account")
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.AccountPrincipal(account).with_conditions(
                {"StringEquals": {"sts:ExternalId": external_id}}
            ),
            description="Lets Datadog's AWS integration read Lambda metrics (cdk-datadog)",
            inline_policies={
                "DatadogLambdaIntegration": iam.PolicyDocument(
                    statements=[iam.PolicyStatement(actions=INTEGRATION_ACTIONS, resources=["*"])]
                )
            },
        )
        CfnOutput(self, "RoleArn", value=self.role.role_arn, description="Give it to Datadog")
