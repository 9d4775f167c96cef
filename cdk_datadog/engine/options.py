"""The options users give, with the names and defaults of datadog-cdk-constructs-v2.

One table describes every option: its snake_case name (as `DatadogLambdaProps` spells it in
Python), the type it takes, and its default. The config module validates against it; the
front ends use it to accept camelCase spellings from cdk.json, YAML files and serverless.yml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

BOOL = "bool"
STR = "str"
INT = "int"
NUMBER = "number"
STR_OR_NUMBER = "str or number"
STR_LIST = "list of str"
OBJECT = "object"
#: serverless-plugin-datadog's `monitors`: `[{"high_error_rate": {...overrides}}, ...]`
MONITORS = "list of monitors"


@dataclass(frozen=True)
class OptionSpec:
    name: str
    kind: str
    default: Any = None
    doc: str = ""


_SPECS = (
    OptionSpec("add_layers", BOOL, True, "attach the Datadog library layer for the runtime"),
    OptionSpec("api_key", STR, None, "Datadog API key in clear text (discouraged)"),
    OptionSpec("api_key_secret", OBJECT, None, "an ISecret holding the API key"),
    OptionSpec("api_key_secret_arn", STR, None, "ARN of a Secrets Manager secret with the key"),
    OptionSpec("api_key_ssm_arn", STR, None, "ARN of an SSM parameter with the key"),
    OptionSpec("api_kms_key", STR, None, "API key encrypted with KMS (base64 ciphertext)"),
    OptionSpec("apm_flush_deadline", STR_OR_NUMBER, None, "DD_APM_FLUSH_DEADLINE_MILLISECONDS"),
    OptionSpec("capture_cloud_service_payload", BOOL, False, "tag spans with AWS payloads"),
    OptionSpec("capture_lambda_payload", BOOL, False, "tag spans with event and response"),
    OptionSpec("cold_start_trace_skip_libs", STR, None, "DD_COLD_START_TRACE_SKIP_LIB"),
    OptionSpec("create_forwarder_permissions", BOOL, False, "add the Forwarder's invoke grant"),
    OptionSpec("datadog_app_sec_mode", STR, None, "off, on, extension or tracer"),
    OptionSpec("decode_authorizer_context", BOOL, None, "DD_DECODE_AUTHORIZER_CONTEXT"),
    OptionSpec("dotnet_layer_arn", STR, None, ".NET tracer layer ARN"),
    OptionSpec("dotnet_layer_version", INT, None, ".NET tracer layer version"),
    OptionSpec("enable_cold_start_tracing", BOOL, None, "DD_COLD_START_TRACING"),
    OptionSpec("enable_datadog_asm", BOOL, None, "deprecated: datadog_app_sec_mode='extension'"),
    OptionSpec("enable_datadog_logs", BOOL, True, "DD_SERVERLESS_LOGS_ENABLED"),
    OptionSpec("enable_datadog_tracing", BOOL, True, "DD_TRACE_ENABLED"),
    OptionSpec("enable_merge_xray_traces", BOOL, False, "DD_MERGE_XRAY_TRACES"),
    OptionSpec("enable_profiling", BOOL, None, "DD_PROFILING_ENABLED"),
    OptionSpec("encode_authorizer_context", BOOL, None, "DD_ENCODE_AUTHORIZER_CONTEXT"),
    OptionSpec("env", STR, None, "DD_ENV and the `env` tag"),
    OptionSpec("extension_layer_arn", STR, None, "Datadog Lambda Extension layer ARN"),
    OptionSpec("extension_layer_version", INT, None, "Datadog Lambda Extension layer version"),
    OptionSpec("flush_metrics_to_logs", BOOL, True, "write metrics to logs for the Forwarder"),
    OptionSpec("forwarder_arn", STR, None, "ARN of the Datadog Forwarder function"),
    OptionSpec("grant_secret_read_access", BOOL, True, "grant read access to the API key"),
    OptionSpec("inject_log_context", BOOL, True, "DD_LOGS_INJECTION"),
    OptionSpec("java_layer_arn", STR, None, "Java tracer layer ARN"),
    OptionSpec("java_layer_version", INT, None, "Java tracer layer version"),
    OptionSpec("llm_obs_agentless_enabled", BOOL, None, "DD_LLMOBS_AGENTLESS_ENABLED"),
    OptionSpec("llm_obs_enabled", BOOL, None, "DD_LLMOBS_ENABLED"),
    OptionSpec("llm_obs_ml_app", STR, None, "DD_LLMOBS_ML_APP"),
    OptionSpec("log_level", STR, None, "DD_LOG_LEVEL"),
    OptionSpec("min_cold_start_trace_duration", NUMBER, None, "DD_MIN_COLD_START_DURATION"),
    OptionSpec("node_layer_arn", STR, None, "Node library layer ARN"),
    OptionSpec("node_layer_version", INT, None, "Node library layer version"),
    OptionSpec("python_layer_arn", STR, None, "Python library layer ARN"),
    OptionSpec("python_layer_version", INT, None, "Python library layer version"),
    OptionSpec("redirect_handler", BOOL, True, "point the handler at the Datadog wrapper"),
    OptionSpec("ruby_layer_arn", STR, None, "Ruby library layer ARN"),
    OptionSpec("ruby_layer_version", INT, None, "Ruby library layer version"),
    OptionSpec("service", STR, None, "DD_SERVICE and the `service` tag"),
    OptionSpec("site", STR, "datadoghq.com", "Datadog site"),
    OptionSpec("source_code_integration", BOOL, True, "tag with the git commit and repository"),
    OptionSpec("tags", STR, None, "DD_TAGS, as `key:value,key:value`"),
    OptionSpec("use_layers_from_account", STR, None, "account to take the layers from"),
    OptionSpec("version", STR, None, "DD_VERSION and the `version` tag"),
    # ours
    OptionSpec("exclude", STR_LIST, (), "construct-path or logical-id globs to leave alone"),
    OptionSpec("enable_xray_tracing", BOOL, False, "active X-Ray tracing"),
    OptionSpec(
        "subscribe_to_access_logs",
        BOOL,
        None,
        "subscribe API Gateway access log groups (default: on when forwarder_arn is set)",
    ),
    OptionSpec(
        "subscribe_to_execution_logs",
        BOOL,
        False,
        "subscribe API Gateway execution log groups",
    ),
    OptionSpec(
        "step_functions",
        BOOL,
        None,
        "log state machines for Datadog and subscribe their logs (default: on with a forwarder)",
    ),
    OptionSpec(
        "instrument_deploy_time_functions",
        BOOL,
        False,
        "also instrument aws-cdk-lib's own deploy-time functions (custom resources, ...)",
    ),
    OptionSpec(
        "is_fips_enabled",
        BOOL,
        None,
        "FIPS extension layer and DD_LAMBDA_FIPS_MODE (default: on in GovCloud with the extension)",
    ),
    OptionSpec("enhanced_metrics", BOOL, None, "DD_ENHANCED_METRICS (Datadog's default: on)"),
    OptionSpec(
        "enable_step_functions_tracing",
        BOOL,
        None,
        "trace state machines: logging at ALL with execution data, DD_TRACE_ENABLED, and "
        "trace merging in their definitions",
    ),
    OptionSpec(
        "merge_step_function_and_lambda_traces",
        BOOL,
        None,
        "rewrite state machine definitions so Lambda tasks and nested executions carry "
        "Datadog's context (default: with enable_step_functions_tracing)",
    ),
    OptionSpec(
        "monitors",
        MONITORS,
        (),
        "serverless-plugin-datadog's recommended monitors, as Datadog::Monitors::Monitor resources",
    ),
)

OPTION_SPECS: dict[str, OptionSpec] = {spec.name: spec for spec in _SPECS}

#: runtime family -> the option pair that chooses its library layer
LAYER_OPTIONS: dict[str, tuple[str, str]] = {
    "python": ("python_layer_version", "python_layer_arn"),
    "node": ("node_layer_version", "node_layer_arn"),
    "java": ("java_layer_version", "java_layer_arn"),
    "dotnet": ("dotnet_layer_version", "dotnet_layer_arn"),
    "ruby": ("ruby_layer_version", "ruby_layer_arn"),
    "extension": ("extension_layer_version", "extension_layer_arn"),
}


def camel_case(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


#: other tools' names for an option, accepted as they are (snake_case here, camelCase below):
#: the CloudFormation macro's `lambdaFips` and `enableEnhancedMetrics`, the plugin's
#: `propagateUpstreamTrace`. Resolved by `config.resolve_aliases`; an alias given together
#: with its option is an error, unless it is one of `AGREEING_ALIASES` with the same value.
ALIASES: dict[str, str] = {
    "lambda_fips": "is_fips_enabled",
    "enable_enhanced_metrics": "enhanced_metrics",
    # serverless-plugin-datadog treats these two as `mergeStepFunctionAndLambdaTraces`
    "propagate_upstream_trace": "merge_step_function_and_lambda_traces",
    "propagate_trace_context": "merge_step_function_and_lambda_traces",
}
#: aliases that are options of their own in their tool, documented together with the one
#: they stand for (Datadog's Step Functions guide sets `propagateUpstreamTrace` and
#: `mergeStepFunctionAndLambdaTraces` both): given with the same value, they are one setting
AGREEING_ALIASES = frozenset({"propagate_upstream_trace", "propagate_trace_context"})

#: camelCase spellings (the reference's JavaScript/JSON names) -> snake_case
CAMEL_CASE_NAMES: dict[str, str] = {camel_case(name): name for name in [*OPTION_SPECS, *ALIASES]}
CAMEL_CASE_NAMES.update(
    {
        "enableDatadogASM": "enable_datadog_asm",
        "apiKMSKey": "api_kms_key",
        "isFIPSEnabled": "is_fips_enabled",  # serverless-plugin-datadog's spelling
    }
)


def canonical_name(name: str) -> str | None:
    """The snake_case option (or alias) for `name` given in snake_case or camelCase, or None."""
    if name in OPTION_SPECS or name in ALIASES:
        return name
    if name in CAMEL_CASE_NAMES:
        return CAMEL_CASE_NAMES[name]
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    return snake if snake in OPTION_SPECS or snake in ALIASES else None
