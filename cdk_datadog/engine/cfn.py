"""One reader of CloudFormation-shaped resources, for every front end.

The CDK shell reads its constructs as CloudFormation (`Type`, `Properties` in PascalCase,
`Metadata`), the template shell reads templates as they are, and `report` and the lint rules
read finished templates. All of them ask the same questions here: which log group is this
function's, is that group subscribed, is the function Lambda@Edge, is it opted out, is it one
of CDK's own deploy-time functions, what is its role called. Answering them once is what keeps
the front ends from disagreeing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

LAMBDA_FUNCTION = "AWS::Lambda::Function"
SERVERLESS_FUNCTION = "AWS::Serverless::Function"
FUNCTION_TYPES = (LAMBDA_FUNCTION, SERVERLESS_FUNCTION)
LOG_GROUP = "AWS::Logs::LogGroup"
LOG_RETENTION = "Custom::LogRetention"
SUBSCRIPTION_FILTER = "AWS::Logs::SubscriptionFilter"
STATE_MACHINE = "AWS::StepFunctions::StateMachine"
SERVERLESS_STATE_MACHINE = "AWS::Serverless::StateMachine"
STATE_MACHINE_TYPES = (STATE_MACHINE, SERVERLESS_STATE_MACHINE)
IAM_ROLE = "AWS::IAM::Role"
DISTRIBUTION = "AWS::CloudFront::Distribution"
LAMBDA_VERSION = "AWS::Lambda::Version"
CDK_PATH = "aws:cdk:path"
OPT_OUT_TAG = "dd:instrument"
LAMBDA_LOG_PREFIX = "/aws/lambda/"

_SUB_REFERENCE = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z]+)?\}")


def properties_of(resource: Mapping[str, Any]) -> dict[str, Any]:
    properties = resource.get("Properties")
    return properties if isinstance(properties, dict) else {}


def type_of(resource: Any) -> str | None:
    return resource.get("Type") if isinstance(resource, Mapping) else None


def cdk_path(resource: Mapping[str, Any]) -> str | None:
    """The construct path aws-cdk-lib records in a resource's Metadata."""
    metadata = resource.get("Metadata")
    path = metadata.get(CDK_PATH) if isinstance(metadata, Mapping) else None
    return path if isinstance(path, str) else None


def construct_path(logical_id: str, resource: Mapping[str, Any], paths: Mapping[str, str]) -> str:
    """The construct path users wrote (the L2's, not its `Resource` child's): as the CDK shell
    gives it, else as aws-cdk-lib recorded it in a synthesized template, else the logical id.
    Names derived from it are then the same whichever front end instruments the stack."""
    path = paths.get(logical_id) or cdk_path(resource)
    if path is None:
        return logical_id
    return path[: -len("/Resource")] if path.endswith("/Resource") else path


def referenced_id(value: Any) -> str | None:
    """The logical id a `Ref` or `Fn::GetAtt` points at (SAM's `Fn.Version` reads as `Fn`)."""
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    if isinstance(value.get("Ref"), str):
        return value["Ref"].split(".")[0]
    target = value.get("Fn::GetAtt")
    if isinstance(target, list) and target and isinstance(target[0], str):
        return target[0]
    if isinstance(target, str):
        return target.split(".")[0]
    return None


def referenced_ids(value: Any) -> set[str]:
    """Every logical id a value points at: Ref, GetAtt, and names inside Fn::Sub strings."""
    found = set()
    single = referenced_id(value)
    if single is not None:
        found.add(single)
    elif isinstance(value, Mapping):
        if "Fn::Sub" in value:
            sub = value["Fn::Sub"]
            text = sub[0] if isinstance(sub, list) and sub else sub
            if isinstance(text, str):
                found.update(_SUB_REFERENCE.findall(text))
        for item in value.values():
            found |= referenced_ids(item)
    elif isinstance(value, list):
        for item in value:
            found |= referenced_ids(item)
    return found


def tags_of(properties: Mapping[str, Any]) -> dict[Any, Any]:
    """A resource's tags whose key is a literal, as a dict, from a Key/Value list
    (CloudFormation) or a map (SAM); a tag whose key is an intrinsic function is not one the
    engine can read."""
    tags = properties.get("Tags")
    if isinstance(tags, Mapping):
        return {key: value for key, value in tags.items() if isinstance(key, str)}
    if isinstance(tags, list):
        return {
            tag["Key"]: tag.get("Value")
            for tag in tags
            if isinstance(tag, Mapping) and isinstance(tag.get("Key"), str)
        }
    return {}


def datadog_metadata(resource: Mapping[str, Any]) -> dict[str, Any] | None:
    """`Metadata: {Datadog: {...}}`, the per-function settings of templates."""
    metadata = resource.get("Metadata")
    block = metadata.get("Datadog") if isinstance(metadata, Mapping) else None
    return dict(block) if isinstance(block, Mapping) else None


