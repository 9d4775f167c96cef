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
from cdk_datadog.cdk import node_helper
from cdk_datadog.cdk.instrument import jsii_ref
from cdk_datadog.cdk.tree import PARAMETER
from cdk_datadog.cdk.tree import read as read_tree
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.notes import note
from tests.support.cdk_apps import python_function
from tests.support.cfn_lint import lint_errors

ROOT = Path(__file__).resolve().parents[2]
ENV = cdk.Environment(account="123456789012", region="us-east-1")
FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-api-key-AbCdEf"


def test_the_python_binding_loads_the_version_the_node_package_declares():
    package = json.loads((ROOT / "cdk_datadog/cdk/node/package.json").read_text())

    assert package["name"] == node_helper.ASSEMBLY
    assert package["version"] == node_helper.VERSION


def test_a_missing_helper_is_a_clear_error_naming_bin_setup(monkeypatch):
    monkeypatch.setattr(node_helper, "_loaded", False)
    monkeypatch.setattr(node_helper, "TARBALL", "cdk-datadog-batch@0.0.0-missing.jsii.tgz")

    with pytest.raises(node_helper.NodeHelperMissing, match="run bin/setup"):
        node_helper.read_stack(None, 0, [0], [None])


def test_read_stack_gives_each_resource_as_the_synthesized_template_renders_it():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    first = python_function(stack, "First", environment={"KEY": "value"})
    first.node.default_child.add_property_override("MemorySize", 256)
    second = python_function(cdk.NestedStack(stack, "Nested"), "Second")
    cdk.CfnParameter(stack, "Runtime", default="python3.13")
    cfns = [first.node.default_child, second.node.default_child]
    tree = read_tree(stack, {"AWS::Lambda::Function"})
    functions = [i for i, kind in enumerate(tree.types) if kind == "AWS::Lambda::Function"]
    parameters = [i for i, kind in enumerate(tree.types) if kind == PARAMETER]

    readings, defaults = node_helper.read_stack(
        stack, tree.handle, functions, [tree.nodes[tree.parents[i]] for i in functions], parameters
    )

    for cfn, reading in zip(cfns, readings):
        own_stack = cdk.Stack.of(cfn)
        rendered = Template.from_stack(own_stack).to_json()["Resources"][reading.logical_id]
        assert reading.resource["Type"] == rendered["Type"] == "AWS::Lambda::Function"
        assert reading.resource["Properties"] == rendered["Properties"]
        assert reading.logical_id == own_stack.get_logical_id(cfn)
        assert reading.path == cfn.node.path
        assert reading.id == "Resource"
        assert jsii_ref(reading.scope) == jsii_ref(cfn.node.scope)
    assert readings[0].resource["Properties"]["MemorySize"] == 256  # overrides included
    assert defaults == {"Runtime": "python3.13"}


def test_read_stack_reads_other_resources_with_or_without_overrides_as_the_template_has_them():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    group = logs.LogGroup(stack, "Group", retention=logs.RetentionDays.ONE_WEEK)
    cdk.Tags.of(group).add("team", "payments")
    cdk.CfnResource(
        stack, "Custom", type="Custom::Thing", properties={"Key": {"Ref": "AWS::Region"}}
    )
    overridden = logs.CfnLogGroup(stack, "Overridden", retention_in_days=1)
    overridden.add_property_deletion_override("RetentionInDays")
    overridden.add_property_override("LogGroupName", cdk.Fn.join("-", ["a", cdk.Aws.REGION]))
    tree = read_tree(stack)
    wanted = [
        i for i, kind in enumerate(tree.types) if kind in ("AWS::Logs::LogGroup", "Custom::Thing")
    ]

    readings, _ = node_helper.read_stack(stack, tree.handle, wanted, [None] * len(wanted))

    rendered = Template.from_stack(stack).to_json()["Resources"]
    assert len(readings) == 3
    for reading in readings:
        expected = rendered[reading.logical_id]
        assert reading.resource["Type"] == expected["Type"]
        assert reading.resource.get("Properties") == expected.get("Properties")
        assert reading.resource.get("Metadata") == expected.get("Metadata")


def test_read_stack_sees_the_tags_tag_aspects_will_add():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    function = python_function(stack, "Fn")
    cdk.Tags.of(stack).add("team", "payments")
    cdk.Tags.of(function).add("dd:instrument", "false")
    cdk.Tags.of(stack).add("skipped", "yes", exclude_resource_types=["AWS::Lambda::Function"])

    tree = read_tree(stack)
    (index,) = [i for i, kind in enumerate(tree.types) if kind == "AWS::Lambda::Function"]

    (reading,), _ = node_helper.read_stack(stack, tree.handle, [index], [None])

    tags = {tag["Key"]: tag["Value"] for tag in reading.resource["Properties"]["Tags"]}
    assert tags == {"team": "payments", "dd:instrument": "false"}


