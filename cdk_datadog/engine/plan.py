"""What the engine decides for one function: a Plan to apply, or a Skip with the reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdk_datadog.engine.notes import Note


@dataclass(frozen=True)
class LayerArn:
    """A layer version ARN whose region, partition or account may only be known at deploy.

    `None` parts are rendered by the front end from the deploy-time values (`AWS::Region`,
    `AWS::Partition`, and the Datadog publisher account of that partition).
    """

    name: str
    version: int | None = None
    region: str | None = None
    partition: str | None = None
    account: str | None = None
    #: an ARN given as-is by the user (`*_layer_arn`); other fields are then informative
    literal: str | None = None

    @property
    def is_resolved(self) -> bool:
        return self.literal is not None or None not in (
            self.region,
            self.partition,
            self.account,
        )

    @property
    def arn(self) -> str:
        """The ARN, with `${AWS::Region}`-style placeholders for parts known only at deploy."""
        if self.literal is not None:
            return self.literal
        partition = self.partition or "${AWS::Partition}"
        region = self.region or "${AWS::Region}"
        account = self.account or "${DatadogAccount}"
        return f"arn:{partition}:lambda:{region}:{account}:layer:{self.name}:{self.version}"


@dataclass(frozen=True)
class Grant:
    """An IAM permission the function's role needs to read its API key."""

    actions: tuple[str, ...]
    resources: tuple[str, ...]
    #: the option the grant comes from, for messages
    option: str


@dataclass(frozen=True)
class Written:
    """What cdk-datadog wrote on a function (recorded in its `Metadata`, `RECORD_KEY`): on a
    later run, these layers, variables and tags are its own to update, not the user's to
    keep."""

    layers: frozenset[str] = frozenset()
    variables: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()

    def as_metadata(self) -> dict[str, list[str]]:
        return {
            "layers": sorted(self.layers),
            "variables": sorted(self.variables),
            "tags": sorted(self.tags),
        }

    def __bool__(self) -> bool:
        return bool(self.layers or self.variables or self.tags)


#: the key of a function's `Metadata` that records what cdk-datadog wrote on it
RECORD_KEY = "cdk_datadog"


@dataclass(frozen=True)
class Plan:
    path: str
    family: str
    layers: tuple[LayerArn, ...] = ()
    #: the new handler, or None to leave it unchanged
    handler: str | None = None
    #: variables to add; never a key the function already sets
    environment: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    grants: tuple[Grant, ...] = ()
    subscribe_logs: bool = False
    xray_tracing: bool = False
    notes: tuple[Note, ...] = ()
    #: what an earlier run wrote on the function, which this plan may replace
    written_before: Written = field(default_factory=Written)

    @property
    def changes_anything(self) -> bool:
        return bool(self.layers or self.handler or self.environment or self.grants)


@dataclass(frozen=True)
class Skip:
    path: str
    reason: Note
    notes: tuple[Note, ...] = ()


Decision = Plan | Skip
