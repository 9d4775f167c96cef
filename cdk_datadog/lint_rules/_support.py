"""What the rules of the pack share. cfn-lint skips files whose name starts with `_`, so this
module holds no rule; it holds no rule class either, since cfn-lint instantiates every rule
class a rule file imports: `FunctionCheck` is a mixin, not a `CloudFormationLintRule`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


class FunctionCheck:
    """A rule that runs one check of `cdk_datadog.templates.checks` on each function.

    A rule is `class Rule(FunctionCheck, CloudFormationLintRule)` with its id, descriptions and
    `check`; `resource_types` narrows the functions it reads.
    """

    check: Callable[[Carried], list[Finding]]
    resource_types: list[str] = FUNCTION_TYPES

    def __init__(self) -> None:
        super().__init__()
        self.resource_property_types = list(self.resource_types)

    def match_resource_properties(
        self, properties: dict[str, Any], resourcetype: str, path: list[Any], cfn: Any
    ) -> list[RuleMatch]:
        return matches(path, type(self).check(function(properties, cfn)))
