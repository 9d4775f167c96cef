"""The options are those of datadog-cdk-constructs-v2's DatadogLambdaProps, plus ours."""

from __future__ import annotations

import inspect

import pytest

from cdk_datadog.engine.config import DatadogConfig, OptionError, config_from_options
from cdk_datadog.engine.options import OPTION_SPECS, canonical_name

#: the options DatadogConfig marks as ours, not datadog-cdk-constructs-v2's
OURS = {name for name, spec in OPTION_SPECS.items() if spec.ours}


def test_every_reference_option_is_accepted_with_the_same_name():
    reference = pytest.importorskip("datadog_cdk_constructs_v2")
    names = set(inspect.signature(reference.DatadogLambdaProps.__init__).parameters) - {"self"}

    assert names <= set(OPTION_SPECS)
    assert set(OPTION_SPECS) - names == OURS


def test_defaults_are_the_references():
    config = DatadogConfig()
    assert config.add_layers and config.enable_datadog_tracing and config.inject_log_context
    assert (
        config.enable_datadog_logs and config.redirect_handler and config.grant_secret_read_access
    )
    assert config.source_code_integration and config.flush_metrics_to_logs
    assert not config.capture_lambda_payload and not config.enable_merge_xray_traces
    assert config.site == "datadoghq.com"


@pytest.mark.parametrize(
    ("given", "name"),
    [
        ("apiKeySecretArn", "api_key_secret_arn"),
        ("enableDatadogASM", "enable_datadog_asm"),
        ("LogLevel", "log_level"),
        ("log_level", "log_level"),
        ("isFIPSEnabled", "is_fips_enabled"),
        ("isFipsEnabled", "is_fips_enabled"),
        ("enhancedMetrics", "enhanced_metrics"),
        ("nope", None),
    ],
)
def test_camel_and_pascal_case_names_map_to_the_snake_case_option(given, name):
    assert canonical_name(given) == name


def test_an_unknown_option_suggests_the_close_one():
    with pytest.raises(OptionError, match="Did you mean `enable_datadog_tracing`"):
        config_from_options({"enable_datadog_tracin": True})
