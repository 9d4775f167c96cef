"""custom.datadog as serverless-plugin-datadog documents it: every key accepted, its effect or a
note, its defaults, and errors that name the key as written. Run through the backend's
`functions` hook, in process: the changes a Serverless service would get."""

from __future__ import annotations

import pytest

from cdk_datadog.engine.config import OptionError
from cdk_datadog.serverless import keys as k
from cdk_datadog.serverless.backend import answer
from cdk_datadog.serverless.translate import ServiceContext, translate

SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:datadog-api-key-AbCdEf"
FORWARDER = "arn:aws:lambda:eu-west-1:123456789012:function:datadog-forwarder"
FUNCTIONS = {
    "hello": {"handler": "handler.main", "runtime": "python3.11", "name": "shop-dev-hello"},
    "greeter": {"handler": "index.handler", "runtime": "nodejs20.x", "name": "shop-dev-greeter"},
}
BASE = {"apiKeySecretArn": SECRET, "enableSourceCodeIntegration": False}


def functions_hook(custom: dict, functions: dict | None = None, **request) -> dict:
    return answer(
        {
            "protocol": 1,
            "hook": request.pop("hook", "functions"),
            "service": "shop",
            "stage": "dev",
            "region": "eu-west-1",
            "custom": custom,
            "functions": FUNCTIONS if functions is None else functions,
            **request,
        }
    )


def variables(reply: dict, key: str = "hello") -> dict:
    return reply["functions"][key].get("environment", {})


def notes_about(reply: dict, where: str) -> list[str]:
    return [n["message"] for n in reply["notes"] if n["where"] == where]


def error_of(custom: dict, functions: dict | None = None) -> str:
    with pytest.raises(OptionError) as caught:
        functions_hook(custom, functions)
    return f"{caught.value.option}: {caught.value.problem}"


# --- every documented key ----------------------------------------------------------------

#: a value each key accepts alone (on top of BASE); the others take `true`
SAMPLE_VALUES = {
    "site": "datadoghq.eu",
    "appKey": "app-key",
    "env": "prod",
    "service": "shop",
    "version": "1.2.3",
    "tags": "team:shop",
    "exclude": ["greeter"],
    "customHandler": "wrapper.handler",
    "monitors": [{"high_error_rate": None}],
    "coldStartTraceSkipLibs": "requests",
    "logLevel": "debug",
    "subdomain": "app",
    "apmFlushDeadline": 100,
    "appSecMode": "off",
    "coldStartTraceMinDuration": 3,
    "minColdStartTraceDuration": 3,
    "llmObsEnabled": False,  # true needs llmObsMlApp
    "llmObsMlApp": "shop",
    "useLayersFromAccount": "123456789012",
    "forwarderArn": FORWARDER,
    "forwarder": FORWARDER,
    "cdkDatadogPath": "/usr/local/bin/cdk-datadog",
    "monitorsApiKey": "api-key",
    "monitorsAppKey": "app-key",
    "apiKeySecretArn": SECRET,
}
#: the other API key sources replace BASE's
KEY_SOURCES = {
    "apiKey": "0123456789abcdef0123456789abcdef",
    "apiKeySsmArn": "arn:aws:ssm:eu-west-1:123456789012:parameter/datadog/api-key",
    "apiKMSKey": "AQICAHh0ZW5jcnlwdGVk",
}


@pytest.mark.parametrize("key", [key.name for key in k.KEYS], ids=str)
def test_every_key_is_accepted_when_given_alone(key):
    if key in KEY_SOURCES:
        custom = {"enableSourceCodeIntegration": False, key: KEY_SOURCES[key]}
    else:
        custom = {**BASE, key: SAMPLE_VALUES.get(key, True)}
    reply = functions_hook(custom)
    assert reply["ok"] and reply["enabled"]


