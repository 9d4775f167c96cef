"""Which account Datadog's AWS integration assumes its role from, per site and partition
(the CDK's DatadogIntegrationRole is tested with real stacks in tests/cdk)."""

from __future__ import annotations

import pytest

from cdk_datadog.engine.config import OptionError
from cdk_datadog.engine.integration import trusted_accounts


def test_no_site_can_assume_a_role_in_china():
    with pytest.raises(OptionError, match=r"`site`.*aws-cn"):
        trusted_accounts("ddog-gov.com", "cn-north-1")


def test_the_site_is_read_without_regard_to_case():
    assert trusted_accounts("AP1.DatadogHQ.com", "ap-northeast-1") == "417141415827"


def test_a_government_site_without_a_region_gives_its_accounts_by_partition():
    accounts = trusted_accounts("ddog-gov.com", None)

    assert accounts == {"aws": "392588925713", "aws-us-gov": "065115117704"}


def test_a_site_given_as_a_token_is_refused():
    with pytest.raises(OptionError, match="not a literal Datadog site"):
        trusted_accounts("${Token[TOKEN.12]}", "us-east-1")
