"""FIPS: the FIPS extension layer and DD_LAMBDA_FIPS_MODE, on by default in GovCloud as
serverless-plugin-datadog does, on request elsewhere; an explicit False wins.

Expected names follow Datadog's FIPS page: `Datadog-Extension-FIPS` and
`Datadog-Extension-ARM-FIPS`, in the commercial and GovCloud partitions; Python, Node and Go
(custom runtimes) read DD_LAMBDA_FIPS_MODE, Ruby, Java and .NET do not.
"""

from __future__ import annotations

import pytest

from cdk_datadog.engine import FunctionFacts, Plan, Skip, config_from_options, plan_function
from cdk_datadog.engine.config import OptionError, function_settings
from cdk_datadog.engine.options import canonical_name

SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:dd-AbCdEf"
EXTENSION = {"extension_layer_version": 101, "api_key_secret_arn": SECRET}
FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"
FORWARDER_MODE = {
    "source_code_integration": False,
    "forwarder_arn": FORWARDER,
    "flush_metrics_to_logs": True,
}


def _config(**options):
    return config_from_options({"source_code_integration": False, **EXTENSION, **options})


def _plan(config, runtime="python3.12", region="us-east-1", architecture="x86_64", **facts):
    plan = plan_function(
        FunctionFacts(
            path="S/Fn",
            runtime=runtime,
            handler="app.handler",
            region=region,
            architecture=architecture,
            **facts,
        ),
        config,
    )
    assert isinstance(plan, Plan), plan
    return plan


def _extension(plan: Plan) -> str:
    (name,) = [layer.name for layer in plan.layers if layer.name.startswith("Datadog-Extension")]
    return name


def _ids(plan: Plan) -> set[str]:
    return {note.id for note in plan.notes}


@pytest.mark.parametrize(
    ("region", "partition", "account"),
    [("us-east-1", "aws", "464622532012"), ("us-gov-west-1", "aws-us-gov", "002406178527")],
)
@pytest.mark.parametrize(
    ("architecture", "name"),
    [("x86_64", "Datadog-Extension-FIPS"), ("arm64", "Datadog-Extension-ARM-FIPS")],
)
def test_fips_on_request_attaches_the_fips_extension_in_both_partitions(
    region, partition, account, architecture, name
):
    plan = _plan(_config(is_fips_enabled=True), region=region, architecture=architecture)

    (extension,) = [layer for layer in plan.layers if layer.name == name]
    assert extension.arn == f"arn:{partition}:lambda:{region}:{account}:layer:{name}:101"
    assert plan.environment["DD_LAMBDA_FIPS_MODE"] == "true"


@pytest.mark.parametrize("region", ["us-gov-west-1", "us-gov-east-1"])
def test_fips_is_on_by_default_in_govcloud(region):
    plan = _plan(_config(), region=region)
    assert _extension(plan) == "Datadog-Extension-FIPS"
    assert plan.environment["DD_LAMBDA_FIPS_MODE"] == "true"


def test_fips_is_off_by_default_in_commercial_regions():
    plan = _plan(_config())
    assert _extension(plan) == "Datadog-Extension"
    assert "DD_LAMBDA_FIPS_MODE" not in plan.environment
    assert not any(note.id.startswith("cdk-datadog:Fips.") for note in plan.notes)


def test_an_explicit_false_wins_in_govcloud():
    plan = _plan(_config(is_fips_enabled=False), region="us-gov-west-1")
    assert _extension(plan) == "Datadog-Extension"
    # the libraries default FIPS mode to true in GovCloud: false is written, as asked
    assert plan.environment["DD_LAMBDA_FIPS_MODE"] == "false"


def test_govcloud_without_the_extension_is_left_to_the_libraries_own_default():
    config = config_from_options({**FORWARDER_MODE})
    plan = _plan(config, region="us-gov-west-1")
    assert "DD_LAMBDA_FIPS_MODE" not in plan.environment
    assert [layer.name for layer in plan.layers] == ["Datadog-Python312"]


def test_a_users_extension_arn_is_not_switched_to_fips_by_default():
    arn = "arn:aws-us-gov:lambda:us-gov-west-1:002406178527:layer:Datadog-Extension:99"
    config = config_from_options(
        {"source_code_integration": False, "extension_layer_arn": arn, "api_key_secret_arn": SECRET}
    )
    plan = _plan(config, region="us-gov-west-1")
    assert [layer.arn for layer in plan.layers if "Extension" in layer.arn] == [arn]
    assert "DD_LAMBDA_FIPS_MODE" not in plan.environment


@pytest.mark.parametrize(
    ("runtime", "reads_fips_mode"),
    [
        ("python3.12", True),
        ("nodejs22.x", True),
        ("provided.al2023", True),  # Go
        ("ruby3.3", False),
        ("java21", False),
        ("dotnet8", False),
    ],
)
def test_dd_lambda_fips_mode_goes_to_the_libraries_that_read_it(runtime, reads_fips_mode):
    plan = _plan(_config(is_fips_enabled=True), runtime=runtime)
    assert _extension(plan) == "Datadog-Extension-FIPS"
    assert ("DD_LAMBDA_FIPS_MODE" in plan.environment) is reads_fips_mode


