"""Plain handlers that know nothing about Datadog."""


def handler(event, context):
    return {"statusCode": 200, "body": "orders"}


def nightly(event, context):
    return {"done": True}