@pytest.mark.parametrize(
    "key",
    [
        "isFIPSEnabled",
        "subdomain",
        "propagateUpstreamTrace",
        "propagateTraceContext",
        "coldStartTraceMinDuration",
        "enableTags",
        "mergeStepFunctionAndLambdaTraces",
    ],
)
def test_keys_that_stopped_the_run_are_accepted_in_one_block(key):
    custom = {**BASE, "isFIPSEnabled": False, "subdomain": "app", "propagateUpstreamTrace": True}
    custom.update({"propagateTraceContext": True, "coldStartTraceMinDuration": 5})
    custom.update({"enableTags": True, "mergeStepFunctionAndLambdaTraces": True})
    reply = functions_hook(custom)
    assert key in custom and reply["ok"]


def test_a_key_without_effect_here_gets_a_note_saying_what_is_not_done():
    reply = functions_hook({**BASE, "subdomain": "app", "appKey": "app-key"})
    assert notes_about(reply, "custom.datadog.subdomain") == [
        "accepted, not used: it only names the app links serverless-plugin-datadog prints; "
        "cdk-datadog prints none"
    ]
    [app_key] = notes_about(reply, "custom.datadog.appKey")
    assert "Datadog::Monitors::Monitor resources of the stack" in app_key


def test_is_fips_enabled_switches_to_the_fips_extension_and_fips_mode():
    reply = functions_hook({**BASE, "isFIPSEnabled": True, "site": "ddog-gov.com"})

    layers = reply["functions"]["hello"]["layers"]
    assert any(":layer:Datadog-Extension-FIPS:" in str(layer) for layer in layers), layers
    assert variables(reply)["DD_LAMBDA_FIPS_MODE"] == "true"


def test_cold_start_trace_min_duration_sets_the_variable_the_plugin_documents():
    reply = functions_hook({**BASE, "coldStartTraceMinDuration": 5})
    assert variables(reply)["DD_MIN_COLD_START_DURATION"] == "5"


# --- keys that were accepted but did not do what serverless-plugin-datadog does ----------


def test_custom_handler_becomes_the_handler_of_every_redirected_function():
    reply = functions_hook({**BASE, "customHandler": "wrapper.handler"})
    for key, original in (("hello", "handler.main"), ("greeter", "index.handler")):
        assert reply["functions"][key]["handler"] == "wrapper.handler"
        assert variables(reply, key)["DD_LAMBDA_HANDLER"] == original


def test_enable_xray_tracing_turns_on_active_tracing_and_merges_xray_traces():
    reply = functions_hook({**BASE, "enableXrayTracing": True})
    assert reply["functions"]["hello"]["tracing"] == "Active"
    assert variables(reply)["DD_MERGE_XRAY_TRACES"] == "true"


def test_xray_traces_do_not_merge_when_datadog_tracing_is_off():
    reply = functions_hook({**BASE, "enableXrayTracing": True, "enableDDTracing": False})
    assert variables(reply)["DD_MERGE_XRAY_TRACES"] == "false"


def test_enable_asm_false_with_app_sec_mode_off_is_no_conflict():
    reply = functions_hook({**BASE, "enableASM": False, "appSecMode": "off"})
    assert "DD_SERVERLESS_APPSEC_ENABLED" not in variables(reply)


def test_enable_asm_true_with_app_sec_mode_is_a_conflict_named_as_written():
    message = error_of({**BASE, "enableASM": True, "appSecMode": "on"})
    assert message.startswith("custom.datadog.enableASM: ")
    assert "`appSecMode`" in message and "datadog_app_sec_mode" not in message


def test_exclude_takes_function_keys():
    reply = functions_hook({**BASE, "exclude": ["hello"]})
    assert reply["functions"]["hello"] == {}
    assert reply["functions"]["greeter"]["handler"].endswith("datadog-lambda-js/handler.handler")
    assert any("excluded" in message for message in notes_about(reply, "hello"))


