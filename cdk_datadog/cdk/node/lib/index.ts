// The Node side of cdk-datadog's CDK shell. Every call from Python into aws-cdk-lib crosses
// into this process (about 0.3 ms each), so what the shell reads and writes for a stack's
// functions goes through these methods, one call per batch. No decision is made here.
//
// Parameters are `any`: they are aws-cdk-lib constructs and plain JSON. aws-cdk-lib is the
// copy the app loaded (the jsii runtime installs it beside this package), so it is not a
// dependency of this package and its version is the app's.

declare const require: (id: string) => any;

function cdk(): any {
  return require('aws-cdk-lib');
}

/** An aws-cdk-lib class by name: `Stage`, or `aws_logs.CfnLogGroup` in a namespace. */
function awsCdkLibClass(lib: any, name: string): any {
  const found = String(name)
    .split('.')
    .reduce((scope: any, part: string) => scope?.[part], lib);
  if (typeof found !== 'function') {
    throw new Error(`aws-cdk-lib has no class ${name}`);
  }
  return found;
}

/** The metadata type of an info annotation (the cloud assembly's `aws:cdk:info`). */
const INFO_METADATA = 'aws:cdk:info';

/** `types` entry of a CfnParameter. */
const PARAMETER = '::Parameter';

/** Lambda@Edge functions, recognised by their jsii name: no need to load aws_cloudfront. */
const EDGE_FUNCTION = 'aws-cdk-lib.aws_cloudfront.experimental.EdgeFunction';

/** Where jsii records a class's name (`fqn`) in its libraries. */
const JSII_RTTI = Symbol.for('jsii.rtti');

/**
 * Where the trees read by `Batch.tree` are kept, on the app's root construct: they live as
 * long as the app, and no longer.
 */
const TREES = Symbol.for('cdk-datadog.trees');

/** A plain object with one key, `Ref` or `Fn::*`: a CloudFormation intrinsic function. */
function isIntrinsic(value: any): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** The intrinsic functions whose value is a list; every other one gives a string. */
const LIST_INTRINSICS = ['Fn::GetAZs', 'Fn::Split', 'Fn::Cidr'];

/** Props with intrinsics as string (or list) tokens, as L1 classes take them. */
function asTokens(lib: any, value: any): any {
  if (isIntrinsic(value)) {
    return LIST_INTRINSICS.includes(Object.keys(value)[0])
      ? lib.Token.asList(value)
      : lib.Token.asString(value);
  }
  if (Array.isArray(value)) {
    return value.map((item: any) => asTokens(lib, item));
  }
  if (value !== null && typeof value === 'object' && value.constructor === Object) {
    const result: Record<string, any> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = asTokens(lib, item);
    }
    return result;
  }
  return value;
}

/** Whether an aws-cdk-lib tag aspect (`Tag`, `RemoveTag`) reaches a resource of this type. */
function tagReaches(aspect: any, resourceType: string): boolean {
  const props = aspect.props ?? {};
  const include: string[] = props.includeResourceTypes ?? [];
  const exclude: string[] = props.excludeResourceTypes ?? [];
  return (include.length === 0 || include.includes(resourceType)) && !exclude.includes(resourceType);
}

/**
 * The tags `Tags.of(...)` will give a resource once its aspects run: they have not run yet
 * when cdk-datadog reads the stack, at the first visit of the aspects.
 */
function pendingTags(lib: any, resource: any): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const scope of resource.node.scopes) {
    for (const aspect of lib.Aspects.of(scope).all) {
      if (aspect instanceof lib.Tag && tagReaches(aspect, resource.cfnResourceType)) {
        tags[aspect.key] = aspect.value;
      } else if (aspect instanceof lib.RemoveTag && tagReaches(aspect, resource.cfnResourceType)) {
        delete tags[aspect.key];
      }
    }
  }
  return tags;
}

