"""API Gateway log groups subscribed to the Forwarder: REST, HTTP and WebSocket access logs,
REST execution logs on request."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigatewayv2
from aws_cdk import aws_logs as logs
from aws_cdk.assertions import Match, Template

from cdk_datadog import Datadog
from tests.support.cfn_lint import lint_errors

FORWARDER = "arn:aws:lambda:us-east-1:123456789012:function:datadog-forwarder"


def _stack(**options):
    app = cdk.App()
    stack = cdk.Stack(app, "S", env=cdk.Environment(account="123456789012", region="us-east-1"))
    Datadog(stack, "Datadog", source_code_integration=False, **options)
    return stack


def _rest_api(stack, access_logs: logs.LogGroup | None):
    api = apigateway.RestApi(
        stack,
        "Api",
        cloud_watch_role=False,
        deploy_options=apigateway.StageOptions(
            stage_name="prod",
            access_log_destination=apigateway.LogGroupLogDestination(access_logs)
            if access_logs
            else None,
            access_log_format=apigateway.AccessLogFormat.clf() if access_logs else None,
        ),
    )
    api.root.add_method("GET", apigateway.MockIntegration())
    return api


def test_rest_access_logs_are_subscribed_by_default_with_a_forwarder():
    stack = _stack(forwarder_arn=FORWARDER)
    access = logs.LogGroup(stack, "AccessLogs")
    _rest_api(stack, access)

    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::Logs::SubscriptionFilter",
        {"LogGroupName": {"Ref": stack.get_logical_id(access.node.default_child)}},
    )
    template.resource_count_is("AWS::Logs::SubscriptionFilter", 1)  # no execution logs
    assert lint_errors(template.to_json()) == []


def test_access_logs_are_left_alone_when_asked():
    stack = _stack(forwarder_arn=FORWARDER, subscribe_to_access_logs=False)
    _rest_api(stack, logs.LogGroup(stack, "AccessLogs"))

    Template.from_stack(stack).resource_count_is("AWS::Logs::SubscriptionFilter", 0)


def test_rest_execution_logs_get_their_group_declared_and_subscribed_on_request():
    stack = _stack(forwarder_arn=FORWARDER, subscribe_to_execution_logs=True)
    api = _rest_api(stack, None)

    template = Template.from_stack(stack)
    api_id = stack.get_logical_id(api.node.default_child)
    template.has_resource_properties(
        "AWS::Logs::LogGroup",
        {
            "LogGroupName": {
                "Fn::Join": ["", ["API-Gateway-Execution-Logs_", {"Ref": api_id}, "/prod"]]
            }
        },
    )
    template.resource_count_is("AWS::Logs::SubscriptionFilter", 1)
    assert lint_errors(template.to_json()) == []


def test_http_and_websocket_access_logs_are_subscribed():
    stack = _stack(forwarder_arn=FORWARDER)
    for kind, protocol in (("Http", "HTTP"), ("Ws", "WEBSOCKET")):
        group = logs.LogGroup(stack, f"{kind}Logs")
        api = apigatewayv2.CfnApi(
            stack,
            f"{kind}Api",
            name=kind,
            protocol_type=protocol,
            route_selection_expression="$request.body.action" if protocol == "WEBSOCKET" else None,
        )
        apigatewayv2.CfnStage(
            stack,
            f"{kind}Stage",
            api_id=api.ref,
            stage_name="prod",
            access_log_settings=apigatewayv2.CfnStage.AccessLogSettingsProperty(
                destination_arn=group.log_group_arn, format="$context.requestId"
            ),
        )

    template = Template.from_stack(stack)
    template.resource_count_is("AWS::Logs::SubscriptionFilter", 2)
    template.has_resource_properties(
        "AWS::Logs::SubscriptionFilter",
        {"DestinationArn": FORWARDER, "LogGroupName": Match.any_value()},
    )
