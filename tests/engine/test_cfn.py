"""The one reader of CloudFormation-shaped resources: each question answered however the
template (or aws-cdk-lib) writes it."""

from __future__ import annotations

import pytest

from cdk_datadog.engine import cfn

GROUPS = {
    "Named": {"Type": cfn.LOG_GROUP, "Properties": {"LogGroupName": "/aws/lambda/svc-dev-fn"}},
    "Subbed": {
        "Type": cfn.LOG_GROUP,
        "Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${Fn}"}},
    },
    "Unnamed": {"Type": cfn.LOG_GROUP},
}


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("/aws/lambda/svc-dev-fn", "id:Named"),
        ({"Ref": "Unnamed"}, "id:Unnamed"),
        ({"Fn::GetAtt": ["Unnamed", "Arn"]}, "id:Unnamed"),
        ({"Fn::GetAtt": "Unnamed.Arn"}, "id:Unnamed"),
        ({"Fn::Sub": "/aws/lambda/${Fn}"}, "id:Subbed"),
        ("/aws/lambda/elsewhere", "name:/aws/lambda/elsewhere"),
        ({"Fn::Join": ["", ["/aws/lambda/", {"Ref": "Other"}]]}, "lambda:Other"),
        ({"Fn::ImportValue": "x"}, 'expr:{"Fn::ImportValue": "x"}'),
    ],
)
def test_a_log_group_is_the_same_group_however_it_is_named(value, key):
    assert cfn.log_group(value, cfn.index_log_groups(GROUPS)).key == key


@pytest.mark.parametrize(
    ("logical_id", "properties", "key"),
    [
        ("Fn", {"LoggingConfig": {"LogGroup": {"Ref": "Unnamed"}}}, "id:Unnamed"),
        ("Other", {"FunctionName": "svc-dev-fn"}, "id:Named"),  # the Serverless Framework's
        ("Fn", {}, "id:Subbed"),  # !Sub /aws/lambda/${Fn}
        ("Lonely", {}, None),
    ],
)
def test_a_functions_log_group_is_found_where_it_is_declared(logical_id, properties, key):
    found = cfn.function_log_group(logical_id, properties, cfn.index_log_groups(GROUPS))

    assert (found.key if found else None) == key


def test_a_filter_counts_for_its_group_whatever_name_it_uses():
    resources = {
        **GROUPS,
        "ByName": {
            "Type": cfn.SUBSCRIPTION_FILTER,
            "Properties": {"LogGroupName": "/aws/lambda/svc-dev-fn", "DestinationArn": "a"},
        },
        "ByRef": {
            "Type": cfn.SUBSCRIPTION_FILTER,
            "Properties": {"LogGroupName": {"Ref": "Named"}, "DestinationArn": "b"},
        },
    }
    groups = cfn.index_log_groups(resources)
    named = cfn.log_group({"Ref": "Named"}, groups)

    assert groups.filters_on(named) == 2
    assert groups.subscribed(named, "b") and not groups.subscribed(named, "c")


def test_lambda_at_edge_is_found_through_a_distributions_version_association():
    resources = {
        "Edge": {"Type": cfn.LAMBDA_FUNCTION},
        "EdgeVersion": {
            "Type": cfn.LAMBDA_VERSION,
            "Properties": {"FunctionName": {"Ref": "Edge"}},
        },
        "Direct": {"Type": cfn.LAMBDA_FUNCTION},
        "Other": {"Type": cfn.LAMBDA_FUNCTION},
        "Cdn": {
            "Type": cfn.DISTRIBUTION,
            "Properties": {
                "DistributionConfig": {
                    "DefaultCacheBehavior": {
                        "LambdaFunctionAssociations": [
                            {"LambdaFunctionARN": {"Ref": "EdgeVersion"}},
                            {"LambdaFunctionARN": {"Fn::Sub": "${Direct.Arn}:1"}},
                        ]
                    }
                }
            },
        },
    }

    assert cfn.edge_functions(resources) == {"Edge", "Direct"}


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ({"Properties": {"Role": {"Fn::GetAtt": ["R", "Arn"]}}}, {"Ref": "R"}),
        ({"Properties": {"Role": {"Fn::GetAtt": ["Elsewhere", "Arn"]}}}, None),
        ({"Properties": {"Role": "arn:aws:iam::123456789012:role/path/team-role"}}, "team-role"),
        ({"Type": cfn.SERVERLESS_FUNCTION, "Properties": {}}, {"Ref": "FnRole"}),
        ({"Type": cfn.LAMBDA_FUNCTION, "Properties": {}}, None),
    ],
)
def test_a_role_is_named_for_an_iam_policy_or_left_to_its_own_stack(resource, expected):
    resources = {"R": {"Type": cfn.IAM_ROLE}, "Elsewhere": {"Type": "AWS::S3::Bucket"}}
    resource = {"Type": cfn.LAMBDA_FUNCTION, **resource}

    assert cfn.role_name("Fn", resource, resources) == expected


def test_a_role_given_by_a_parameter_is_named_from_its_arn_at_deploy():
    name = cfn.role_name("Fn", {"Properties": {"Role": {"Ref": "RoleArn"}}}, {})

    assert name["Fn::Select"][0] == 1


@pytest.mark.parametrize(
    ("resource", "source"),
    [
        ({"Metadata": {"Datadog": {"Instrument": False}}}, "Metadata Datadog.Instrument: false"),
        ({"Properties": {"Tags": [{"Key": "dd:instrument", "Value": "false"}]}}, "tag"),
        ({"Properties": {"Tags": {"dd:instrument": "False"}}}, "tag"),  # SAM
        ({"Properties": {"Tags": [{"Key": "dd:instrument", "Value": "true"}]}}, None),
    ],
)
def test_an_opt_out_comes_from_metadata_or_a_tag(resource, source):
    found = cfn.opt_out(resource)

    assert (found is None) if source is None else found.startswith(source)