/** The resource's tags with the pending ones applied, as CloudFormation's Key/Value list. */
function withPendingTags(rendered: any, pending: Record<string, string>): any {
  if (Object.keys(pending).length === 0) {
    return rendered;
  }
  const properties = { ...(rendered.Properties ?? {}) };
  const existing = Array.isArray(properties.Tags) ? properties.Tags : [];
  const byKey = new Map<string, any>(existing.map((tag: any) => [tag?.Key, tag]));
  for (const [key, value] of Object.entries(pending)) {
    byKey.set(key, { Key: key, Value: value });
  }
  properties.Tags = [...byKey.values()];
  return { ...rendered, Properties: properties };
}

/**
 * A resource's template entry as far as cdk-datadog reads it (`Type`, `Properties`,
 * `Metadata`), resolved in its stack, with its logical id.
 *
 * Without raw overrides (the common case), its properties are resolved and rendered as
 * `_toCloudFormation` renders them (resolved first, then converted by the L1's own
 * `renderProperties`), without the rest of the entry (`DependsOn`, policies), which
 * cost as much again. With raw overrides, the entry is `_toCloudFormation`'s, whose merge of
 * them (deletions, intrinsic functions in strings) is not redone here.
 */
function templateEntry(stack: any, resource: any): { logicalId: string; entry: any } {
  const overrides = resource.rawOverrides;
  if (overrides !== undefined && overrides !== null && Object.keys(overrides).length > 0) {
    const rendered = stack.resolve(resource._toCloudFormation());
    const logicalId = Object.keys(rendered.Resources)[0];
    return { logicalId, entry: rendered.Resources[logicalId] };
  }
  const entry: any = { Type: resource.cfnResourceType };
  const properties = resource.renderProperties(stack.resolve(resource.cfnProperties) ?? {});
  if (properties !== undefined && Object.values(properties).some((v: any) => v !== undefined)) {
    entry.Properties = properties;
  }
  const condition = conditionOf(stack, resource);
  if (condition !== undefined) {
    entry.Condition = condition;
  }
  const metadata = stack.resolve(resource.cfnOptions.metadata);
  if (metadata !== undefined && metadata !== null && Object.keys(metadata).length > 0) {
    entry.Metadata = metadata;
  }
  return { logicalId: stack.resolve(resource.logicalId), entry };
}

/** The logical id of the condition a resource is created under, if any. */
function conditionOf(stack: any, resource: any): string | undefined {
  const condition = resource.cfnOptions.condition;
  return condition ? stack.resolve(condition.logicalId) : undefined;
}

/** A short, stable hash of a text, for construct ids. */
function hashOf(text: string): string {
  let hash = 5381;
  for (let i = 0; i < text.length; i++) {
    hash = ((hash * 33) ^ text.charCodeAt(i)) >>> 0;
  }
  return hash.toString(16).toUpperCase().padStart(8, '0');
}

/** The layer version at `arn` (a string or an intrinsic), imported once per stack. */
function importedLayer(lib: any, stack: any, arn: any): any {
  const id = `DatadogLayer${hashOf(JSON.stringify(arn))}`;
  return (
    stack.node.tryFindChild(id) ??
    lib.aws_lambda.LayerVersion.fromLayerVersionArn(stack, id, asTokens(lib, arn))
  );
}

/**
 * Variables as overrides of the L1 function: in one override of `Environment.Variables` that
 * keeps the variables already overridden there (one `addPropertyOverride` per variable cost
 * more than the rest of the write), or one by one when what is overridden there is not a
 * plain object.
 */
function overrideVariables(resource: any, variables: Array<[string, any]>): void {
  const existing = resource.rawOverrides?.Properties?.Environment?.Variables;
  if (existing === undefined || (existing !== null && existing.constructor === Object)) {
    resource.addPropertyOverride('Environment.Variables', {
      ...(existing ?? {}),
      ...Object.fromEntries(variables),
    });
    return;
  }
  for (const [key, value] of variables) {
    resource.addPropertyOverride(`Environment.Variables.${key}`, value);
  }
}

/** Where an instrumented L2 function keeps the names of the variables written as overrides. */
const OVERRIDDEN_VARIABLES = Symbol.for('cdk-datadog.overriddenVariables');

