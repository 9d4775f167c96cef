"""The construct tree under a scope, read in one call, and what hangs where.

Stacks, Stages and L2 functions are found by walking parents in Python: `node.find_all()`
once per stack and `node.scope` once per function cost a call into Node each. Only the
constructs the shell works with cross into Python as proxies; the others are known by their
index, type and kind, and read by index (`node_helper.read_stack`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from constructs import IConstruct

from cdk_datadog.cdk.node_helper import read_tree

#: the id aws-cdk-lib gives an L2 construct's own L1 resource
L2_RESOURCE_ID = "Resource"
#: `types` entry of a CfnParameter
PARAMETER = "::Parameter"
#: `kinds` entries
STAGE = "Stage"
STACK = "Stack"
EDGE_FUNCTION = "EdgeFunction"


def display_path(path: str) -> str:
    """The path users wrote: the L2 construct's rather than its `Resource` child's."""
    suffix = f"/{L2_RESOURCE_ID}"
    return path[: -len(suffix)] if path.endswith(suffix) else path


@dataclass(frozen=True)
class Tree:
    """`nodes[0]` is the scope; `parents[i]` is the index of the parent of construct `i`,
    `types[i]` its CloudFormation resource type ("" when it renders no resource) and
    `kinds[i]` whether it is a Stage (the App included), a Stack (nested ones included), a
    Lambda@Edge function or "". `nodes[i]` is its proxy, or None when it did not cross."""

    nodes: list[Any]
    parents: list[int]
    types: list[str]
    kinds: list[str]
    #: where Node keeps the whole tree, for `node_helper.read_stack`
    handle: int = -1

    def owners(self, is_owner: Callable[[int], bool], root_owns: bool = False) -> list[int]:
        """For each construct, the index of its nearest ancestor-or-self whose index
        `is_owner` (-1 for none). The scope itself counts only with `root_owns`."""
        owners: list[int] = []
        for index, parent in enumerate(self.parents):
            if index == 0:
                owners.append(0 if root_owns and is_owner(0) else -1)
            elif is_owner(index):
                owners.append(index)
            else:
                owners.append(owners[parent])
        return owners

    def owners_of_kind(self, kind: str, root_owns: bool = False) -> list[int]:
        """`owners` of the constructs of this kind."""
        kinds = self.kinds
        return self.owners(lambda index: kinds[index] == kind, root_owns)


def read(scope: IConstruct, wanted: Iterable[str] = ()) -> Tree:
    """The tree under `scope`, in one call into Node; the resources of the `wanted` types and
    their parents cross as proxies."""
    handle, nodes, parents, types, kinds = read_tree(scope, wanted)
    return Tree(nodes, parents, types, kinds, handle)
