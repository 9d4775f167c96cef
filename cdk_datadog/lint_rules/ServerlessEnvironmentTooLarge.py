"""E9008: a SAM function's environment over Lambda's 4 KB, Globals included.

Stock cfn-lint checks the limit on `AWS::Lambda::Function` only (E3697); cfn-lint 1.x
validates SAM templates without the SAM transform, so a SAM function, whose variables add up
from `Globals.Function` and its own, is not checked there. This rule checks those only.
"""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule

from cdk_datadog.engine import cfn as reader
from cdk_datadog.lint_rules._support import LAMBDA_LIMITS_DOCS, TAGS, FunctionCheck
from cdk_datadog.templates.checks import environment_too_large


class ServerlessEnvironmentTooLarge(FunctionCheck, CloudFormationLintRule):
    id = "E9008"
    shortdesc = "SAM function environment over 4 KB"
    description = (
        "Lambda limits a function's environment variables (names and values, UTF-8) to 4 KB; "
        "for AWS::Serverless::Function, with Globals.Function's variables merged (stock E3697 "
        "covers AWS::Lambda::Function)."
    )
    source_url = LAMBDA_LIMITS_DOCS
    tags = TAGS
    check = staticmethod(environment_too_large)
    resource_types = [reader.SERVERLESS_FUNCTION]
