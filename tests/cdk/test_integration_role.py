"""DatadogIntegrationRole: the account Datadog's AWS integration uses for the site (and, for
the government sites, the partition), with the external ID; exactly the Lambda metrics
permissions; the role ARN as an output.

The expected accounts are written here, from Datadog's documentation and its own integration
template (see data/datadog.yaml), not read back from the data file.
"""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template

from cdk_datadog import DatadogIntegrationRole
from cdk_datadog.cdk.integration_role import INTEGRATION_ACTIONS
from cdk_datadog.engine.config import OptionError
from tests.support.cfn_lint import lint_errors

#: (site, region, account that must be trusted)
ROWS = [
    ("datadoghq.com", "us-east-1", "464622532012"),
    ("us3.datadoghq.com", "us-west-2", "464622532012"),
    ("us5.datadoghq.com", "us-east-2", "464622532012"),
    ("datadoghq.eu", "eu-west-1", "464622532012"),
    ("ap1.datadoghq.com", "ap-northeast-1", "417141415827"),
    ("ap2.datadoghq.com", "ap-southeast-2", "412381753143"),
    ("uk1.datadoghq.com", "eu-west-2", "117348461845"),
    ("ddog-gov.com", "us-east-1", "392588925713"),
    ("ddog-gov.com", "us-gov-west-1", "065115117704"),
    ("us2.ddog-gov.com", "us-east-1", "382742775718"),
    ("us2.ddog-gov.com", "us-gov-east-1", "486737091498"),
]
#: accounts that publish Datadog's layers: never the principal of the integration role
LAYER_PUBLISHERS = ("002406178527",)


AGNOSTIC_SITES = [
    "datadoghq.com",
    "us3.datadoghq.com",
    "us5.datadoghq.com",
    "datadoghq.eu",
    "ap1.datadoghq.com",
    "ap2.datadoghq.com",
    "uk1.datadoghq.com",
    "ddog-gov.com",
    "us2.ddog-gov.com",
]


@pytest.fixture(scope="module")
def templates() -> dict[tuple[str, str | None], dict]:
    """One app, one stack per (site, region) row and per site without a region: one synth."""
    app = cdk.App()
    stacks = {}
    rows = [(site, region) for site, region, _ in ROWS] + [(s, None) for s in AGNOSTIC_SITES]
    for index, (site, region) in enumerate(rows):
        env = cdk.Environment(account="123456789012", region=region) if region else None
        stack = cdk.Stack(app, f"S{index}", env=env)
        DatadogIntegrationRole(stack, "Datadog", external_id="abc123-external", site=site)
        stacks[(site, region)] = stack
    assembly = app.synth()
    return {
        key: assembly.get_stack_by_name(stack.stack_name).template for key, stack in stacks.items()
    }


def _template(region: str | None, **options) -> dict:
    app = cdk.App()
    env = cdk.Environment(account="123456789012", region=region) if region else None
    stack = cdk.Stack(app, "S", env=env)
    DatadogIntegrationRole(stack, "Datadog", external_id="abc123-external", **options)
    return Template.from_stack(stack).to_json()


