import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

from cdk_datadog import Datadog

app = cdk.App()
stack = cdk.Stack(app, "Orders", env=cdk.Environment(account="123456789012", region="eu-west-1"))
lambda_.Function(
    stack,
    "CreateOrder",
    runtime=lambda_.Runtime.PYTHON_3_12,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context):\n    return {'ok': True}\n"),
)
lambda_.Function(
    stack,
    "ListOrders",
    runtime=lambda_.Runtime.NODEJS_22_X,
    handler="index.handler",
    code=lambda_.Code.from_inline("exports.handler = async () => ({ orders: [] });"),
)
Datadog(  # every function under the app, in any stack or stage, is instrumented
    app,
    "Datadog",
    site="datadoghq.eu",
    extension_layer_version=101,
    api_key_secret_arn="arn:aws:secretsmanager:eu-west-1:123456789012:secret:datadog-api-key",
    service="shop",
    env="prod",
    version="1.4.2",
)
app.synth()