def test_step_functions_keys_turn_state_machines_on_and_are_off_by_default():
    service = ServiceContext(name="shop", stage="dev")
    assert translate(BASE, service, {}).options["step_functions"] is False
    for key in ("enableStepFunctionsTracing", "subscribeToStepFunctionLogs"):
        options = translate({**BASE, key: True}, service, {}).options
        assert options["step_functions"] is True
        assert options["enable_step_functions_tracing"] is True
        # as in serverless-plugin-datadog: definitions are rewritten only when asked
        assert options["merge_step_function_and_lambda_traces"] is False


@pytest.mark.parametrize(
    "key", ["propagateUpstreamTrace", "mergeStepFunctionAndLambdaTraces", "propagateTraceContext"]
)
def test_propagate_upstream_trace_rewrites_definitions_with_step_functions_tracing_only(key):
    service = ServiceContext(name="shop", stage="dev")

    traced = translate({**BASE, "enableStepFunctionsTracing": True, key: True}, service, {})
    alone = translate({**BASE, key: True}, service, {})

    assert traced.options["merge_step_function_and_lambda_traces"] is True
    assert "merge_step_function_and_lambda_traces" not in alone.options
    (note,) = [n for n in alone.notes if n.where == f"custom.datadog.{key}"]
    assert note.level == "warning" and "only with enableStepFunctionsTracing" in note.message


def test_monitors_become_an_option_and_a_custom_monitor_fails_naming_the_key():
    service = ServiceContext(name="shop", stage="dev")
    monitors = [{"high_error_rate": None}, {"timeout": {"priority": 2}}]

    assert translate({**BASE, "monitors": monitors}, service, {}).options["monitors"] == monitors
    message = error_of({**BASE, "monitors": [{"custom_id": {"query": "avg(last_5m):x > 1"}}]})
    assert message.startswith("custom.datadog.monitors: ") and "'custom_id'" in message


# --- defaults --------------------------------------------------------------------------------


def test_the_extension_is_on_by_default():
    reply = functions_hook(BASE)
    hello = reply["functions"]["hello"]
    assert any(":layer:Datadog-Extension:" in layer for layer in hello["layers"])
    assert variables(reply)["DD_FLUSH_TO_LOG"] == "false"


def test_a_block_with_only_a_site_fails_naming_add_extension_and_what_to_do():
    message = error_of({"site": "datadoghq.eu"})
    # the engine's rule, in serverless.yml's words: the key that turned the extension on (by
    # default) and the keys that give it an API key
    assert message.startswith(
        "custom.datadog.addExtension: the Datadog Lambda Extension needs an API key"
    )
    assert "`apiKeySecretArn`" in message and "`apiKMSKey`" in message


def test_service_and_env_default_to_the_service_name_and_the_stage():
    reply = functions_hook(BASE)
    assert variables(reply)["DD_SERVICE"] == "shop"
    assert variables(reply)["DD_ENV"] == "dev"
    assert reply["functions"]["hello"]["tags"]["env"] == "dev"


def test_datadog_api_key_from_the_environment_is_a_key_source_as_in_the_plugin():
    reply = functions_hook(
        {"enableSourceCodeIntegration": False},
        environment={"DATADOG_API_KEY": "0123456789abcdef0123456789abcdef"},
    )
    assert variables(reply)["DD_API_KEY"] == "0123456789abcdef0123456789abcdef"
    assert any(n["id"] == "cdk-datadog:ApiKey.plaintext" for n in reply["notes"])


def test_enabled_false_changes_nothing():
    reply = functions_hook({"enabled": False, "site": "not-even-checked"})
    assert reply["enabled"] is False and "functions" not in reply


# --- messages name the key as written ----------------------------------------------------


