"""Every diagnostic the engine can emit, with a stable id users can acknowledge or grep for.

A note kind has an id (`cdk-datadog:<Area>.<problem>`), a level, a one-line message template
and a longer explanation of what to do. The README's table of diagnostics is generated from
`NOTE_KINDS`, so the documentation cannot drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass

INFO = "info"
WARNING = "warning"
ERROR = "error"


@dataclass(frozen=True)
class NoteKind:
    id: str
    level: str
    message: str
    explanation: str


@dataclass(frozen=True)
class Note:
    """One diagnostic about one resource: its kind and the message with the values filled in."""

    kind: NoteKind
    message: str

    @property
    def id(self) -> str:
        return self.kind.id

    @property
    def level(self) -> str:
        return self.kind.level

    def __str__(self) -> str:
        return f"[{self.kind.id}] {self.message}"


def note(kind: NoteKind, /, **values: object) -> Note:
    return Note(kind, kind.message.format(**values))


def _kind(area_problem: str, level: str, message: str, explanation: str) -> NoteKind:
    return NoteKind(f"cdk-datadog:{area_problem}", level, message, explanation)


EXCLUDED = _kind(
    "Function.excluded",
    INFO,
    "not instrumented: excluded by {source}",
    "The function matched an `exclude` pattern (or was opted out); it is left exactly as it was.",
)
EDGE = _kind(
    "Function.edge",
    INFO,
    "not instrumented: Lambda@Edge functions allow neither environment variables nor layers",
    "Instrument Lambda@Edge functions in code (datadog-lambda library bundled in the package).",
)
IMAGE = _kind(
    "Function.containerImage",
    INFO,
    "container image: DD_* variables set, no layers and no handler change; the image must "
    "carry {carry}",
    "Lambda cannot attach layers to container-image functions. Install datadog-lambda (or "
    "datadog-lambda-js) in the image (and, with the extension, COPY the extension into "
    "/opt/extensions), and set the image's CMD to the Datadog wrapper.",
)
DEPLOY_TIME_FUNCTION = _kind(
    "Function.cdkDeployTime",
    INFO,
    "not instrumented: one of aws-cdk-lib's own deploy-time functions ({what})",
    "aws-cdk-lib adds these functions to run at deploy (custom resources, BucketDeployment, "
    "LogRetention, ...); they serve no traffic. Set `instrument_deploy_time_functions=True` to "
    "instrument them too.",
)
RUNTIME_UNSUPPORTED = _kind(
    "Runtime.unsupported",
    WARNING,
    "not instrumented: runtime {runtime!r} has no Datadog layer",
    "Datadog publishes layers for python3.8-3.14, nodejs18.x-26.x, java8.al2/11/17/21/25, "
    "dotnet6/8/10, ruby3.2-3.4 and ruby4.0, and custom runtimes (provided*). Move the "
    "function to one of them, or exclude it to silence this warning.",
)
RUNTIME_UNRESOLVED = _kind(
    "Runtime.unresolved",
    WARNING,
    "not instrumented: the runtime is not known at synthesis ({value})",
    "The runtime is a token or an intrinsic function that cannot be resolved before deploy. "
    "Give a literal runtime (or a parameter with a default) so the right layer can be chosen.",
)
ARCHITECTURE_UNRESOLVED = _kind(
    "Architecture.unresolved",
    WARNING,
    "not instrumented: the architecture is not known at synthesis ({value})",
    "Datadog's layers differ by architecture. Give a literal `x86_64` or `arm64`.",
)
ARCHITECTURE_NO_LAYER = _kind(
    "Architecture.noLayer",
    WARNING,
    "not instrumented: Datadog publishes no {architecture} layer for {runtime}",
    "Use the other architecture, or give the layer ARN to use with the `*_layer_arn` option.",
)
HANDLER_UNRESOLVED = _kind(
    "Handler.unresolved",
    WARNING,
    "not instrumented: the handler is not known at synthesis, so it cannot be redirected",
    "Give a literal handler, or set `redirect_handler=False` and wrap the handler in code.",
)
HANDLER_TOO_LONG = _kind(
    "Handler.tooLong",
    ERROR,
    "not instrumented: its handler is {length} characters long; Lambda allows {limit}",
    "Lambda refuses handlers over 128 characters, in the Handler property and therefore in "
    "DD_LAMBDA_HANDLER, which carries it. Shorten the module path or the function name.",
)
HANDLER_CONFLICT = _kind(
    "Handler.conflict",
    WARNING,
    "handler not redirected: DD_LAMBDA_HANDLER is already set to {value!r} but the handler is "
    "{handler!r}",
    "Either the function is half-instrumented by hand or DD_LAMBDA_HANDLER is stale. Remove "
    "DD_LAMBDA_HANDLER from the function (cdk-datadog sets it) or set the handler to the "
    "Datadog wrapper yourself.",
)
HANDLER_NEEDS_EXTENSION = _kind(
    "Handler.needsExtension",
    WARNING,
    "{family} functions are traced only with the Datadog Lambda Extension; without "
    "`extension_layer_version` the tracer layer is attached but never started",
    "Set `extension_layer_version` (and an API key source): the extension starts the tracer "
    "through AWS_LAMBDA_EXEC_WRAPPER.",
)
HANDLER_RUBY_WRAP_IN_CODE = _kind(
    "Handler.rubyWrapInCode",
    INFO,
    "Ruby handlers are not redirected: the handler must call Datadog::Lambda.wrap itself "
    "(require 'datadog/lambda') for Datadog's traces and metrics",
    "Datadog's Ruby library has no wrapper that a handler change or AWS_LAMBDA_EXEC_WRAPPER "
    "could start (/opt/datadog_wrapper configures Java and .NET only). Wrap the handler in "
    "code as Datadog's Ruby instructions show: `require 'datadog/lambda'`, call "
    "`Datadog::Lambda.configure_apm` once, and in the handler "
    "`Datadog::Lambda.wrap(event, context) do ... end`.",
)
LAYERS_NO_PUBLISHER = _kind(
    "Layers.noPublisherInPartition",
    ERROR,
    "not instrumented: Datadog publishes no layers in region {region!r} (partition {partition!r})",
    "Mirror the layers into an account of that partition and set `use_layers_from_account`, "
    "or give every layer with the `*_layer_arn` options.",
)
LAYERS_TOO_MANY = _kind(
    "Layers.tooMany",
    ERROR,
    "not instrumented: it already has {existing} layer(s) ({names}) and needs {added} more; "
    "Lambda allows at most 5",
    "Remove a layer, merge layers, or set `add_layers=False` and bundle the Datadog library "
    "in the function's package.",
)
LAYERS_WRONG = _kind(
    "Layers.mismatch",
    WARNING,
    "already carries Datadog layer {existing!r}, which does not match {runtime} on "
    "{architecture} (expected {expected!r}); no second layer added",
    "Remove the wrong Datadog layer from the function; cdk-datadog then attaches the right one.",
)
ENV_KEPT = _kind(
    "Environment.userValueKept",
    INFO,
    "kept the function's own value of {names}",
    "A DD_* variable set on the function always wins over options and defaults.",
)
ENV_TOO_LARGE = _kind(
    "Environment.tooLarge",
    ERROR,
    "not instrumented: its environment would be {size} bytes; Lambda allows 4096",
    "Lambda limits the total size of environment variable names and values to 4 KB. Shorten "
    "DD_TAGS or other variables, or move values out of the environment.",
)
API_KEY_PLAINTEXT = _kind(
    "ApiKey.plaintext",
    WARNING,
    "the Datadog API key given with `api_key` lands in clear text in the function's "
    "environment and the template",
    "Store the key in Secrets Manager (`api_key_secret_arn`), SSM (`api_key_ssm_arn`) or "
    "encrypt it with KMS (`api_kms_key`).",
)
API_KEY_KMS_UNKNOWN = _kind(
    "ApiKey.kmsKeyUnknown",
    WARNING,
    "could not read the KMS key ARN from `api_kms_key`; no kms:Decrypt permission granted",
    "Grant kms:Decrypt on the key that encrypted the API key to the function's role.",
)
API_KEY_NO_GRANT = _kind(
    "ApiKey.notGranted",
    INFO,
    "`grant_secret_read_access` is false: the function's role must already allow reading "
    "the API key",
    "Grant the read permission yourself, or remove `grant_secret_read_access=False`.",
)
API_KEY_SECRET_NODE_SYNC = _kind(
    "ApiKey.secretArnNeedsExtension",
    ERROR,
    "not instrumented: Node functions cannot read `api_key_secret_arn` when metrics are sent "
    "synchronously (flush_metrics_to_logs=False without the extension)",
    "Add the extension (`extension_layer_version`), or use `api_kms_key` / `api_key` for Node.",
)
LOGS_EXTENSION = _kind(
    "Logs.extensionShipsLogs",
    INFO,
    "the Datadog Lambda Extension ships logs; no Forwarder subscription added",
    "With the extension, logs, metrics and traces go straight to Datadog; a Forwarder "
    "subscription would send the logs twice.",
)
LOGS_GROUP_ADDED = _kind(
    "Logs.logGroupAdded",
    INFO,
    "added log group {log_group} as the function's LoggingConfig.LogGroup, with a "
    "subscription filter to the Forwarder; the function now logs there (CloudFormation names "
    "it <stack name>-{log_group}-<suffix>), not to /aws/lambda/<function name>",
    "A subscription needs a log group that exists at deploy, and /aws/lambda/<name> exists only "
    "after the first invocation of a new function. Give the function your own log group "
    "(`log_group=` in the CDK, LoggingConfig.LogGroup in templates) to choose it; cdk-datadog "
    "then subscribes it and adds nothing else.",
)
LOGS_TOO_MANY_FILTERS = _kind(
    "Logs.tooManySubscriptions",
    WARNING,
    "log group {log_group} already has {count} subscription filters; CloudWatch Logs allows 2, "
    "so it is not subscribed to the Forwarder",
    "Remove one of the existing subscription filters, or ship these logs another way (the "
    "Datadog Lambda Extension).",
)
LOGS_NO_FORWARDER = _kind(
    "Logs.noForwarder",
    INFO,
    "no `forwarder_arn`: this log group, given to add_forwarder_to_non_lambda_log_groups, is "
    "not subscribed",
    "Set `forwarder_arn` on the construct to subscribe them.",
)
LOGS_NOWHERE = _kind(
    "Logs.noDestination",
    WARNING,
    "metrics are written to the logs (DD_FLUSH_TO_LOG=true) but no Forwarder or extension "
    "ships them to Datadog",
    "Set `forwarder_arn` (the Datadog Forwarder function) or `extension_layer_version` "
    "with an API key source.",
)
FIPS_REGION_UNKNOWN = _kind(
    "Fips.regionUnknown",
    INFO,
    "the region is not known at synthesis, so the FIPS extension is not chosen automatically "
    "(it is in GovCloud); the standard extension layer is attached",
    "In an environment-agnostic stack the extension layer cannot follow the partition at "
    "deploy. For a GovCloud deploy set `is_fips_enabled=True` (or give the stack a region); "
    "set `is_fips_enabled=False` to silence this note. Datadog's Python, Node and Go "
    "libraries turn DD_LAMBDA_FIPS_MODE on by themselves in GovCloud.",
)
FIPS_SITE_NOT_GOV = _kind(
    "Fips.siteNotGovernment",
    INFO,
    "FIPS mode is on but the site is {site}; only the Datadog for Government sites "
    "(ddog-gov.com, us2.ddog-gov.com) have FIPS-compliant intake",
    "The FIPS extension and libraries use FIPS-validated cryptography whatever the site, but "
    "end-to-end FIPS compliance requires sending data to a government site. Set "
    "`site='ddog-gov.com'` if that is your Datadog account's site.",
)
SOURCE_CODE_TAGS_KEPT = _kind(
    "SourceCode.userTagsKept",
    INFO,
    "DD_TAGS set on the function is kept; git metadata for source code integration not added",
    "Add `git.commit.sha` and `git.repository_url` to your DD_TAGS, or let cdk-datadog set "
    "DD_TAGS from the `tags` option.",
)

SETTINGS_APPLIED = _kind(
    "Function.configured",
    INFO,
    "per-function settings from {source}: {names}",
    "Per-function settings win over the construct's options; a DD_* variable set on the "
    "function still wins over both.",
)
SETTINGS_INVALID = _kind(
    "Function.invalidSettings",
    ERROR,
    "not instrumented: its settings from {source} are invalid: {problem}",
    "Fix the per-function setting named in the message.",
)
TEMPLATE_PARAMETER_DEFAULT = _kind(
    "Template.parameterDefault",
    INFO,
    "{property} comes from parameter {parameter!r}; its default {value!r} was used",
    "A deploy that passes another value for the parameter gets layers chosen for the default. "
    "Give the property a literal value to make the choice explicit.",
)
PROPERTY_UNWRITABLE = _kind(
    "Function.propertyUnwritable",
    WARNING,
    "not instrumented: {property} is {value}, which cdk-datadog cannot extend without "
    "breaking the template",
    "cdk-datadog writes inside plain values, each branch of an `Fn::If`, and lists given by an "
    "intrinsic function (through `Fn::Split`/`Fn::Join`). Give the property a literal value or "
    "an `Fn::If` of literal values, or instrument the function yourself.",
)
PROPERTY_NOT_WRITTEN = _kind(
    "Function.propertyNotWritten",
    WARNING,
    "{property} is {value}, which cdk-datadog cannot extend: left as it is, without "
    "Datadog's additions",
    "The function is instrumented, but its tags (or tracing mode) are not: unified service "
    "tags then come from the DD_* variables alone. Give the property a literal value or an "
    "`Fn::If` of literal values to have them added.",
)
LAYERS_FROM_LIST_EXPRESSION = _kind(
    "Function.layersFromExpression",
    INFO,
    "its Layers come from {value}; Datadog's layers are added to that list with Fn::Split/Fn::Join",
    "The list the expression gives must not be empty at deploy (an empty list parameter gives "
    "an empty layer ARN, which Lambda refuses with or without cdk-datadog).",
)
LOGS_CONFIG_UNREADABLE = _kind(
    "Logs.configUnreadable",
    WARNING,
    "its log group cannot be told before deploy ({property} is {value}): not subscribed to "
    "the Forwarder",
    "cdk-datadog subscribes the log group a function's LoggingConfig names, or gives it one. "
    "Give LoggingConfig a literal log group (or a Ref to one), or subscribe the groups of each "
    "branch yourself.",
)
GRANT_ROLE_ELSEWHERE = _kind(
    "ApiKey.roleOutsideStack",
    WARNING,
    "its role is not defined in this stack; grant it {actions} on {resources} yourself",
    "cdk-datadog attaches the API key permission to roles of the stack (for SAM, the role SAM "
    "generates). For a role defined elsewhere, add the statement there.",
)
STEP_FUNCTIONS_ROLE_OUTSIDE_STACK = _kind(
    "StepFunctions.roleOutsideStack",
    WARNING,
    "logging added, but its role is not defined in this stack: grant it the log delivery "
    "permissions (logs:CreateLogDelivery and the others, on *) yourself",
    "Step Functions needs these permissions on the state machine's role to deliver logs. Add "
    "them where the role is defined.",
)
STEP_FUNCTIONS_LOGGING = _kind(
    "StepFunctions.loggingAdded",
    INFO,
    "logging enabled at level ALL with execution data into log group {log_group} (kept one "
    "week), for Datadog's traces",
    "Give the state machine your own logging configuration to choose the group; it is kept.",
)
STEP_FUNCTIONS_LOGGING_RAISED = _kind(
    "StepFunctions.loggingRaised",
    INFO,
    "its logging configuration now logs at level ALL with execution data (was {was}), for "
    "Datadog's traces; its destination is kept",
    "Datadog builds a state machine's traces from its execution logs, which need level ALL "
    "and execution data. `enable_step_functions_tracing` asks for them; set it to false (or "
    "`step_functions=False`) to keep your level.",
)
STEP_FUNCTIONS_LOGS_NOT_SHIPPED = _kind(
    "StepFunctions.logsNotShipped",
    INFO,
    "no `forwarder_arn`: its log group {log_group} is not subscribed; Datadog's traces need "
    "something to ship it",
    "Datadog reads Step Functions traces from the execution logs that the Datadog Forwarder "
    "ships. Set `forwarder_arn` to subscribe the group, or let the Forwarder's automatic "
    "triggers subscribe /aws/vendedlogs/states/ log groups.",
)
STEP_FUNCTIONS_TRACES_MERGED = _kind(
    "StepFunctions.tracesMerged",
    INFO,
    "definition rewritten so that {count} task(s) pass Datadog's context to what they start "
    "({tasks}): their traces merge with the state machine's",
    "Lambda tasks pass the execution context (Execution, State, StateMachine) in their "
    "payload, nested executions in a CONTEXT field of their input, as Datadog's 'Merge Step "
    "Functions and Lambda Traces' shows. Set `merge_step_function_and_lambda_traces=False` "
    "to keep definitions as they are.",
)
STEP_FUNCTIONS_ALREADY_MERGED = _kind(
    "StepFunctions.alreadyMerged",
    INFO,
    "its tasks already pass Datadog's context ({tasks}); definition left as it is",
    "The definition carries the execution context as Datadog documents it (by hand, with "
    "DatadogStepFunctions' payload helpers, or from an earlier run); nothing to add.",
)
STEP_FUNCTIONS_TASKS_NOT_MERGED = _kind(
    "StepFunctions.tasksNotMerged",
    WARNING,
    "task(s) left as they are, their traces will not merge with the state machine's: {tasks}",
    "A task whose payload or input has a shape of its own cannot take the context without "
    "changing what it sends. Add it yourself: for a Lambda task, `Execution.$: $$.Execution`, "
    "`State.$: $$.State`, `StateMachine.$: $$.StateMachine` in its payload (or `Payload.$: "
    "States.JsonMerge($$, $, false)`); for a nested execution, an Input object with `CONTEXT.$: "
    "$$['Execution', 'State', 'StateMachine']` (DatadogStepFunctions' helpers build both); for "
    "JSONata states, the Arguments Datadog's 'Merge Step Functions and Lambda Traces' shows.",
)
STEP_FUNCTIONS_DEFINITION_NOT_READ = _kind(
    "StepFunctions.definitionNotRead",
    WARNING,
    "definition left as it is, its traces will not merge: it is {form}",
    "cdk-datadog rewrites a definition it can read at synthesis: an object, JSON text, or "
    "Fn::Sub / Fn::Join of JSON text and intrinsic functions naming resources of the same "
    "stack. Give the definition inline, or add the context to its tasks yourself "
    "(DatadogStepFunctions' payload helpers).",
)
MONITORS_REGISTRY_TYPE = _kind(
    "Monitors.registryType",
    INFO,
    "added {count} Datadog::Monitors::Monitor resource(s); CloudFormation creates them only "
    "where that registry type is activated",
    "Datadog::Monitors::Monitor is a third-party CloudFormation registry type: activate it once "
    "per account and region, with a Datadog API key and application key (and the API URL of "
    "a site other than US1) in its type configuration, as Datadog's 'Datadog-Amazon "
    "CloudFormation' guide shows, before deploying.",
)
NETWORK_NO_EGRESS = _kind(
    "Network.noEgress",
    WARNING,
    "runs in subnet(s) {subnets} of this stack without a route out: it cannot reach Datadog "
    "({site}); add {remedies}",
    "A function in a VPC reaches the internet only through a 0.0.0.0/0 route to a NAT gateway "
    "(or a transit gateway, a firewall or proxy instance); a route to an internet gateway "
    "does not do it, as Lambda gives functions no public IP. The Datadog Lambda Extension and "
    "libraries that send data themselves need one, or Datadog's PrivateLink endpoints for the "
    "site, or a proxy in DD_PROXY_HTTPS (reading an API key from Secrets Manager, SSM or KMS "
    "also needs their VPC endpoints). Functions whose metrics go through the Forwarder "
    "(DD_FLUSH_TO_LOG=true without the extension) call out for nothing and get no warning.",
)
API_GATEWAY_EXECUTION_LOGS = _kind(
    "ApiGateway.executionLogGroupDeclared",
    INFO,
    "declared the execution log group API-Gateway-Execution-Logs_<restApiId>/<stage> to "
    "subscribe it to the Forwarder",
    "API Gateway creates that group at its first log; declaring it lets the subscription be "
    "deployed with the stage. If the group already exists, turn subscribe_to_execution_logs "
    "off for this stack and subscribe it by hand.",
)
STACK_TOO_MANY_RESOURCES = _kind(
    "Stack.tooManyResources",
    ERROR,
    "Forwarder subscriptions for {count} function(s) would add {added} resources and take this "
    "stack to {total} (CloudFormation allows 500); they were not added",
    "Each subscribed function needs a subscription filter (and a log group when it has none). "
    "Use the Datadog Lambda Extension (`extension_layer_version`), which adds no resource per "
    "function, or split the stack.",
)
STACK_NEAR_LIMIT = _kind(
    "Stack.nearResourceLimit",
    WARNING,
    "instrumentation takes this stack to {total} resources, close to CloudFormation's 500",
    "A stack over 500 resources cannot be deployed. Use the extension rather than Forwarder "
    "subscriptions, or split the stack before it grows further.",
)

NOTE_KINDS: tuple[NoteKind, ...] = tuple(
    value for value in globals().values() if isinstance(value, NoteKind)
)