/** Marks `Function.prototype.addEnvironment` as wrapped by `letLaterVariablesWin`. */
const WRAPPED = Symbol.for('cdk-datadog.addEnvironmentWrapped');

/**
 * Variables are written as overrides of the L1 function, not through the L2's environment:
 * through the L2, each of synthesis's renderings of a function (references, template, tree)
 * validated and converted them again, a third more work per instrumented function. So that a
 * variable a user's aspect sets later with `addEnvironment` still wins, as it would have
 * through the L2, `Function.prototype.addEnvironment` is wrapped, once per aws-cdk-lib: on a
 * function instrumented here, it also overrides the variable it sets, when it is one written
 * here; on every other function it does only what it did. (jsii calls a method through the
 * class's prototype, so wrapping the instance would miss calls from Python.)
 */
function letLaterVariablesWin(lib: any, l2: any, keys: Iterable<string>): void {
  const prototype = lib.aws_lambda.Function.prototype;
  if (!prototype.addEnvironment[WRAPPED]) {
    const addEnvironment = prototype.addEnvironment;
    prototype.addEnvironment = function (this: any, key: string, value: string, options?: any) {
      const result = addEnvironment.call(this, key, value, options);
      const written = Object.prototype.hasOwnProperty.call(this, OVERRIDDEN_VARIABLES)
        ? this[OVERRIDDEN_VARIABLES]
        : undefined;
      if (written?.has(key)) {
        this.node.defaultChild.addPropertyOverride(`Environment.Variables.${key}`, value);
      }
      return result;
    };
    prototype.addEnvironment[WRAPPED] = true;
  }
  if (!Object.prototype.hasOwnProperty.call(l2, OVERRIDDEN_VARIABLES)) {
    l2[OVERRIDDEN_VARIABLES] = new Set<string>();
  }
  const written: Set<string> = l2[OVERRIDDEN_VARIABLES];
  for (const key of keys) {
    written.add(key);
  }
}

/** An aspect that calls `delegate.visit` once, on the first node it visits. */
class FirstVisit {
  private done = false;
  public constructor(private readonly delegate: any) {}
  public visit(node: any): void {
    if (!this.done) {
      this.done = true;
      this.delegate.visit(node);
    }
  }
}

/**
 * Batched reads and writes of L1 constructs for cdk-datadog.
 */
export class Batch {
  /**
   * Every construct under `scope`, itself first, in pre-order, with where each one hangs,
   * what CloudFormation type it renders to and what kind of scope it is.
   *
   * Only the constructs the caller works with cross into Python, each as a proxy (about 17 µs
   * apiece, which for the 6 constructs of each function cost more than the rest of the call):
   * `scope`, the Stages, Stacks and Lambda@Edge functions, and the resources of the `wanted`
   * types with their parents. The others stay here, kept with the app (`handle`), for
   * `readStack` to reach by their index.
   *
   * @param scope the construct whose tree to read
   * @param wantedJson a JSON array of the CloudFormation types whose resources (and the
   *   constructs they hang from) cross as proxies
   * @returns `handle`, for `readStack`; `nodes`, the proxies; `json`, a JSON object: `selected`
   *   (the index of each of `nodes`), `parents` (per construct, the index of its parent, -1
   *   for `scope`), `types` (its CloudFormation resource type, `::Parameter` for a
   *   CfnParameter, "" for anything else) and `kinds` (`Stage`, `Stack`, `EdgeFunction` or "")
   */
  public static tree(scope: any, wantedJson: string): any {
    const lib = cdk();
    const wanted = new Set<string>(JSON.parse(wantedJson));
    const nodes: any[] = scope.node.findAll();
    const indexes = new Map<any, number>();
    nodes.forEach((node: any, index: number) => indexes.set(node, index));
    const parents = nodes.map((node: any) => indexes.get(node.node.scope) ?? -1);
    parents[0] = -1;
    const types = nodes.map((node: any) => {
      if (lib.CfnResource.isCfnResource(node)) {
        return node.cfnResourceType;
      }
      return node instanceof lib.CfnParameter ? PARAMETER : '';
    });
    const kinds = nodes.map((node: any) => {
      if (lib.Stage.isStage(node)) {
        return 'Stage';
      }
      if (lib.Stack.isStack(node)) {
        return 'Stack';
      }
      return node.constructor?.[JSII_RTTI]?.fqn === EDGE_FUNCTION ? 'EdgeFunction' : '';
    });
    const crossing = new Set<number>([0]);
    types.forEach((type: string, index: number) => {
      if (kinds[index] !== '') {
        crossing.add(index);
      } else if (wanted.has(type)) {
        crossing.add(index);
        crossing.add(parents[index]);
      }
    });
    crossing.delete(-1);
    const selected = [...crossing].sort((a: number, b: number) => a - b);
    const root = scope.node.root;
    const trees: any[][] = (root[TREES] ??= []);
    trees.push(nodes);
    return {
      handle: trees.length - 1,
      nodes: selected.map((index: number) => nodes[index]),
      json: JSON.stringify({ selected, parents, types, kinds }),
    };
  }

