"""A cdk-datadog warning is a CDK warning with the note's id, so an app can acknowledge it by
that id (docs/diagnostics.md), as any `addWarningV2` warning."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk.assertions import Annotations, Match

from cdk_datadog import Datadog
from tests.support.cdk_apps import python_function

ENV = cdk.Environment(account="123456789012", region="us-east-1")
PLAINTEXT = "cdk-datadog:ApiKey.plaintext"


def _warnings(acknowledge: bool) -> list[str]:
    app = cdk.App()
    stack = cdk.Stack(app, "Shop", env=ENV)
    python_function(stack)
    Datadog(stack, "Datadog", extension_layer_version=101, api_key="0" * 32)
    if acknowledge:
        cdk.Annotations.of(stack).acknowledge_warning(PLAINTEXT, "the key is a test value")
    found = Annotations.from_stack(stack).find_warning("*", Match.any_value())
    return [str(warning.entry.data) for warning in found]


def test_the_warning_carries_its_note_id():
    [warning] = _warnings(acknowledge=False)

    assert f"[ack: {PLAINTEXT}]" in warning


def test_a_warning_acknowledged_by_its_note_id_is_gone():
    assert _warnings(acknowledge=True) == []
