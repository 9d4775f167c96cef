"""A function changed by instrumentation publishes a new version: its AWS::Lambda::Version
gets a new logical id, and every reference follows (cdk_datadog/templates/versions.py)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from cdk_datadog.templates.io import load_template
from cdk_datadog.templates.transform import instrument
from cdk_datadog.templates.versions import new_version_id, renew_versions
from tests.support.cfn_lint import lint_errors

PACKAGED = Path(__file__).resolve().parents[1] / "fixtures" / "serverless" / "packaged"
FORWARDER = "arn:aws:lambda:eu-west-1:123456789012:function:datadog-forwarder"
OPTIONS = {"forwarder_arn": FORWARDER, "source_code_integration": False, "region": "eu-west-1"}


def _template() -> dict:
    text = (PACKAGED / ".serverless" / "cloudformation-template-update-stack.json").read_text()
    return load_template(text)[0]


def _versions(template: dict) -> dict[str, str]:
    """Function logical id -> its version's logical id."""
    return {
        resource["Properties"]["FunctionName"]["Ref"]: logical_id
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Version"
    }


def test_the_version_of_an_instrumented_function_gets_a_new_logical_id():
    before = _template()
    after = instrument(before, **OPTIONS).template
    old, new = _versions(before), _versions(after)
    assert set(old) == set(new) == {"HelloLambdaFunction", "HelloDashworldLambdaFunction"}
    for function in old:
        assert new[function] != old[function]
        assert new[function].startswith(old[function])
        assert old[function] not in after["Resources"]


def test_every_reference_to_a_renewed_version_follows_it():
    after = instrument(_template(), **OPTIONS).template
    version = _versions(after)["HelloDashworldLambdaFunction"]
    alias = after["Resources"]["HelloDashworldProvConcLambdaAlias"]["Properties"]
    assert alias["FunctionVersion"] == {"Fn::GetAtt": [version, "Version"]}
    output = after["Outputs"]["HelloDashworldLambdaFunctionQualifiedArn"]["Value"]
    assert output == {"Ref": version}
    assert lint_errors(after) == []


def test_instrumenting_twice_keeps_the_versions_of_the_first_run():
    once = instrument(_template(), **OPTIONS).template
    twice = instrument(once, **OPTIONS).template
    assert _versions(twice) == _versions(once)
    assert json.dumps(twice) == json.dumps(once)


def test_a_function_left_alone_keeps_its_version():
    before = _template()
    after = instrument(before, **OPTIONS, exclude=["HelloLambdaFunction"]).template
    assert _versions(after)["HelloLambdaFunction"] == _versions(before)["HelloLambdaFunction"]


def test_ref_getatt_depends_on_and_sub_are_all_rewritten():
    template = {
        "Resources": {
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "a.b"}},
            "FnVersionAbc": {
                "Type": "AWS::Lambda::Version",
                "Properties": {"FunctionName": {"Ref": "Fn"}},
            },
            "Alias": {
                "Type": "AWS::Lambda::Alias",
                "DependsOn": ["FnVersionAbc", "Fn"],
                "Properties": {
                    "FunctionVersion": {"Fn::GetAtt": "FnVersionAbc.Version"},
                    "Description": {
                        "Fn::Sub": "v${FnVersionAbc.Version} of ${Fn} ${!FnVersionAbc}"
                    },
                    "Name": {
                        "Fn::Sub": ["${FnVersionAbc}-${Other}", {"Other": {"Ref": "FnVersionAbc"}}]
                    },
                },
            },
        },
        "Outputs": {"V": {"Value": {"Ref": "FnVersionAbc"}}},
    }
    before = copy.deepcopy(template)
    template["Resources"]["Fn"]["Properties"]["Handler"] = "datadog_lambda.handler.handler"

    renames = renew_versions(before, template)

    [new] = renames.values()
    alias = template["Resources"]["Alias"]
    assert alias["DependsOn"] == [new, "Fn"]
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": f"{new}.Version"}
    assert alias["Properties"]["Description"] == {
        "Fn::Sub": f"v${{{new}.Version}} of ${{Fn}} ${{!FnVersionAbc}}"
    }
    assert alias["Properties"]["Name"] == {
        "Fn::Sub": [f"${{{new}}}-${{Other}}", {"Other": {"Ref": new}}]
    }
    assert template["Outputs"]["V"]["Value"] == {"Ref": new}
    assert list(template["Resources"]) == ["Fn", new, "Alias"]


def test_a_sub_variable_named_like_the_version_is_not_rewritten():
    template = {
        "Resources": {
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "x.y"}},
            "V1": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
            "Out": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {"Value": {"Fn::Sub": ["${V1}", {"V1": "x"}]}},
            },
        }
    }
    before = copy.deepcopy(template)
    template["Resources"]["Fn"]["Properties"]["Handler"] = "changed.handler"
    renew_versions(before, template)
    assert template["Resources"]["Out"]["Properties"]["Value"] == {
        "Fn::Sub": ["${V1}", {"V1": "x"}]
    }


def test_a_new_id_replaces_the_suffix_of_an_earlier_run_instead_of_growing():
    first = new_version_id("FnVersionAbc", {"Properties": {"Handler": "a"}})
    second = new_version_id(first, {"Properties": {"Handler": "b"}})
    assert len(first) == len(second) and first != second
    assert first.startswith("FnVersionAbcDd")


def test_tags_and_code_do_not_make_a_new_version():
    before = {
        "Resources": {
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "a.b", "Tags": []}},
            "V": {"Type": "AWS::Lambda::Version", "Properties": {"FunctionName": {"Ref": "Fn"}}},
        }
    }
    after = copy.deepcopy(before)
    after["Resources"]["Fn"]["Properties"]["Tags"] = [{"Key": "env", "Value": "dev"}]
    assert renew_versions(before, after) == {}
