"""`enhanced_metrics` sets DD_ENHANCED_METRICS, which Datadog's Lambda libraries and the
extension read (on when unset); left unset by default, so Datadog's default applies."""

from __future__ import annotations

import pytest

from cdk_datadog.engine import FunctionFacts, config_from_options, plan_function
from cdk_datadog.engine.config import OptionError
from cdk_datadog.engine.options import canonical_name

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
BASE = {"source_code_integration": False, "forwarder_arn": FORWARDER}


def _environment(runtime="python3.12", environment=None, **options):
    config = config_from_options({**BASE, **options})
    plan = plan_function(
        FunctionFacts(
            path="S/Fn", runtime=runtime, handler="app.handler", environment=environment or {}
        ),
        config,
    )
    return plan.environment


@pytest.mark.parametrize(("value", "written"), [(True, "true"), (False, "false")])
@pytest.mark.parametrize("runtime", ["python3.12", "nodejs22.x", "ruby3.3", "java21"])
def test_enhanced_metrics_sets_dd_enhanced_metrics(value, written, runtime):
    assert _environment(runtime, enhanced_metrics=value)["DD_ENHANCED_METRICS"] == written


def test_unset_leaves_datadogs_default():
    assert "DD_ENHANCED_METRICS" not in _environment()


def test_the_functions_own_value_wins():
    environment = _environment(environment={"DD_ENHANCED_METRICS": "true"}, enhanced_metrics=False)
    assert "DD_ENHANCED_METRICS" not in environment


@pytest.mark.parametrize(
    "spelling", ["enhancedMetrics", "enableEnhancedMetrics", "enable_enhanced_metrics"]
)
def test_the_macros_spelling_is_accepted(spelling):
    config = config_from_options({canonical_name(spelling): False})
    assert config.enhanced_metrics is False


def test_the_alias_together_with_the_option_is_refused():
    with pytest.raises(OptionError, match=r"`enable_enhanced_metrics`.*`enhanced_metrics`"):
        config_from_options({"enable_enhanced_metrics": True, "enhanced_metrics": True})


@pytest.mark.parametrize("value", ["false", 0, "off"])
def test_a_non_boolean_is_refused_by_name(value):
    with pytest.raises(OptionError, match="`enhanced_metrics`: expected True or False"):
        config_from_options({"enhanced_metrics": value})
