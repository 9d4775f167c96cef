"""The IAM role Datadog's AWS integration assumes to read Lambda metrics from CloudWatch."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

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
DEFAULT_SITE = "datadoghq.com"
#: name of the mapping used when the partition is only known at deploy
ACCOUNT_MAPPING = "DatadogIntegrationAccounts"


def trusted_accounts(site: Any, region: str | None) -> str | Mapping[str, str]:
    """The account that assumes the role for `site`, or its accounts by partition.

    Datadog's AWS integration assumes the role from an account that depends on the Datadog
    site and, for the government sites, on the AWS partition of the role's account. With the
    region known the answer is one account; without it, a site that has one account gets it
    and a government site gets its accounts by partition, for a mapping on `AWS::Partition`.

    :raises OptionError: naming `site`, when it is not a literal Datadog site, when the
        account for that site is not known, or when the site cannot assume a role in the
        region's partition.
    """
    catalog = load_catalog()
    if not isinstance(site, str) or Token.is_unresolved(site):
        raise OptionError(
            "site",
            f"{site!r} is not a literal Datadog site; the trusted account depends on it, so "
            "give the site as a string such as 'datadoghq.com'",
        )
    name = site.lower()
    accounts = catalog.integration_accounts.get(name)
    if accounts is None:
        if name in catalog.sites:
            raise OptionError(
                "site",
                f"the account Datadog's AWS integration uses for {site!r} is not known to "
                "cdk-datadog; create the role with the trust policy shown on the AWS "
                "integration page of your Datadog site instead",
            )
        close = difflib.get_close_matches(name, list(catalog.integration_accounts), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise OptionError(
            "site",
            f"{site!r} is not a Datadog site{hint}; use one of: "
            + ", ".join(catalog.integration_accounts),
        )
    partition = partition_of(region)
    if partition is None:
        distinct = set(accounts.values())
        return next(iter(distinct)) if len(distinct) == 1 else dict(sorted(accounts.items()))
    if partition not in accounts:
        raise OptionError(
            "site",
            f"Datadog's {site!r} site cannot assume a role in region {region!r} (partition "
            f"{partition!r}): it has accounts only in {', '.join(sorted(accounts))}. For a "
            "GovCloud account use a Datadog for Government site (ddog-gov.com, "
            "us2.ddog-gov.com); otherwise Datadog's AWS integration takes access keys there",
        )
    return accounts[partition]


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
