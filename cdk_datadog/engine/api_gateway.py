"""API Gateway log groups to subscribe, as serverless-plugin-datadog does, from stage
properties (resolved CloudFormation, camelCase from the CDK or PascalCase from templates)."""

from __future__ import annotations

from typing import Any

REST_STAGE = "AWS::ApiGateway::Stage"
HTTP_STAGE = "AWS::ApiGatewayV2::Stage"
EXECUTION_LOGS_PREFIX = "API-Gateway-Execution-Logs_"


def _get(properties: dict[str, Any], name: str) -> Any:
    """A property by its PascalCase name, or its camelCase one."""
    return properties.get(name, properties.get(name[:1].lower() + name[1:]))


def access_log_group(stage_type: str, properties: dict[str, Any]) -> str | None:
    """Logical id of the log group a stage writes its access logs to, when in the template."""
    setting = _get(
        properties, "AccessLogSetting" if stage_type == REST_STAGE else "AccessLogSettings"
    )
    destination = _get(setting, "DestinationArn") if isinstance(setting, dict) else None
    if isinstance(destination, dict) and "Fn::GetAtt" in destination:
        target = destination["Fn::GetAtt"]
        return target[0] if isinstance(target, list) else str(target).split(".")[0]
    return None


def execution_log_group_name(properties: dict[str, Any]) -> Any:
    """`API-Gateway-Execution-Logs_<restApiId>/<stage>`, built at deploy from the stage's
    RestApiId and StageName; None when the stage name is not literal."""
    stage = _get(properties, "StageName")
    api = _get(properties, "RestApiId")
    if not isinstance(stage, str) or api is None:
        return None
    return {"Fn::Join": ["", [EXECUTION_LOGS_PREFIX, api, f"/{stage}"]]}
