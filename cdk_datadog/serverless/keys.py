"""serverless-plugin-datadog's `custom.datadog` keys, and what each one does here.

One table, so that the translation, the docs' side-by-side table and the tests read the
same facts. A key either sets engine options (`options`: every option gets the key's value),
is handled by `translate` itself (`SPECIAL`), or is accepted with a note saying what is not
done and why (`note`). Keys that serverless-plugin-datadog removed fail, as they fail there.

Source: the option table of serverless-plugin-datadog's README and its `Configuration`
interface (src/env.ts), version 5.134.1.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from cdk_datadog.engine.options import OPTION_SPECS

INFO = "info"
WARNING = "warning"

#: handled by `translate` (defaults, function keys, a handler of the user's, ...)
SPECIAL = ("special",)


@dataclass(frozen=True)
class Key:
    """One `custom.datadog` key."""

    name: str
    #: engine options the key's value goes to, SPECIAL, or () for a key that only gets a note
    options: tuple[str, ...]
    #: serverless-plugin-datadog's default, as its README states it
    their_default: str
    #: what cdk-datadog does with it (docs/serverless.md's table is generated from it)
    here: str
    #: for an accepted key that does nothing here: what is not done, and why
    note: str | None = None
    level: str = INFO
    #: in serverless-plugin-datadog's README option table (the others are in its code only)
    documented: bool = True

    @property
    def pending_options(self) -> tuple[str, ...]:
        """Options this key maps to that this version of the engine does not have yet."""
        if self.options == SPECIAL:
            return ()
        return tuple(name for name in self.options if name not in OPTION_SPECS)


_MONITORS = (
    "monitors are Datadog::Monitors::Monitor resources of the stack, which CloudFormation "
    "creates with the keys of that registry type's configuration; cdk-datadog makes no calls "
    "to Datadog's API at deploy"
)

KEYS: tuple[Key, ...] = (
    Key("site", ("site",), "datadoghq.com", "same"),
    Key("apiKey", ("api_key",), "-", "same (DD_API_KEY, a warning: it lands in clear text)"),
    Key("appKey", (), "-", "accepted, not used", _MONITORS),
    Key("apiKeySecretArn", ("api_key_secret_arn",), "-", "same, and the read permission"),
    Key("apiKeySsmArn", ("api_key_ssm_arn",), "-", "same, and the read permission"),
    Key("apiKMSKey", ("api_kms_key",), "-", "same, and the decrypt permission"),
    Key("env", ("env",), "the stage", "same (DD_ENV and the `env` tag)"),
    Key("service", ("service",), "the service name", "same (DD_SERVICE and the `service` tag)"),
    Key("version", ("version",), "-", "same (DD_VERSION and the `version` tag)"),
    Key("tags", ("tags",), "-", "same (DD_TAGS and one tag per pair)"),
    Key(
        "enableXrayTracing",
        SPECIAL,
        "false",
        "active X-Ray tracing of the instrumented functions, its permissions, "
        "DD_MERGE_XRAY_TRACES (not API Gateway's: see the differences)",
    ),
    Key("enableDDTracing", ("enable_datadog_tracing",), "true", "same (DD_TRACE_ENABLED)"),
    Key("enableASM", SPECIAL, "false", "same (deprecated there too; `false` is ignored)"),
    Key("appSecMode", ("datadog_app_sec_mode",), "off", "same"),
    Key("enableDDLogs", ("enable_datadog_logs",), "true", "same (DD_SERVERLESS_LOGS_ENABLED)"),
    Key(
        "monitors",
        ("monitors",),
        "-",
        "the recommended monitors, as Datadog::Monitors::Monitor resources of the stack (the "
        "registry type activated once; no calls to Datadog's API at deploy); custom monitors "
        "fail, define them as resources of your own",
    ),
    Key("captureLambdaPayload", ("capture_lambda_payload",), "false", "same"),
    Key(
        "enableSourceCodeIntegration",
        ("source_code_integration",),
        "true",
        "same: git commit and repository in DD_TAGS (read from the local git checkout, no API "
        "key needed)",
    ),
    Key(
        "uploadGitMetadata",
        (),
        "true",
        "accepted, nothing uploaded",
        "git metadata is not uploaded to Datadog (no calls to Datadog's API at deploy); the "
        "commit and repository still go into DD_TAGS, which Datadog's GitHub integration reads",
    ),
    Key("subscribeToAccessLogs", ("subscribe_to_access_logs",), "true", "same"),
    Key("subscribeToExecutionLogs", ("subscribe_to_execution_logs",), "false", "same"),
    Key("forwarderArn", ("forwarder_arn",), "-", "same"),
    Key("addLayers", ("add_layers",), "true", "same"),
    Key(
        "addExtension",
        SPECIAL,
        "true",
        "same; `true` attaches the extension layer version of cdk-datadog's data file",
    ),
    Key("exclude", SPECIAL, "[]", "same: function keys (also logical-id or name globs)"),
    Key("enabled", SPECIAL, "true", "same: `false` leaves everything as it is"),
    Key(
        "customHandler", ("custom_handler",), "-", "same: the handler of every redirected function"
    ),
    Key("failOnError", (), "false", "accepted, not used", _MONITORS),
    Key("logLevel", ("log_level",), "-", "same (DD_LOG_LEVEL)"),
    Key(
        "skipCloudformationOutputs",
        (),
        "false",
        "accepted, nothing to skip",
        "cdk-datadog adds no CloudFormation outputs",
    ),
    Key("enableColdStartTracing", ("enable_cold_start_tracing",), "true", "same"),
    Key(
        "coldStartTraceMinDuration",
        ("min_cold_start_trace_duration",),
        "3",
        "DD_MIN_COLD_START_DURATION (serverless-plugin-datadog documents this key but reads "
        "`minColdStartTraceDuration`)",
    ),
    Key("coldStartTraceSkipLibs", ("cold_start_trace_skip_libs",), "-", "same"),
    Key(
        "subdomain",
        (),
        "app",
        "accepted, not used",
        "it only names the app links serverless-plugin-datadog prints; cdk-datadog prints none",
    ),
    Key("enableProfiling", ("enable_profiling",), "false", "same"),
    Key("encodeAuthorizerContext", ("encode_authorizer_context",), "true", "same"),
    Key("decodeAuthorizerContext", ("decode_authorizer_context",), "true", "same"),
    Key("apmFlushDeadline", ("apm_flush_deadline",), "100", "same"),
    Key(
        "enableStepFunctionsTracing",
        ("step_functions", "enable_step_functions_tracing"),
        "false",
        "state machines get logging at level ALL with execution data (a level of yours is "
        "raised), the Forwarder subscription and DD_TRACE_ENABLED",
    ),
    Key(
        "propagateUpstreamTrace",
        ("merge_step_function_and_lambda_traces",),
        "false",
        "with enableStepFunctionsTracing, state machine definitions are rewritten so that "
        "Lambda tasks and nested executions carry Datadog's context",
    ),
    Key("redirectHandlers", ("redirect_handler",), "true", "same"),
    Key(
        "isFIPSEnabled",
        ("is_fips_enabled",),
        "true with the extension in us-gov-* regions",
        "the FIPS extension layer",
    ),
    Key("llmObsEnabled", ("llm_obs_enabled",), "false", "same"),
    Key("llmObsMlApp", ("llm_obs_ml_app",), "-", "same"),
    Key("llmObsAgentlessEnabled", ("llm_obs_agentless_enabled",), "false", "same"),
    # in serverless-plugin-datadog's Configuration (src/env.ts), not in its README table
    Key("flushMetricsToLogs", ("flush_metrics_to_logs",), "true", "same", documented=False),
    Key("injectLogContext", ("inject_log_context",), "true", "same", documented=False),
    Key("useLayersFromAccount", ("use_layers_from_account",), "-", "same", documented=False),
    Key(
        "minColdStartTraceDuration",
        ("min_cold_start_trace_duration",),
        "-",
        "same as coldStartTraceMinDuration",
        documented=False,
    ),
    Key(
        "forwarder",
        SPECIAL,
        "-",
        "deprecated spelling of forwarderArn; both set is an error, as there",
        documented=False,
    ),
    Key(
        "subscribeToStepFunctionLogs",
        ("step_functions", "enable_step_functions_tracing"),
        "false",
        "deprecated spelling of enableStepFunctionsTracing",
        documented=False,
    ),
    Key(
        "mergeStepFunctionAndLambdaTraces",
        ("merge_step_function_and_lambda_traces",),
        "false",
        "deprecated spelling of propagateUpstreamTrace",
        documented=False,
    ),
    Key(
        "propagateTraceContext",
        ("merge_step_function_and_lambda_traces",),
        "false",
        "deprecated spelling of propagateUpstreamTrace",
        documented=False,
    ),
    Key(
        "enableTags",
        (),
        "true",
        "accepted, not needed",
        "replaced by `service` and `env` in serverless-plugin-datadog 5; the service and env "
        "tags are always set",
        documented=False,
    ),
    Key(
        "testingMode",
        (),
        "false",
        "accepted, not needed",
        "cdk-datadog makes no AWS or Datadog calls while packaging",
        documented=False,
    ),
    Key(
        "integrationTesting",
        (),
        "false",
        "accepted, not needed",
        "cdk-datadog makes no AWS or Datadog calls while packaging",
        documented=False,
    ),
    Key("monitorsApiKey", (), "-", "accepted, not used", _MONITORS, documented=False),
    Key("monitorsAppKey", (), "-", "accepted, not used", _MONITORS, documented=False),
    Key(
        "enableEnhancedMetrics",
        ("enhanced_metrics",),
        "not a key there (the library's default: on)",
        "DD_ENHANCED_METRICS, cdk-datadog's `enhanced_metrics`",
        documented=False,
    ),
    # ours
    Key(
        "cdkDatadogPath",
        SPECIAL,
        "-",
        "the `cdk-datadog` command to run (default: the one on PATH); read by the plugin",
        documented=False,
    ),
)

BY_NAME: dict[str, Key] = {key.name: key for key in KEYS}

#: removed from serverless-plugin-datadog; it fails on them, and so do we
REMOVED = {
    "subscribeToApiGatewayLogs": "subscribeToAccessLogs or subscribeToExecutionLogs",
    "subscribeToHttpApiLogs": "subscribeToAccessLogs",
    "subscribeToWebsocketLogs": "subscribeToAccessLogs or subscribeToExecutionLogs",
}

#: engine option -> the serverless key that names it in messages, when none was written
PREFERRED_NAME: dict[str, str] = {}
for _key in KEYS:
    if _key.options != SPECIAL:
        for _option in _key.options:
            PREFERRED_NAME.setdefault(_option, _key.name)
PREFERRED_NAME.update(
    {
        "extension_layer_version": "addExtension",
        "extension_layer_arn": "addExtension",
        "enable_xray_tracing": "enableXrayTracing",
        "enable_merge_xray_traces": "enableXrayTracing",
        "enable_datadog_asm": "enableASM",
        "exclude": "exclude",
    }
)


def closest_key(name: str) -> str | None:
    """The documented key closest to a misspelt one, for the error message."""
    close = difflib.get_close_matches(name, [key.name for key in KEYS], n=1, cutoff=0.6)
    return close[0] if close else None
