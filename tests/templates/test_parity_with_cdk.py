"""One engine, two front ends: a CDK app instrumented by `Datadog` and the same app's bare
template instrumented by `instrument_template` get the same handler, layers and DD_*."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from cdk_datadog import Datadog, instrument_template

SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:datadog-api-key"
OPTION_SETS = {
    "extension": {"extension_layer_version": 101, "api_key_secret_arn": SECRET, "env": "prod"},
    "forwarder": {
        "forwarder_arn": "arn:aws:lambda:eu-west-1:123456789012:function:fwd",
        "service": "shop",
        "tags": "team:a",
    },
}
FUNCTIONS = {
    "Py": (lambda_.Runtime.PYTHON_3_12, lambda_.Architecture.X86_64, "app.handler"),
    "PyArm": (lambda_.Runtime.PYTHON_3_13, lambda_.Architecture.ARM_64, "app.handler"),
    "Node": (lambda_.Runtime.NODEJS_22_X, lambda_.Architecture.ARM_64, "index.handler"),
    "Java": (lambda_.Runtime.JAVA_21, lambda_.Architecture.X86_64, "a.B::handle"),
    "Ruby": (lambda_.Runtime.RUBY_3_3, lambda_.Architecture.X86_64, "app.handler"),
}
ENVIRONMENTS = {
    "concrete": cdk.Environment(account="123456789012", region="eu-west-1"),
    "agnostic": None,
}


def _synth(tmp_path, env, options=None) -> dict:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Parity", env=env)
    code = tmp_path / "code"
    code.mkdir(exist_ok=True)
    (code / "app.py").write_text("def handler(e, c):\n    return e\n")
    for name, (runtime, architecture, handler) in FUNCTIONS.items():
        lambda_.Function(
            stack,
            name,
            runtime=runtime,
            architecture=architecture,
            handler=handler,
            code=lambda_.Code.from_asset(str(code)),
            environment={"DD_VERSION": "7"} if name == "Py" else None,
        )
    if options is not None:
        Datadog(stack, "Datadog", **options)
    return app.synth().get_stack_by_name("Parity").template


def _functions(template: dict) -> dict[str, dict]:
    result = {}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        properties = resource["Properties"]
        variables = properties.get("Environment", {}).get("Variables", {})
        result[logical_id] = {
            "handler": properties["Handler"],
            "layers": properties.get("Layers", []),
            "variables": {k: v for k, v in variables.items() if k.startswith(("DD_", "AWS_"))},
        }
    return result


@pytest.mark.parametrize("environment", sorted(ENVIRONMENTS))
@pytest.mark.parametrize("option_set", sorted(OPTION_SETS))
def test_cdk_and_template_front_ends_make_the_same_decisions(tmp_path, option_set, environment):
    options = OPTION_SETS[option_set]
    env = ENVIRONMENTS[environment]
    bare = _synth(tmp_path / "bare", env)
    through_cdk = _functions(_synth(tmp_path / "cdk", env, options))
    region = env.region if env is not None else None
    through_template = _functions(instrument_template(bare, region=region, **options))

    assert set(through_cdk) == set(through_template) and len(through_cdk) == len(FUNCTIONS)
    for logical_id in through_cdk:
        assert through_template[logical_id] == through_cdk[logical_id], logical_id
    (python,) = (k for k in through_cdk if k.startswith("Py") and not k.startswith("PyArm"))
    assert through_cdk[python]["variables"]["DD_VERSION"] == "7"  # the function's own value
