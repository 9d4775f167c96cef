'use strict';

/**
 * serverless-plugin-cdk-datadog: Datadog for the functions of a Serverless Framework service,
 * decided by cdk-datadog's engine (the Python package `cdk-datadog`, called as
 * `cdk-datadog serverless`). This plugin holds no Datadog logic: it hands the backend the
 * resolved `custom.datadog`, the functions' configuration and the compiled template, and
 * applies what comes back.
 *
 * Hooks:
 * - before:package:createDeploymentArtifacts, before:deploy:function:packageFunction: the
 *   functions' handler, environment, layers, tags and tracing, in `service.functions`, before
 *   Serverless compiles them and hashes their versions (so a changed function publishes a
 *   new version), and before `sls deploy function -f` deploys one;
 * - before:aws:package:finalize:saveServiceState: the whole compiled template (log
 *   subscriptions, grants, API Gateway, state machines), after `resources:` is merged and
 *   before it is written. Functions changed above are left as they are (the engine is
 *   idempotent).
 */

const { BackendError, backendCommand, callBackend } = require('./lib/backend');
const {
  applyFunctionChanges,
  conflictingPlugin,
  noteLines,
  replaceTemplate,
  serviceRequest,
} = require('./lib/service');

class CdkDatadogPlugin {
  /**
   * @param {any} serverless
   * @param {Record<string, any>} options CLI options (`--function` for `deploy function`)
   * @param {{log?: any}} [utils] Serverless 3's logging utilities
   */
  constructor(serverless, options, utils) {
    this.serverless = serverless;
    this.options = options || {};
    this.log = (utils && utils.log) || fallbackLog(serverless);
    /** note lines already shown in this run */
    this.seen = new Set();
    const schema = serverless.configSchemaHandler;
    if (schema && typeof schema.defineFunctionProperties === 'function') {
      // the per-function `datadog:` block (options for that function alone)
      schema.defineFunctionProperties('aws', {
        properties: { datadog: { type: 'object' } },
      });
    }
    this.hooks = {
      initialize: () => this.guard(() => this.refuseDatadogPlugin()),
      'before:package:createDeploymentArtifacts': () =>
        this.guard(() => this.instrumentFunctions(undefined)),
      'before:deploy:function:packageFunction': () =>
        this.guard(() => this.instrumentFunctions(this.options.function)),
      'before:aws:package:finalize:saveServiceState': () =>
        this.guard(() => this.instrumentTemplate()),
    };
  }

  /** Run a step; a BackendError becomes Serverless' user error: one line, no stack trace. */
  async guard(step) {
    try {
      await step();
    } catch (error) {
      if (error instanceof BackendError) {
        throw new this.serverless.classes.Error(error.message, 'CDK_DATADOG');
      }
      throw error;
    }
  }

  refuseDatadogPlugin() {
    const message = conflictingPlugin(this.serverless.service.plugins);
    if (message !== undefined) throw new BackendError(message);
  }

  request(hook) {
    const service = this.serverless.service;
    const provider = this.serverless.getProvider('aws');
    return { hook, ...serviceRequest({ service, provider }, process.env) };
  }

  call(request) {
    const custom = (this.serverless.service.custom || {}).datadog || {};
    const cwd = this.serverless.serviceDir || this.serverless.config.servicePath || process.cwd();
    const answer = callBackend(request, backendCommand(custom.cdkDatadogPath, cwd), cwd);
    const { lines, error } = noteLines(answer.notes, this.seen);
    for (const { level, text } of lines) {
      if (level === 'warning' || level === 'error') this.log.warning(`Datadog: ${text}`);
      else this.log.info(`Datadog: ${text}`);
    }
    if (error !== undefined) throw new BackendError(error);
    return answer;
  }

  /** @param {string | undefined} only a function key (`sls deploy function -f <key>`) */
  instrumentFunctions(only) {
    const request = this.request('functions');
    if (only !== undefined) request.only = [only];
    const answer = this.call(request);
    if (answer.enabled === false) {
      this.log.notice('Datadog: disabled (custom.datadog.enabled is false)');
      return;
    }
    const changed = applyFunctionChanges(this.serverless.service.functions, answer.functions);
    const total = Object.keys(answer.functions || {}).length;
    this.log.notice(`Datadog: ${changed} of ${total} functions instrumented (cdk-datadog ${answer.version})`);
  }

  instrumentTemplate() {
    const compiled = this.serverless.service.provider.compiledCloudFormationTemplate;
    if (!compiled) return;
    const answer = this.call({ ...this.request('template'), template: compiled });
    if (answer.enabled === false) return;
    replaceTemplate(compiled, answer.template);
  }
}

/** Serverless 2 has no logging utilities: its CLI logger, by level. */
function fallbackLog(serverless) {
  const say = (text) => serverless.cli.log(text);
  return { notice: say, warning: say, info: () => {} };
}

module.exports = CdkDatadogPlugin;
