"""API Gateway log groups to subscribe to the Forwarder, as serverless-plugin-datadog does.

Access logs (REST, HTTP and WebSocket stages writing to a log group of the stack) are
subscribed when `subscribe_to_access_logs` (on by default with a Forwarder). REST execution
logs go to `API-Gateway-Execution-Logs_<restApiId>/<stage>`, a group API Gateway creates only
when it first logs; with `subscribe_to_execution_logs`, that group is declared (kept on stack
deletion) so the subscription has something to attach to. A stage whose execution group already
exists outside the stack cannot take this: leave the option off there and subscribe that group
by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cdk_datadog.engine import cfn
from cdk_datadog.engine import notes as nk
from cdk_datadog.engine.config import DatadogConfig
from cdk_datadog.engine.logs import Subscriptions
from cdk_datadog.engine.notes import note
from cdk_datadog.engine.resources import NewResource

REST_STAGE = "AWS::ApiGateway::Stage"
HTTP_STAGE = "AWS::ApiGatewayV2::Stage"
STAGE_TYPES = (REST_STAGE, HTTP_STAGE)
EXECUTION_LOGS_PREFIX = "API-Gateway-Execution-Logs_"
EXECUTION_LOGS_SUFFIX = "DatadogExecutionLogs"


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


def plan_api_stages(
    stages: Mapping[str, Mapping[str, Any]], config: DatadogConfig, subscriptions: Subscriptions
) -> None:
    """Subscribe the stages' access log groups, and declare and subscribe REST execution log
    groups on request; what it adds goes to `subscriptions`."""
    for stage_id, stage in stages.items():
        kind = cfn.type_of(stage)
        properties = cfn.properties_of(stage)
        if config.subscribes_access_logs:
            group_id = access_log_group(kind, properties)
            if group_id in subscriptions.groups.names:
                group = cfn.LogGroup(f"id:{group_id}", {"Ref": group_id})
                subscriptions.subscribe(stage_id, group, f"{stage_id}Access")
        name = execution_log_group_name(properties)
        if config.subscribes_execution_logs and kind == REST_STAGE and name is not None:
            group_id = f"{stage_id}{EXECUTION_LOGS_SUFFIX}"
            if group_id not in subscriptions.groups.names:
                subscriptions.resources.append(
                    NewResource(
                        group_id, stage_id, cfn.LOG_GROUP, {"LogGroupName": name}, retain=True
                    )
                )
                subscriptions.notes.append((stage_id, note(nk.API_GATEWAY_EXECUTION_LOGS)))
            group = cfn.LogGroup(f"id:{group_id}", {"Ref": group_id})
            subscriptions.subscribe(stage_id, group, f"{stage_id}Execution")
