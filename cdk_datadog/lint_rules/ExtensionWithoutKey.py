"""E9004: the Datadog Lambda Extension with no variable saying where the API key is."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule

from cdk_datadog.lint_rules._support import EXTENSION_DOCS, TAGS, FunctionCheck
from cdk_datadog.templates.checks import extension_without_api_key


class ExtensionWithoutKey(FunctionCheck, CloudFormationLintRule):
    id = "E9004"
    shortdesc = "Datadog extension without an API key source"
    description = (
        "The extension sends to Datadog with the key named by DD_API_KEY_SECRET_ARN, "
        "DD_API_KEY_SSM_ARN, DD_KMS_API_KEY or DD_API_KEY; without one, nothing is sent."
    )
    source_url = EXTENSION_DOCS
    tags = TAGS
    check = staticmethod(extension_without_api_key)
