"""E9003 LayerMismatch: each runtime and architecture has its own Datadog layer."""

from __future__ import annotations

import pytest

from tests.lint_rules.snippets import (
    EXT_ARM_LAYER,
    EXT_LAYER,
    LAYERS,
    NODE_LAYER,
    NODE_WRAPPER,
    PY_ARM_LAYER,
    PY_LAYER,
    SECRET,
    sam_template,
    template,
)
from tests.support.cfn_lint import datadog_findings, datadog_rule_ids

FIPS = f"{LAYERS}Datadog-Extension-FIPS:101"

CASES = [
    pytest.param(template(Architectures=["arm64"]), {"E9003"}, id="x86_64 layers on arm64"),
    pytest.param(
        template(Runtime="nodejs22.x", Handler=NODE_WRAPPER), {"E9003"}, id="Python layer on Node"
    ),
    pytest.param(
        template(Runtime="provided.al2023", Handler="bootstrap", Layers=[PY_LAYER, EXT_LAYER]),
        {"E9003"},
        id="a library layer on a custom runtime",
    ),
    pytest.param(
        template(Architectures=["arm64"], Layers=[PY_ARM_LAYER, FIPS]),
        {"E9003"},
        id="the x86_64 FIPS extension on arm64",
    ),
    pytest.param(
        {
            **template(Runtime={"Ref": "Runtime"}),
            "Parameters": {"Runtime": {"Type": "String", "Default": "python3.11"}},
        },
        {"E9003"},
        id="runtime from a parameter's default",
    ),
    pytest.param(
        sam_template({"Architectures": ["arm64"]}), {"E9003"}, id="SAM, arm64 from Globals"
    ),
    pytest.param(template(), set(), id="Python x86_64"),
    pytest.param(
        template(Architectures=["arm64"], Layers=[PY_ARM_LAYER, EXT_ARM_LAYER]),
        set(),
        id="Python arm64",
    ),
    pytest.param(
        template(
            Runtime="nodejs22.x",
            Handler=NODE_WRAPPER,
            Architectures=["arm64"],
            Layers=[NODE_LAYER, EXT_ARM_LAYER],
        ),
        set(),
        id="Node arm64: one layer for both architectures",
    ),
    pytest.param(
        template(Runtime="provided.al2023", Handler="bootstrap", Layers=[EXT_LAYER]),
        set(),
        id="the extension alone on a custom runtime",
    ),
    pytest.param(
        template(Architectures={"Ref": "Arch"}), set(), id="architecture known only at deploy"
    ),
]


@pytest.mark.parametrize(("template", "expected"), CASES)
def test_e9003_fires_exactly_on_a_layer_for_another_runtime_or_architecture(template, expected):
    assert datadog_rule_ids(template) == expected


def test_e9003_names_the_layer_to_use_for_each_wrong_one():
    findings = datadog_findings(template(Architectures=["arm64"]))
    assert sorted((path.rsplit("/", 1)[-1], message) for _, message, path in findings) == [
        (
            "0",
            "Datadog layer 'Datadog-Python312' does not match runtime python3.12 on arm64; use "
            "'Datadog-Python312-ARM'",
        ),
        (
            "1",
            "Datadog layer 'Datadog-Extension' does not match runtime python3.12 on arm64; use "
            "'Datadog-Extension-ARM'",
        ),
    ]


def test_e9003_names_the_fips_extension_for_the_architecture():
    bad = template(
        Runtime="provided.al2023",
        Handler="bootstrap",
        Architectures=["arm64"],
        Layers=[FIPS],
        Variables={"DD_API_KEY_SECRET_ARN": SECRET},
    )
    ((rule, message, _),) = datadog_findings(bad)
    assert rule == "E9003" and "use 'Datadog-Extension-ARM-FIPS'" in message
