"""What the rules of the pack share. cfn-lint skips files whose name starts with `_`, so this
module holds no rule; it holds no rule class either, since cfn-lint instantiates every rule
class a rule file imports."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cfnlint.rules import RuleMatch

from cdk_datadog.engine import cfn as reader
from cdk_datadog.templates.checks import Carried, Finding, carried, parameter_defaults

#: cfn-lint 1.x validates SAM templates as written (Globals merged), without the SAM transform
FUNCTION_TYPES = list(reader.FUNCTION_TYPES)
TAGS = ["resources", "lambda", "datadog"]
INSTALLATION_DOCS = "https://docs.datadoghq.com/serverless/aws_lambda/installation/"
HANDLER_DOCS = "https://docs.datadoghq.com/serverless/guide/handler_wrapper/"
EXTENSION_DOCS = "https://docs.datadoghq.com/serverless/libraries_integrations/extension/"
FORWARDER_DOCS = "https://docs.datadoghq.com/logs/guide/forwarder/"
LAMBDA_LIMITS_DOCS = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"


def function(properties: Any, cfn: Any) -> Carried:
    """One function as the checks read it; a Runtime from a parameter reads its default."""
    return carried(properties, parameter_defaults(cfn.template))


def matches(path: Iterable[Any], findings: Iterable[Finding]) -> list[RuleMatch]:
    """cfn-lint matches for findings under a resource's Properties (`path`)."""
    return [RuleMatch([*path, *finding.path], finding.message) for finding in findings]
