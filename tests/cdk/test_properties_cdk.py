"""Property-based, on real synths: option sets x function kinds end in an error naming an
option, or in a template cfn-lint accepts where every function is consistent."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdk_datadog import Datadog, OptionError
from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.layers import layer_name_of
from tests.support.cfn_lint import lint_errors

CATALOG = load_catalog()
ARCHITECTURES = {"arm64": lambda_.Architecture.ARM_64, "x86_64": lambda_.Architecture.X86_64}
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:k-AbCdEf"
WRAPPERS = {
    "datadog_lambda.handler.handler",
    "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler",
    "node_modules/datadog-lambda-js/dist/handler.handler",
}
options = st.fixed_dictionaries(
    {},
    optional={
        "extension_layer_version": st.sampled_from([101, 0]),
        "api_key_secret_arn": st.sampled_from([SECRET, "not-an-arn"]),
        "forwarder_arn": st.just("arn:aws:lambda:us-east-1:123456789012:function:fwd"),
        "add_layers": st.booleans(),
        "redirect_handler": st.booleans(),
        "enable_datadog_tracing": st.booleans(),
        "service": st.just("svc"),
        "site": st.sampled_from(["datadoghq.eu", "datadoghq.con"]),
    },
)
kinds = st.lists(
    st.sampled_from(
        [
            (lambda_.Runtime.PYTHON_3_12, "x86_64"),
            (lambda_.Runtime.PYTHON_3_13, "arm64"),
            (lambda_.Runtime.NODEJS_22_X, "arm64"),
            (lambda_.Runtime.NODEJS_20_X, "x86_64"),
        ]
    ),
    min_size=1,
    max_size=3,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(options, kinds, st.sampled_from(["us-east-1", None]))
def test_any_options_and_functions_end_in_a_named_error_or_a_consistent_template(
    opts, functions, region
):
    app = cdk.App()
    env = cdk.Environment(account="123456789012", region=region) if region else None
    stack = cdk.Stack(app, "S", env=env)
    try:
        Datadog(stack, "Datadog", source_code_integration=False, **opts)
    except OptionError as error:
        assert f"`{error.option}`" in str(error)
        return
    for index, (runtime, arch) in enumerate(functions):
        lambda_.Function(
            stack,
            f"Fn{index}",
            runtime=runtime,
            architecture=lambda_.Architecture.ARM_64
            if arch == "arm64"
            else lambda_.Architecture.X86_64,
            handler="app.handler",
            code=lambda_.Code.from_inline("def handler(e, c):\n    return e\n"),
        )
    template = app.synth().get_stack_by_name("S").template

    assert lint_errors(template) == []
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        properties = resource["Properties"]
        variables = properties.get("Environment", {}).get("Variables", {})
        if properties["Handler"] in WRAPPERS:
            assert variables["DD_LAMBDA_HANDLER"] == "app.handler"
        names = [layer_name_of(arn) for arn in properties.get("Layers", [])]
        assert len(names) == len(set(names))
        info = CATALOG.runtime(properties["Runtime"])
        arch = (properties.get("Architectures") or ["x86_64"])[0]
        allowed = {info.layers[arch], CATALOG.extension_layers[arch]}
        assert set(names) <= allowed
