// A TypeScript handler bundled by the CDK's NodejsFunction (esbuild); knows nothing about Datadog.
export const handler = async (event: { name?: string }) => ({
  statusCode: 200,
  body: `hello ${event.name ?? "world"}`,
});