def test_read_tree_lists_every_construct_in_pre_order_with_its_parent_type_and_kind():
    app = cdk.App()
    stage = cdk.Stage(app, "Stage")
    stack = cdk.Stack(stage, "S", env=ENV)
    python_function(stack, "Fn")
    cdk.CfnParameter(stack, "P")
    every = app.node.find_all()

    tree = read_tree(app, {"AWS::Lambda::Function"})

    assert tree.nodes[0] is app and tree.parents[0] == -1
    assert len(tree.nodes) == len(tree.parents) == len(tree.types) == len(every)
    for index, parent in list(enumerate(tree.parents))[1:]:
        assert 0 <= parent < index
        assert every[parent].node.path == every[index].node.scope.node.path
    paths = [node.node.path for node in every]
    types = dict(zip(paths, tree.types))
    assert types["Stage/S/Fn/Resource"] == "AWS::Lambda::Function"
    assert types["Stage/S/Fn/ServiceRole/Resource"] == "AWS::IAM::Role"
    assert types["Stage/S/P"] == "::Parameter"
    assert types["Stage/S/Fn"] == ""
    kinds = dict(zip(paths, tree.kinds))
    assert (kinds[""], kinds["Stage"], kinds["Stage/S"]) == ("Stage", "Stage", "Stack")
    assert kinds["Stage/S/Fn"] == kinds["Stage/S/Fn/Resource"] == ""


def test_read_tree_sends_proxies_of_the_wanted_resources_their_parents_and_scopes_only():
    app = cdk.App()
    stack = cdk.Stack(cdk.Stage(app, "Stage"), "S", env=ENV)
    python_function(stack, "Fn")
    every = app.node.find_all()

    tree = read_tree(app, {"AWS::Lambda::Function"})

    crossed = [every[i].node.path for i, node in enumerate(tree.nodes) if node is not None]
    assert crossed == ["", "Stage", "Stage/S", "Stage/S/Fn", "Stage/S/Fn/Resource"]
    for index, node in enumerate(tree.nodes):
        if node is not None:
            assert jsii_ref(node) == jsii_ref(every[index])


def test_instances_of_finds_what_find_all_filtered_by_class_finds():
    app = cdk.App()
    outer = cdk.Stage(app, "Outer")
    cdk.Stage(outer, "Inner")
    python_function(cdk.Stack(outer, "S", env=ENV), "Fn")

    stages = node_helper.instances_of(app, "Stage")
    functions = node_helper.instances_of(app, "aws_lambda.CfnFunction")

    assert [node.node.path for node in stages] == ["", "Outer", "Outer/Inner"]
    assert [node.node.path for node in functions] == ["Outer/S/Fn/Resource"]
    with pytest.raises(RuntimeError, match=r"no class aws_lambda\.Nothing"):
        node_helper.instances_of(app, "aws_lambda.Nothing")


def _write(stack, owners, plan, functions=(), others=()):
    full = {"mappings": {}, "resources": [], "functions": [], "others": [], **plan}
    node_helper.write_stack(stack, owners, full, list(functions), list(others), 50)


def _group_spec(**extra):
    return {
        "id": "Group",
        "logicalId": "FnDatadogLogGroup",
        "type": "AWS::Logs::LogGroup",
        "l1": "aws_logs.CfnLogGroup",
        "props": {},
        "retain": True,
        **extra,
    }


def test_added_resources_are_typed_l1s_with_the_plans_logical_ids_reached_by_the_users_tags():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    function = python_function(stack, "Fn")
    permission = {
        "id": "Permission",
        "logicalId": "FnDatadogForwarderPermission",
        "type": "AWS::Lambda::Permission",
        "l1": "aws_lambda.CfnPermission",
        "props": {
            "action": "lambda:InvokeFunction",
            "functionName": FORWARDER,
            "principal": "logs.amazonaws.com",
            "sourceArn": {"Fn::GetAtt": ["FnDatadogLogGroup", "Arn"]},
        },
    }
    subscription = {
        "id": "Subscription",
        "logicalId": "FnDatadogSubscription",
        "type": "AWS::Logs::SubscriptionFilter",
        "l1": "aws_logs.CfnSubscriptionFilter",
        "props": {
            "destinationArn": FORWARDER,
            "filterPattern": "",
            "logGroupName": {"Ref": "FnDatadogLogGroup"},
        },
        "dependsOn": ["FnDatadogForwarderPermission"],
        "metadata": {"cdk_nag": {"rules_to_suppress": []}},
    }
    _write(stack, [function] * 3, {"resources": [_group_spec(), permission, subscription]})
    cdk.Tags.of(stack).add("team", "payments")

    template = Template.from_stack(stack)
    assert isinstance(function.node.find_child("Group"), logs.CfnLogGroup)
    resources = template.to_json()["Resources"]
    assert resources["FnDatadogLogGroup"]["DeletionPolicy"] == "Retain"
    assert resources["FnDatadogLogGroup"]["Properties"]["Tags"] == [
        {"Key": "team", "Value": "payments"}
    ]
    assert resources["FnDatadogSubscription"]["DependsOn"] == ["FnDatadogForwarderPermission"]
    assert resources["FnDatadogSubscription"]["Metadata"]["cdk_nag"] == {"rules_to_suppress": []}
    assert lint_errors(template.to_json()) == []