def opt_out(resource: Mapping[str, Any], properties: Mapping[str, Any] | None = None) -> str | None:
    """Where an opt-out comes from (`Metadata Datadog.Instrument: false` or the tag
    `dd:instrument=false`), or None. `properties` is the read view (SAM Globals merged)."""
    block = datadog_metadata(resource)
    if block is not None and str(block.get("Instrument", "")).lower() == "false":
        return "Metadata Datadog.Instrument: false"
    tags = tags_of(properties if properties is not None else properties_of(resource))
    if str(tags.get(OPT_OUT_TAG, "")).lower() == "false":
        return f"tag {OPT_OUT_TAG}=false"
    return None


def canonical(value: Any) -> str:
    """A stable text form of a value, to compare intrinsics."""
    return json.dumps(value, sort_keys=True, default=str)


# --- log groups -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogGroup:
    """A log group as a function or a filter names it.

    `key` identifies the group however it is written: `id:<logical id>` for a group the stack
    defines, `name:<name>` for a literal name the stack does not define, `lambda:<logical id>`
    for a function's default group `/aws/lambda/<name>` when the stack does not define it, and
    `expr:<...>` for anything else. `value` is what a `LogGroupName` property takes.
    """

    key: str
    value: Any

    @property
    def logical_id(self) -> str | None:
        return self.key[3:] if self.key.startswith("id:") else None

    @property
    def in_stack(self) -> bool:
        return self.logical_id is not None


@dataclass
class LogGroups:
    """The log groups and subscription filters of a stack, indexed once."""

    #: log group logical id -> its LogGroupName (None when CloudFormation names it)
    names: dict[str, Any] = field(default_factory=dict)
    #: literal or canonical name -> logical id of the group with that name
    by_name: dict[str, str] = field(default_factory=dict)
    #: group key -> [(filter logical id, destination)]
    filters: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    #: `Custom::LogRetention` logical id -> the LogGroupName it manages (aws-cdk-lib's
    #: `log_retention`, which creates the group and sets its retention)
    retentions: dict[str, Any] = field(default_factory=dict)

    def filters_on(self, group: LogGroup, ignoring: frozenset[str] = frozenset()) -> int:
        return sum(1 for lid, _ in self.filters.get(group.key, ()) if lid not in ignoring)

    def subscribed(self, group: LogGroup, destination: Any = None) -> bool:
        """Whether a filter sends the group somewhere (to `destination`, when given)."""
        found = self.filters.get(group.key, ())
        if destination is None:
            return bool(found)
        wanted = canonical(destination)
        return any(canonical(target) == wanted for _, target in found)


def index_log_groups(resources: Mapping[str, Any]) -> LogGroups:
    groups = LogGroups()
    for logical_id, resource in resources.items():
        if type_of(resource) == LOG_RETENTION:
            groups.retentions[logical_id] = properties_of(resource).get("LogGroupName")
        if type_of(resource) == LOG_GROUP:
            name = properties_of(resource).get("LogGroupName")
            groups.names[logical_id] = name
            if name is not None:
                groups.by_name[name if isinstance(name, str) else canonical(name)] = logical_id
    for logical_id, resource in resources.items():
        if type_of(resource) == SUBSCRIPTION_FILTER:
            properties = properties_of(resource)
            group = log_group(properties.get("LogGroupName"), groups)
            if group is not None:
                groups.filters.setdefault(group.key, []).append(
                    (logical_id, properties.get("DestinationArn"))
                )
    return groups


def _lambda_default_owner(value: Any) -> str | None:
    """`Fn` for `/aws/lambda/${Fn}` or `Fn::Join ["", ["/aws/lambda/", Ref Fn]]`."""
    if isinstance(value, Mapping) and isinstance(value.get("Fn::Sub"), str):
        match = re.fullmatch(r"/aws/lambda/\$\{([A-Za-z0-9]+)\}", value["Fn::Sub"])
        return match.group(1) if match else None
    join = value.get("Fn::Join") if isinstance(value, Mapping) else None
    if isinstance(join, list) and len(join) == 2 and join[0] == "" and isinstance(join[1], list):
        parts = join[1]
        if len(parts) == 2 and parts[0] == LAMBDA_LOG_PREFIX and isinstance(parts[1], Mapping):
            ref = parts[1].get("Ref")
            return ref if isinstance(ref, str) else None
    return None


