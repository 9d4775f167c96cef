"""The Node helper (cdk_datadog/cdk/node): each batched operation does what the one-by-one
aws-cdk-lib calls it replaces did, and the number of calls into Node no longer grows with
the number of functions."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import jsii
import pytest
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Annotations, Match, Template

from cdk_datadog import Datadog
from cdk_datadog.cdk import batch
from cdk_datadog.cdk.instrument import jsii_ref
from cdk_datadog.cdk.tree import read as read_tree
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.planner import note
from tests.support.cdk_apps import python_function
from tests.support.cfn_lint import lint_errors

ROOT = Path(__file__).resolve().parents[2]
ENV = cdk.Environment(account="123456789012", region="us-east-1")
FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key-AbCdEf"


def test_the_python_binding_loads_the_version_the_node_package_declares():
    package = json.loads((ROOT / "cdk_datadog/cdk/node/package.json").read_text())

    assert package["name"] == batch.ASSEMBLY
    assert package["version"] == batch.VERSION


def test_a_missing_helper_is_a_clear_error_naming_bin_setup(monkeypatch):
    monkeypatch.setattr(batch, "_loaded", False)
    monkeypatch.setattr(batch, "TARBALL", "cdk-datadog-batch@0.0.0-missing.jsii.tgz")

    with pytest.raises(batch.NodeHelperMissing, match="run bin/setup"):
        batch.read_resources([object()])


def test_read_resources_gives_what_aws_cdk_lib_resolves_one_function_at_a_time():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    first = python_function(stack, "First", environment={"KEY": "value"})
    second = python_function(cdk.NestedStack(stack, "Nested"), "Second")
    cfns = [first.node.default_child, second.node.default_child]

    readings = batch.read_resources(cfns)

    for cfn, reading in zip(cfns, readings):
        own_stack = cdk.Stack.of(cfn)
        assert reading.properties == own_stack.resolve(cfn._cfn_properties)
        assert reading.logical_id == own_stack.get_logical_id(cfn)
        assert reading.path == cfn.node.path
        assert reading.id == "Resource"
        assert jsii_ref(reading.scope) == jsii_ref(cfn.node.scope)
    assert readings[0].properties["environment"] == {"variables": {"KEY": "value"}}
    assert batch.logical_ids(cfns) == [reading.logical_id for reading in readings]


def test_read_tree_lists_every_construct_in_pre_order_with_its_parent():
    app = cdk.App()
    stage = cdk.Stage(app, "Stage")
    python_function(cdk.Stack(stage, "S", env=ENV), "Fn")

    tree = read_tree(app)

    assert tree.nodes[0] is app and tree.parents[0] == -1
    assert [node.node.path for node in tree.nodes] == [n.node.path for n in app.node.find_all()]
    for index, (node, parent) in list(enumerate(zip(tree.nodes, tree.parents)))[1:]:
        assert 0 <= parent < index
        assert jsii_ref(tree.nodes[parent]) == jsii_ref(node.node.scope)


def test_instances_of_finds_what_find_all_filtered_by_class_finds():
    app = cdk.App()
    outer = cdk.Stage(app, "Outer")
    cdk.Stage(outer, "Inner")
    python_function(cdk.Stack(outer, "S", env=ENV), "Fn")

    stages = batch.instances_of(app, "Stage")
    functions = batch.instances_of(app, "aws_lambda.CfnFunction")

    assert [node.node.path for node in stages] == ["", "Outer", "Outer/Inner"]
    assert [node.node.path for node in functions] == ["Outer/S/Fn/Resource"]
    with pytest.raises(RuntimeError, match=r"no class aws_lambda\.Nothing"):
        batch.instances_of(app, "aws_lambda.Nothing")


def test_property_overrides_merge_into_each_resource_and_a_count_mismatch_is_refused():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    cfns = [python_function(stack, f"Fn{i}").node.default_child for i in range(2)]

    batch.add_property_overrides(cfns, [{"Handler": "a.b"}, {"MemorySize": 256}])

    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::Lambda::Function", {"Handler": "a.b"})
    template.has_resource_properties(
        "AWS::Lambda::Function", {"Handler": "app.handler", "MemorySize": 256}
    )
    with pytest.raises(RuntimeError, match="2 resources but 1 overrides"):
        batch.add_property_overrides(cfns, [{"Handler": "a.b"}])


def test_created_resources_are_typed_l1s_reached_by_the_users_tags_with_refs_and_dependencies():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    function = python_function(stack, "Fn")
    (group,) = batch.create_resources(
        [
            batch.ResourceSpec(
                function, "Group", "aws_logs.CfnLogGroup", {}, retain=True, attributes=("Arn",)
            )
        ]
    )
    group_id = stack.resolve(group.ref)["Ref"]
    batch.create_resources(
        [
            batch.ResourceSpec(
                function,
                "Permission",
                "aws_lambda.CfnPermission",
                {
                    "action": "lambda:InvokeFunction",
                    "functionName": FORWARDER,
                    "principal": "logs.amazonaws.com",
                    "sourceArn": {"Fn::GetAtt": [group_id, "Arn"]},
                },
            ),
            batch.ResourceSpec(
                function,
                "Filter",
                "aws_logs.CfnSubscriptionFilter",
                {
                    "destinationArn": FORWARDER,
                    "filterPattern": "",
                    "logGroupName": {"Ref": group_id},
                },
                depends_on=(0,),
            ),
        ]
    )
    cdk.Tags.of(stack).add("team", "payments")

    template = Template.from_stack(stack)
    assert isinstance(function.node.find_child("Group"), logs.CfnLogGroup)
    template.has_resource(
        "AWS::Logs::LogGroup",
        {
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {"Tags": [{"Key": "team", "Value": "payments"}]},
        },
    )
    template.has_resource(
        "AWS::Logs::SubscriptionFilter",
        {
            "DependsOn": [Match.string_like_regexp("FnPermission")],
            "Properties": Match.object_like({"LogGroupName": {"Ref": group_id}}),
        },
    )
    template.has_resource_properties(
        "AWS::Lambda::Permission", {"SourceArn": {"Fn::GetAtt": [group_id, "Arn"]}}
    )
    assert stack.resolve(group.attributes["Arn"]) == {"Fn::GetAtt": [group_id, "Arn"]}
    assert lint_errors(template.to_json()) == []


def test_an_unknown_l1_class_or_a_later_dependency_is_refused():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)

    with pytest.raises(RuntimeError, match=r"no class aws_logs\.CfnNothing"):
        batch.create_resources([batch.ResourceSpec(stack, "X", "aws_logs.CfnNothing", {})])
    with pytest.raises(RuntimeError, match="dependsOn 1 is not an earlier resource"):
        batch.create_resources(
            [batch.ResourceSpec(stack, "Y", "aws_logs.CfnLogGroup", {}, depends_on=(1,))]
        )


def test_tags_set_below_the_users_priority_lose_to_the_users_tags():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    cfns = [python_function(stack, f"Fn{i}").node.default_child for i in range(2)]
    cdk.Tags.of(cfns[0]).add("service", "from-user")

    batch.set_tags(cfns, [{"service": "ours", "team": "a"}, {"service": "ours"}], 50)

    tags = [
        {tag["Key"]: tag["Value"] for tag in resource["Properties"]["Tags"]}
        for resource in Template.from_stack(stack).find_resources("AWS::Lambda::Function").values()
    ]
    assert tags == [{"service": "from-user", "team": "a"}, {"service": "ours"}]


def test_annotations_keep_their_level_and_id():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    function = python_function(stack, "Fn")
    notes = [
        note(nk.EDGE),
        note(nk.RUNTIME_UNSUPPORTED, runtime="go1.x"),
        note(nk.HANDLER_TOO_LONG, length=200, limit=128),
    ]

    batch.annotate_all([(function, item) for item in notes])

    annotations = Annotations.from_stack(stack)
    annotations.has_info("/S/Fn", Match.string_like_regexp(r"\[cdk-datadog:Function\.edge\]"))
    annotations.has_warning(
        "/S/Fn", Match.string_like_regexp(r"go1\.x.*\[ack: cdk-datadog:Runtime\.unsupported\]")
    )
    annotations.has_error("/S/Fn", Match.string_like_regexp(r"\[cdk-datadog:Handler\.tooLong\]"))


class _CallCounter:
    """Counts calls from Python into the jsii Node process (callbacks answered included)."""

    NAMES = ("create", "get", "set", "sget", "sset", "invoke", "sinvoke")

    def __init__(self, monkeypatch):
        self.count = 0
        for name in self.NAMES:
            original = getattr(jsii, name)

            def counted(*args, __original=original, **kwargs):
                self.count += 1
                return __original(*args, **kwargs)

            monkeypatch.setattr(jsii, name, counted)


def _calls_to_synthesize(monkeypatch, functions: int, options: dict) -> int:
    app = cdk.App()
    stack = cdk.Stack(app, "S", env=ENV)
    Datadog(app, "Datadog", source_code_integration=False, **options)
    for index in range(functions):
        python_function(stack, f"Fn{index}")
    with monkeypatch.context() as patch:
        counter = _CallCounter(patch)
        app.synth()
    return counter.count


@pytest.mark.parametrize(
    "options",
    [
        {"extension_layer_version": 101, "api_key_secret_arn": SECRET},
        {"forwarder_arn": FORWARDER, "create_forwarder_permissions": True},
    ],
    ids=["extension", "forwarder"],
)
def test_calls_into_node_do_not_grow_with_the_number_of_functions(monkeypatch, options):
    few = _calls_to_synthesize(monkeypatch, 2, options)
    many = _calls_to_synthesize(monkeypatch, 12, options)

    assert many == few
