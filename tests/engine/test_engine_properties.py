"""Property-based: whatever the options and the function, the engine ends in a clear error
naming an option, a Skip with a stable reason, or a Plan that is consistent."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cdk_datadog.engine import FunctionFacts, OptionError, Plan, Skip, config_from_options
from cdk_datadog.engine.catalog import load_catalog
from cdk_datadog.engine.layers import layer_name_of
from cdk_datadog.engine.options import OPTION_SPECS
from cdk_datadog.engine.planner import plan_function

CATALOG = load_catalog()
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-key"
FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:forwarder"
DATADOG_HANDLERS = {
    "datadog_lambda.handler.handler",
    "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler",
    "node_modules/datadog-lambda-js/dist/handler.handler",
}

option_values = {
    "add_layers": st.booleans(),
    "redirect_handler": st.booleans(),
    "extension_layer_version": st.sampled_from([None, 0, 90, -1, "90"]),
    "python_layer_version": st.sampled_from([None, 100, 2.0, "x"]),
    "node_layer_arn": st.sampled_from(
        [None, "arn:aws:lambda:us-east-1:123456789012:layer:MyNode:3", "not-an-arn"]
    ),
    "api_key_secret_arn": st.sampled_from([None, SECRET, "arn:aws:s3:::bucket"]),
    "api_key": st.sampled_from([None, "0123456789abcdef"]),
    "flush_metrics_to_logs": st.sampled_from([None, True, False]),
    "forwarder_arn": st.sampled_from([None, FORWARDER, "arn:aws:lambda:us-east-1:1:function"]),
    "site": st.sampled_from([None, "datadoghq.eu", "datadoghq.con", "DATADOGHQ.COM"]),
    "service": st.sampled_from([None, "svc"]),
    "tags": st.sampled_from([None, "team:a,tier:1", "broken"]),
    "use_layers_from_account": st.sampled_from([None, "123456789012", "12"]),
    "datadog_app_sec_mode": st.sampled_from([None, "on", "off", "bogus"]),
    "log_level": st.sampled_from([None, "debug", "loud"]),
    "exclude": st.sampled_from([None, ["*/Legacy*"], "x", [1]]),
    "enabel_tracing": st.sampled_from([None, True]),  # a typo: must be reported by name
}


@st.composite
def options(draw):
    chosen = {}
    for name, values in option_values.items():
        value = draw(values)
        if value is not None:
            chosen[name] = value
    return chosen


runtimes = st.sampled_from([*sorted(CATALOG.runtimes), "go1.x", "nodejs16.x", "python2.7", None])
regions = st.sampled_from([None, "us-east-1", "eu-west-1", "us-gov-west-1", "cn-north-1"])
existing_layers = st.lists(
    st.sampled_from(
        [
            "arn:aws:lambda:us-east-1:123456789012:layer:Mine:1",
            "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Python312:100",
            "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:80",
            "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Node22-x:120",
        ]
    ),
    max_size=5,
    unique=True,
)


@st.composite
def facts(draw):
    handler = draw(st.sampled_from(["app.handler", "index.handler", None, *DATADOG_HANDLERS]))
    environment = draw(
        st.dictionaries(
            st.sampled_from(["DD_ENV", "DD_LAMBDA_HANDLER", "DD_SERVICE", "OTHER"]),
            st.sampled_from(["a", "app.handler", "x" * 50]),
            max_size=3,
        )
    )
    return FunctionFacts(
        path="App/Stack/Fn",
        runtime=draw(runtimes),
        handler=handler,
        architecture=draw(st.sampled_from(["x86_64", "arm64", None])),
        package_type=draw(st.sampled_from(["Zip", "Zip", "Image"])),
        region=draw(regions),
        environment=environment,
        layers=tuple(draw(existing_layers)),
        is_edge=draw(st.booleans()) and draw(st.booleans()),
    )


def _expected_layer_names(runtime: str, architecture: str) -> set[str]:
    info = CATALOG.runtime(runtime)
    names = {CATALOG.extension_layers[architecture]}
    if info is not None and info.layers:
        names.add(info.layers[architecture])
    return names


@settings(max_examples=400, deadline=None)
@given(options(), facts())
def test_every_combination_ends_in_a_named_error_a_skip_or_a_consistent_plan(opts, fact):
    try:
        config = config_from_options(opts)
    except OptionError as error:
        assert error.option in OPTION_SPECS or error.option in opts, error
        assert f"`{error.option}`" in str(error)
        return

    decision = plan_function(fact, config)

    if isinstance(decision, Skip):
        assert re.fullmatch(r"cdk-datadog:[A-Za-z]+\.[A-Za-z]+", decision.reason.id)
        assert decision.reason.message
        return
    assert isinstance(decision, Plan)
    environment = {**fact.environment, **decision.environment}
    if decision.handler is not None:
        assert decision.handler in DATADOG_HANDLERS
        assert environment["DD_LAMBDA_HANDLER"] == fact.handler
        assert fact.handler not in DATADOG_HANDLERS  # never a double wrapper
    for name, value in fact.environment.items():
        assert environment[name] == value  # the function's own variables always win
    new_names = [layer.name for layer in decision.layers]
    existing_names = [layer_name_of(arn) for arn in fact.layers]
    all_names = existing_names + new_names
    assert len(all_names) == len(set(all_names)), "a layer appears twice"
    assert len(all_names) <= 5
    if fact.package_type == "Image":
        assert decision.layers == () and decision.handler is None
    else:
        for layer in decision.layers:
            if layer.literal is None:
                assert layer.name in _expected_layer_names(fact.runtime, fact.architecture)
    if "api_key" in opts:
        assert any(note.id == "cdk-datadog:ApiKey.plaintext" for note in decision.notes)
        assert all(opts["api_key"] not in note.message for note in decision.notes)