@pytest.mark.parametrize(
    ("custom", "starts"),
    [
        ({**BASE, "site": "datadoghq.con"}, "custom.datadog.site: 'datadoghq.con' is not a"),
        ({**BASE, "enableDDTracing": "yes"}, "custom.datadog.enableDDTracing: expected"),
        (
            {**BASE, "sitte": "datadoghq.eu"},
            "custom.datadog.sitte: unknown key; did you mean `site`?",
        ),
        (
            {**BASE, "apiKMSKey": "AQIC"},
            "custom.datadog.apiKeySecretArn: more than one API key source: `apiKMSKey`, "
            "`apiKeySecretArn`",
        ),
        ({**BASE, "forwarder": FORWARDER, "forwarderArn": FORWARDER}, "custom.datadog.forwarder:"),
        (
            {**BASE, "coldStartTraceMinDuration": 3, "minColdStartTraceDuration": 4},
            "custom.datadog.minColdStartTraceDuration: conflicts with `coldStartTraceMinDuration`",
        ),
        ({**BASE, "subscribeToApiGatewayLogs": True}, "custom.datadog.subscribeToApiGatewayLogs:"),
        (
            {**BASE, "addExtension": False, "enableASM": True},
            "custom.datadog.enableASM: App and API Protection needs `enableDDTracing=true` and "
            "the extension (`addExtension`)",
        ),
    ],
)
def test_an_invalid_block_fails_with_the_key_as_written(custom, starts):
    message = error_of(custom)
    assert message.startswith(starts), message
    assert "\n" not in message
    words = message.replace("`", " ").replace(",", " ").split()
    assert not [word for word in words if "_" in word and word.islower()], message


def test_a_per_function_block_error_names_the_function_and_key():
    functions = {**FUNCTIONS, "hello": {**FUNCTIONS["hello"], "datadog": {"logLevel": "loud"}}}
    message = error_of(BASE, functions)
    assert message.startswith("functions.hello.datadog.logLevel: 'loud' is not a log level")


def test_a_per_function_block_refuses_a_key_of_the_whole_service():
    functions = {
        **FUNCTIONS,
        "hello": {**FUNCTIONS["hello"], "datadog": {"forwarderArn": FORWARDER}},
    }
    message = error_of(BASE, functions)
    assert message == (
        "functions.hello.datadog.forwarderArn: applies to the whole service; set it in "
        "custom.datadog"
    )


def test_a_per_function_block_applies_to_its_function_only():
    functions = {**FUNCTIONS, "hello": {**FUNCTIONS["hello"], "datadog": {"service": "orders"}}}
    reply = functions_hook(BASE, functions)
    assert variables(reply, "hello")["DD_SERVICE"] == "orders"
    assert variables(reply, "greeter")["DD_SERVICE"] == "shop"


def test_engine_notes_name_options_as_the_keys_written():
    reply = functions_hook({"apiKey": KEY_SOURCES["apiKey"], "enableSourceCodeIntegration": False})
    [plaintext] = {
        n["message"] for n in reply["notes"] if n["id"] == "cdk-datadog:ApiKey.plaintext"
    }
    assert "given with `apiKey`" in plaintext and "api_key" not in plaintext
    assert KEY_SOURCES["apiKey"] not in str(reply["notes"])


def test_custom_handler_survives_the_template_hook_without_a_conflict_note():
    custom = {**BASE, "customHandler": "wrapper.handler"}
    changes = functions_hook(custom)["functions"]["hello"]
    function = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Runtime": "python3.11",
            "FunctionName": "shop-dev-hello",
            "Handler": changes["handler"],
            "Layers": changes["layers"],
            "Environment": {"Variables": changes["environment"]},
            "Tags": [{"Key": key, "Value": value} for key, value in changes["tags"].items()],
            "Role": "arn:aws:iam::123456789012:role/shop",
        },
    }
    template = {"Resources": {"HelloLambdaFunction": function}}
    reply = functions_hook(custom, hook="template", template=template)
    assert reply["template"]["Resources"]["HelloLambdaFunction"] == function
    assert not [n for n in reply["notes"] if n["id"] == "cdk-datadog:Handler.conflict"]
