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

/**
 * Batched reads and writes of L1 constructs for cdk-datadog.
 */
export class Batch {
  /**
   * Every construct under `scope`, itself first, in pre-order, with where each one hangs.
   *
   * @returns `nodes`, and `parents`: a JSON array of the index in `nodes` of each one's
   *   parent (-1 for `scope`)
   */
  public static tree(scope: any): any {
    const nodes: any[] = scope.node.findAll();
    const indexes = new Map<any, number>();
    nodes.forEach((node: any, index: number) => indexes.set(node, index));
    const parents = nodes.map((node: any) => indexes.get(node.node.scope) ?? -1);
    parents[0] = -1;
    return { nodes, parents: JSON.stringify(parents) };
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
   * What the shell needs to know of each L1 resource, in one call.
   *
   * Plain data crosses as one JSON string: jsii's Python side converts every value of a
   * structure one by one, which cost more than the reading itself.
   *
   * @param resources CfnResource constructs
   * @returns `json`: per resource, `properties` resolved in its own stack, `logicalId`, `path`
   *   and `id`; `scopes`: per resource, its parent construct
   */
  public static readResources(resources: any[]): any {
    const { Stack } = cdk();
    const readings = resources.map((resource: any) => {
      const stack = Stack.of(resource);
      return {
        properties: stack.resolve(resource.cfnProperties),
        logicalId: stack.resolve(resource.logicalId),
        path: resource.node.path,
        id: resource.node.id,
      };
    });
    return {
      json: JSON.stringify(readings),
      scopes: resources.map((resource: any) => resource.node.scope),
    };
  }

  /**
   * The logical id of each CloudFormation element, resolved in its own stack.
   *
   * @param elements CfnElement constructs
   */
  public static logicalIds(elements: any[]): string[] {
    const { Stack } = cdk();
    return elements.map((element: any) => Stack.of(element).resolve(element.logicalId));
  }

  /**
   * `addOverride('Properties', override)` on each resource; CloudFormation rendering merges
   * it into the resource's own properties.
   *
   * @param resources CfnResource constructs
   * @param overridesJson a JSON array of one object per resource (tokens as their strings)
   */
  public static addPropertyOverrides(resources: any[], overridesJson: string): void {
    const overrides = JSON.parse(overridesJson);
    if (!Array.isArray(overrides)) {
      throw new Error('the overrides are not a JSON array');
    }
    if (resources.length !== overrides.length) {
      throw new Error(`${resources.length} resources but ${overrides.length} overrides`);
    }
    resources.forEach((resource: any, index: number) => {
      resource.addOverride('Properties', overrides[index]);
    });
  }

  /**
   * New L1 resources, in order.
   *
   * Typed L1 classes rather than a plain CfnResource, so that they are taggable like the
   * user's own resources (`Tags.of(stack)` reaches them).
   *
   * @param scopes per resource, the construct it hangs from
   * @param specsJson a JSON array, per resource: `id`, `l1` (the class as
   *   `aws_logs.CfnLogGroup`), `props` (camelCase, as the class takes them; an intrinsic
   *   function may be written as a plain object, such as `{Ref: id}`), and optionally
   *   `retain` (kept on stack deletion and replacement), `dependsOn` (indexes of earlier
   *   resources) and `attributes` (names whose `Fn::GetAtt` tokens to return)
   * @returns a JSON array, per resource: `ref` (its `Ref` token) and `attributes` (name to
   *   token)
   */
  public static createResources(scopes: any[], specsJson: string): string {
    const lib = cdk();
    const specs = JSON.parse(specsJson);
    if (!Array.isArray(specs) || specs.length !== scopes.length) {
      throw new Error(`${scopes.length} scopes but not as many resource specs`);
    }
    const created: any[] = [];
    const tokens = specs.map((spec: any, position: number) => {
      const L1 = awsCdkLibClass(lib, spec.l1);
      const resource = new L1(scopes[position], spec.id, asTokens(lib, spec.props));
      if (spec.retain) {
        resource.applyRemovalPolicy(lib.RemovalPolicy.RETAIN);
      }
      for (const index of spec.dependsOn ?? []) {
        if (!(index >= 0 && index < created.length)) {
          throw new Error(`dependsOn ${index} is not an earlier resource`);
        }
        resource.node.addDependency(created[index]);
      }
      created.push(resource);
      const attributes: Record<string, string> = {};
      for (const attribute of spec.attributes ?? []) {
        attributes[attribute] = resource.getAtt(attribute).toString();
      }
      return { ref: resource.ref, attributes };
    });
    return JSON.stringify(tokens);
  }

  /**
   * Tags through each resource's TagManager at a priority, so that tags set at a higher one
   * (the user's `Tags.of(...)`, 100) win whenever they are applied.
   *
   * @param resources taggable L1 resources
   * @param tagsJson a JSON array, per resource, of an object of tag keys to values
   * @param priority the priority of these tags
   */
  public static setTags(resources: any[], tagsJson: string, priority: number): void {
    const tags = JSON.parse(tagsJson);
    if (!Array.isArray(tags) || tags.length !== resources.length) {
      throw new Error(`${resources.length} resources but not as many sets of tags`);
    }
    resources.forEach((resource: any, index: number) => {
      for (const [key, value] of Object.entries(tags[index])) {
        resource.tags.setTag(key, value, priority);
      }
    });
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
      const annotations = Annotations.of(construct);
      if (note.level === 'info') {
        annotations.addInfo(note.message);
      } else if (note.level === 'error') {
        annotations.addError(note.message);
      } else {
        annotations.addWarningV2(note.id, note.message);
      }
    });
  }

  private constructor() {}
}