  /**
   * The constructs under `scope` (itself included) that are instances of an aws-cdk-lib
   * class, in pre-order: what `findAll()` filtered in Python would give, without sending
   * every other construct across.
   *
   * @param className the class as `Stage` or `aws_lambda.CfnFunction`
   */
  public static instancesOf(scope: any, className: string): any[] {
    const found = awsCdkLibClass(cdk(), className);
    return scope.node.findAll().filter((node: any) => node instanceof found);
  }

  /**
   * Resources and parameters of a stack as CloudFormation renders them, in one call.
   *
   * Each resource is read as its template entry (`Type`, `Properties` with overrides and
   * tags, `Metadata`; see `templateEntry`), resolved in its own stack, with the tags of
   * `Tags.of(...)` aspects that have not run yet. Plain data crosses as one JSON string:
   * jsii's Python side converts every value of a structure one by one, which cost more than
   * the reading itself.
   *
   * @param scope the scope of a tree read by `tree`
   * @param handle that tree's handle
   * @param indexesJson a JSON object of indexes in that tree: `resources` (CfnResources),
   *   `parameters` (CfnParameters) and `shallow` (CfnResources of which only the type
   *   matters, such as IAM roles: read as `{Type}` alone, after `resources`)
   * @returns a JSON object: `resources`, per resource its `logicalId`, `resource`, `path`,
   *   `id` and `overridden` (the properties it has raw overrides of, deletions included); `parameters`, per parameter its `logicalId` and resolved `default`
   */
  public static readStack(scope: any, handle: number, indexesJson: string): string {
    const lib = cdk();
    const nodes = Batch.nodesOf(scope, handle);
    const indexes = JSON.parse(indexesJson);
    const at = (index: number): any => nodes[index];
    const readings = (indexes.resources ?? []).map(at).map((resource: any) => {
      const { logicalId, entry } = templateEntry(lib.Stack.of(resource), resource);
      const overridden = resource.rawOverrides?.Properties;
      return {
        logicalId,
        resource: withPendingTags(entry, pendingTags(lib, resource)),
        path: resource.node.path,
        id: resource.node.id,
        overridden:
          overridden !== null && typeof overridden === 'object' ? Object.keys(overridden) : [],
      };
    });
    for (const resource of (indexes.shallow ?? []).map(at)) {
      const stack = lib.Stack.of(resource);
      const condition = conditionOf(stack, resource);
      readings.push({
        logicalId: stack.resolve(resource.logicalId),
        resource: {
          Type: resource.cfnResourceType,
          ...(condition === undefined ? {} : { Condition: condition }),
        },
        path: resource.node.path,
        id: resource.node.id,
      });
    }
    const defaults = (indexes.parameters ?? []).map(at).map((parameter: any) => ({
      logicalId: lib.Stack.of(parameter).resolve(parameter.logicalId),
      default: lib.Stack.of(parameter).resolve(parameter.default),
    }));
    return JSON.stringify({ resources: readings, parameters: defaults });
  }

