"""cfn-lint rules (ids in cfn-lint's custom range) over `cdk_datadog.templates.checks`."""

from __future__ import annotations

from typing import Any

from cfnlint.rules import CloudFormationLintRule, RuleMatch

from cdk_datadog.templates.checks import Finding, check_function

SOURCE = "https://docs.datadoghq.com/serverless/aws_lambda/installation/"


def _subscribed_groups(resources: dict[str, Any]) -> set[str]:
    groups = set()
    for resource in resources.values():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::Logs::SubscriptionFilter":
            group = (resource.get("Properties") or {}).get("LogGroupName")
            groups.add(repr(group))
            # a Ref to a log group of the template (Serverless: HelloLogGroup) is its name too
            target = (
                resources.get(group["Ref"]) if isinstance(group, dict) and "Ref" in group else None
            )
            if isinstance(target, dict) and target.get("Type") == "AWS::Logs::LogGroup":
                groups.add(repr((target.get("Properties") or {}).get("LogGroupName")))
    return groups


def _findings(cfn: Any) -> list[tuple[str, Finding]]:
    resources = cfn.template.get("Resources") or {}
    subscribed = _subscribed_groups(resources)
    found = []
    for logical_id, resource in resources.items():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::Lambda::Function":
            continue
        properties = resource.get("Properties") or {}
        group = (properties.get("LoggingConfig") or {}).get("LogGroup")
        name = properties.get("FunctionName")
        candidates = {repr(group)} if group is not None else set()
        candidates |= {repr(f"/aws/lambda/{name}")} if isinstance(name, str) else set()
        candidates |= {repr({"Fn::Sub": f"/aws/lambda/${{{logical_id}}}"})}
        for finding in check_function(properties, bool(candidates & subscribed)):
            found.append((logical_id, finding))
    return found


class _DatadogRule(CloudFormationLintRule):
    tags = ["resources", "lambda", "datadog"]
    source_url = SOURCE

    def match(self, cfn: Any) -> list[RuleMatch]:
        return [
            RuleMatch(["Resources", logical_id, "Properties", *finding.path], finding.message)
            for logical_id, finding in _findings(cfn)
            if finding.rule_id == self.id
        ]


class HandlerWithoutOriginal(_DatadogRule):
    id = "E9001"
    shortdesc = "Datadog wrapper without DD_LAMBDA_HANDLER"
    description = "A handler redirected to the Datadog wrapper must keep the original handler."


class DoubleWrapper(_DatadogRule):
    id = "E9002"
    shortdesc = "Datadog wrapper wrapping itself"
    description = "DD_LAMBDA_HANDLER must name the function's own handler, not the wrapper."


class LayerMismatch(_DatadogRule):
    id = "E9003"
    shortdesc = "Datadog layer for another runtime or architecture"
    description = "Each runtime and architecture has its own Datadog layer."


class ExtensionWithoutKey(_DatadogRule):
    id = "E9004"
    shortdesc = "Datadog extension without an API key source"
    description = "The extension needs DD_API_KEY_SECRET_ARN, DD_API_KEY_SSM_ARN or DD_KMS_API_KEY."


class ClearTextKey(_DatadogRule):
    id = "W9005"
    shortdesc = "Datadog API key in clear text"
    description = "DD_API_KEY puts the key in the template and the function's configuration."


class MetricsGoNowhere(_DatadogRule):
    id = "W9006"
    shortdesc = "DD_FLUSH_TO_LOG without extension or Forwarder subscription"
    description = "Metrics written to the logs need the Forwarder to reach Datadog."


class TooManyLayers(_DatadogRule):
    id = "E9007"
    shortdesc = "More than 5 layers"
    description = "Lambda allows at most 5 layers per function."


class EnvironmentTooLarge(_DatadogRule):
    id = "E9008"
    shortdesc = "Environment over 4 KB"
    description = "Lambda limits environment variables to 4 KB in total."


class RubyRedirection(_DatadogRule):
    id = "W9009"
    shortdesc = "Datadog handler redirection on a Ruby function"
    description = (
        "Ruby functions are instrumented by Datadog::Lambda.wrap in the handler; "
        "AWS_LAMBDA_EXEC_WRAPPER and DD_LAMBDA_HANDLER start nothing for Ruby."
    )
