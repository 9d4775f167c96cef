"""The options users give, with the names and defaults of datadog-cdk-constructs-v2.

`DatadogConfig` describes every option once: its snake_case name (as `DatadogLambdaProps`
spells it in Python), its type and default, what it takes, whether it is the same for a whole
stack, the variables it sets and what it does. `OPTION_SPECS` is read from it; the config
module validates against it, the front ends accept camelCase spellings from it (cdk.json, YAML
files, serverless.yml), and the README's table of options is generated from it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cdk_datadog.engine.monitors import MonitorRequest

BOOL = "bool"
STR = "str"
INT = "int"
NUMBER = "number"
STR_OR_NUMBER = "str or number"
STR_LIST = "list of str"
OBJECT = "object"
#: serverless-plugin-datadog's `monitors`: `[{"high_error_rate": {...overrides}}, ...]`
MONITORS = "list of monitors"


#: the key of an option's `OptionSpec` in its DatadogConfig field's metadata
SPEC = "cdk_datadog_option"


@dataclass(frozen=True)
class OptionSpec:
    """What an option takes and does; filled in by `option()` where `DatadogConfig` declares
    the field, so each option is described once."""

    name: str
    kind: str
    default: Any = None
    doc: str = ""
    #: the same for every function of a stack: refused per function
    stack_wide: bool = False
    #: the environment variables it sets, for the documentation
    variable: str | None = None
    #: not an option of datadog-cdk-constructs-v2's `DatadogLambdaProps`
    ours: bool = False


def option(
    kind: str,
    default: Any,
    doc: str,
    *,
    stack_wide: bool = False,
    variable: str | None = None,
    ours: bool = False,
) -> Any:
    """A `DatadogConfig` field that is an option: its default, and its description."""
    spec = OptionSpec("", kind, default, doc, stack_wide, variable, ours)
    return dataclasses.field(default=default, metadata={SPEC: spec})


@dataclass(frozen=True)
class GitMetadata:
    """Where the deployed code comes from, for Datadog's source code integration."""

    commit_sha: str
    repository_url: str