def log_group(value: Any, groups: LogGroups) -> LogGroup | None:
    """The group a `LogGroupName` (or `LoggingConfig.LogGroup`) value names, however written:
    a literal name, `Ref`, `Fn::GetAtt`, `Fn::Sub` or `Fn::Join`."""
    if value is None:
        return None
    target = referenced_id(value)
    if target is not None and target in groups.retentions and "Fn::GetAtt" in value:
        # `Fn::GetAtt [<LogRetention>, LogGroupName]`, as the reference construct names it
        found = log_group(groups.retentions[target], groups)
        return None if found is None else LogGroup(found.key, value)
    if target is not None and target in groups.names:
        return LogGroup(f"id:{target}", {"Ref": target})
    text = value if isinstance(value, str) else canonical(value)
    if text in groups.by_name:
        found = groups.by_name[text]
        return LogGroup(f"id:{found}", {"Ref": found})
    if isinstance(value, str):
        return LogGroup(f"name:{value}", value)
    owner = _lambda_default_owner(value)
    if owner is not None:
        return LogGroup(f"lambda:{owner}", value)
    return LogGroup(f"expr:{text}", value)


class UnreadableLogging(Exception):
    """A function's `LoggingConfig` names different log groups under different conditions,
    or is an intrinsic function that names none the engine can tell."""

    def __init__(self, prop: str, value: Any) -> None:
        super().__init__(prop)
        self.prop = prop
        self.value = value


def _branches(value: Any) -> list[Any]:
    """The values an `Fn::If` (nested or not) may take; `AWS::NoValue` as None."""
    if isinstance(value, Mapping) and len(value) == 1 and "Fn::If" in value:
        branches = value["Fn::If"]
        if isinstance(branches, list) and len(branches) == 3:
            return [*_branches(branches[1]), *_branches(branches[2])]
    if isinstance(value, Mapping) and value == {"Ref": "AWS::NoValue"}:
        return [None]
    return [value]


def explicit_log_group(properties: Mapping[str, Any]) -> Any:
    """The function's `LoggingConfig.LogGroup`, or None; the same group under every condition
    when `LoggingConfig` (or its `LogGroup`) is an `Fn::If`.

    :raises UnreadableLogging: when the branches name different groups, or `LoggingConfig` is
        another intrinsic function.
    """
    found = []
    for logging in _branches(properties.get("LoggingConfig")):
        if logging is not None and (not isinstance(logging, Mapping) or _is_intrinsic(logging)):
            raise UnreadableLogging("LoggingConfig", properties.get("LoggingConfig"))
        groups = _branches(logging.get("LogGroup")) if logging is not None else [None]
        found.extend(groups)
    distinct = {canonical(group) for group in found}
    if len(distinct) > 1:
        raise UnreadableLogging("LoggingConfig.LogGroup", properties.get("LoggingConfig"))
    return found[0] if found else None


def _is_intrinsic(value: Mapping[str, Any]) -> bool:
    return len(value) == 1 and str(next(iter(value))).startswith(("Ref", "Fn::"))


def function_log_group(
    logical_id: str, properties: Mapping[str, Any], groups: LogGroups
) -> LogGroup | None:
    """The log group a function writes to, when it can be named before deploy.

    Its `LoggingConfig.LogGroup`, else a group the stack defines as `/aws/lambda/<name>` (the
    Serverless Framework's, by literal FunctionName or `!Sub /aws/lambda/${Fn}`). None when the
    function writes to a default group the stack does not define.
    """
    explicit = explicit_log_group(properties)
    if explicit is not None:
        return log_group(explicit, groups)
    name = _name_text(properties.get("FunctionName"))
    for group_id, group_name in groups.names.items():
        if _lambda_default_owner(group_name) == logical_id or (
            name is not None and _name_text(group_name) == f"{LAMBDA_LOG_PREFIX}{name}"
        ):
            return LogGroup(f"id:{group_id}", {"Ref": group_id})
    for retention_id, group_name in sorted(groups.retentions.items()):
        if _lambda_default_owner(group_name) == logical_id or (
            name is not None and _name_text(group_name) == f"{LAMBDA_LOG_PREFIX}{name}"
        ):
            # the group aws-cdk-lib's log_retention creates: its name through the custom
            # resource, so that the filter waits for the group to exist
            return LogGroup(f"lambda:{logical_id}", {"Fn::GetAtt": [retention_id, "LogGroupName"]})
    return None


