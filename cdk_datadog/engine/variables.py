"""The DD_* variables an instrumented function gets, with the reference construct's values."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from cdk_datadog.engine import variable_names as ev
from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.tokens import is_token


def _flag(value: Any) -> str:
    """Booleans and numbers as the wrappers read them (`true`, `false`, `1500`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).lower() if not isinstance(value, str) else value


def _app_sec_variables(config: DatadogConfig, family: str) -> dict[str, str]:
    mode = config.app_sec_mode
    if mode == "tracer" or (mode == "on" and family == "python"):
        return {ev.DD_APPSEC_ENABLED: "true"}
    if mode in ("on", "extension"):
        return {
            ev.AWS_LAMBDA_EXEC_WRAPPER: "/opt/datadog_wrapper",
            ev.DD_SERVERLESS_APPSEC_ENABLED: "true",
        }
    return {}


#: families whose Datadog library reads DD_LAMBDA_FIPS_MODE: Python, Node, and Go on custom
#: runtimes (Datadog's "AWS Lambda FIPS Compliance" page); Ruby, Java and .NET libraries
#: neither call AWS nor send metrics themselves, so they have no FIPS mode. Container images
#: may hold any library.
FIPS_MODE_FAMILIES = frozenset({"python", "node", "custom", "image"})


def _tags_value(config: DatadogConfig) -> str | None:
    """DD_TAGS: the `tags` option, then git metadata (source code integration)."""
    parts = [config.tags] if config.tags else []
    if config.source_code_integration and config.git is not None:
        parts.append(
            f"git.commit.sha:{config.git.commit_sha},git.repository_url:{config.git.repository_url}"
        )
    return ",".join(parts) or None


def datadog_variables(config: DatadogConfig, family: str) -> dict[str, str]:
    """Every DD_* variable the options call for, before the function's own values are kept."""
    return dict(_datadog_variables(config, family))


def datadog_variables_size(config: DatadogConfig, family: str) -> int:
    """`environment_size` of `datadog_variables`, computed once per configuration."""
    return _datadog_variables_size(config, family)


@functools.lru_cache(maxsize=256)
def _datadog_variables_size(config: DatadogConfig, family: str) -> int:
    return environment_size(_datadog_variables(config, family))


@functools.lru_cache(maxsize=256)
def _datadog_variables(config: DatadogConfig, family: str) -> dict[str, str]:
    # the same for every function of a family, so computed once (callers get a copy)
    env: dict[str, str] = {ev.DD_TRACE_ENABLED: _flag(config.enable_datadog_tracing)}
    env.update(_app_sec_variables(config, family))
    env[ev.DD_MERGE_XRAY_TRACES] = _flag(config.enable_merge_xray_traces)
    env[ev.DD_LOGS_INJECTION] = _flag(False if config.uses_extension else config.inject_log_context)
    env[ev.DD_SERVERLESS_LOGS_ENABLED] = _flag(config.enable_datadog_logs)
    env[ev.DD_CAPTURE_LAMBDA_PAYLOAD] = _flag(config.capture_lambda_payload)
    cloud_payload = "all" if config.capture_cloud_service_payload else ""
    env[ev.DD_TRACE_CLOUD_REQUEST_PAYLOAD_TAGGING] = cloud_payload
    env[ev.DD_TRACE_CLOUD_RESPONSE_PAYLOAD_TAGGING] = cloud_payload
    optional = {
        ev.DD_LOG_LEVEL: config.log_level,
        ev.DD_ENV: config.env,
        ev.DD_SERVICE: config.service,
        ev.DD_VERSION: config.version,
        ev.DD_TAGS: _tags_value(config),
        ev.DD_COLD_START_TRACING: config.enable_cold_start_tracing,
        ev.DD_MIN_COLD_START_DURATION: config.min_cold_start_trace_duration,
        ev.DD_COLD_START_TRACE_SKIP_LIB: config.cold_start_trace_skip_libs,
        ev.DD_PROFILING_ENABLED: config.enable_profiling,
        ev.DD_ENCODE_AUTHORIZER_CONTEXT: config.encode_authorizer_context,
        ev.DD_DECODE_AUTHORIZER_CONTEXT: config.decode_authorizer_context,
        ev.DD_APM_FLUSH_DEADLINE_MILLISECONDS: config.apm_flush_deadline,
        ev.DD_LLMOBS_ENABLED: config.llm_obs_enabled,
        ev.DD_LLMOBS_ML_APP: config.llm_obs_ml_app,
        ev.DD_LLMOBS_AGENTLESS_ENABLED: config.llm_obs_agentless_enabled,
        ev.DD_ENHANCED_METRICS: config.enhanced_metrics,
        ev.DD_LAMBDA_FIPS_MODE: (config.is_fips_enabled if family in FIPS_MODE_FAMILIES else None),
    }
    env.update({name: _flag(value) for name, value in optional.items() if value is not None})
    env.update(transport_variables(config))
    return env


def transport_variables(config: DatadogConfig) -> dict[str, str]:
    """How metrics reach Datadog: through the logs, or directly with a site and an API key."""
    env = {ev.DD_FLUSH_TO_LOG: _flag(config.flush_to_log)}
    if not config.flush_to_log:
        env[ev.DD_SITE] = config.site if is_token(config.site) else config.site.lower()
    key_variables = {
        ev.DD_API_KEY: config.api_key,
        ev.DD_API_KEY_SECRET_ARN: config.secret_arn,
        ev.DD_API_KEY_SSM_ARN: config.api_key_ssm_arn,
        ev.DD_KMS_API_KEY: config.api_kms_key,
    }
    env.update({name: value for name, value in key_variables.items() if value is not None})
    return env


def environment_size(variables: Mapping[str, Any]) -> int:
    """Bytes Lambda counts against its 4 KB limit (names and values, UTF-8).

    A value known only at deploy counts as empty, so the size is a lower bound and a function
    is refused only when it is certainly over the limit.
    """
    return sum(_size(str(name)) + _value_size(value) for name, value in variables.items())


def _size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode())


def _value_size(value: Any) -> int:
    return _size(value) if isinstance(value, str) and not is_token(value) else 0
