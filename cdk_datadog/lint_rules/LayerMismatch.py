"""E9003: a Datadog layer built for another runtime or architecture than the function's."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule

from cdk_datadog.lint_rules._support import INSTALLATION_DOCS, TAGS, FunctionCheck
from cdk_datadog.templates.checks import layer_mismatches


class LayerMismatch(FunctionCheck, CloudFormationLintRule):
    id = "E9003"
    shortdesc = "Datadog layer for another runtime or architecture"
    description = (
        "Datadog publishes a library layer per runtime and architecture (Datadog-Python312, "
        "Datadog-Python312-ARM, ...) and an extension layer per architecture (and FIPS); a "
        "layer for another one fails to load or is never used."
    )
    source_url = INSTALLATION_DOCS
    tags = TAGS
    check = staticmethod(layer_mismatches)
