"""Ruby and FIPS, end to end through the template front end: what `instrument` writes, what
`report` says of it and what the lint rules find in it agree.

Ruby: Datadog's Ruby layer holds the datadog-lambda gem and no wrapper; the handler calls
`Datadog::Lambda.wrap` itself, so an instrumented Ruby function has the layer and the DD_*
variables, and neither AWS_LAMBDA_EXEC_WRAPPER (the extension's /opt/datadog_wrapper starts
the Java and .NET tracers only) nor DD_LAMBDA_HANDLER (read by the Python and Node wrappers).
"""

from __future__ import annotations

import pytest

from cdk_datadog import instrument_template
from cdk_datadog.templates.report import report_rows
from cdk_datadog.templates.transform import instrument
from tests.support.cfn_lint import datadog_rule_ids

SECRET = "arn:aws:secretsmanager:us-gov-west-1:123456789012:secret:dd-AbCdEf"
FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
EXTENSION = {"extension_layer_version": 101, "api_key_secret_arn": SECRET}
FORWARDER_MODE = {"forwarder_arn": FORWARDER}


def _template(runtime: str, architecture: str = "x86_64", variables: dict | None = None) -> dict:
    properties = {
        "Runtime": runtime,
        "Handler": "app.handler",
        "Role": "arn:aws:iam::123456789012:role/r",
        "Code": {"ZipFile": "x"},
        "Architectures": [architecture],
    }
    if variables:
        properties["Environment"] = {"Variables": variables}
    return {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": properties}}}


def _instrumented(template: dict, region: str, **options) -> dict:
    return instrument_template(template, region=region, source_code_integration=False, **options)


@pytest.mark.parametrize("options", [EXTENSION, FORWARDER_MODE], ids=["extension", "forwarder"])
@pytest.mark.parametrize("runtime", ["ruby3.3", "ruby4.0"])
def test_ruby_gets_its_layer_and_variables_and_report_and_lint_call_it_instrumented(
    options, runtime
):
    template = _instrumented(_template(runtime), "us-east-1", **options)
    properties = template["Resources"]["Fn"]["Properties"]
    variables = properties["Environment"]["Variables"]

    assert properties["Handler"] == "app.handler"
    assert "AWS_LAMBDA_EXEC_WRAPPER" not in variables
    assert "DD_LAMBDA_HANDLER" not in variables
    (row,) = report_rows(template)
    assert (row.status, row.runtime) == ("instrumented", runtime)
    assert "Datadog::Lambda.wrap" in row.reason
    assert datadog_rule_ids(template) == set()


def test_the_instrument_note_says_what_to_write_in_the_ruby_handler():
    result = instrument(
        _template("ruby3.3"), region="us-east-1", source_code_integration=False, **FORWARDER_MODE
    )
    notes = {note.id: note for where, note in result.notes if where == "Fn"}
    note = notes["cdk-datadog:Handler.rubyWrapInCode"]
    assert note.level == "info"
    assert "Datadog::Lambda.wrap" in note.message
    assert "require 'datadog/lambda'" in note.message


def test_a_ruby_function_with_variables_but_no_layer_is_reported_partly():
    template = _template("ruby3.3", variables={"DD_SITE": "datadoghq.com"})
    (row,) = report_rows(template)
    assert row.status == "partly"


@pytest.mark.parametrize(
    ("architecture", "extension"),
    [("x86_64", "Datadog-Extension-FIPS"), ("arm64", "Datadog-Extension-ARM-FIPS")],
)
def test_a_govcloud_template_gets_the_fips_extension_which_report_and_lint_accept(
    architecture, extension
):
    template = _instrumented(_template("python3.12", architecture), "us-gov-west-1", **EXTENSION)
    properties = template["Resources"]["Fn"]["Properties"]

    assert any(f":layer:{extension}:101" in str(layer) for layer in properties["Layers"])
    assert properties["Environment"]["Variables"]["DD_LAMBDA_FIPS_MODE"] == "true"
    (row,) = report_rows(template)
    assert row.extension and row.status == "instrumented"
    assert datadog_rule_ids(template) == set()


def test_the_macros_lambda_fips_spelling_works_in_templates():
    template = _instrumented(
        _template("nodejs22.x"), "us-east-1", **EXTENSION, **{"lambda_fips": True}
    )
    layers = template["Resources"]["Fn"]["Properties"]["Layers"]
    assert any(":layer:Datadog-Extension-FIPS:" in str(layer) for layer in layers)


def test_serverless_yml_takes_the_plugins_isfipsenabled_and_the_macros_enhanced_metrics_key(
    tmp_path,
):
    from cdk_datadog.templates.config_file import load_config_file

    path = tmp_path / "serverless.yml"
    path.write_text(
        "service: shop\n"
        "provider: {name: aws, region: us-east-1}\n"
        "custom:\n"
        "  datadog:\n"
        "    addExtension: true\n"
        f"    apiKeySecretArn: {SECRET}\n"
        "    isFIPSEnabled: true\n"
        "    enableEnhancedMetrics: false\n"
    )
    options = load_config_file(path).options
    template = _instrumented(_template("python3.12"), "us-east-1", **options)
    properties = template["Resources"]["Fn"]["Properties"]
    assert any(":layer:Datadog-Extension-FIPS:" in str(layer) for layer in properties["Layers"])
    assert properties["Environment"]["Variables"]["DD_ENHANCED_METRICS"] == "false"