def test_a_container_image_gets_fips_mode_for_whatever_library_it_carries():
    plan = plan_function(
        FunctionFacts(path="S/Img", runtime=None, handler=None, package_type="Image"),
        _config(is_fips_enabled=True),
    )
    assert plan.environment["DD_LAMBDA_FIPS_MODE"] == "true"


def test_the_functions_own_dd_lambda_fips_mode_wins():
    plan = _plan(_config(is_fips_enabled=True), environment={"DD_LAMBDA_FIPS_MODE": "false"})
    assert "DD_LAMBDA_FIPS_MODE" not in plan.environment
    assert "cdk-datadog:Environment.userValueKept" in _ids(plan)


def test_an_environment_agnostic_stack_is_not_switched_and_says_why():
    plan = _plan(_config(), region=None)
    assert _extension(plan) == "Datadog-Extension"
    assert "DD_LAMBDA_FIPS_MODE" not in plan.environment
    assert "cdk-datadog:Fips.regionUnknown" in _ids(plan)


@pytest.mark.parametrize("fips", [True, False])
def test_an_explicit_choice_in_an_environment_agnostic_stack_needs_no_note(fips):
    plan = _plan(_config(is_fips_enabled=fips), region=None)
    assert _extension(plan) == ("Datadog-Extension-FIPS" if fips else "Datadog-Extension")
    assert "cdk-datadog:Fips.regionUnknown" not in _ids(plan)


@pytest.mark.parametrize(
    ("site", "noted"),
    [("datadoghq.com", True), ("ddog-gov.com", False), ("us2.ddog-gov.com", False)],
)
def test_fips_with_a_commercial_site_says_end_to_end_compliance_needs_a_government_site(
    site, noted
):
    plan = _plan(_config(is_fips_enabled=True, site=site))
    assert ("cdk-datadog:Fips.siteNotGovernment" in _ids(plan)) is noted


def test_an_extension_already_attached_is_not_doubled_by_the_fips_one():
    standard = "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:90"
    plan = _plan(_config(is_fips_enabled=True), layers=(standard,))
    assert not any("Extension" in layer.name for layer in plan.layers)
    assert "cdk-datadog:Layers.mismatch" in _ids(plan)


def test_fips_can_be_set_per_function():
    settings = function_settings({"is_fips_enabled": True}, "Datadog.configure()")
    plan = _plan(_config(), settings=settings, settings_source="Datadog.configure()")
    assert _extension(plan) == "Datadog-Extension-FIPS"


# -- the option, its spellings and its mistakes ------------------------------------------------


@pytest.mark.parametrize(
    "spelling", ["isFIPSEnabled", "isFipsEnabled", "lambdaFips", "lambda_fips"]
)
def test_the_plugins_and_the_macros_spellings_are_accepted(spelling):
    config = config_from_options({canonical_name(spelling): True, **EXTENSION})
    assert config.is_fips_enabled is True


def test_the_alias_together_with_the_option_is_refused():
    with pytest.raises(OptionError, match=r"`lambda_fips`.*`is_fips_enabled`"):
        config_from_options({"lambda_fips": True, "is_fips_enabled": False, **EXTENSION})


@pytest.mark.parametrize("value", ["yes", 1, "true"])
def test_a_non_boolean_is_refused_by_name(value):
    with pytest.raises(OptionError, match="`is_fips_enabled`: expected True or False"):
        config_from_options({"is_fips_enabled": value, **EXTENSION})


def test_fips_without_the_extension_is_refused_by_name():
    with pytest.raises(OptionError, match=r"`is_fips_enabled`.*`extension_layer_version`"):
        config_from_options({"is_fips_enabled": True, "forwarder_arn": FORWARDER})


def test_fips_false_without_the_extension_is_fine():
    assert config_from_options({"is_fips_enabled": False}).is_fips_enabled is False


def test_fips_with_a_non_fips_extension_arn_is_refused_by_name():
    arn = "arn:aws:lambda:us-east-1:464622532012:layer:Datadog-Extension:101"
    with pytest.raises(OptionError, match=r"`extension_layer_arn`.*Datadog-Extension-FIPS"):
        config_from_options(
            {"is_fips_enabled": True, "extension_layer_arn": arn, "api_key_secret_arn": SECRET}
        )


def test_fips_with_a_fips_extension_arn_keeps_it():
    arn = "arn:aws:lambda:us-east-1:123456789012:layer:Datadog-Extension-ARM-FIPS:101"
    config = config_from_options(
        {
            "is_fips_enabled": True,
            "extension_layer_arn": arn,
            "api_key_secret_arn": SECRET,
            "source_code_integration": False,
        }
    )
    plan = _plan(config, architecture="arm64")
    assert [layer.arn for layer in plan.layers if "Extension" in layer.arn] == [arn]


def test_fips_per_function_without_the_extension_skips_that_function_with_the_reason():
    config = config_from_options({**FORWARDER_MODE})
    settings = function_settings({"is_fips_enabled": True}, "Datadog.configure()")
    skip = plan_function(
        FunctionFacts(
            path="S/Fn",
            runtime="python3.12",
            handler="app.handler",
            settings=settings,
            settings_source="Datadog.configure()",
        ),
        config,
    )
    assert isinstance(skip, Skip)
    assert skip.reason.id == "cdk-datadog:Function.invalidSettings"
    assert "is_fips_enabled" in skip.reason.message
