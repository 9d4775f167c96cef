'use strict';

// The plain-object half of the plugin: what it reads from the service, what it writes back.
const test = require('node:test');
const assert = require('node:assert/strict');
const {
  applyFunctionChanges,
  conflictingPlugin,
  noteLines,
  replaceTemplate,
  serviceRequest,
} = require('../lib/service');

test('refuses to run when serverless-plugin-datadog is listed, in either plugins form', () => {
  for (const plugins of [
    ['serverless-plugin-datadog', 'serverless-plugin-cdk-datadog'],
    { localPath: './plugins', modules: ['serverless-plugin-cdk-datadog', 'serverless-plugin-datadog'] },
  ]) {
    assert.match(conflictingPlugin(plugins), /^plugins: serverless-plugin-datadog and serverless-plugin-cdk-datadog are both listed/);
  }
  assert.equal(conflictingPlugin(['serverless-plugin-cdk-datadog', 'serverless-offline']), undefined);
  assert.equal(conflictingPlugin(undefined), undefined);
});

test('applies handler, variables, layers, tags and tracing without dropping what is there', () => {
  const functions = {
    hello: { handler: 'handler.main', environment: { TABLE: 'orders' }, tags: { team: 'shop' } },
    traced: { handler: 'index.handler', tracing: 'PassThrough' },
    untouched: { handler: 'other.main' },
  };
  const changed = applyFunctionChanges(functions, {
    hello: {
      handler: 'datadog_lambda.handler.handler',
      environment: { DD_LAMBDA_HANDLER: 'handler.main' },
      layers: ['arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Python312:128'],
      tags: { service: 'shop' },
      tracing: 'Active',
    },
    traced: { tracing: 'Active' },
    untouched: {},
  });
  assert.equal(changed, 2);
  assert.deepEqual(functions.hello, {
    handler: 'datadog_lambda.handler.handler',
    environment: { TABLE: 'orders', DD_LAMBDA_HANDLER: 'handler.main' },
    layers: ['arn:aws:lambda:eu-west-1:464622532012:layer:Datadog-Python312:128'],
    tags: { team: 'shop', service: 'shop' },
    tracing: 'Active',
  });
  assert.equal(functions.traced.tracing, 'PassThrough'); // the user's setting wins
  assert.deepEqual(functions.untouched, { handler: 'other.main' });
});

test('replaces the compiled template in place, for Serverless and other plugins hold it', () => {
  const compiled = { AWSTemplateFormatVersion: '2010-09-09', Resources: { A: {} }, Outputs: {} };
  const held = compiled;
  replaceTemplate(compiled, { Resources: { B: {} } });
  assert.equal(held, compiled);
  assert.deepEqual(compiled, { Resources: { B: {} } });
});

test('shows each note once and reports the first error', () => {
  const seen = new Set();
  const notes = [
    { level: 'info', where: 'hello', id: 'cdk-datadog:A', message: 'a' },
    { level: 'error', where: 'greeter', id: 'cdk-datadog:B', message: 'b' },
  ];
  const first = noteLines(notes, seen);
  assert.deepEqual(first.lines.map((line) => line.text), ['hello: a [cdk-datadog:A]', 'greeter: b [cdk-datadog:B]']);
  assert.equal(first.error, 'greeter: b [cdk-datadog:B]');
  const again = noteLines(notes, seen);
  assert.deepEqual(again.lines, []);
  assert.equal(again.error, 'greeter: b [cdk-datadog:B]');
});

test('the request carries the resolved runtime, the logical id and DATADOG_API_KEY only', () => {
  const functions = { hello: { handler: 'handler.main', name: 'shop-dev-hello', events: [{}], datadog: { logLevel: 'debug' } } };
  const service = {
    getAllFunctions: () => Object.keys(functions),
    getFunction: (key) => functions[key],
    getServiceName: () => 'shop',
    custom: { datadog: { site: 'datadoghq.eu' } },
    provider: { runtime: 'python3.12', environment: { TABLE: 'orders' }, iam: {} },
  };
  const provider = {
    naming: { getLambdaLogicalId: (key) => `${key[0].toUpperCase()}${key.slice(1)}LambdaFunction` },
    getRuntime: (runtime) => runtime || 'python3.12',
    getStage: () => 'dev',
    getRegion: () => 'eu-west-1',
  };
  const request = serviceRequest({ service, provider }, { DATADOG_API_KEY: 'k', HOME: '/root' });
  assert.deepEqual(request, {
    service: 'shop',
    stage: 'dev',
    region: 'eu-west-1',
    custom: { site: 'datadoghq.eu' },
    provider: { runtime: 'python3.12', environment: { TABLE: 'orders' } },
    functions: {
      hello: {
        name: 'shop-dev-hello',
        handler: 'handler.main',
        datadog: { logLevel: 'debug' },
        logicalId: 'HelloLambdaFunction',
        image: false,
        runtime: 'python3.12',
      },
    },
    environment: { DATADOG_API_KEY: 'k' },
  });
});