def _statement(template: dict) -> dict:
    (role,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    return statement


def _principal_account(principal: dict) -> str:
    """The account in `arn:<partition>:iam::<account>:root`, however CDK renders it."""
    arn = principal["AWS"]
    if isinstance(arn, dict):  # Fn::Join of the partition and literal pieces
        arn = "".join(part if isinstance(part, str) else "<p>" for part in arn["Fn::Join"][1])
    return arn.split(":")[4]


@pytest.mark.parametrize(("site", "region", "account"), ROWS)
def test_the_role_trusts_the_account_datadog_uses_for_the_site_and_partition(site, region, account):
    template = _template(region, site=site)
    statement = _statement(template)

    assert _principal_account(statement["Principal"]) == account
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": "abc123-external"}}
    assert statement["Action"] == "sts:AssumeRole"
    assert not any(publisher in str(template) for publisher in LAYER_PUBLISHERS)


def test_the_default_site_is_us1():
    statement = _statement(_template("us-east-1"))
    assert _principal_account(statement["Principal"]) == "464622532012"


def test_the_role_arn_is_a_stack_output():
    template = Template.from_json(_template("us-east-1"))
    template.has_output("*", {"Value": {"Fn::GetAtt": [Match.any_value(), "Arn"]}})


@pytest.mark.parametrize(
    "key",
    [
        ("ap1.datadoghq.com", "ap-northeast-1"),  # a literal account
        ("ddog-gov.com", "us-gov-west-1"),  # in GovCloud
        ("datadoghq.com", None),  # a literal account, partition at deploy
        ("us2.ddog-gov.com", None),  # a mapping on AWS::Partition
    ],
)
def test_each_shape_of_template_passes_cfn_lint(key, templates):
    # one template per shape: cfn-lint takes about a second a template
    assert lint_errors(templates[key]) == []


def test_the_policy_holds_exactly_the_lambda_metrics_permissions():
    (role,) = [
        r for r in _template("us-east-1")["Resources"].values() if r["Type"] == "AWS::IAM::Role"
    ]
    (policy,) = role["Properties"]["Policies"]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert sorted(statement["Action"]) == sorted(INTEGRATION_ACTIONS)
    assert not any(action.endswith(":*") for action in statement["Action"])


@pytest.mark.parametrize(
    ("site", "account"),
    [
        ("datadoghq.com", "464622532012"),
        ("us3.datadoghq.com", "464622532012"),
        ("us5.datadoghq.com", "464622532012"),
        ("datadoghq.eu", "464622532012"),
        ("ap1.datadoghq.com", "417141415827"),
        ("ap2.datadoghq.com", "412381753143"),
        ("uk1.datadoghq.com", "117348461845"),
    ],
)
def test_an_environment_agnostic_stack_trusts_the_sites_only_account(site, account, templates):
    template = templates[(site, None)]
    assert "Mappings" not in template
    assert _principal_account(_statement(template)["Principal"]) == account


@pytest.mark.parametrize(
    ("site", "commercial", "govcloud"),
    [
        ("ddog-gov.com", "392588925713", "065115117704"),
        ("us2.ddog-gov.com", "382742775718", "486737091498"),
    ],
)
def test_an_environment_agnostic_stack_picks_a_government_sites_account_by_partition(
    site, commercial, govcloud, templates
):
    template = templates[(site, None)]
    (mapping,) = template["Mappings"].values()
    assert mapping == {"aws": {"Account": commercial}, "aws-us-gov": {"Account": govcloud}}
    principal = _statement(template)["Principal"]["AWS"]
    assert "Fn::FindInMap" in str(principal) and "AWS::Partition" in str(principal)


@pytest.mark.parametrize("site", ["datadoghq.com", "ap1.datadoghq.com", "uk1.datadoghq.com"])
def test_a_commercial_site_in_a_govcloud_stack_is_refused_by_name(site):
    stack = cdk.Stack(cdk.App(), "S", env=cdk.Environment(region="us-gov-west-1"))
    with pytest.raises(OptionError, match=r"`site`.*partition 'aws-us-gov'.*ddog-gov\.com"):
        DatadogIntegrationRole(stack, "Datadog", external_id="abc123-external", site=site)


@pytest.mark.parametrize(
    ("site", "message"),
    [
        ("datadoghq.co", r"not a Datadog site \(did you mean 'datadoghq.com'\?\)"),
        ("example.com", "not a Datadog site"),
        (42, "not a literal Datadog site"),
    ],
)
def test_an_unknown_site_is_refused_by_name(site, message):
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(OptionError, match=f"`site`.*{message}"):
        DatadogIntegrationRole(stack, "Datadog", external_id="abc123-external", site=site)
    assert stack.node.try_find_child("Datadog") is None  # refused before anything was added


@pytest.mark.parametrize("external_id", ["", "has space", 42])
def test_a_bad_external_id_is_refused_by_name(external_id):
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(ValueError, match="`external_id`"):
        DatadogIntegrationRole(stack, "Datadog", external_id=external_id)


def test_an_unknown_keyword_is_refused_by_name():
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(OptionError, match="`datadog_site`"):
        DatadogIntegrationRole(stack, "D", external_id="abc123-external", datadog_site="x")
