"""W9009: handler redirection variables on a Ruby function, where they start nothing."""

from __future__ import annotations

from cfnlint.rules import CloudFormationLintRule

from cdk_datadog.lint_rules._support import INSTALLATION_DOCS, TAGS, FunctionCheck
from cdk_datadog.templates.checks import ruby_redirections


class RubyRedirection(FunctionCheck, CloudFormationLintRule):
    id = "W9009"
    shortdesc = "Datadog handler redirection on a Ruby function"
    description = (
        "Ruby functions are instrumented by Datadog::Lambda.wrap in the handler; "
        "AWS_LAMBDA_EXEC_WRAPPER=/opt/datadog_wrapper (without App and API Protection) and "
        "DD_LAMBDA_HANDLER start nothing for Ruby."
    )
    source_url = INSTALLATION_DOCS
    tags = TAGS
    check = staticmethod(ruby_redirections)
