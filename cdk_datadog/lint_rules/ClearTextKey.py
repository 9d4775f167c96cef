"""W9005: the Datadog API key written in clear text in the function's environment."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule

from cdk_datadog.lint_rules._support import INSTALLATION_DOCS, TAGS, FunctionCheck
from cdk_datadog.templates.checks import clear_text_api_key


class ClearTextKey(FunctionCheck, CloudFormationLintRule):
    id = "W9005"
    shortdesc = "Datadog API key in clear text"
    description = (
        "DD_API_KEY puts the key in the template, the stack and the function's configuration, "
        "readable by anyone who can read them; keep it in Secrets Manager "
        "(DD_API_KEY_SECRET_ARN), SSM (DD_API_KEY_SSM_ARN) or encrypt it (DD_KMS_API_KEY)."
    )
    source_url = INSTALLATION_DOCS
    tags = TAGS
    check = staticmethod(clear_text_api_key)
