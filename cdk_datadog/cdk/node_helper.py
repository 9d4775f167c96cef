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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jsii
import orjson
from constructs import IConstruct

from cdk_datadog import __version__
from cdk_datadog.engine.notes import ERROR, INFO
from cdk_datadog.engine.plan import Note
from cdk_datadog.errors import DatadogError

ASSEMBLY = "cdk-datadog-batch"
#: the package's version, which cdk_datadog/cdk/node/package.json carries too (a test keeps
#: them equal; bin/build-helper names the tarball after it)
VERSION = __version__
TARBALL = f"{ASSEMBLY}@{VERSION}.jsii.tgz"
_JSII_PACKAGE = "cdk_datadog.cdk._jsii"


class NodeHelperMissing(DatadogError, RuntimeError):
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
    def tree(cls, scope: Any, wanted_json: str) -> dict[str, Any]:
        return jsii.sinvoke(cls, "tree", [scope, wanted_json])

    @jsii.member(jsii_name="instancesOf")
    @builtins.classmethod
    def instances_of(cls, scope: Any, class_name: str) -> list[Any]:
        return jsii.sinvoke(cls, "instancesOf", [scope, class_name])

    @jsii.member(jsii_name="readStack")
    @builtins.classmethod
    def read_stack(cls, scope: Any, handle: float, indexes_json: str) -> str:
        return jsii.sinvoke(cls, "readStack", [scope, handle, indexes_json])

    @jsii.member(jsii_name="writeStack")
    @builtins.classmethod
    def write_stack(
        cls,
        stack: Any,
        owners: list[Any],
        plan_json: str,
        functions: list[Any],
        others: list[Any],
        priority: float,
    ) -> None:
        jsii.sinvoke(cls, "writeStack", [stack, owners, plan_json, functions, others, priority])

    @jsii.member(jsii_name="addFirstVisitAspect")
    @builtins.classmethod
    def add_first_visit_aspect(cls, scope: Any, delegate: Any, priority: float) -> None:
        jsii.sinvoke(cls, "addFirstVisitAspect", [scope, delegate, priority])

    @jsii.member(jsii_name="annotate")
    @builtins.classmethod
    def annotate(cls, constructs: list[Any], notes_json: str) -> None:
        jsii.sinvoke(cls, "annotate", [constructs, notes_json])


def read_tree(
    scope: IConstruct, wanted: Iterable[str] = ()
) -> tuple[int, list[Any], list[int], list[str], list[str]]:
    """Every construct under `scope` (itself first, pre-order), in one call: the tree's handle,
    the constructs, the index of each one's parent (-1 for `scope`), its CloudFormation type
    ("" for none) and its kind (see `tree.Tree`). Only `scope`, the Stages, Stacks and
    Lambda@Edge functions, and the resources of the `wanted` types with their parents cross as
    proxies (about 17 µs each); the constructs list holds None for the others, which
    `read_stack` reaches by index."""
    _load()
    tree = _Batch.tree(scope, orjson.dumps(sorted(wanted)).decode())
    data = orjson.loads(tree["json"])
    nodes: list[Any] = [None] * len(data["parents"])
    for index, node in zip(data["selected"], tree["nodes"]):
        nodes[index] = node
    return int(tree["handle"]), nodes, data["parents"], data["types"], data["kinds"]


def instances_of(scope: IConstruct, class_name: str) -> list[Any]:
    """The constructs under `scope` (itself included) that are instances of an aws-cdk-lib
    class (`Stage`, `aws_lambda.CfnFunction`), in one call that sends only those."""
    _load()
    return list(_Batch.instances_of(scope, class_name))


@dataclass(frozen=True)
class Reading:
    """One L1 resource as `read_stack` read it."""

    logical_id: str
    #: its template entry (Type, Properties, Metadata), resolved in its own stack
    resource: dict[str, Any]
    path: str
    #: its construct id, and the construct it hangs from
    id: str
    scope: Any
    #: the properties it has raw overrides of (`add_property_override`, deletions included)
    overridden: frozenset[str] = frozenset()


def read_stack(
    scope: IConstruct,
    handle: int,
    resources: Sequence[int],
    scopes: Sequence[Any],
    parameters: Sequence[int] = (),
    shallow: Sequence[int] = (),
) -> tuple[list[Reading], dict[str, Any]]:
    """The resources at these indexes of the tree read under `scope` as `handle`, as
    CloudFormation renders them (those in `shallow`, whose type alone matters, as
    `{"Type": ...}`, after the others), and the parameters' defaults by logical id, in one
    call. `scopes` are the parents of `resources` and `shallow`, in that order, as the caller
    knows them from the tree (None for those that did not cross as proxies)."""
    if not resources and not parameters and not shallow:
        return [], {}
    _load()
    indexes = orjson.dumps(
        {"resources": list(resources), "parameters": list(parameters), "shallow": list(shallow)}
    ).decode()
    data = orjson.loads(_Batch.read_stack(scope, handle, indexes))
    readings = [
        Reading(
            item["logicalId"],
            item["resource"],
            item["path"],
            item["id"],
            parent,
            frozenset(item.get("overridden", ())),
        )
        for item, parent in zip(data["resources"], scopes)
    ]
    defaults = {
        item["logicalId"]: item["default"]
        for item in data["parameters"]
        if item.get("default") is not None
    }
    return readings, defaults


def write_stack(
    stack: Any,
    owners: Sequence[Any],
    plan: dict[str, Any],
    functions: Sequence[Any],
    others: Sequence[Any],
    priority: int,
) -> None:
    """Add the resources and write the changes of a stack's plan, in one call (see
    `Batch.writeStack` in cdk_datadog/cdk/node/lib/index.ts for the shape of `plan`)."""
    _load()
    _Batch.write_stack(
        stack, list(owners), orjson.dumps(plan).decode(), list(functions), list(others), priority
    )


def add_first_visit_aspect(scope: IConstruct, delegate: Any, priority: int) -> None:
    """An aspect on `scope` that calls `delegate.visit` once, at its first visit; it lives in
    Node, so visiting every other node costs no call into Python."""
    _load()
    _Batch.add_first_visit_aspect(scope, delegate, priority)


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
