"""One engine, two front ends: a CDK app instrumented by `Datadog` and the same app's bare
template instrumented by `instrument_template` get the same handler, layers and DD_*."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from cdk_datadog import Datadog, instrument_template
from tests.support import nag_app

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


STACK_OPTION_SETS = {
    "forwarder": nag_app.OPTIONS,
    "extension": {
        "extension_layer_version": 101,
        "api_key_secret_arn": nag_app.OPTIONS["api_key_secret_arn"],
        "enable_xray_tracing": True,
        "step_functions": True,
        "source_code_integration": False,
    },
}


def _shop_template(options: dict | None) -> dict:
    """The app of tests/support/nag_app.py (functions with and without a log group, Python and
    Node, a REST API with access logs, a state machine), with the path metadata the CDK CLI
    records."""
    app = cdk.App(context={"aws:cdk:enable-path-metadata": True})
    nag_app.build(app, instrument=False)
    if options is not None:
        Datadog(app, "Datadog", **options)
    return app.synth().get_stack_by_name("Shop").template


def _comparable(resource: dict) -> dict:
    """A resource without what only says where a construct sits (its path metadata), with tags
    and dependencies in a stable order."""
    resource = {key: value for key, value in resource.items() if key != "Metadata"}
    properties = dict(resource.get("Properties", {}))
    if isinstance(properties.get("Tags"), list):
        properties["Tags"] = sorted(properties["Tags"], key=lambda tag: tag["Key"])
    if properties:
        resource["Properties"] = properties
    depends_on = resource.get("DependsOn")
    if depends_on is not None:
        resource["DependsOn"] = sorted([depends_on] if isinstance(depends_on, str) else depends_on)
    return resource


@pytest.mark.parametrize("option_set", sorted(STACK_OPTION_SETS))
def test_both_front_ends_plan_the_same_stack(option_set):
    options = STACK_OPTION_SETS[option_set]
    bare = _shop_template(None)
    through_cdk = _shop_template(options)["Resources"]
    through_template = instrument_template(bare, region="us-east-1", **options)["Resources"]

    added = set(through_cdk) - set(bare["Resources"])
    assert added, "instrumentation added nothing: the comparison would prove nothing"
    assert set(through_cdk) == set(through_template)  # the same logical ids, resources added
    for logical_id in sorted(through_cdk):
        assert _comparable(through_cdk[logical_id]) == _comparable(through_template[logical_id]), (
            logical_id
        )
