"""Reading and writing many constructs in one call into Node.

Every call from Python into aws-cdk-lib crosses into the jsii Node process and costs about
0.3 ms, so reading, overriding and annotating 200 functions one at a time took more time than
the rest of the synthesis. The CDK shell does these a stack at a time through the static
methods of a small jsii assembly of ours (TypeScript in `cdk_datadog/cdk/node/`, compiled by
`bin/setup` into `cdk_datadog/cdk/_jsii/`). It decides nothing: what to write comes from the
engine. It is loaded into the app's jsii runtime at the first use, not at import.

Large plain data (resolved properties, overrides) crosses as one JSON string: jsii's Python
side converts a structure value by value, which cost more than the work itself.
"""

from __future__ import annotations

import builtins
import importlib.resources
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jsii
import orjson
from constructs import IConstruct

from cdk_datadog.engine.notes import ERROR, INFO
from cdk_datadog.engine.plan import Note

ASSEMBLY = "cdk-datadog-batch"
#: the version in cdk_datadog/cdk/node/package.json (a test keeps them equal)
VERSION = "0.1.0"
TARBALL = f"{ASSEMBLY}@{VERSION}.jsii.tgz"
_JSII_PACKAGE = "cdk_datadog.cdk._jsii"


class NodeHelperMissing(RuntimeError):
    """The compiled Node helper is not installed next to the package."""


_loaded = False


def _load() -> None:
    global _loaded
    if _loaded:
        return
    if not importlib.resources.files(_JSII_PACKAGE).joinpath(TARBALL).is_file():
        raise NodeHelperMissing(
            f"cdk_datadog's Node helper {TARBALL} is missing from {_JSII_PACKAGE}, where every "
            "install of cdk-datadog puts it: reinstall the package (pip install "
            '--force-reinstall "cdk-datadog[cdk]"); in a source checkout, restore it from git '
            "or run bin/setup --rebuild-helper"
        )
    jsii.JSIIAssembly.load(ASSEMBLY, VERSION, "cdk_datadog.cdk", TARBALL)
    _loaded = True


class _Batch(metaclass=jsii.JSIIMeta, jsii_type=f"{ASSEMBLY}.Batch"):
    """The jsii class `Batch` of cdk_datadog/cdk/node/lib/index.ts (static methods only)."""

    @jsii.member(jsii_name="tree")
    @builtins.classmethod
    def tree(cls, scope: Any) -> dict[str, Any]:
        return jsii.sinvoke(cls, "tree", [scope])

    @jsii.member(jsii_name="instancesOf")
    @builtins.classmethod
    def instances_of(cls, scope: Any, class_name: str) -> list[Any]:
        return jsii.sinvoke(cls, "instancesOf", [scope, class_name])

    @jsii.member(jsii_name="readResources")
    @builtins.classmethod
    def read_resources(cls, resources: list[Any]) -> dict[str, Any]:
        return jsii.sinvoke(cls, "readResources", [resources])

    @jsii.member(jsii_name="logicalIds")
    @builtins.classmethod
    def logical_ids(cls, elements: list[Any]) -> list[str]:
        return jsii.sinvoke(cls, "logicalIds", [elements])

    @jsii.member(jsii_name="addPropertyOverrides")
    @builtins.classmethod
    def add_property_overrides(cls, resources: list[Any], overrides_json: str) -> None:
        jsii.sinvoke(cls, "addPropertyOverrides", [resources, overrides_json])

    @jsii.member(jsii_name="createResources")
    @builtins.classmethod
    def create_resources(cls, scopes: list[Any], specs_json: str) -> str:
        return jsii.sinvoke(cls, "createResources", [scopes, specs_json])

    @jsii.member(jsii_name="setTags")
    @builtins.classmethod
    def set_tags(cls, resources: list[Any], tags_json: str, priority: float) -> None:
        jsii.sinvoke(cls, "setTags", [resources, tags_json, priority])

    @jsii.member(jsii_name="annotate")
    @builtins.classmethod
    def annotate(cls, constructs: list[Any], notes_json: str) -> None:
        jsii.sinvoke(cls, "annotate", [constructs, notes_json])