@dataclass(frozen=True)
class DatadogConfig:
    """Validated options; field names and defaults are those of `DatadogLambdaProps`."""

    add_layers: bool = option(BOOL, True, "attach the Datadog library layer for the runtime")
    api_key: str | None = option(
        STR,
        None,
        "Datadog API key in clear text (discouraged)",
        stack_wide=True,
        variable="DD_API_KEY",
    )
    #: ARN of the secret given as an ISecret (`api_key_secret`); the CDK shell grants on it
    api_key_secret: str | None = option(
        OBJECT,
        None,
        "an ISecret holding the API key",
        stack_wide=True,
        variable="DD_API_KEY_SECRET_ARN",
    )
    api_key_secret_arn: str | None = option(
        STR,
        None,
        "ARN of a Secrets Manager secret with the key",
        stack_wide=True,
        variable="DD_API_KEY_SECRET_ARN",
    )
    api_key_ssm_arn: str | None = option(
        STR,
        None,
        "ARN of an SSM parameter with the key",
        stack_wide=True,
        variable="DD_API_KEY_SSM_ARN",
    )
    api_kms_key: str | None = option(
        STR,
        None,
        "API key encrypted with KMS (base64 ciphertext)",
        stack_wide=True,
        variable="DD_KMS_API_KEY",
    )
    apm_flush_deadline: str | float | None = option(
        STR_OR_NUMBER,
        None,
        "milliseconds before the function's timeout at which traces are flushed",
        variable="DD_APM_FLUSH_DEADLINE_MILLISECONDS",
    )
    capture_cloud_service_payload: bool = option(
        BOOL,
        False,
        "tag spans with AWS payloads",
        variable="DD_TRACE_CLOUD_REQUEST_PAYLOAD_TAGGING, DD_TRACE_CLOUD_RESPONSE_PAYLOAD_TAGGING",
    )
    capture_lambda_payload: bool = option(
        BOOL,
        False,
        "tag spans with event and response",
        variable="DD_CAPTURE_LAMBDA_PAYLOAD",
    )
    cold_start_trace_skip_libs: str | None = option(
        STR,
        None,
        "libraries whose loading is not traced at cold start",
        variable="DD_COLD_START_TRACE_SKIP_LIB",
    )
    create_forwarder_permissions: bool = option(
        BOOL,
        False,
        "add the Forwarder's invoke grant",
        stack_wide=True,
    )
    datadog_app_sec_mode: str | None = option(
        STR,
        None,
        "App and API Protection: off, on, extension or tracer",
        variable="DD_SERVERLESS_APPSEC_ENABLED, DD_APPSEC_ENABLED",
    )
    decode_authorizer_context: bool | None = option(
        BOOL,
        None,
        "read the trace context an authorizer passes",
        variable="DD_DECODE_AUTHORIZER_CONTEXT",
    )
    dotnet_layer_arn: str | None = option(STR, None, ".NET tracer layer ARN")
    dotnet_layer_version: int | None = option(INT, None, ".NET tracer layer version")
    enable_cold_start_tracing: bool | None = option(
        BOOL,
        None,
        "trace module loading at cold start",
        variable="DD_COLD_START_TRACING",
    )
    enable_datadog_asm: bool | None = option(
        BOOL,
        None,
        "deprecated: datadog_app_sec_mode='extension'",
        variable="DD_SERVERLESS_APPSEC_ENABLED",
    )
    enable_datadog_logs: bool = option(
        BOOL,
        True,
        "send the function's logs through the extension",
        variable="DD_SERVERLESS_LOGS_ENABLED",
    )
    enable_datadog_tracing: bool = option(
        BOOL,
        True,
        "trace the function",
        variable="DD_TRACE_ENABLED",
    )
    enable_merge_xray_traces: bool = option(
        BOOL,
        False,
        "merge Datadog's traces with X-Ray's",
        variable="DD_MERGE_XRAY_TRACES",
    )
    enable_profiling: bool | None = option(
        BOOL,
        None,
        "continuous profiler",
        variable="DD_PROFILING_ENABLED",
    )
    encode_authorizer_context: bool | None = option(
        BOOL,
        None,
        "pass the trace context on from an authorizer",
        variable="DD_ENCODE_AUTHORIZER_CONTEXT",
    )
    env: str | None = option(
        STR,
        None,
        "unified service tag env (DD_ENV and the `env` tag)",
        variable="DD_ENV",
    )
    extension_layer_arn: str | None = option(STR, None, "Datadog Lambda Extension layer ARN")
    extension_layer_version: int | None = option(
        INT,
        None,
        "Datadog Lambda Extension layer version",
    )
    flush_metrics_to_logs: bool = option(
        BOOL,
        True,
        "write metrics to logs for the Forwarder",
        variable="DD_FLUSH_TO_LOG",
    )
    forwarder_arn: str | None = option(
        STR,
        None,
        "ARN of the Datadog Forwarder function",
        stack_wide=True,
    )
    grant_secret_read_access: bool = option(
        BOOL,
        True,
        "grant read access to the API key",
        stack_wide=True,
    )
    inject_log_context: bool = option(
        BOOL,
        True,
        "trace ids in the function's logs",
        variable="DD_LOGS_INJECTION",
    )
    java_layer_arn: str | None = option(STR, None, "Java tracer layer ARN")
    java_layer_version: int | None = option(INT, None, "Java tracer layer version")
    llm_obs_agentless_enabled: bool | None = option(
        BOOL,
        None,
        "LLM Observability without the extension",
        variable="DD_LLMOBS_AGENTLESS_ENABLED",
    )
    llm_obs_enabled: bool | None = option(
        BOOL,
        None,
        "LLM Observability",
        variable="DD_LLMOBS_ENABLED",
    )
    llm_obs_ml_app: str | None = option(
        STR,
        None,
        "LLM Observability's ML application name",
        variable="DD_LLMOBS_ML_APP",
    )
    log_level: str | None = option(
        STR,
        None,
        "the Datadog libraries' log level",
        variable="DD_LOG_LEVEL",
    )
    min_cold_start_trace_duration: float | None = option(
        NUMBER,
        None,
        "shortest module load traced at cold start, in ms",
        variable="DD_MIN_COLD_START_DURATION",
    )
    node_layer_arn: str | None = option(STR, None, "Node library layer ARN")
    node_layer_version: int | None = option(INT, None, "Node library layer version")
    python_layer_arn: str | None = option(STR, None, "Python library layer ARN")
    python_layer_version: int | None = option(INT, None, "Python library layer version")
    redirect_handler: bool = option(BOOL, True, "point the handler at the Datadog wrapper")
    custom_handler: str | None = option(
        STR,
        None,
        "the handler redirected functions get instead of Datadog's wrapper (one that calls it "
        "in code); DD_LAMBDA_HANDLER keeps the original (serverless-plugin-datadog's "
        "`customHandler`)",
        ours=True,
    )
    ruby_layer_arn: str | None = option(STR, None, "Ruby library layer ARN")
    ruby_layer_version: int | None = option(INT, None, "Ruby library layer version")
    service: str | None = option(
        STR,
        None,
        "unified service tag service (DD_SERVICE and the `service` tag)",
        variable="DD_SERVICE",
    )
    site: str = option(STR, "datadoghq.com", "Datadog site", variable="DD_SITE")
    source_code_integration: bool = option(
        BOOL,
        True,
        "tag with the git commit and repository",
        variable="DD_TAGS",
    )
    tags: str | None = option(STR, None, "more tags, as `key:value,key:value`", variable="DD_TAGS")
    use_layers_from_account: str | None = option(
        STR,
        None,
        "account to take the layers from",
        stack_wide=True,
    )
    version: str | None = option(
        STR,
        None,
        "unified service tag version (DD_VERSION and the `version` tag)",
        variable="DD_VERSION",
    )
    exclude: tuple[str, ...] = option(
        STR_LIST,
        (),
        "construct-path or logical-id globs to leave alone",
        stack_wide=True,
        ours=True,
    )
    enable_xray_tracing: bool = option(BOOL, False, "active X-Ray tracing", ours=True)
    subscribe_to_access_logs: bool | None = option(
        BOOL,
        None,
        "subscribe API Gateway access log groups (default: on when forwarder_arn is set)",
        stack_wide=True,
        ours=True,
    )
    subscribe_to_execution_logs: bool = option(
        BOOL,
        False,
        "subscribe API Gateway execution log groups",
        stack_wide=True,
        ours=True,
    )
    step_functions: bool | None = option(
        BOOL,
        None,
        "log state machines for Datadog and subscribe their logs (default: on with a forwarder)",
        stack_wide=True,
        ours=True,
    )
    instrument_deploy_time_functions: bool = option(
        BOOL,
        False,
        "also instrument aws-cdk-lib's own deploy-time functions (custom resources, ...)",
        stack_wide=True,
        ours=True,
    )
    #: None: automatic (on in GovCloud when cdk-datadog picks the extension layer)
    is_fips_enabled: bool | None = option(
        BOOL,
        None,
        "FIPS extension layer and DD_LAMBDA_FIPS_MODE (default: on in GovCloud with the extension)",
        variable="DD_LAMBDA_FIPS_MODE",
        ours=True,
    )
    enhanced_metrics: bool | None = option(
        BOOL,
        None,
        "Datadog's enhanced Lambda metrics (Datadog's default: on)",
        variable="DD_ENHANCED_METRICS",
        ours=True,
    )
    #: None: state machines are traced where they are instrumented (DD_TRACE_ENABLED), their
    #: definitions left as they are; True: asked for, with trace merging; False: not traced
    enable_step_functions_tracing: bool | None = option(
        BOOL,
        None,
        "trace state machines: logging at ALL with execution data, DD_TRACE_ENABLED, and trace "
        "merging in their definitions",
        stack_wide=True,
        ours=True,
    )
    #: None: follows `enable_step_functions_tracing`
    merge_step_function_and_lambda_traces: bool | None = option(
        BOOL,
        None,
        "rewrite state machine definitions so Lambda tasks and nested executions carry Datadog's "
        "context (default: with enable_step_functions_tracing)",
        stack_wide=True,
        ours=True,
    )
    monitors: tuple[MonitorRequest, ...] = option(
        MONITORS,
        (),
        "serverless-plugin-datadog's recommended monitors, as Datadog::Monitors::Monitor resources",
        stack_wide=True,
        ours=True,
    )
    #: not an option: filled by the front end from git when source_code_integration is on
    git: GitMetadata | None = None

    def __hash__(self) -> int:
        # configs key the engine's caches (one per plan): hash the 50-odd fields only once
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash(tuple(getattr(self, name) for name in _HASHED_FIELDS))
            object.__setattr__(self, "_hash", cached)
        return cached

    @property
    def uses_extension(self) -> bool:
        return self.extension_layer_version is not None or self.extension_layer_arn is not None

    @property
    def flush_to_log(self) -> bool:
        """Metrics go to the logs unless the extension (or synchronous flushing) sends them."""
        return self.flush_metrics_to_logs and not self.uses_extension

    @property
    def subscribes_access_logs(self) -> bool:
        """API Gateway access logs go to the Forwarder unless the user says otherwise."""
        if self.forwarder_arn is None:
            return False
        return self.subscribe_to_access_logs is not False

    @property
    def subscribes_execution_logs(self) -> bool:
        return self.forwarder_arn is not None and self.subscribe_to_execution_logs

    @property
    def instruments_step_functions(self) -> bool:
        """State machines get logging where something ships their logs (the Forwarder), or
        where their tracing is asked for."""
        if self.step_functions is not None:
            return self.step_functions
        return (
            self.forwarder_arn is not None
            or bool(self.enable_step_functions_tracing)
            or bool(self.merge_step_function_and_lambda_traces)
        )

    @property
    def traces_step_functions(self) -> bool:
        """Instrumented state machines are tagged `DD_TRACE_ENABLED=true` unless tracing is
        turned off."""
        return self.enable_step_functions_tracing is not False

    @property
    def merges_step_function_traces(self) -> bool:
        """State machine definitions are rewritten for trace merging."""
        if self.merge_step_function_and_lambda_traces is not None:
            return self.merge_step_function_and_lambda_traces
        return bool(self.enable_step_functions_tracing)

    @property
    def secret_arn(self) -> str | None:
        return self.api_key_secret or self.api_key_secret_arn

    @property
    def app_sec_mode(self) -> str:
        if self.datadog_app_sec_mode is not None:
            return self.datadog_app_sec_mode
        return "extension" if self.enable_datadog_asm else "off"

    def api_key_sources(self) -> list[str]:
        """The options that give an API key, as the user named them."""
        names = ("api_key", "api_kms_key", "api_key_secret", "api_key_secret_arn")
        given = [name for name in names if getattr(self, name) is not None]
        if self.api_key_ssm_arn is not None:
            given.append("api_key_ssm_arn")
        return given


_HASHED_FIELDS = tuple(f.name for f in fields(DatadogConfig))


#: every option, by its snake_case name, as the fields of `DatadogConfig` describe it
OPTION_SPECS: dict[str, OptionSpec] = {
    f.name: dataclasses.replace(f.metadata[SPEC], name=f.name)
    for f in fields(DatadogConfig)
    if SPEC in f.metadata
}
#: options that cannot differ between the functions of one stack: the API key (the stack
#: shares one IAM policy), the Forwarder, the layer account, what is planned per stack
STACK_WIDE_OPTIONS = frozenset(name for name, spec in OPTION_SPECS.items() if spec.stack_wide)


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
