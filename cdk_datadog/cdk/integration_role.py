"""The IAM role Datadog's AWS integration assumes to read Lambda metrics from CloudWatch."""

from __future__ import annotations

import re

from aws_cdk import Aws, CfnMapping, CfnOutput, Stack, Token
from aws_cdk import aws_iam as iam
from constructs import Construct

from cdk_datadog.engine.config import OptionError
from cdk_datadog.engine.integration import trusted_accounts

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
DEFAULT_SITE = "datadoghq.com"
#: name of the mapping used when the partition is only known at deploy
ACCOUNT_MAPPING = "DatadogIntegrationAccounts"


class DatadogIntegrationRole(Construct):
    """A role trusted by the account Datadog's AWS integration uses for your Datadog `site`.

    The account depends on the site (and, for the government sites, on whether the role's
    account is in GovCloud); the role requires your external ID and grants exactly the Lambda
    metrics permissions. Its ARN is a stack output, to give to Datadog.

    :raises OptionError: naming `external_id` when it is missing or malformed, `site` when it
        is unknown or cannot assume a role in the stack's partition.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        external_id: str,
        site: str = DEFAULT_SITE,
        **kwargs: object,
    ) -> None:
        if kwargs:
            name = next(iter(kwargs))
            raise OptionError(
                name, "unknown option of DatadogIntegrationRole; it takes external_id and site"
            )
        if not isinstance(external_id, str) or not (
            Token.is_unresolved(external_id) or _EXTERNAL_ID.match(external_id)
        ):
            raise OptionError(
                "external_id",
                f"{external_id!r} is not an external ID: use the one Datadog's AWS integration "
                "page shows (2-1224 characters, no spaces)",
            )
        region = Stack.of(scope).region
        accounts = trusted_accounts(site, None if Token.is_unresolved(region) else region)
        super().__init__(scope, id)
        if isinstance(accounts, str):
            account = accounts
        else:
            mapping = CfnMapping(
                self,
                ACCOUNT_MAPPING,
                mapping={partition: {"Account": a} for partition, a in accounts.items()},
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