  /**
   * Writes a stack's plan in one call: the resources to add, then the changes to its
   * functions and to its other resources (state machines).
   *
   * @param stack the stack
   * @param owners per resource to add, the construct it hangs from
   * @param planJson a JSON object: `mappings` (name to CloudFormation mapping, created once per
   *   stack); `conditions` (name to condition expression, likewise); `resources`, per resource
   *   to add: `id` (construct id), `logicalId`, `l1` (the class as `aws_logs.CfnLogGroup`),
   *   `props` (as the class takes them; intrinsic functions as plain objects), and optionally
   *   `condition` (the name of the stack condition it is created under), `retain`, `dependsOn` (logical ids of resources added
   *   before it), `metadata` (key to value) and `acknowledge` (validation findings, `id` and
   *   `reason`); `functions`, per function: `environment` (variables to add, written as
   *   overrides that a later `addEnvironment` of the same variable overrides in turn), `layers`
   *   (layer ARNs to add through the L2), else `layersOverride` (the whole list, written as an
   *   override), `overrides` (property path to value), `metadata` (key to value) and `tags`; `others`, per other resource: `props`
   *   (L1 property to value), `tags` and `dependsOn`
   * @param functions the functions' L1 resources, in the order of `functions`
   * @param others the other L1 resources, in the order of `others`
   * @param priority the priority of the tags set here
   */
  public static writeStack(
    stack: any,
    owners: any[],
    planJson: string,
    functions: any[],
    others: any[],
    priority: number,
  ): void {
    const lib = cdk();
    const plan = JSON.parse(planJson);
    const specs: any[] = plan.resources ?? [];
    if (specs.length !== owners.length) {
      throw new Error(`${owners.length} owners but ${specs.length} resources`);
    }
    if ((plan.functions ?? []).length !== functions.length) {
      throw new Error(`${functions.length} functions but not as many changes`);
    }
    if ((plan.others ?? []).length !== others.length) {
      throw new Error(`${others.length} resources but not as many changes`);
    }
    for (const [name, mapping] of Object.entries(plan.mappings ?? {})) {
      if (!stack.node.tryFindChild(name)) {
        new lib.CfnMapping(stack, name, { mapping });
      }
    }
    for (const [name, expression] of Object.entries(plan.conditions ?? {})) {
      if (!stack.node.tryFindChild(name)) {
        const condition = new lib.CfnCondition(stack, name, {
          expression: lib.Token.asAny(expression),
        });
        condition.overrideLogicalId(name);
      }
    }
    const created = new Map<string, any>();
    const dependencyOf = (logicalId: string): any => {
      const found = created.get(logicalId);
      if (found === undefined) {
        throw new Error(`dependsOn ${logicalId} is not a resource added before it`);
      }
      return found;
    };
    specs.forEach((spec: any, position: number) => {
      const resource = spec.l1
        ? new (awsCdkLibClass(lib, spec.l1))(owners[position], spec.id, asTokens(lib, spec.props))
        : new lib.CfnResource(owners[position], spec.id, { type: spec.type, properties: spec.props });
      resource.overrideLogicalId(spec.logicalId);
      if (spec.condition) {
        resource.addOverride('Condition', spec.condition);
      }
      if (spec.retain) {
        resource.applyRemovalPolicy(lib.RemovalPolicy.RETAIN);
      }
      for (const logicalId of spec.dependsOn ?? []) {
        resource.node.addDependency(dependencyOf(logicalId));
      }
      for (const [key, value] of Object.entries(spec.metadata ?? {})) {
        resource.addMetadata(key, value);
      }
      for (const finding of spec.acknowledge ?? []) {
        if (lib.Validations !== undefined) {
          lib.Validations.of(resource).acknowledge({ id: finding.id, reason: finding.reason });
        }
      }
      created.set(spec.logicalId, resource);
    });
    functions.forEach((resource: any, index: number) => {
      const change = plan.functions[index];
      const l2 = resource.node.scope;
      const ownEnvironment =
        typeof l2?.addEnvironment === 'function' && l2.node.defaultChild === resource;
      const variables = Object.entries(change.environment ?? {});
      if (variables.length > 0) {
        overrideVariables(resource, variables);
      }
      if (ownEnvironment && variables.length > 0) {
        letLaterVariablesWin(lib, l2, variables.map(([key]) => key));
      }
      const layers: any[] = change.layers ?? [];
      if (layers.length > 0 && typeof l2?.addLayers === 'function' && ownEnvironment) {
        // through the L2: layers a user aspect adds later are kept, and a layer of another
        // stack stays a cross-stack reference
        l2.addLayers(...layers.map((arn: any) => importedLayer(lib, stack, arn)));
      } else if (change.layersOverride !== undefined) {
        resource.addPropertyOverride('Layers', change.layersOverride);
      }
      for (const [path, value] of Object.entries(change.overrides ?? {})) {
        resource.addPropertyOverride(path, value);
      }
      for (const [key, value] of Object.entries(change.metadata ?? {})) {
        resource.addMetadata(key, value);
      }
      Batch.tag(lib, resource, change.tags, priority);
    });
    others.forEach((resource: any, index: number) => {
      const change = plan.others[index];
      for (const [name, value] of Object.entries(change.props ?? {})) {
        resource[name] = asTokens(lib, value);
      }
      Batch.tag(lib, resource, change.tags, priority);
      for (const logicalId of change.dependsOn ?? []) {
        resource.node.addDependency(dependencyOf(logicalId));
      }
    });
  }

