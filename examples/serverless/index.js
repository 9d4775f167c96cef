// A plain Node handler that knows nothing about Datadog.
exports.handler = async (event) => ({ greeting: `hello ${event.name || "world"}` });
