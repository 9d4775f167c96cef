"""DatadogIntegrationRole: Datadog's account with the external ID, exactly the Lambda
metrics permissions, and the role ARN as an output."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template

from cdk_datadog import DatadogIntegrationRole
from cdk_datadog.cdk.integration_role import INTEGRATION_ACTIONS
from tests.support.cfn_lint import lint_errors


def _template(region: str | None) -> Template:
    app = cdk.App()
    env = cdk.Environment(account="123456789012", region=region) if region else None
    stack = cdk.Stack(app, "S", env=env)
    DatadogIntegrationRole(stack, "Datadog", external_id="abc123-external")
    template = Template.from_stack(stack)
    assert lint_errors(template.to_json()) == []
    return template


@pytest.mark.parametrize(
    ("region", "account"), [("us-east-1", "464622532012"), ("us-gov-west-1", "002406178527")]
)
def test_the_role_trusts_datadogs_account_with_the_external_id(region, account):
    template = _template(region)
    (role,) = template.find_resources("AWS::IAM::Role").values()
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": "abc123-external"}}
    assert account in str(statement["Principal"]["AWS"])
    template.has_output("*", {"Value": {"Fn::GetAtt": [Match.any_value(), "Arn"]}})


def test_the_policy_holds_exactly_the_lambda_metrics_permissions():
    (role,) = _template("us-east-1").find_resources("AWS::IAM::Role").values()
    (policy,) = role["Properties"]["Policies"]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert sorted(statement["Action"]) == sorted(INTEGRATION_ACTIONS)
    assert not any(action.endswith(":*") for action in statement["Action"])


def test_an_environment_agnostic_stack_picks_the_account_by_partition_at_deploy():
    template = _template(None).to_json()
    assert template["Mappings"]  # the account comes from AWS::Partition at deploy


@pytest.mark.parametrize("external_id", ["", "has space", 42])
def test_a_bad_external_id_is_refused_by_name(external_id):
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(ValueError, match="`external_id`"):
        DatadogIntegrationRole(stack, "Datadog", external_id=external_id)
