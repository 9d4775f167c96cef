'use strict';

/**
 * What goes to the backend and what comes back, over plain objects: the service's
 * configuration out, the backend's changes in. No Datadog decision is made here.
 */

/** serverless-plugin-datadog: the plugin this one replaces; both at once would wrap twice. */
const DATADOG_PLUGIN = 'serverless-plugin-datadog';

/** Provider settings Serverless merges into each function. */
const PROVIDER_KEYS = ['runtime', 'architecture', 'environment', 'layers', 'tags', 'tracing'];
/** Function settings the backend reads. */
const FUNCTION_KEYS = [
  'name',
  'handler',
  'architecture',
  'environment',
  'layers',
  'tags',
  'tracing',
  'datadog',
];

/**
 * The plugin names listed in serverless.yml (`plugins: [...]` or `plugins: {modules: [...]}`).
 * @param {unknown} plugins
 * @returns {string[]}
 */
function pluginNames(plugins) {
  if (Array.isArray(plugins)) return plugins.map(String);
  if (plugins && typeof plugins === 'object' && Array.isArray(plugins.modules)) {
    return plugins.modules.map(String);
  }
  return [];
}

/**
 * The message refusing to run next to serverless-plugin-datadog, or undefined.
 * @param {unknown} plugins
 * @returns {string | undefined}
 */
function conflictingPlugin(plugins) {
  if (!pluginNames(plugins).includes(DATADOG_PLUGIN)) return undefined;
  return (
    `plugins: ${DATADOG_PLUGIN} and serverless-plugin-cdk-datadog are both listed; they would ` +
    `instrument every function twice. Remove ${DATADOG_PLUGIN} (serverless-plugin-cdk-datadog ` +
    'reads the same custom.datadog keys)'
  );
}

/**
 * @param {Record<string, any>} source
 * @param {string[]} keys
 */
function pick(source, keys) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const key of keys) {
    if (source && source[key] !== undefined) out[key] = source[key];
  }
  return out;
}

/**
 * The request fields that describe the service (everything but `hook` and `template`).
 * @param {{service: any, provider: any}} serverless a loaded Serverless service and its AWS provider
 * @param {NodeJS.ProcessEnv} environment
 * @returns {Record<string, any>}
 */
function serviceRequest({ service, provider }, environment) {
  /** @type {Record<string, any>} */
  const functions = {};
  for (const key of service.getAllFunctions()) {
    const fn = service.getFunction(key);
    functions[key] = {
      ...pick(fn, FUNCTION_KEYS),
      logicalId: provider.naming.getLambdaLogicalId(key),
      image: Boolean(fn.image),
      runtime: fn.image ? undefined : provider.getRuntime(fn.runtime),
    };
  }
  /** @type {Record<string, any>} */
  const request = {
    service: service.getServiceName(),
    stage: provider.getStage(),
    region: provider.getRegion(),
    custom: (service.custom || {}).datadog,
    provider: pick(service.provider, PROVIDER_KEYS),
    functions,
  };
  if (environment.DATADOG_API_KEY !== undefined) {
    request.environment = { DATADOG_API_KEY: environment.DATADOG_API_KEY };
  }
  return request;
}

/**
 * Write the backend's per-function changes into `service.functions`.
 * @param {Record<string, any>} functions service.functions
 * @param {Record<string, {handler?: string, environment?: object, layers?: unknown[], tags?: object, tracing?: string}>} changes
 * @returns {number} how many functions changed
 */
function applyFunctionChanges(functions, changes) {
  let changed = 0;
  for (const [key, change] of Object.entries(changes || {})) {
    const fn = functions[key];
    if (!fn || Object.keys(change).length === 0) continue;
    changed += 1;
    if (change.handler !== undefined) fn.handler = change.handler;
    if (change.environment) fn.environment = { ...(fn.environment || {}), ...change.environment };
    if (change.layers) fn.layers = change.layers;
    if (change.tags) fn.tags = { ...(fn.tags || {}), ...change.tags };
    if (change.tracing && !fn.tracing) fn.tracing = change.tracing;
  }
  return changed;
}

/**
 * Replace the compiled template's content in place (Serverless and other plugins hold it).
 * @param {Record<string, any>} compiled
 * @param {Record<string, any>} template
 */
function replaceTemplate(compiled, template) {
  for (const key of Object.keys(compiled)) delete compiled[key];
  Object.assign(compiled, template);
}

/**
 * Notes as log lines, each once, by level; the first error, if any.
 * @param {{level: string, where: string, id: string, message: string}[]} notes
 * @param {Set<string>} seen lines already shown (a run calls the backend twice)
 * @returns {{lines: {level: string, text: string}[], error: string | undefined}}
 */
function noteLines(notes, seen) {
  const lines = [];
  let error;
  for (const note of notes || []) {
    const text = `${note.where}: ${note.message} [${note.id}]`;
    if (note.level === 'error' && error === undefined) error = text;
    if (seen.has(text)) continue;
    seen.add(text);
    lines.push({ level: note.level, text });
  }
  return { lines, error };
}

module.exports = {
  DATADOG_PLUGIN,
  applyFunctionChanges,
  conflictingPlugin,
  noteLines,
  pluginNames,
  replaceTemplate,
  serviceRequest,
};
