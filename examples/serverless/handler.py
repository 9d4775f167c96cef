"""A plain function that knows nothing about Datadog (used by the template fixtures)."""


def main(event, context):
    return {"ok": True, "echo": event.get("message")}