def test_an_unknown_l1_class_a_missing_dependency_or_a_count_mismatch_is_refused():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)

    with pytest.raises(RuntimeError, match=r"no class aws_logs\.CfnNothing"):
        _write(stack, [stack], {"resources": [_group_spec(l1="aws_logs.CfnNothing")]})
    with pytest.raises(RuntimeError, match="dependsOn Later is not a resource added before it"):
        _write(stack, [stack], {"resources": [_group_spec(id="G2", dependsOn=["Later"])]})
    with pytest.raises(RuntimeError, match="2 owners but 1 resources"):
        _write(stack, [stack, stack], {"resources": [_group_spec(id="G3")]})


def test_function_changes_yield_to_what_the_users_aspects_set_later():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    functions = [python_function(stack, f"Fn{i}") for i in range(2)]
    cfns = [function.node.default_child for function in functions]
    change = {
        "environment": {"DD_SERVICE": "ours", "DD_ENV": "prod"},
        "layers": ["arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312:128"],
        "layersOverride": ["arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312:128"],
        "overrides": {"Handler": "datadog_lambda.handler.handler"},
        "tags": {"service": "ours", "team": "a"},
    }

    _write(stack, [], {"functions": [change, change]}, functions=cfns)
    functions[0].add_environment("DD_SERVICE", "from-user")  # as a user's aspect would
    cdk.Tags.of(functions[0]).add("service", "from-user")

    rendered = [
        resource["Properties"]
        for resource in Template.from_stack(stack).find_resources("AWS::Lambda::Function").values()
    ]
    assert [p["Environment"]["Variables"]["DD_SERVICE"] for p in rendered] == ["from-user", "ours"]
    assert all(p["Handler"] == "datadog_lambda.handler.handler" for p in rendered)
    assert all(len(p["Layers"]) == 1 for p in rendered)
    tags = [{tag["Key"]: tag["Value"] for tag in p["Tags"]} for p in rendered]
    assert tags == [{"service": "from-user", "team": "a"}, {"service": "ours", "team": "a"}]


def test_variables_are_added_to_those_the_user_overrode_and_those_of_the_function():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    function = python_function(stack, "Fn", environment={"OWN": "variable"})
    cfn = function.node.default_child
    cfn.add_property_override("Environment.Variables.OVERRIDDEN", "by-user")
    change = {"environment": {"DD_ENV": "prod"}, "layers": [], "layersOverride": []}

    _write(stack, [], {"functions": [change]}, functions=[cfn])
    cfn.add_property_override("Environment.Variables.LATER", "also-by-user")

    (properties,) = [
        resource["Properties"]
        for resource in Template.from_stack(stack).find_resources("AWS::Lambda::Function").values()
    ]
    assert properties["Environment"]["Variables"] == {
        "OWN": "variable",
        "OVERRIDDEN": "by-user",
        "DD_ENV": "prod",
        "LATER": "also-by-user",
    }


def test_annotations_keep_their_level_and_id():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    function = python_function(stack, "Fn")
    notes = [
        note(nk.EDGE),
        note(nk.RUNTIME_UNSUPPORTED, runtime="go1.x"),
        note(nk.HANDLER_TOO_LONG, length=200, limit=128),
    ]

    node_helper.annotate_all([(function, item) for item in notes])

    annotations = Annotations.from_stack(stack)
    annotations.has_info("/S/Fn", Match.string_like_regexp(r"\[cdk-datadog:Function\.edge\]"))
    annotations.has_warning(
        "/S/Fn", Match.string_like_regexp(r"go1\.x.*\[ack: cdk-datadog:Runtime\.unsupported\]")
    )
    annotations.has_error("/S/Fn", Match.string_like_regexp(r"\[cdk-datadog:Handler\.tooLong\]"))


def test_info_annotations_are_recorded_once_and_without_a_stack_trace():
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    function = python_function(stack, "Fn")
    edge = note(nk.EDGE)

    node_helper.annotate_all([(function, edge), (function, edge)])

    infos = [entry for entry in function.node.metadata if entry.type == "aws:cdk:info"]
    assert len(infos) == 1
    assert "cdk-datadog:Function.edge" in infos[0].data
    assert not infos[0].trace  # it would point into the helper, not at the user's code


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
