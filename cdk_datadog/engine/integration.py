"""Which AWS account Datadog's AWS integration assumes its role from: a decision of the engine,
which the CDK's `DatadogIntegrationRole` writes as the role's trust policy."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.config import OptionError
from cdk_datadog.engine.layers import partition_of
from cdk_datadog.engine.tokens import is_token


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
    if not isinstance(site, str) or is_token(site):
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
