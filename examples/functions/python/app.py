"""A plain Python handler that knows nothing about Datadog."""


def handler(event, context):
    return {"statusCode": 200, "body": f"hello {event.get('name', 'world')}"}
