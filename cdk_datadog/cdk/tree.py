"""The construct tree under a scope, read in one call, and what hangs where.

Stacks, Stages and L2 functions are found by walking parents in Python: `node.find_all()`
once per stack and `node.scope` once per function cost a call into Node each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from constructs import IConstruct

from cdk_datadog.cdk.node_helper import read_tree

#: the id aws-cdk-lib gives an L2 construct's own L1 resource
L2_RESOURCE_ID = "Resource"


def display_path(path: str) -> str:
    """The path users wrote: the L2 construct's rather than its `Resource` child's."""
    suffix = f"/{L2_RESOURCE_ID}"
    return path[: -len(suffix)] if path.endswith(suffix) else path


#: `types` entry of a CfnParameter
PARAMETER = "::Parameter"


@dataclass(frozen=True)
class Tree:
    """`nodes[0]` is the scope; `parents[i]` is the index of the parent of `nodes[i]`, and
    `types[i]` its CloudFormation resource type ("" when it renders no resource)."""

    nodes: list[Any]
    parents: list[int]
    types: list[str]

    def owners(self, is_owner: Callable[[Any], bool], root_owns: bool = False) -> list[int]:
        """For each node, the index of its nearest ancestor-or-self that `is_owner` (-1 for
        none). The scope itself counts only with `root_owns`."""
        owners: list[int] = []
        for index, (node, parent) in enumerate(zip(self.nodes, self.parents)):
            if index == 0:
                owners.append(0 if root_owns and is_owner(node) else -1)
            elif is_owner(node):
                owners.append(index)
            else:
                owners.append(owners[parent])
        return owners


def read(scope: IConstruct) -> Tree:
    """The tree under `scope`, in one call into Node."""
    return Tree(*read_tree(scope))
