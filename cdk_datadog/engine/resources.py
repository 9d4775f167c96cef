"""Resources the engine adds to a stack, and changes to resources the stack already has, in
CloudFormation shape: each front end writes them as they are, the template shell into the
template's dicts, the CDK shell as L1 constructs with these logical ids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Acknowledgment:
    """A cdk-nag finding instrumentation cannot avoid on a resource, with the reason a reader
    of the report needs (written as `cdk_nag` metadata, and as an aws-cdk-lib validation
    acknowledgment in the CDK)."""

    rule: str
    applies_to: str
    reason: str


@dataclass(frozen=True)
class NewResource:
    """A resource to add. References to other added resources use their logical ids."""

    logical_id: str
    #: logical id of the resource it belongs to (a function, a state machine, a stage), or ""
    #: for the stack: the CDK shell hangs the construct there
    owner: str
    type: str
    properties: Mapping[str, Any]
    depends_on: tuple[str, ...] = ()
    #: kept when the stack is deleted or the resource replaced (log groups)
    retain: bool = False
    acknowledgments: tuple[Acknowledgment, ...] = ()
    #: the stack condition it exists under: that of the resources it is added for
    condition: str | None = None

    def to_template(self) -> dict[str, Any]:
        """The resource as a template writes it."""
        resource: dict[str, Any] = {"Type": self.type}
        if self.condition is not None:
            resource["Condition"] = self.condition
        if self.properties:
            resource["Properties"] = _plain(self.properties)
        if self.depends_on:
            resource["DependsOn"] = list(self.depends_on)
        if self.retain:
            resource["DeletionPolicy"] = "Retain"
            resource["UpdateReplacePolicy"] = "Retain"
        if self.acknowledgments:
            resource["Metadata"] = {"cdk_nag": nag_metadata(self.acknowledgments)}
        return resource


def nag_metadata(acknowledgments: tuple[Acknowledgment, ...]) -> dict[str, Any]:
    """cdk-nag's suppression metadata for these acknowledgments."""
    return {
        "rules_to_suppress": [
            {"id": ack.rule, "reason": ack.reason, "applies_to": [ack.applies_to]}
            for ack in acknowledgments
        ]
    }


@dataclass(frozen=True)
class ResourceChange:
    """Changes to a resource of the stack other than a function (a state machine)."""

    logical_id: str
    #: top-level properties to set, CloudFormation-shaped
    properties: Mapping[str, Any] = field(default_factory=dict)
    #: tags to add where the resource has no tag of that key (the user's win)
    tags: Mapping[str, str] = field(default_factory=dict)
    #: added resources it must wait for
    depends_on: tuple[str, ...] = ()


def _plain(value: Any) -> Any:
    """Mappings and tuples as the dicts and lists a template holds."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