def test_the_construct_path_comes_from_the_front_end_then_the_metadata_then_the_logical_id():
    recorded = {"Metadata": {"aws:cdk:path": "Shop/Flow/Resource"}}

    assert cfn.construct_path("Flow1", recorded, {"Flow1": "App/Shop/Flow"}) == "App/Shop/Flow"
    assert cfn.construct_path("Flow1", recorded, {}) == "Shop/Flow"
    assert cfn.construct_path("Flow1", {}, {}) == "Flow1"


# --- is a function's log group subscribed (cfn.function_subscribed) ---

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
OTHER = "arn:aws:lambda:us-east-1:123456789012:function:other"


def _function(**properties) -> dict:
    return {"Type": cfn.LAMBDA_FUNCTION, "Properties": {"Runtime": "python3.12", **properties}}


def _group(name=None) -> dict:
    return {"Type": cfn.LOG_GROUP, "Properties": {"LogGroupName": name} if name else {}}


def _filter(log_group_name, destination=FORWARDER) -> dict:
    return {
        "Type": cfn.SUBSCRIPTION_FILTER,
        "Properties": {"LogGroupName": log_group_name, "DestinationArn": destination},
    }


def _subscribed(resources: dict, destination=None) -> bool:
    properties = resources["Fn"]["Properties"]
    return cfn.function_subscribed("Fn", properties, cfn.index_log_groups(resources), destination)


#: (case, resources, subscribed)
SUBSCRIBED_TABLE = [
    ("no filter", {"Fn": _function()}, False),
    (
        "Serverless: the stack's /aws/lambda/<FunctionName> group, filter by Ref",
        {
            "Fn": _function(FunctionName="shop-dev-hello"),
            "FnLogGroup": _group("/aws/lambda/shop-dev-hello"),
            "Sub": _filter({"Ref": "FnLogGroup"}),
        },
        True,
    ),
    (
        "Serverless group, filter by its literal name",
        {
            "Fn": _function(FunctionName="shop-dev-hello"),
            "FnLogGroup": _group("/aws/lambda/shop-dev-hello"),
            "Sub": _filter("/aws/lambda/shop-dev-hello"),
        },
        True,
    ),
    (
        "LoggingConfig by Ref, filter by Fn::GetAtt",
        {
            "Fn": _function(LoggingConfig={"LogGroup": {"Ref": "Group"}}),
            "Group": _group(),
            "Sub": _filter({"Fn::GetAtt": ["Group", "LogGroupName"]}),
        },
        True,
    ),
    (
        "LoggingConfig by Ref, filter by Ref",
        {
            "Fn": _function(LoggingConfig={"LogGroup": {"Ref": "Group"}}),
            "Group": _group(),
            "Sub": _filter({"Ref": "Group"}),
        },
        True,
    ),
    (
        "LoggingConfig by Ref, a filter on another group",
        {
            "Fn": _function(LoggingConfig={"LogGroup": {"Ref": "Group"}}),
            "Group": _group(),
            "Other": _group(),
            "Sub": _filter({"Ref": "Other"}),
        },
        False,
    ),
    (
        "LoggingConfig by literal name, filter by the same name",
        {"Fn": _function(LoggingConfig={"LogGroup": "/shared"}), "Sub": _filter("/shared")},
        True,
    ),
    (
        "LoggingConfig elsewhere, a filter on the default group",
        {
            "Fn": _function(LoggingConfig={"LogGroup": "/shared"}),
            "Sub": _filter({"Fn::Sub": "/aws/lambda/${Fn}"}),
        },
        False,
    ),
    (
        "default group by literal FunctionName, not in the stack",
        {"Fn": _function(FunctionName="orders"), "Sub": _filter("/aws/lambda/orders")},
        True,
    ),
    (
        "default group by Fn::Sub",
        {"Fn": _function(), "Sub": _filter({"Fn::Sub": "/aws/lambda/${Fn}"})},
        True,
    ),
    (
        "default group by Fn::Join",
        {
            "Fn": _function(),
            "Sub": _filter({"Fn::Join": ["", ["/aws/lambda/", {"Ref": "Fn"}]]}),
        },
        True,
    ),
    (
        "another function's default group",
        {
            "Fn": _function(),
            "Sub": _filter({"Fn::Sub": "/aws/lambda/${Other}"}),
        },
        False,
    ),
    (
        "the stack's group named by Fn::Sub, filter by Ref",
        {
            "Fn": _function(),
            "Logs": _group({"Fn::Sub": "/aws/lambda/${Fn}"}),
            "Sub": _filter({"Ref": "Logs"}),
        },
        True,
    ),
]


@pytest.mark.parametrize(
    ("resources", "expected"),
    [case[1:] for case in SUBSCRIBED_TABLE],
    ids=[case[0] for case in SUBSCRIBED_TABLE],
)
def test_function_subscribed_reads_the_group_however_it_is_named(resources, expected):
    assert _subscribed(resources) is expected


def test_function_subscribed_to_a_destination_compares_the_destination():
    resources = {"Fn": _function(), "Sub": _filter({"Fn::Sub": "/aws/lambda/${Fn}"}, OTHER)}
    assert _subscribed(resources, FORWARDER) is False
    assert _subscribed(resources, OTHER) is True