  /**
   * Adds an aspect to `scope` that calls `action.visit` once, at its first visit: the start
   * of the aspect invocation on `scope`, before any other aspect visits what is below it. The
   * aspect lives in Node, so the visits of every other node cost no call into Python.
   *
   * @param scope where to add it
   * @param action the aspect to call once
   * @param priority its priority
   */
  public static addFirstVisitAspect(scope: any, action: any, priority: number): void {
    cdk().Aspects.of(scope).add(new FirstVisit(action), { priority });
  }

  /**
   * CDK Annotations: `info`, `error`, or an acknowledgeable warning under its `id`.
   *
   * @param constructs per annotation, the construct it goes on
   * @param notesJson a JSON array, per annotation: `level`, `id` and `message`
   */
  public static annotate(constructs: any[], notesJson: string): void {
    const { Annotations } = cdk();
    const notes = JSON.parse(notesJson);
    if (!Array.isArray(notes) || notes.length !== constructs.length) {
      throw new Error(`${constructs.length} constructs but not as many notes`);
    }
    constructs.forEach((construct: any, index: number) => {
      const note = notes[index];
      if (note.level === 'info') {
        // what `Annotations.addInfo` records, without the stack trace it captures: that trace
        // would point here, not at the user's code, and it costs 0.1 ms per note
        if (!construct.node.metadata.some((entry: any) => entry.data === note.message)) {
          construct.node.addMetadata(INFO_METADATA, note.message);
        }
        return;
      }
      const annotations = Annotations.of(construct);
      if (note.level === 'error') {
        annotations.addError(note.message);
      } else {
        annotations.addWarningV2(note.id, note.message);
      }
    });
  }

  /** Tags through the resource's TagManager at `priority`: the user's (100) win. */
  private static tag(lib: any, resource: any, tags: Record<string, string>, priority: number): void {
    if (!tags || !lib.TagManager.isTaggable(resource)) {
      return;
    }
    for (const [key, value] of Object.entries(tags)) {
      resource.tags.setTag(key, value, priority);
    }
  }

  /** The constructs of the tree `tree(scope)` returned `handle` for. */
  private static nodesOf(scope: any, handle: number): any[] {
    const nodes = scope.node.root[TREES]?.[handle];
    if (!Array.isArray(nodes)) {
      throw new Error(`no tree ${handle} was read under ${scope.node.path || 'the app'}`);
    }
    return nodes;
  }

  private constructor() {}
}
