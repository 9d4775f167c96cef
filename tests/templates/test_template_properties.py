"""Property-based, over generated templates, malformed ones included: the transformer either
refuses with one clear ValueError line, or returns a template in which cfn-lint finds no new
error and every instrumented function is consistent."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdk_datadog.engine.layers import layer_name_of
from cdk_datadog.templates.transform import instrument
from tests.support.cfn_lint import lint_errors

WRAPPERS = {
    "datadog_lambda.handler.handler",
    "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler",
}
OPTION_SETS = [
    {
        "extension_layer_version": 101,
        "api_key_ssm_arn": "arn:aws:ssm:us-east-1:123456789012:parameter/k",
    },
    {"forwarder_arn": "arn:aws:lambda:us-east-1:123456789012:function:fwd"},
    {"add_layers": False, "flush_metrics_to_logs": True},
]

runtimes = st.one_of(
    st.sampled_from(["python3.12", "nodejs22.x", "java21", "provided.al2023", "go1.x"]),
    st.just({"Ref": "Runtime"}),
    st.just({"Fn::ImportValue": "runtime"}),
    st.just(["python3.12"]),  # malformed: a list
)
handlers = st.sampled_from(["app.handler", "index.handler", "datadog_lambda.handler.handler"])


@st.composite
def function(draw):
    properties = {
        "Runtime": draw(runtimes),
        "Handler": draw(handlers),
        "Role": "arn:aws:iam::123456789012:role/r",
        "Code": {"ZipFile": "x"},
    }
    if draw(st.booleans()):
        properties["Architectures"] = [draw(st.sampled_from(["x86_64", "arm64"]))]
    if draw(st.booleans()):
        properties["Environment"] = {"Variables": {"DD_SERVICE": "mine"}}
    if draw(st.booleans()):
        properties["Layers"] = ["arn:aws:lambda:us-east-1:123456789012:layer:Mine:1"]
    resource = {"Type": "AWS::Lambda::Function", "Properties": properties}
    broken = draw(st.sampled_from([None, None, None, "no-properties", "properties-list"]))
    if broken == "no-properties":
        del resource["Properties"]
    elif broken == "properties-list":
        resource["Properties"] = ["nope"]
    return resource


@st.composite
def templates(draw):
    resources = {f"Fn{i}": draw(function()) for i in range(draw(st.integers(1, 3)))}
    template = {
        "Parameters": {"Runtime": {"Type": "String", "Default": "python3.13"}},
        "Resources": resources,
    }
    return draw(st.sampled_from([template, template, template, [template], {"Resources": 1}]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(templates(), st.sampled_from(OPTION_SETS), st.sampled_from([None, "us-east-1"]))
def test_generated_templates_are_refused_clearly_or_instrumented_consistently(
    template, options, region
):
    try:
        result = instrument(template, region=region, source_code_integration=False, **options)
    except ValueError as error:
        message = str(error)
        assert message and "\n" not in message and "Traceback" not in message
        return

    # no error cfn-lint did not already find in the input (a generated input may be invalid)
    assert set(lint_errors(result.template)) <= set(lint_errors(template))
    for logical_id, resource in result.template["Resources"].items():
        properties = resource.get("Properties") or {}
        if resource.get("Type") != "AWS::Lambda::Function" or not isinstance(properties, dict):
            continue
        variables = (properties.get("Environment") or {}).get("Variables") or {}
        original = (template["Resources"][logical_id].get("Properties") or {}).get("Handler")
        if properties.get("Handler") in WRAPPERS and original not in WRAPPERS:
            assert variables["DD_LAMBDA_HANDLER"] == original, logical_id
        names = [layer_name_of(arn) for arn in properties.get("Layers", [])]
        assert len(names) == len(set(names)), f"{logical_id}: a layer appears twice"
        assert variables.get("DD_SERVICE", "mine") == "mine"
