"""E9002: DD_LAMBDA_HANDLER names Datadog's wrapper, which would then load itself."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule

from cdk_datadog.lint_rules._support import HANDLER_DOCS, TAGS, FunctionCheck
from cdk_datadog.templates.checks import wrapper_of_wrapper


class DoubleWrapper(FunctionCheck, CloudFormationLintRule):
    id = "E9002"
    shortdesc = "Datadog wrapper wrapping itself"
    description = (
        "DD_LAMBDA_HANDLER must name the function's own handler, not the Datadog wrapper: a "
        "handler redirected twice makes the wrapper load itself."
    )
    source_url = HANDLER_DOCS
    tags = TAGS
    check = staticmethod(wrapper_of_wrapper)
