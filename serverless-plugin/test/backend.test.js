'use strict';

// Finding and calling the backend, with real processes: the real `cdk-datadog` (its path in
// CDK_DATADOG_TEST_BACKEND, set by tests/serverless/test_plugin_js.py) and small scripts that
// answer as a broken, old or mismatched backend would.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { BackendError, backendCommand, callBackend, PLUGIN_VERSION } = require('../lib/backend');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-datadog-backend-'));

/** A fake backend: a script printing `stdout` (and `stderr`), exiting with `status`. */
function script(name, stdout, stderr = '', status = 0) {
  const file = path.join(dir, name);
  fs.writeFileSync(`${file}.out`, stdout);
  fs.writeFileSync(`${file}.err`, stderr);
  fs.writeFileSync(file, `#!/bin/sh\ncat >/dev/null\ncat '${file}.out'\ncat '${file}.err' >&2\nexit ${status}\n`, {
    mode: 0o755,
  });
  return { command: file, configured: true };
}

function failure(backend) {
  try {
    callBackend({ hook: 'functions' }, backend, dir);
  } catch (error) {
    assert.ok(error instanceof BackendError);
    return error.message;
  }
  assert.fail('the backend call did not fail');
}

test('the command is cdk-datadog on PATH, or cdkDatadogPath relative to the service', () => {
  assert.deepEqual(backendCommand(undefined, '/srv/shop'), { command: 'cdk-datadog', configured: false });
  assert.deepEqual(backendCommand('./venv/bin/cdk-datadog', '/srv/shop'), {
    command: '/srv/shop/venv/bin/cdk-datadog',
    configured: true,
  });
  assert.throws(() => backendCommand(42, '/srv/shop'), /^Error: custom.datadog.cdkDatadogPath: expected the path/);
});

test('a missing backend says how to install it', () => {
  const message = failure({ command: path.join(dir, 'nothing-here'), configured: true });
  assert.equal(
    message,
    `custom.datadog.cdkDatadogPath: ${path.join(dir, 'nothing-here')} cannot be run: ` +
      `serverless-plugin-cdk-datadog needs its Python backend: pip install cdk-datadog==${PLUGIN_VERSION}`
  );
});

test('a backend of another protocol is refused with both versions and the fix', () => {
  const message = failure(script('other', '{"protocol": 2, "version": "9.0.0", "ok": true}'));
  assert.equal(
    message,
    `cdk-datadog 9.0.0 speaks protocol 2, serverless-plugin-cdk-datadog ${PLUGIN_VERSION} speaks ` +
      `protocol 1: pip install cdk-datadog==${PLUGIN_VERSION}`
  );
});

test('a cdk-datadog without the serverless command is too old', () => {
  const old = script('old', '', "cdk-datadog: error: argument command: invalid choice: 'serverless'", 2);
  assert.match(failure(old), /has no `serverless` command \(cdk-datadog is too old/);
});

test('a backend error is shown as its one line', () => {
  const broken = script('broken', '{"protocol": 1, "version": "0.1.0", "ok": false, "error": "custom.datadog.site: bad"}', '', 1);
  assert.equal(failure(broken), 'custom.datadog.site: bad');
});

test('a backend that answers no JSON is reported with the last line of its stderr', () => {
  const crashed = script('crashed', '', 'Traceback (most recent call last):\nValueError: boom', 1);
  assert.match(failure(crashed), /gave no answer \(exit status 1\): ValueError: boom$/);
});

test('the real backend answers a functions request', { skip: !process.env.CDK_DATADOG_TEST_BACKEND }, () => {
  const answer = callBackend(
    {
      hook: 'functions',
      service: 'shop',
      stage: 'dev',
      region: 'eu-west-1',
      custom: { addExtension: false, enableSourceCodeIntegration: false },
      functions: { hello: { handler: 'handler.main', runtime: 'python3.12' } },
    },
    { command: process.env.CDK_DATADOG_TEST_BACKEND, configured: true },
    dir
  );
  assert.equal(answer.ok, true);
  assert.equal(answer.functions.hello.handler, 'datadog_lambda.handler.handler');
  assert.equal(answer.functions.hello.environment.DD_LAMBDA_HANDLER, 'handler.main');
});
