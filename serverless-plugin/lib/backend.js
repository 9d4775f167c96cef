'use strict';

/**
 * Finding and calling the Python backend, `cdk-datadog serverless`: one JSON request on its
 * stdin, one JSON answer on its stdout (see cdk_datadog/serverless/backend.py). Every failure
 * becomes one line that says what to do; nothing of a Python traceback reaches the user.
 */

const { spawnSync } = require('node:child_process');
const path = require('node:path');

/** The protocol this plugin speaks; the backend answers with its own, and they must match. */
const PROTOCOL = 1;
const PLUGIN_VERSION = require('../package.json').version;
const INSTALL = `pip install cdk-datadog==${PLUGIN_VERSION}`;

/** A failure to show the user as it is (one line, no stack trace). */
class BackendError extends Error {}

/**
 * The command to run: `custom.datadog.cdkDatadogPath` (relative to the service directory),
 * or `cdk-datadog` from PATH.
 * @param {unknown} configured
 * @param {string} serviceDir
 * @returns {{command: string, configured: boolean}}
 */
function backendCommand(configured, serviceDir) {
  if (configured === undefined || configured === null) {
    return { command: 'cdk-datadog', configured: false };
  }
  if (typeof configured !== 'string' || configured === '') {
    throw new BackendError(
      `custom.datadog.cdkDatadogPath: expected the path of the cdk-datadog command, got ${JSON.stringify(configured)}`
    );
  }
  const command = configured.includes('/') ? path.resolve(serviceDir, configured) : configured;
  return { command, configured: true };
}

/**
 * Run the backend on one request and return its answer, or throw a BackendError.
 * @param {Record<string, unknown>} request
 * @param {{command: string, configured: boolean}} backend
 * @param {string} cwd the service directory (the backend reads git metadata there)
 * @returns {Record<string, any>}
 */
function callBackend(request, backend, cwd) {
  const run = spawnSync(backend.command, ['serverless'], {
    cwd,
    input: JSON.stringify({ protocol: PROTOCOL, ...request }),
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (run.error) {
    if (run.error.code === 'ENOENT' || run.error.code === 'EACCES') {
      const where = backend.configured
        ? `custom.datadog.cdkDatadogPath: ${backend.command} cannot be run`
        : 'the cdk-datadog command is not on PATH';
      throw new BackendError(
        `${where}: serverless-plugin-cdk-datadog needs its Python backend: ${INSTALL}` +
          (backend.configured ? '' : ' (or set custom.datadog.cdkDatadogPath to its path)')
      );
    }
    throw new BackendError(`cannot run ${backend.command}: ${run.error.message}`);
  }
  const answer = parseAnswer(run.stdout);
  if (answer === undefined) {
    if (/invalid choice: '?serverless'?/.test(run.stderr || '')) {
      throw new BackendError(
        `${backend.command} has no \`serverless\` command (cdk-datadog is too old for ` +
          `serverless-plugin-cdk-datadog ${PLUGIN_VERSION}): ${INSTALL}`
      );
    }
    const lines = (run.stderr || '').trim().split('\n');
    throw new BackendError(
      `${backend.command} gave no answer (exit status ${run.status}): ${lines[lines.length - 1] || 'no output'}`
    );
  }
  if (answer.protocol !== PROTOCOL) {
    throw new BackendError(
      `cdk-datadog ${answer.version} speaks protocol ${answer.protocol}, serverless-plugin-cdk-datadog ` +
        `${PLUGIN_VERSION} speaks protocol ${PROTOCOL}: ${INSTALL}`
    );
  }
  if (answer.ok !== true) {
    throw new BackendError(String(answer.error || 'cdk-datadog failed without a message'));
  }
  return answer;
}

/**
 * @param {string | null} stdout
 * @returns {Record<string, any> | undefined}
 */
function parseAnswer(stdout) {
  try {
    const answer = JSON.parse(stdout || '');
    return answer !== null && typeof answer === 'object' ? answer : undefined;
  } catch {
    return undefined;
  }
}

module.exports = { BackendError, PROTOCOL, PLUGIN_VERSION, backendCommand, callBackend };
