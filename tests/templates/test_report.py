"""`cdk-datadog report`: what each function of a template carries, and why, in the words (the
note ids) that the CDK annotations and `cdk-datadog instrument` use; it never crashes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdk_datadog.engine.plan import Skip
from cdk_datadog.templates.io import load_template
from cdk_datadog.templates.report import report_rows
from cdk_datadog.templates.transform import instrument

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "templates"
FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
PY_LAYER = "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312:128"
LOG_RETENTION = "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aFD4BFC8A"


def _function(**properties) -> dict:
    base = {
        "Runtime": "python3.12",
        "Handler": "app.handler",
        "Role": "arn:aws:iam::123456789012:role/r",
        "Code": {"ZipFile": "x"},
    }
    base.update(properties)
    return {"Type": "AWS::Lambda::Function", "Properties": base}


def _template(**resources) -> dict:
    return {"Resources": resources or {"Fn": _function()}}


def _row(template: dict, logical_id: str = "Fn"):
    return {row.logical_id: row for row in report_rows(template)}[logical_id]


def _edge() -> dict:
    return _template(
        Fn=_function(Runtime="nodejs22.x", Handler="index.handler"),
        FnVersion={"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
        Cdn={
            "Type": "AWS::CloudFront::Distribution",
            "Properties": {
                "DistributionConfig": {
                    "DefaultCacheBehavior": {
                        "LambdaFunctionAssociations": [
                            {
                                "EventType": "viewer-request",
                                "LambdaFunctionARN": {"Ref": "FnVersion"},
                            }
                        ]
                    }
                }
            },
        },
    )


def _deploy_time() -> dict:
    resource = _function(Runtime="nodejs22.x", Handler="index.handler")
    resource["Metadata"] = {
        "aws:cdk:path": "Stack/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/Resource"
    }
    return {"Resources": {"Fn": resource}}


def _opted_out_by_metadata() -> dict:
    resource = _function()
    resource["Metadata"] = {"Datadog": {"Instrument": False}}
    return {"Resources": {"Fn": resource}}


def _image() -> dict:
    return _template(
        Fn={
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "PackageType": "Image",
                "Code": {"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"},
                "Role": "arn:aws:iam::123456789012:role/r",
                "Environment": {"Variables": {"DD_SITE": "datadoghq.com"}},
            },
        }
    )


#: (case, template, status, note id)
SKIPPED = [
    (
        "intrinsic handler",
        _template(Fn=_function(Handler={"Fn::Sub": "app.handler"})),
        "not",
        "cdk-datadog:Handler.unresolved",
    ),
    (
        "intrinsic handler, Node",
        _template(Fn=_function(Runtime="nodejs22.x", Handler={"Fn::Sub": "index.handler"})),
        "not",
        "cdk-datadog:Handler.unresolved",
    ),
    ("Lambda@Edge", _edge(), "not", "cdk-datadog:Function.edge"),
    ("CDK deploy-time function", _deploy_time(), "excluded", "cdk-datadog:Function.cdkDeployTime"),
    (
        "deploy-time function by logical id",
        _template(**{LOG_RETENTION: _function(Runtime="nodejs22.x", Handler="index.handler")}),
        "excluded",
        "cdk-datadog:Function.cdkDeployTime",
    ),
    (
        "opted out in Metadata",
        _opted_out_by_metadata(),
        "excluded",
        "cdk-datadog:Function.excluded",
    ),
    (
        "opted out by tag",
        _template(Fn=_function(Tags=[{"Key": "dd:instrument", "Value": "false"}])),
        "excluded",
        "cdk-datadog:Function.excluded",
    ),
    (
        "runtime without a layer",
        _template(Fn=_function(Runtime="go1.x")),
        "not",
        "cdk-datadog:Runtime.unsupported",
    ),
    (
        "runtime from an import",
        _template(Fn=_function(Runtime={"Fn::ImportValue": "runtime"})),
        "not",
        "cdk-datadog:Runtime.unresolved",
    ),
    (
        "handler too long",
        _template(Fn=_function(Handler="a" * 121 + ".handler")),
        "not",
        "cdk-datadog:Handler.tooLong",
    ),
]


@pytest.mark.parametrize(
    ("template", "status", "note_id"),
    [case[1:] for case in SKIPPED],
    ids=[case[0] for case in SKIPPED],
)
def test_report_gives_the_note_id_instrument_gives_when_a_function_is_skipped(
    template, status, note_id
):
    logical_id = next(iter(template["Resources"]))

    row = _row(template, logical_id)
    decision = instrument(copy.deepcopy(template), source_code_integration=False).decisions[
        logical_id
    ]

    assert (row.status, row.note_id) == (status, note_id)
    assert isinstance(decision, Skip) and decision.reason.id == note_id
    assert row.reason == decision.reason.message


def test_report_names_an_unresolved_handler_instead_of_crashing_when_it_is_an_intrinsic():
    template, _ = load_template(
        "Resources:\n"
        "  Fn:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Runtime: python3.12\n"
        '      Handler: !Sub "app.handler"\n'
        "      Role: arn:aws:iam::123456789012:role/r\n"
        "      Code: {ZipFile: x}\n"
    )
    row = _row(template)
    assert row.note_id == "cdk-datadog:Handler.unresolved"
    assert row.handler == "(Fn::Sub)"


def test_a_container_image_with_dd_variables_is_partly_with_the_image_note():
    row = _row(_image())
    assert (row.status, row.note_id) == ("partly", "cdk-datadog:Function.containerImage")
    assert "image" in row.reason


def test_an_instrumented_function_has_no_note_and_says_what_it_carries():
    template = _template(
        Fn=_function(
            Handler="datadog_lambda.handler.handler",
            Layers=[PY_LAYER],
            Environment={"Variables": {"DD_LAMBDA_HANDLER": "app.handler"}},
        )
    )
    row = _row(template)
    assert (row.status, row.note_id) == ("instrumented", None)
    assert row.layers == ("Datadog-Python312:128",)


def test_a_hand_instrumented_function_whose_variable_disagrees_says_handler_conflict():
    template = _template(
        Fn=_function(
            Layers=[PY_LAYER], Environment={"Variables": {"DD_LAMBDA_HANDLER": "other.handler"}}
        )
    )
    row = _row(template)
    assert (row.status, row.note_id) == ("partly", "cdk-datadog:Handler.conflict")
    assert "other.handler" in row.reason


def test_per_function_settings_in_metadata_are_named_in_the_reason():
    template = instrument(_template(), forwarder_arn=FORWARDER, source_code_integration=False)
    template.template["Resources"]["Fn"]["Metadata"] = {"Datadog": {"Service": "billing"}}
    row = _row(template.template)
    assert (row.status, row.note_id) == ("instrumented", "cdk-datadog:Function.configured")
    assert "Metadata Datadog" in row.reason


def test_invalid_metadata_settings_are_reported_on_that_function_and_the_others_still_read():
    template = _template(Fn=_function(), Other=_function())
    template["Resources"]["Fn"]["Metadata"] = {"Datadog": {"Servise": "billing"}}
    rows = {row.logical_id: row for row in report_rows(template)}
    assert rows["Fn"].note_id == "cdk-datadog:Function.invalidSettings"
    assert "Servise" in rows["Fn"].reason
    assert rows["Other"].note_id is None


def test_a_template_front_end_error_is_reported_on_that_function_only():
    template = _template(Fn=_function(Layers="not-a-list"), Other=_function(Runtime="go1.x"))
    rows = {row.logical_id: row for row in report_rows(template)}
    assert "Layers must be a list" in rows["Fn"].reason
    assert rows["Other"].note_id == "cdk-datadog:Runtime.unsupported"


# --- subscribed --------------------------------------------------------------------------------


def _flush_to_log(**properties) -> dict:
    return _function(
        Handler="datadog_lambda.handler.handler",
        Layers=[PY_LAYER],
        Environment={"Variables": {"DD_LAMBDA_HANDLER": "app.handler", "DD_FLUSH_TO_LOG": "true"}},
        **properties,
    )


def _filter(log_group_name) -> dict:
    return {
        "Type": "AWS::Logs::SubscriptionFilter",
        "Properties": {
            "LogGroupName": log_group_name,
            "DestinationArn": FORWARDER,
            "FilterPattern": "",
        },
    }


def _group(name=None) -> dict:
    return {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": name} if name else {}}


#: (case, resources) whose function Fn is subscribed to the Forwarder
SUBSCRIBED = [
    (
        "Serverless Framework: filter by Ref to a named group",
        {
            "Fn": _flush_to_log(FunctionName="shop-dev-hello"),
            "FnLogGroup": _group("/aws/lambda/shop-dev-hello"),
            "Sub": _filter({"Ref": "FnLogGroup"}),
        },
    ),
    (
        "group by Fn::GetAtt",
        {
            "Fn": _flush_to_log(LoggingConfig={"LogGroup": {"Ref": "Group"}}),
            "Group": _group(),
            "Sub": _filter({"Fn::GetAtt": ["Group", "LogGroupName"]}),
        },
    ),
    (
        "LoggingConfig and filter by Ref",
        {
            "Fn": _flush_to_log(LoggingConfig={"LogGroup": {"Ref": "Group"}}),
            "Group": _group(),
            "Sub": _filter({"Ref": "Group"}),
        },
    ),
    (
        "LoggingConfig by literal name",
        {
            "Fn": _flush_to_log(LoggingConfig={"LogGroup": "/shared/logs"}),
            "Sub": _filter("/shared/logs"),
        },
    ),
    (
        "literal default name, no group in the stack",
        {"Fn": _flush_to_log(FunctionName="orders"), "Sub": _filter("/aws/lambda/orders")},
    ),
    (
        "Fn::Sub of the default name",
        {"Fn": _flush_to_log(), "Sub": _filter({"Fn::Sub": "/aws/lambda/${Fn}"})},
    ),
    (
        "Fn::Join of the default name",
        {
            "Fn": _flush_to_log(),
            "Sub": _filter({"Fn::Join": ["", ["/aws/lambda/", {"Ref": "Fn"}]]}),
        },
    ),
    (
        "group named by Fn::Sub, filter by Ref",
        {
            "Fn": _flush_to_log(),
            "FnLogs": _group({"Fn::Sub": "/aws/lambda/${Fn}"}),
            "Sub": _filter({"Ref": "FnLogs"}),
        },
    ),
]


@pytest.mark.parametrize(
    "resources", [case[1] for case in SUBSCRIBED], ids=[case[0] for case in SUBSCRIBED]
)
def test_subscribed_is_true_however_the_group_and_the_filter_name_it(resources):
    assert _row({"Resources": resources}).subscribed is True


@pytest.mark.parametrize(
    "resources",
    [
        {"Fn": _flush_to_log()},
        {"Fn": _flush_to_log(FunctionName="orders"), "Sub": _filter("/aws/lambda/other")},
        {"Fn": _flush_to_log(), "Other": _group(), "Sub": _filter({"Ref": "Other"})},
    ],
    ids=["no filter", "another literal group", "another group of the stack"],
)
def test_subscribed_is_false_when_no_filter_names_the_functions_group(resources):
    assert _row({"Resources": resources}).subscribed is False


def test_the_template_front_ends_serverless_output_is_subscribed_and_instrumented():
    template, _ = load_template((FIXTURES / "expected" / "serverless.json").read_text())
    rows = report_rows(template)
    assert len(rows) == 2
    assert all(row.subscribed and row.status == "instrumented" for row in rows), rows


def test_a_forwarder_mode_output_with_added_log_groups_is_subscribed():
    template = instrument(_template(), forwarder_arn=FORWARDER, source_code_integration=False)
    (row,) = report_rows(template.template)
    assert row.subscribed and row.status == "instrumented"


# --- never a crash -----------------------------------------------------------------------------

intrinsic = st.sampled_from(
    [
        {"Fn::Sub": "app.handler"},
        {"Ref": "Param"},
        {"Ref": ["not", "a", "name"]},
        {"Fn::If": ["Cond", "a", "b"]},
        {"Fn::ImportValue": "x"},
        ["a", "list"],
        42,
        None,
    ]
)


@st.composite
def odd_function(draw):
    properties = {}
    for key, plain in (
        ("Runtime", st.sampled_from(["python3.12", "nodejs22.x", "java21", "ruby3.3", "go1.x"])),
        ("Handler", st.sampled_from(["app.handler", "datadog_lambda.handler.handler"])),
        ("Architectures", st.sampled_from([["x86_64"], ["arm64"]])),
        ("Layers", st.just([PY_LAYER])),
        ("Environment", st.just({"Variables": {"DD_FLUSH_TO_LOG": "true"}})),
        ("FunctionName", st.just("orders")),
        ("LoggingConfig", st.just({"LogGroup": {"Ref": "Group"}})),
        ("PackageType", st.just("Image")),
        ("Tags", st.just([{"Key": "dd:instrument", "Value": "false"}])),
    ):
        choice = draw(st.sampled_from(["absent", "plain", "odd"]))
        if choice == "plain":
            properties[key] = draw(plain)
        elif choice == "odd":
            properties[key] = draw(intrinsic)
    resource = {
        "Type": draw(st.sampled_from(["AWS::Lambda::Function", "AWS::Serverless::Function"]))
    }
    resource["Properties"] = draw(st.sampled_from([properties, properties, None, ["x"]]))
    resource["Metadata"] = draw(
        st.sampled_from([None, {"Datadog": {"Service": "s"}}, {"Datadog": {"Nope": 1}}, "x"])
    )
    return resource


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(["A", "B", "C"]), odd_function(), min_size=1))
def test_report_never_crashes_and_gives_a_row_per_function(resources):
    template = {
        "Globals": {"Function": {"Runtime": "python3.12"}},
        "Resources": {**resources, "Group": _group(), "Sub": _filter({"Ref": "Group"})},
    }
    rows = report_rows(template)
    assert sorted(row.logical_id for row in rows) == sorted(resources)
    for row in rows:
        assert row.status in ("instrumented", "partly", "not", "excluded")
        assert row.reason
        json.dumps(row.as_dict())
