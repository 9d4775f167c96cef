"""Instrumenting an instrumented template again with new options updates what cdk-datadog
wrote (recorded in each function's `Metadata.cdk_datadog`) and keeps what the user set."""

from __future__ import annotations

from cdk_datadog.templates.transform import instrument

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:datadog-api-key-AbCdEf"
BASE = {
    "region": "us-east-1",
    "api_key_secret_arn": SECRET,
    "source_code_integration": False,
}
USER_LAYER = "arn:aws:lambda:us-east-1:123456789012:layer:shared:3"


def _template(**variables: str) -> dict:
    properties = {
        "Runtime": "python3.12",
        "Handler": "app.handler",
        "Role": "arn:aws:iam::123456789012:role/fn",
        "Layers": [USER_LAYER],
        "Tags": [{"Key": "team", "Value": "data"}],
    }
    if variables:
        properties["Environment"] = {"Variables": variables}
    return {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": properties}}}


def _function(template: dict) -> dict:
    return template["Resources"]["Fn"]["Properties"]


def test_a_new_extension_version_replaces_the_one_written_before():
    once = instrument(_template(), extension_layer_version=90, **BASE).template

    again = instrument(once, extension_layer_version=101, **BASE).template

    layers = _function(again)["Layers"]
    assert layers[0] == USER_LAYER
    assert [layer for layer in layers if ":layer:Datadog-Extension:" in layer] == [
        "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:101"
    ]
    assert len(layers) == 3  # the user's, the library, the extension: nothing twice


def test_new_env_and_site_update_the_variables_and_tags_written_before():
    once = instrument(_template(), extension_layer_version=101, env="dev", **BASE).template

    again = instrument(
        once, extension_layer_version=101, env="prod", site="datadoghq.eu", **BASE
    ).template

    variables = _function(again)["Environment"]["Variables"]
    assert variables["DD_ENV"] == "prod" and variables["DD_SITE"] == "datadoghq.eu"
    tags = {tag["Key"]: tag["Value"] for tag in _function(again)["Tags"]}
    assert tags["env"] == "prod" and tags["team"] == "data"


def test_the_users_own_variables_are_kept_on_a_second_run_with_new_options():
    once = instrument(_template(DD_ENV="staging"), extension_layer_version=101, env="dev", **BASE)

    again = instrument(once.template, extension_layer_version=101, env="prod", **BASE).template

    assert _function(again)["Environment"]["Variables"]["DD_ENV"] == "staging"
    assert "DD_ENV" not in again["Resources"]["Fn"]["Metadata"]["cdk_datadog"]["variables"]


def test_leaving_the_extension_out_on_a_second_run_removes_the_one_written_before():
    once = instrument(_template(), extension_layer_version=101, **BASE).template

    again = instrument(once, **{**BASE, "flush_metrics_to_logs": True}).template

    assert not any(":layer:Datadog-Extension" in layer for layer in _function(again)["Layers"])


def test_the_same_options_again_change_nothing():
    once = instrument(_template(), extension_layer_version=90, env="dev", **BASE).template

    assert instrument(once, extension_layer_version=90, env="dev", **BASE).template == once