def _name_text(value: Any) -> str | None:
    """A name as `Fn::Sub` text: a literal as it is, `Ref P` as `${P}`, an `Fn::Sub` string's
    text; None for anything else. Names written either way then compare equal."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and len(value) == 1:
        if isinstance(value.get("Ref"), str):
            return "${" + value["Ref"] + "}"
        if isinstance(value.get("Fn::Sub"), str):
            return value["Fn::Sub"]
    return None


def function_subscribed(
    logical_id: str, properties: Mapping[str, Any], groups: LogGroups, destination: Any = None
) -> bool:
    """Whether a subscription filter of the stack sends the function's log group somewhere (to
    `destination`, when given), however the function and the filter name that group.

    The group is the function's `LoggingConfig.LogGroup` when it has one; otherwise its default
    group `/aws/lambda/<name>`, which a filter may name by the stack's group for it (`Ref`,
    `Fn::GetAtt`), by `Fn::Sub`/`Fn::Join` on the function's `Ref`, or literally from its
    `FunctionName`. `report` and the lint rules ask this of finished templates.
    """
    try:
        explicit = explicit_log_group(properties)
    except UnreadableLogging:
        return False
    if explicit is not None:
        group = log_group(explicit, groups)
        return group is not None and groups.subscribed(group, destination)
    candidates = [default_log_group(logical_id)]
    declared = function_log_group(logical_id, properties, groups)
    if declared is not None:
        candidates.append(declared)
    name = properties.get("FunctionName")
    if isinstance(name, str):
        candidates.append(LogGroup(f"name:{LAMBDA_LOG_PREFIX}{name}", f"{LAMBDA_LOG_PREFIX}{name}"))
    return any(groups.subscribed(group, destination) for group in candidates)


def default_log_group(logical_id: str) -> LogGroup:
    """The default group of a function the stack does not define: `/aws/lambda/<name>`."""
    return LogGroup(
        f"lambda:{logical_id}",
        {"Fn::Join": ["", [LAMBDA_LOG_PREFIX, {"Ref": logical_id}]]},
    )


def log_group_arn(group: LogGroup) -> Any:
    """The ARN of a group, for a permission's SourceArn."""
    if group.logical_id is not None:
        return {"Fn::GetAtt": [group.logical_id, "Arn"]}
    if isinstance(group.value, str):
        return {
            "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
            f"{group.value}:*"
        }
    return {
        "Fn::Join": [
            "",
            [
                {"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:"},
                "log-group:",
                group.value,
                ":*",
            ],
        ]
    }


# --- Lambda@Edge ------------------------------------------------------------------------------


def _associations(value: Any) -> list[Any]:
    """Every Lambda ARN a distribution config associates, however deep."""
    found = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "LambdaFunctionAssociations" and isinstance(item, list):
                found.extend(
                    assoc.get("LambdaFunctionARN") for assoc in item if isinstance(assoc, Mapping)
                )
            else:
                found.extend(_associations(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_associations(item))
    return found


def edge_functions(resources: Mapping[str, Any]) -> frozenset[str]:
    """Logical ids of the functions a CloudFront distribution of the stack uses as
    Lambda@Edge, directly or through a version."""
    referenced: set[str] = set()
    for resource in resources.values():
        if type_of(resource) == DISTRIBUTION:
            for arn in _associations(properties_of(resource)):
                referenced |= referenced_ids(arn)
    functions = set()
    for logical_id in referenced:
        resource = resources.get(logical_id)
        if type_of(resource) == LAMBDA_VERSION:
            functions |= referenced_ids(properties_of(resource).get("FunctionName"))
        elif resource is not None:
            functions.add(logical_id)
    return frozenset(functions)


# --- roles ------------------------------------------------------------------------------------


def role_name_from_arn(arn: Any) -> Any:
    """A role's name from its ARN, as IAM policies' `Roles` want it (paths dropped)."""
    if isinstance(arn, str):
        return arn.rsplit("/", 1)[-1]
    return {
        "Fn::Select": [
            1,
            {"Fn::Split": ["/", {"Fn::Select": [5, {"Fn::Split": [":", arn]}]}]},
        ]
    }


def role_name(
    logical_id: str, resource: Mapping[str, Any], resources: Mapping[str, Any]
) -> Any | None:
    """The name of a function's or state machine's role, for an IAM policy's `Roles`, or None
    when the role is a resource of another stack (it must be granted there).

    A role of the stack is a `Ref`; SAM generates `<logical id>Role` when none is given; a
    literal ARN gives its name; a parameter or an import gives an expression on the ARN.
    """
    properties = properties_of(resource)
    key = "RoleArn" if type_of(resource) == STATE_MACHINE else "Role"
    role = properties.get(key)
    if role is None:
        if type_of(resource) in (SERVERLESS_FUNCTION, SERVERLESS_STATE_MACHINE):
            return {"Ref": f"{logical_id}Role"}
        return None
    if isinstance(role, str):
        return role_name_from_arn(role) if ":role/" in role else None
    target = referenced_id(role)
    if target is not None and "Fn::GetAtt" in role:
        found = resources.get(target)
        return {"Ref": target} if type_of(found) == IAM_ROLE else None
    return role_name_from_arn(role)
