// A plain Node handler that knows nothing about Datadog.
exports.handler = async (event) => ({ statusCode: 200, body: `hello ${event.name || "world"}` });