def read_tree(scope: IConstruct) -> tuple[list[Any], list[int]]:
    """Every construct under `scope` (itself first, pre-order) and the index of each one's
    parent (-1 for `scope`), in one call."""
    _load()
    tree = _Batch.tree(scope)
    return list(tree["nodes"]), orjson.loads(tree["parents"])


def instances_of(scope: IConstruct, class_name: str) -> list[Any]:
    """The constructs under `scope` (itself included) that are instances of an aws-cdk-lib
    class (`Stage`, `aws_lambda.CfnFunction`), in one call that sends only those."""
    _load()
    return list(_Batch.instances_of(scope, class_name))


@dataclass(frozen=True)
class Reading:
    """One L1 resource as read by `read_resources`."""

    #: the resource's properties, resolved in its own stack (camelCase keys)
    properties: dict[str, Any]
    logical_id: str
    path: str
    #: its construct id, and the construct it hangs from
    id: str
    scope: Any


def read_resources(resources: Sequence[Any]) -> list[Reading]:
    """Properties, logical id, path, id and parent of each L1 resource, in one call."""
    if not resources:
        return []
    _load()
    read = _Batch.read_resources(list(resources))
    return [
        Reading(
            properties=item.get("properties") or {},
            logical_id=item["logicalId"],
            path=item["path"],
            id=item["id"],
            scope=scope,
        )
        for item, scope in zip(orjson.loads(read["json"]), read["scopes"])
    ]


def logical_ids(elements: Sequence[Any]) -> list[str]:
    """The logical id of each CloudFormation element, in one call."""
    if not elements:
        return []
    _load()
    return list(_Batch.logical_ids(list(elements)))


def add_property_overrides(resources: Sequence[Any], overrides: Sequence[dict[str, Any]]) -> None:
    """One `Properties` override per resource, in one call; overrides are plain JSON (tokens
    as their strings)."""
    if resources:
        _load()
        _Batch.add_property_overrides(list(resources), orjson.dumps(list(overrides)).decode())


@dataclass(frozen=True)
class ResourceSpec:
    """An L1 resource to create: `l1` names the class (`aws_logs.CfnLogGroup`), `props` are
    its camelCase properties; `depends_on` lists indexes of earlier specs of the same call."""

    scope: IConstruct
    id: str
    l1: str
    props: dict[str, Any]
    retain: bool = False
    depends_on: tuple[int, ...] = ()
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Created:
    """Tokens of a created resource: its `Ref`, and `Fn::GetAtt` of the attributes asked for."""

    ref: str
    attributes: dict[str, str] = field(default_factory=dict)


def create_resources(specs: Sequence[ResourceSpec]) -> list[Created]:
    """Create the resources in order, in one call."""
    if not specs:
        return []
    _load()
    created = _Batch.create_resources(
        [spec.scope for spec in specs],
        orjson.dumps(
            [
                {
                    "id": spec.id,
                    "l1": spec.l1,
                    "props": spec.props,
                    "retain": spec.retain,
                    "dependsOn": list(spec.depends_on),
                    "attributes": list(spec.attributes),
                }
                for spec in specs
            ]
        ).decode(),
    )
    return [Created(item["ref"], item["attributes"]) for item in orjson.loads(created)]


def set_tags(resources: Sequence[Any], tags: Sequence[dict[str, str]], priority: int) -> None:
    """Tags through each resource's TagManager at `priority`, in one call; tags set at a
    higher priority (the user's `Tags.of(...)`, 100) win whenever they are applied."""
    if resources:
        _load()
        _Batch.set_tags(list(resources), orjson.dumps(list(tags)).decode(), priority)


def _level(note: Note) -> str:
    return "info" if note.level == INFO else "error" if note.level == ERROR else "warning"


def annotate_all(items: Sequence[tuple[IConstruct, Note]]) -> None:
    """Notes as CDK Annotations, in one call: warnings can be acknowledged by their id, errors
    fail `cdk synth`."""
    if not items:
        return
    _load()
    notes = []
    for _, note in items:
        level = _level(note)
        # info and error annotations have no id of their own: it goes in the text
        message = note.message if level == "warning" else f"{note.message} [{note.id}]"
        notes.append({"level": level, "id": note.id, "message": message})
    _Batch.annotate([construct for construct, _ in items], orjson.dumps(notes).decode())
